"""The parts of a site config: sections, article rules, crawl settings, page resources, hints."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from archiver.config.checks import (
    BlockPattern,
    CronExpression,
    CssSelector,
    Duration,
    HostName,
    HttpUrl,
    Regex,
    parse_duration,
)
from archiver.config.errors import fail_at, show
from archiver.config.secrets import CookieName, HeaderName, SecretText
from archiver.config.urlrules import UrlRule, compile_url_rule

__all__ = [
    "ArticleRules",
    "CrawlSettings",
    "ExtractHints",
    "RequestSettings",
    "RequisiteRules",
    "Section",
    "StrictModel",
    "UrlRules",
]


class StrictModel(BaseModel):
    """Base: unknown keys are errors and values are not coerced (YAML already typed them)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _no_default(schema: dict[str, Any]) -> None:
    """Leave a computed default out of the JSON Schema (the description explains it)."""
    schema.pop("default", None)


class Section(StrictModel):
    """A listing page to walk for article links (e.g. a front page or a section front)."""

    url: HttpUrl = Field(
        description="http(s) URL of the listing page; its host must be one of allowed_domains "
        "or a subdomain of one.",
        examples=["https://news.example.com/world"],
    )
    name: str = Field(
        default="",
        json_schema_extra=_no_default,
        description="Section name recorded with each article found here. Default: the last "
        "segment of the URL path ('world' for /world), or 'home' for the site root.",
    )
    max_pages: int = Field(
        default=1,
        ge=1,
        le=10_000,
        description="Follow pagination this far: 1 means only the page at url itself.",
    )
    next_page: CssSelector | None = Field(
        default=None,
        description="CSS selector of the pagination link (an <a> element), e.g. 'a[rel=next]'. "
        "Default: found by heuristics (rel=next, 'next'/'more' links, ?page=N).",
    )
    render: Literal["never", "auto", "always"] | None = Field(
        default=None,
        description="Load the articles found here in a browser: never, auto or always (see "
        "crawl.render). Default: crawl.render.",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("name") and isinstance(data.get("url"), str):
            data = {**data, "name": _name_from_url(data["url"])}
        return data


def _name_from_url(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return unquote(segments[-1]) if segments else "home"


class ArticleRules(StrictModel):
    """Which links are articles. Patterns are searched anywhere in the absolute URL."""

    allow: list[Regex] = Field(
        default_factory=list,
        description="Regular expressions; a link is an article if one matches "
        "(searched anywhere in the absolute URL, in linear time: Python syntax without "
        "lookarounds or backreferences). Empty: any link within allowed_domains.",
        examples=[[r"/\d{4}/\d{2}/\d{2}/[\w-]+$"]],
    )
    deny: list[Regex] = Field(
        default_factory=list,
        description="Regular expressions (as for allow); a link matching any of them is "
        "never an article (deny wins over allow).",
        examples=[["/live/", "/video/"]],
    )
    max_age: Duration | None = Field(
        default=None,
        description="Skip articles published longer ago than this (where the date is known): "
        "<number><s|m|h|d|w>, e.g. '7d', at most 36525d (100 years). Default: no limit.",
        examples=["7d"],
    )

    @property
    def max_age_timedelta(self) -> timedelta | None:
        """``max_age`` as a timedelta (None: no limit)."""
        return None if self.max_age is None else parse_duration(self.max_age)

    @property
    def allow_patterns(self) -> list[UrlRule]:
        """``allow`` compiled (RE2: linear time; search the URL's UTF-8 bytes)."""
        return [compile_url_rule(p) for p in self.allow]

    @property
    def deny_patterns(self) -> list[UrlRule]:
        """``deny`` compiled (RE2: linear time; search the URL's UTF-8 bytes)."""
        return [compile_url_rule(p) for p in self.deny]

    def matches(self, url: str) -> bool:
        """Whether ``url`` passes the allow/deny rules (domains are not checked here)."""
        text = url.encode("utf-8", "surrogatepass")
        if any(p.search(text) for p in self.deny_patterns):
            return False
        return not self.allow or any(p.search(text) for p in self.allow_patterns)


class CrawlSettings(StrictModel):
    """How to crawl: schedule, politeness and budgets. Every key has a default."""

    schedule: CronExpression | None = Field(
        default=None,
        description="When to crawl, as a 5-field cron expression (minute hour day-of-month "
        "month day-of-week) or @hourly/@daily/...; used by `archiver schedule`. "
        "Default: only when run by hand.",
        examples=["*/30 * * * *"],
    )
    recapture: list[Duration] = Field(
        default_factory=list,
        max_length=100,
        description="Fetch each article again this long after its first capture, to keep its "
        "later versions; strictly increasing, e.g. [1h, 24h, 7d], each at most 36525d "
        "(100 years), at most 100 steps. Default: never.",
        examples=[["1h", "24h", "7d"]],
    )
    recapture_from: Literal["published", "first_capture"] = Field(
        default="published",
        description="What the recapture steps count from: 'published' (the article's date "
        "where a page, feed or sitemap gives one, else its first capture) or 'first_capture' "
        "(for sites whose dates cannot be trusted). Default: published.",
    )
    download_delay: float = Field(
        default=1.0,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="Seconds to wait between requests to the same site, 0 to 3600 "
        "(Scrapy DOWNLOAD_DELAY).",
    )
    obey_robots: bool = Field(
        default=True, description="Obey the site's robots.txt (Scrapy ROBOTSTXT_OBEY)."
    )
    concurrency: int = Field(
        default=4,
        ge=1,
        le=100,
        description="Requests in flight per domain, 1 to 100 "
        "(Scrapy CONCURRENT_REQUESTS_PER_DOMAIN).",
    )
    user_agent: str | None = Field(
        default=None,
        min_length=1,
        description="Full User-Agent override. Default: archiver's own, naming `contact`.",
    )
    max_pages: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000_000,
        description="Stop after this many pages per crawl, all kinds counted "
        "(Scrapy CLOSESPIDER_PAGECOUNT). Default: no limit.",
    )
    render: Literal["never", "auto", "always"] = Field(
        default="never",
        description="Load articles in headless Chromium (browser capture, needs the `browser` "
        "extra): 'never' (Scrapy only), 'auto' (again in the browser when the HTML as fetched "
        "gives fewer than render_min_words words of article text: pages built by scripts), "
        "'always' (every article). Default: never.",
    )
    render_min_words: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="With render: auto, an article whose fetched HTML gives fewer words of "
        "text than this is loaded in the browser, 1 to 100000. Default: 50.",
    )

    @property
    def recapture_timedeltas(self) -> list[timedelta]:
        """``recapture`` as timedeltas."""
        return [parse_duration(d) for d in self.recapture]

    @field_validator("recapture")
    @classmethod
    def _strictly_increasing(cls, value: list[str]) -> list[str]:
        for i in range(1, len(value)):
            if parse_duration(value[i]) <= parse_duration(value[i - 1]):
                raise fail_at(
                    (i,),
                    "expected durations in strictly increasing order: "
                    f"{show(value[i])} is not longer than {show(value[i - 1])} before it",
                    value[i],
                )
        return value


