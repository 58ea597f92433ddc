"""The site config model: one news site, its sources, article rules and crawl settings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from archiver.config.checks import Contact, HostName, HttpUrl, SiteKey, host_allowed, is_http_url
from archiver.config.errors import error_details, fail, fail_at, show
from archiver.config.parts import (
    ArticleRules,
    CrawlSettings,
    ExtractHints,
    RequestSettings,
    RequisiteRules,
    Section,
    StrictModel,
    UrlRules,
)
from archiver.config.secrets import SecretText

__all__ = ["SiteConfig"]


class SiteConfig(StrictModel):
    """archiver site config: one news site, its sources, article rules and crawl settings."""

    site: SiteKey = Field(
        description="Short key used in archive paths and ids: lowercase letters, digits, "
        "'-' and '_', starting with a letter or digit, at most 63 characters.",
        examples=["example-news"],
    )
    name: str = Field(min_length=1, description="Human-readable site name.")
    contact: Contact | None = Field(
        default=None,
        description="http(s) URL or mailto: address of the operator, put in the User-Agent so "
        "the site can reach whoever archives it.",
        examples=["https://example.org/archiving", "mailto:archive@example.org"],
    )
    allowed_domains: list[HostName] = Field(
        min_length=1,
        description="Host names the crawl may visit; their subdomains count too. No scheme, "
        "port or path.",
        examples=[["news.example.com"]],
    )
    sections: list[Section] = Field(
        default_factory=list,
        description="Listing pages to walk for article links. May be empty if feeds or "
        "sitemaps are given.",
    )
    feeds: list[HttpUrl] = Field(
        default_factory=list, description="RSS or Atom feed URLs listing articles."
    )
    sitemaps: list[HttpUrl] = Field(
        default_factory=list,
        description="Sitemap URLs (news sitemaps or sitemap indexes) listing articles.",
    )
    sitemaps_from_robots: bool = Field(
        default=False,
        description="Also read the sitemaps named in each allowed domain's robots.txt.",
    )
    articles: ArticleRules = Field(description="Which links are articles.")
    crawl: CrawlSettings = Field(
        default_factory=CrawlSettings, description="Crawl schedule, politeness and budgets."
    )
    extract: ExtractHints = Field(
        default_factory=ExtractHints, description="Optional per-site extraction hints."
    )
    urls: UrlRules = Field(
        default_factory=UrlRules,
        description="How article links are cleaned before they are fetched: tracking "
        "parameters and AMP variants mapped to one URL, so each article is fetched once.",
    )
    requisites: RequisiteRules = Field(
        default_factory=RequisiteRules,
        description="Page resources fetched with each article so it replays as it looked: "
        "scope, blocking, budgets.",
    )

    request: RequestSettings = Field(
        default_factory=RequestSettings,
        description="Headers and cookies sent to the site's own hosts (allowed_domains and "
        "their subdomains): a login. Values may name environment variables (${VAR}).",
    )
    proxy: SecretText | None = Field(
        default=None,
        description="http(s) URL of a proxy every request of this crawl goes through, "
        "credentials allowed (http://user:pass@proxy:3128); may name environment variables "
        "(${VAR}). Default: the http_proxy / https_proxy environment variables, if set.",
        examples=["http://proxy.library.example:3128"],
    )

    _config_hash: str | None = PrivateAttr(default=None)
    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def config_hash(self) -> str:
        """sha256 hex of the file this config was loaded from.

        For a config built in code: the sha256 of its canonical JSON instead.
        """
        if self._config_hash is None:
            # Secrets stay out of it (so does the key of an unset one: the hash is as before).
            data = self.model_dump(mode="json", exclude={"request", "proxy"})
            if self.request.configured or self.proxy is not None:
                data["request"] = self.request_summary()
            canonical = json.dumps(data, sort_keys=True)
            return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return self._config_hash

    @property
    def source_path(self) -> Path | None:
        """The file this config was loaded from (None when built in code)."""
        return self._source_path

    def record_source(self, path: Path, config_hash: str) -> None:
        """Note the file this config was loaded from and its sha256 (load_site_config does)."""
        self._config_hash = config_hash
        self._source_path = path

    def block_list_paths(self) -> list[Path]:
        """``requisites.block_lists`` as paths, relative ones taken from the config's folder."""
        base = self.source_path.parent if self.source_path is not None else Path()
        return [base / name for name in self.requisites.block_lists]

    def cookies_file_path(self) -> Path | None:
        """``request.cookies_file`` as a path, a relative one taken from the config's folder."""
        if self.request.cookies_file is None:
            return None
        base = self.source_path.parent if self.source_path is not None else Path()
        return base / self.request.cookies_file

    def request_summary(self) -> str:
        """What `request` and `proxy` set, by name only (no value): for warcinfo and logs."""
        parts = []
        if self.request.headers:
            parts.append("headers " + ", ".join(self.request.headers))
        if self.request.cookies:
            parts.append("cookies " + ", ".join(self.request.cookies))
        if self.request.cookies_file:
            parts.append("a cookies.txt file")
        if self.proxy is not None:
            host = urlsplit(self.proxy.get_secret_value()).hostname or "?"
            parts.append(f"through proxy {host}")
        return "; ".join(parts)

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: Any) -> Any:
        if value is not None and not is_http_url(value.get_secret_value()):
            raise fail("expected an http(s) URL of a proxy, e.g. http://proxy.example:3128")
        return value

    def is_allowed_host(self, host: str) -> bool:
        """Whether ``host`` is one of allowed_domains or a subdomain of one."""
        return host_allowed(host, self.allowed_domains)

    @field_validator("sections", mode="wrap")
    @classmethod
    def _sections_on_allowed_domains(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        # Checked on the raw items, so this is reported together with the sections' own errors.
        domains: list[str] = info.data.get("allowed_domains") or []
        outside: list[InitErrorDetails] = []
        for i, item in enumerate(value if domains and isinstance(value, list) else []):
            url = item.get("url") if isinstance(item, dict) else getattr(item, "url", None)
            if not (isinstance(url, str) and is_http_url(url)):
                continue  # no URL, or a bad one: the section reports it
            if not host_allowed(urlsplit(url).hostname or "", domains):
                message = (
                    f"expected a URL on one of allowed_domains ({', '.join(domains)}) or "
                    f"their subdomains, got {show(url)}"
                )
                outside.append(InitErrorDetails(type=fail(message), loc=(i, "url"), input=url))
        try:
            sections = handler(value)
        except ValidationError as err:
            if not outside:
                raise
            errors = sorted([*error_details(err), *outside], key=_item_index)
            raise ValidationError.from_exception_data("SiteConfig", errors) from None
        if outside:
            raise ValidationError.from_exception_data("SiteConfig", outside)
        return sections

    @model_validator(mode="after")
    def _has_a_source(self) -> SiteConfig:
        if not (self.sections or self.feeds or self.sitemaps or self.sitemaps_from_robots):
            raise fail_at(
                ("sections",),
                "expected at least one source: a section, a feed or a sitemap "
                "(or sitemaps_from_robots: true); all are empty",
                self.sections,
            )
        return self


def _item_index(detail: InitErrorDetails) -> int:
    """Position of the list item an error belongs to (-1 for the list itself)."""
    loc = detail["loc"]
    return loc[0] if loc and isinstance(loc[0], int) else -1
