"""One-off archiving of URLs: which URLs are acceptable, and what became of each."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from archiver.config import RESERVED_SITE_KEYS, SITE_KEY_RE

#: The collection one-off archives go into unless --site names another.
DEFAULT_COLLECTION = "adhoc"
#: Where `archiver replay` serves (override with ARCHIVER_REPLAY_URL).
DEFAULT_REPLAY_URL = "http://127.0.0.1:8090"
#: The longest URL accepted: the limit browsers and Scrapy (URLLENGTH_LIMIT) keep to.
MAX_URL_LENGTH = 2083


class BadUrl(ValueError):
    """A URL that cannot be archived (not http(s), no host, credentials, too long, malformed)."""


def check_url(url: str) -> str:
    """The URL, stripped, if it can be fetched; else BadUrl saying why."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a malformed port
    except ValueError as exc:
        raise BadUrl(f"{url!r} is not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise BadUrl(f"{url!r}: {scheme}; only http:// and https:// URLs can be archived")
    if not parts.hostname:
        raise BadUrl(f"{url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise BadUrl(
            f"{parts.scheme}://...@{parts.hostname}: a user name or password in the URL is "
            "refused (it would be kept in the WARC files and the catalog for good)"
        )
    if len(text) > MAX_URL_LENGTH:
        raise BadUrl(
            f"{text[:60]}...: {len(text):,} characters; URLs longer than {MAX_URL_LENGTH:,} "
            "characters are not fetched"
        )
    if any(c.isspace() for c in text) or (port is not None and not 0 < port < 65536):
        raise BadUrl(f"{url!r} is not a valid URL")
    return text


def check_collection(name: str) -> str:
    """A collection (site) key: lowercase letters, digits, '-' and '_'."""
    if SITE_KEY_RE.fullmatch(name) is None:
        raise BadUrl(
            f"collection {name!r}: expected lowercase letters, digits, '-' and '_', starting "
            "with a letter or digit, at most 63 characters"
        )
    if name in RESERVED_SITE_KEYS:
        raise BadUrl(f"collection {name!r} is taken by the replay server's Memento paths")
    return name


def read_url_list(lines: Iterable[str]) -> list[str]:
    """URLs from a file, one per line; blank lines and `#` comments are skipped."""
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def replay_address(site: str, warc_date: str, url: str, base: str | None = None) -> str:
    """Where `archiver replay` shows this capture: <base>/<collection>/<14-digit time>/<url>."""
    root = (base or os.environ.get("ARCHIVER_REPLAY_URL") or DEFAULT_REPLAY_URL).rstrip("/")
    stamp = "".join(c for c in warc_date if c.isdigit())[:14]
    return f"{root}/{site}/{stamp}/{url}"


@dataclass
class PageOutcome:
    """What archiving one URL did."""

    url: str  # as given
    final_url: str | None = None  # after redirects
    redirects: list[dict[str, Any]] = field(default_factory=list)  # [{url, status}] hops
    # Where a redirect or meta refresh not followed pointed (javascript:, mailto:, ...).
    redirect_not_followed: str | None = None
    status: int | None = None  # of the final response
    error: str | None = None  # why it failed, when it did
    fetched_at: str | None = None
    warc_record_id: str | None = None
    article_id: str | None = None
    version: int | None = None
    is_article: bool | None = None
    json_path: str | None = None  # relative to the archive root
    replay_url: str | None = None
    requisites_fetched: int = 0  # page resources archived
    requisites_missing: dict[str, int] = field(default_factory=dict)  # not archived, by reason
    rendered: bool = False  # loaded in the browser (--render), its DOM and screenshots kept

    @property
    def requisites_needed(self) -> int:
        return self.requisites_fetched + sum(self.requisites_missing.values())

    def resources_note(self) -> str:
        """``12 of 14 page resources archived (missing: dead-host 2)``."""
        if self.requisites_needed == 0:
            return "no page resources"
        note = f"{self.requisites_fetched} of {self.requisites_needed} page resources archived"
        if self.requisites_missing:
            why = ", ".join(f"{k} {v}" for k, v in self.requisites_missing.items())
            note += f" (missing: {why})"
        return note

    @property
    def ok(self) -> bool:
        """A response came back, below 400."""
        return self.error is None and self.status is not None and self.status < 400

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "requisites_needed": self.requisites_needed}

    def line(self, archive_root: str) -> str:
        """The stdout line: status, article id, JSON path, replay address, URL (tab-separated)."""
        status = str(self.status) if self.error is None else (self.error.replace("\t", " "))
        json_path = f"{archive_root.rstrip('/')}/{self.json_path}" if self.json_path else "-"
        return "\t".join(
            (status, self.article_id or "-", json_path, self.replay_url or "-", self.url)
        )