class RequisiteRules(StrictModel):
    """Page resources (stylesheets, scripts, images, fonts, frames) fetched with each article."""

    scope: Literal["all", "site", "none"] = Field(
        default="all",
        description="Which hosts page resources are fetched from: 'all' (any host, as a "
        "browser would), 'site' (allowed_domains and their subdomains, plus `hosts`), or "
        "'none' (no page resources). Default: all.",
    )
    hosts: list[HostName] = Field(
        default_factory=list,
        description="More hosts that count as the site's own for scope 'site', e.g. its CDN; "
        "subdomains count too.",
        examples=[["static.example-cdn.net"]],
    )
    block: list[BlockPattern] = Field(
        default_factory=list,
        description="Never fetch these: a host name (blocks it and its subdomains) or an "
        "adblock filter rule ('||ads.example.com^', '/banners/*', '/\\.gif\\?track=/').",
        examples=[["ads.example.com", "/newsletter-popup/*"]],
    )
    block_lists: list[str] = Field(
        default_factory=list,
        description="Your own block lists: files in EasyList (Adblock Plus) or hosts format "
        "('0.0.0.0 ads.example.com'), gzip allowed; paths relative to this config file.",
        examples=[["blocklists/my-hosts.txt"]],
    )
    default_blocklist: bool = Field(
        default=True,
        description="Block ads, trackers and analytics with EasyList and EasyPrivacy (the "
        "copies shipped with braveblock). Default: true.",
    )
    max_per_page: int = Field(
        default=200,
        ge=1,
        le=10_000,
        description="At most this many resources named by one page (or one stylesheet or "
        "frame); the rest are recorded as skipped (over-cap). Default: 200.",
    )
    host_failures: int = Field(
        default=1,
        ge=1,
        le=1_000,
        description="Give a host up for the rest of the run after this many connection "
        "failures (DNS lookup failed, refused, unreachable, timed out); its other resources "
        "are recorded as skipped (dead-host). Default: 1.",
    )
    timeout: float = Field(
        default=20.0,
        gt=0,
        le=600,
        allow_inf_nan=False,
        description="Seconds to wait for one page resource (pages keep DOWNLOAD_TIMEOUT). "
        "Default: 20.",
    )


