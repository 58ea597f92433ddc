"""A site's login: which headers and cookies go to which hosts, and what request records hide.

`SiteCredentials` is what a config's ``request:`` and ``proxy:`` mean for a crawl: headers
and cookies for the site's own hosts (allowed_domains and their subdomains) and nothing for
any other (a CDN, an ad server, a redirect off the site). `Redactor` replaces their values in
the request headers written to WARC records. Plain Python: the Scrapy middleware only applies
these to requests.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from archiver.config import SiteConfig
from archiver.config.checks import host_allowed
from archiver.config.secrets import FileCookie, read_cookies_file
from archiver.warc import HttpExchange

__all__ = [
    "REDACTED",
    "Redactor",
    "SiteCredentials",
    "drop_cookies",
    "merge_cookie_header",
]

#: What a secret value is replaced by in WARC request records.
REDACTED = "[redacted]"
#: Request headers always redacted: they carry a proxy's credentials, never the site's.
ALWAYS_REDACTED = frozenset({"proxy-authorization"})
#: Secrets shorter than this are redacted where configured, not searched for elsewhere.
MIN_SEARCHED = 4


@dataclass(frozen=True)
class SiteCredentials:
    """Headers and cookies for a site's own hosts, and the proxy of its crawl.

    The values are secrets: the repr shows names only.
    """

    domains: tuple[str, ...]
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    cookies: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    file_cookies: tuple[FileCookie, ...] = field(default=(), repr=False)
    proxy: str | None = field(default=None, repr=False)
    summary: str = ""

    @classmethod
    def from_config(cls, config: SiteConfig) -> SiteCredentials | None:
        """The config's credentials (None when it sets no header, cookie nor proxy).

        Reads ``request.cookies_file`` (OSError or ValueError when it cannot be read).
        """
        request = config.request
        if not request.configured and config.proxy is None:
            return None
        path = config.cookies_file_path()
        return cls(
            domains=tuple(config.allowed_domains),
            headers=tuple((k, v.get_secret_value()) for k, v in request.headers.items()),
            cookies=tuple((k, v.get_secret_value()) for k, v in request.cookies.items()),
            file_cookies=tuple(read_cookies_file(path)) if path is not None else (),
            proxy=config.proxy.get_secret_value() if config.proxy is not None else None,
            summary=config.request_summary(),
        )

    def is_site_host(self, host: str) -> bool:
        """Whether ``host`` is one of the site's own (allowed_domains or a subdomain)."""
        return host_allowed(host, self.domains)

    @property
    def header_names(self) -> frozenset[str]:
        """Lower-cased names of the configured headers."""
        return frozenset(name.lower() for name, _ in self.headers)

    @property
    def cookie_names(self) -> frozenset[str]:
        """Names of every configured cookie (config and file)."""
        return frozenset([n for n, _ in self.cookies] + [c.name for c in self.file_cookies])

    def headers_for(self, url: str) -> list[tuple[str, str]]:
        """The configured headers for a request to ``url`` (none off the site's hosts)."""
        host = urlsplit(url).hostname or ""
        return list(self.headers) if self.is_site_host(host) else []

    def cookies_for(self, url: str) -> list[tuple[str, str]]:
        """The configured cookies for a request to ``url`` (none off the site's hosts); a
        cookies.txt cookie only where its own domain, path and secure flag allow."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if not self.is_site_host(host):
            return []
        path = parts.path or "/"
        pairs = list(self.cookies)
        for cookie in self.file_cookies:
            if cookie.host_only and host != cookie.domain:
                continue
            if not host_allowed(host, [cookie.domain]):
                continue
            if not _path_matches(path, cookie.path):
                continue
            if cookie.secure and parts.scheme.lower() != "https":
                continue
            pairs.append((cookie.name, cookie.value))
        return pairs

    def browser_cookies(self) -> list[dict[str, Any]]:
        """The configured cookies for a browser context's cookie store (Playwright's
        ``add_cookies``), scoped to the site's own hosts: a leading dot means "and its
        subdomains"; an IP address is its own host only."""
        cookies: list[dict[str, Any]] = []
        for domain in self.domains:
            scope = domain if _is_ip(domain) else "." + domain
            cookies += [
                {"name": n, "value": v, "domain": scope, "path": "/"} for n, v in self.cookies
            ]
        for cookie in self.file_cookies:
            if cookie.host_only or _is_ip(cookie.domain):
                scopes = [cookie.domain] if self.is_site_host(cookie.domain) else []
            elif self.is_site_host(cookie.domain):
                scopes = ["." + cookie.domain]
            else:  # a wider domain than the site's: narrowed to the site's own
                scopes = ["." + d for d in self.domains if host_allowed(d, [cookie.domain])]
            cookies += [
                {
                    "name": cookie.name,
                    "value": cookie.value,
                    "domain": scope,
                    "path": cookie.path,
                    "secure": cookie.secure,
                }
                for scope in scopes
            ]
        return cookies

    def secret_values(self) -> list[str]:
        """Every secret value: header values, cookie values, the proxy URL's password."""
        values = [v for _, v in self.headers] + [v for _, v in self.cookies]
        values += [c.value for c in self.file_cookies]
        if self.proxy:
            password = urlsplit(self.proxy).password
            if password:
                values.append(password)
        return [v for v in values if v]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _path_matches(path: str, cookie_path: str) -> bool:
    """RFC 6265 path-match."""
    if path == cookie_path or cookie_path == "/":
        return True
    prefix = cookie_path if cookie_path.endswith("/") else cookie_path + "/"
    return path.startswith(prefix)