class ExtractHints(StrictModel):
    """Per-site hints for article extraction. Every key is optional."""

    body_selector: CssSelector | None = Field(
        default=None,
        description="CSS selector of the element holding the article body. Default: found "
        "by the extractor.",
        examples=["article .article-body"],
    )
    drop_selectors: list[CssSelector] = Field(
        default_factory=list,
        description="CSS selectors of elements to remove before extraction (teasers, "
        "newsletter boxes, related links).",
        examples=[["aside", ".newsletter-signup"]],
    )
    favor: Literal["precision", "recall"] | None = Field(
        default=None,
        description="Extraction trade-off: 'precision' (less noise, may miss text) or "
        "'recall' (more text, may include noise). Default: balanced.",
    )


#: A query parameter name in `urls.strip_params` / `urls.keep_params`.
ParamName = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^&=#\s]+$")]


class UrlRules(StrictModel):
    """How article links are cleaned before they are fetched, so each article is fetched once."""

    strip_tracking: bool = Field(
        default=True,
        description="Drop tracking parameters (utm_*, fbclid, gclid, mc_eid, ref, ...: "
        "courlan's list, matched on whole words) from article links. Default: true.",
    )
    strip_params: list[ParamName] = Field(
        default_factory=list,
        max_length=1000,
        description="More query parameters to drop from article links (names, compared "
        "case-insensitively), e.g. a site's own 'from' or 'share'.",
        examples=[["share", "from"]],
    )
    keep_params: list[ParamName] = Field(
        default_factory=list,
        max_length=1000,
        description="Query parameters never dropped (names, compared case-insensitively), "
        "e.g. a site whose '?ref=' or '?source=' names the article.",
        examples=[["ref"]],
    )
    amp: Literal["map", "keep"] = Field(
        default="map",
        description="'map': an AMP link (/amp/..., .../amp, ?amp=1, ?outputType=amp, "
        "*.amp.html, *.amp, an amp. host) is fetched as its non-AMP page (and as linked if "
        "that page is not found); 'keep': AMP links are fetched as they are. Default: map.",
    )

    @model_validator(mode="after")
    def _not_both(self) -> UrlRules:
        keep = {p.lower() for p in self.keep_params}
        for i, name in enumerate(self.strip_params):
            if name.lower() in keep:
                raise fail_at(
                    ("strip_params", i),
                    f"expected a parameter in strip_params or keep_params, not both: {show(name)}",
                    name,
                )
        return self


#: Request headers a config may not set: the HTTP layer's own, or set by another key.
FORBIDDEN_HEADERS = {
    "host": "the URL gives it",
    "content-length": "the HTTP client sets it",
    "transfer-encoding": "the HTTP client sets it",
    "connection": "the HTTP client sets it",
    "te": "the HTTP client sets it",
    "upgrade": "the HTTP client sets it",
    "user-agent": "use crawl.user_agent",
    "proxy-authorization": "give the credentials in the proxy URL (proxy: http://user:pass@host)",
}


class RequestSettings(StrictModel):
    """What the crawl sends to the site's own hosts: headers and cookies (a login)."""

    headers: dict[HeaderName, SecretText] = Field(
        default_factory=dict,
        description="Request headers sent to allowed_domains and their subdomains only, e.g. "
        "Authorization. Values may name environment variables (${VAR}); every value is "
        "treated as a secret (replaced by [redacted] in WARC request records).",
        examples=[{"Authorization": "Bearer ${LIBRARY_TOKEN}"}],
    )
    cookies: dict[CookieName, SecretText] = Field(
        default_factory=dict,
        description="Cookies (name: value) sent to allowed_domains and their subdomains only. "
        "Values may name environment variables (${VAR}); every value is a secret.",
        examples=[{"session": "${LIBRARY_SESSION}"}],
    )
    cookies_file: str | None = Field(
        default=None,
        min_length=1,
        description="A Netscape cookies.txt file (as browsers' export add-ons and curl write "
        "it), relative to this config file; its unexpired cookies are sent to the hosts "
        "they name that are also allowed_domains or their subdomains.",
        examples=["secrets/example-news.cookies.txt"],
    )

    @model_validator(mode="after")
    def _allowed_headers(self) -> RequestSettings:
        for name in self.headers:
            why = FORBIDDEN_HEADERS.get(name.lower())
            if why is None and name.lower() == "cookie" and (self.cookies or self.cookies_file):
                why = "cookies are given in request.cookies or request.cookies_file already"
            if why is not None:
                raise fail_at(("headers", name), f"header {name} may not be set here: {why}", name)
        return self

    @property
    def configured(self) -> bool:
        """Whether anything is set."""
        return bool(self.headers or self.cookies or self.cookies_file)