def _cookie_pairs(header: str) -> list[tuple[str, str]]:
    pairs = []
    for item in header.split(";"):
        name, sep, value = item.strip().partition("=")
        if name or sep:
            pairs.append((name.strip(), value.strip()))
    return pairs


def merge_cookie_header(existing: str | None, pairs: Sequence[tuple[str, str]]) -> str:
    """A Cookie header value: ``existing`` cookies (e.g. set by the server), then ``pairs``
    whose name is not among them."""
    have = _cookie_pairs(existing or "")
    names = {n for n, _ in have}
    merged = have + [(n, v) for n, v in pairs if n not in names]
    return "; ".join(f"{n}={v}" for n, v in merged)


def drop_cookies(header: str, names: Iterable[str]) -> str:
    """A Cookie header value without the cookies named ``names``."""
    unwanted = set(names)
    return "; ".join(f"{n}={v}" for n, v in _cookie_pairs(header) if n not in unwanted)


class Redactor:
    """Replaces secret values in request headers by `REDACTED`, keeping the header names.

    Redacted: Proxy-Authorization always; the configured headers' values; in Cookie headers,
    the values of configured cookies; and anywhere else in a request header, any configured
    secret value (of `MIN_SEARCHED` characters or more). Response records are the server's
    bytes and are not touched.
    """

    def __init__(self, credentials: SiteCredentials | None = None) -> None:
        self.header_names = ALWAYS_REDACTED | (
            credentials.header_names if credentials is not None else frozenset()
        )
        self.cookie_names = credentials.cookie_names if credentials is not None else frozenset()
        values = credentials.secret_values() if credentials is not None else []
        # Longest first, so a secret containing another is replaced whole.
        self.values = sorted({v for v in values if len(v) >= MIN_SEARCHED}, key=len, reverse=True)

    def headers(self, headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """``headers`` with the secret values replaced."""
        out = []
        for name, value in headers:
            lname = name.lower()
            if lname in self.header_names:
                value = REDACTED
            elif lname == "cookie" and self.cookie_names:
                pairs = _cookie_pairs(value)
                if any(n in self.cookie_names for n, _ in pairs):
                    value = "; ".join(
                        f"{n}={REDACTED if n in self.cookie_names else v}" for n, v in pairs
                    )
            for secret in self.values:
                value = value.replace(secret, REDACTED)
            out.append((name, value))
        return out

    def exchange(self, exchange: HttpExchange) -> HttpExchange:
        """``exchange`` with its request headers redacted (the same object if none is)."""
        headers = self.headers(exchange.request_headers)
        if headers == list(exchange.request_headers):
            return exchange
        return dataclasses.replace(exchange, request_headers=headers)
