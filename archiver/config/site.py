"""Site configs (configs/<site>.yaml): the typed model, the YAML loader and its JSON Schema.

A config is validated before anything runs. Every problem is reported as
``<file>: <key path>: <what was expected>``, all of them at once, through :class:`ConfigError`.
Plain Python: this module never imports Scrapy.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
import types
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import unquote, urlsplit

import cssselect
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_PATH",
    "ArticleRules",
    "ConfigError",
    "CrawlSettings",
    "ExtractHints",
    "RequisiteRules",
    "Section",
    "SiteConfig",
    "config_json_schema",
    "load_site_config",
    "main",
    "parse_duration",
    "parse_site_config",
    "write_config_json_schema",
]

SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "siteconfig.schema.json"
SCHEMA_ID = "https://archiver.invalid/schemas/siteconfig.schema.json"

_ERROR_TYPE = "archiver_config"
_NO_KEY = "(top level)"
_FILE_KEY = "(file)"


# --------------------------------------------------------------------------- errors


class ConfigError(Exception):
    """A config problem: names the file, the key path and what was expected.

    One exception may carry several problems (``errors``); ``key`` and ``message`` are the first.
    ``str(err)`` shows every problem as ``<path>: <key>: <message>``, one per line.
    """

    def __init__(
        self,
        path: str | Path,
        key: str,
        message: str,
        errors: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        problems = list(errors) if errors else [(key, message)]
        super().__init__(path, problems[0][0], problems[0][1], problems)
        self.path = Path(path)
        self.key, self.message = problems[0]
        self.errors: list[tuple[str, str]] = problems

    @classmethod
    def from_errors(cls, path: str | Path, errors: Sequence[tuple[str, str]]) -> ConfigError:
        """One exception carrying several ``(key, message)`` problems."""
        if not errors:
            raise ValueError("ConfigError needs at least one problem")
        return cls(path, errors[0][0], errors[0][1], errors)

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {key}: {message}" for key, message in self.errors)


def _fail(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the user as is."""
    return PydanticCustomError(_ERROR_TYPE, message)


def _fail_at(loc: tuple[str | int, ...], message: str, value: Any) -> ValidationError:
    """A validation error at a key path below the validator's own location."""
    return ValidationError.from_exception_data(
        "SiteConfig", [InitErrorDetails(type=_fail(message), loc=loc, input=value)]
    )


def _show(value: Any) -> str:
    """A value as the user wrote it in YAML, shortened."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    text = value if isinstance(value, str) else str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text)


# --------------------------------------------------------------------------- value checks

_DURATION_RE = re.compile(r"([0-9]+)([smhdw])")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION_HELP = "a duration like 90s, 30m, 1h, 7d or 2w"


def parse_duration(text: str) -> timedelta:
    """Parse ``<digits><s|m|h|d|w>`` ("90s", "30m", "1h", "7d", "2w") into a timedelta."""
    match = _DURATION_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected {_DURATION_HELP}, got {_show(text)}")
    number, unit = match.groups()
    return timedelta(**{_DURATION_UNITS[unit]: int(number)})


def _check_duration(value: Any) -> str:
    if not isinstance(value, str) or _DURATION_RE.fullmatch(value) is None:
        raise _fail(f"expected {_DURATION_HELP}, got {_show(value)}")
    if parse_duration(value) <= timedelta(0):
        raise _fail(f"expected a duration longer than zero, got {_show(value)}")
    return value


def _check_http_url(value: str) -> str:
    if not _is_http_url(value):
        raise _fail(f"expected an http(s) URL, got {_show(value)}")
    return value


def _is_http_url(value: str) -> bool:
    if not value or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _check_contact(value: str) -> str:
    if value.lower().startswith("mailto:"):
        if re.fullmatch(r"[^@\s]+@[^@\s]+", value[len("mailto:") :]):
            return value
    elif _is_http_url(value):
        return value
    raise _fail(f"expected an http(s) URL or a mailto: address, got {_show(value)}")


SITE_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def _check_site(value: str) -> str:
    if SITE_KEY_RE.fullmatch(value) is None:
        raise _fail(
            "expected a site key of lowercase letters, digits, '-' and '_', starting with a "
            f"letter or digit, at most 63 characters, got {_show(value)}"
        )
    return value


_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


def _check_host(value: str) -> str:
    host = value.lower()
    if _HOST_RE.fullmatch(host) is None:
        raise _fail(
            "expected a host name like 'news.example.com' (no scheme, port or path), "
            f"got {_show(value)}"
        )
    return host


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as err:
        raise _fail(f"invalid regular expression {_show(value)}: {err}") from None
    return value


_CSS = cssselect.GenericTranslator()


def _check_css(value: str) -> str:
    if not value.strip():
        raise _fail("expected a CSS selector, got an empty string")
    try:
        _CSS.css_to_xpath(value)
    except cssselect.SelectorError as err:
        raise _fail(f"invalid CSS selector {_show(value)}: {err}") from None
    return value


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (name, lowest, highest, names for values starting at `lowest`)
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 7, _WEEKDAYS),
)
_CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_CRON_ITEM_RE = re.compile(r"(?:\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:/([0-9]+))?")
_CRON_HELP = (
    "a cron expression of 5 fields (minute hour day-of-month month day-of-week, "
    "e.g. '*/30 * * * *') or a macro like @hourly or @daily"
)


def _cron_problem(expression: str) -> str | None:
    """What is wrong with a cron expression, or None."""
    fields = expression.split()
    if len(fields) == 1 and fields[0] in _CRON_MACROS:
        return None
    if len(fields) != 5:
        return f"expected {_CRON_HELP}, got {_show(expression)} ({len(fields)} fields)"
    for text, spec in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            problem = _cron_item_problem(item, spec)
            if problem is not None:
                return f"invalid {spec[0]} field {text!r} in {expression!r}: {problem}"
    return None


def _cron_item_problem(item: str, spec: tuple[str, int, int, tuple[str, ...]]) -> str | None:
    """What is wrong with one comma-separated item of a cron field, or None."""
    name, low, high, names = spec
    match = _CRON_ITEM_RE.fullmatch(item)
    if match is None:
        return f"expected '*', a value, a range a-b, each optionally with a step /n, got {item!r}"
    start, end, step = match.groups()
    values = []
    for token in (start, end):
        if token is None:
            continue
        if token.isdigit():
            values.append(int(token))
        elif token.lower() in names:
            values.append(low + names.index(token.lower()))
        else:
            return f"{token!r} is not a {name} value"
    if any(not low <= v <= high for v in values):
        return f"values must be {low}-{high}"
    if len(values) == 2 and values[0] > values[1]:
        return f"range {item!r} runs backwards"
    if step is not None and int(step) < 1:
        return "a step must be at least 1"
    return None


def _check_cron(value: str) -> str:
    problem = _cron_problem(value)
    if problem is not None:
        raise _fail(problem)
    return value


# String types checked after the (strict) string check, each with its JSON Schema.
HttpUrl = Annotated[
    str,
    AfterValidator(_check_http_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}),
]
Regex = Annotated[str, AfterValidator(_check_regex), WithJsonSchema({"type": "string"})]
CssSelector = Annotated[
    str, AfterValidator(_check_css), WithJsonSchema({"type": "string", "minLength": 1})
]
HostName = Annotated[
    str,
    AfterValidator(_check_host),
    WithJsonSchema({"type": "string", "pattern": _HOST_RE.pattern.replace("a-z", "A-Za-z")}),
]
SiteKey = Annotated[
    str,
    AfterValidator(_check_site),
    WithJsonSchema({"type": "string", "pattern": SITE_KEY_RE.pattern}),
]
Contact = Annotated[
    str,
    AfterValidator(_check_contact),
    WithJsonSchema({"type": "string", "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|mailto:)"}),
]
CronExpression = Annotated[
    str,
    AfterValidator(_check_cron),
    WithJsonSchema({"type": "string", "pattern": r"^\s*(@[a-z]+|\S+(\s+\S+){4})\s*$"}),
]
# Before the string check, so that `max_age: 3600` is told what a duration looks like.
Duration = Annotated[
    str,
    BeforeValidator(_check_duration),
    WithJsonSchema({"type": "string", "pattern": r"^0*[1-9][0-9]*[smhdw]$"}),
]


# --------------------------------------------------------------------------- the model


class _Strict(BaseModel):
    """Base: unknown keys are errors and values are not coerced (YAML already typed them)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _no_default(schema: dict[str, Any]) -> None:
    """Leave a computed default out of the JSON Schema (the description explains it)."""
    schema.pop("default", None)


class Section(_Strict):
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
        description="Follow pagination this far: 1 means only the page at url itself.",
    )
    next_page: CssSelector | None = Field(
        default=None,
        description="CSS selector of the pagination link (an <a> element), e.g. 'a[rel=next]'. "
        "Default: found by heuristics (rel=next, 'next'/'more' links, ?page=N).",
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


class ArticleRules(_Strict):
    """Which links are articles. Patterns are searched anywhere in the absolute URL."""

    allow: list[Regex] = Field(
        default_factory=list,
        description="Python regular expressions; a link is an article if one matches "
        "(re.search on the absolute URL). Empty: any link within allowed_domains.",
        examples=[[r"/\d{4}/\d{2}/\d{2}/[\w-]+$"]],
    )
    deny: list[Regex] = Field(
        default_factory=list,
        description="Python regular expressions; a link matching any of them is never an "
        "article (deny wins over allow).",
        examples=[["/live/", "/video/"]],
    )
    max_age: Duration | None = Field(
        default=None,
        description="Skip articles published longer ago than this (where the date is known): "
        "<number><s|m|h|d|w>, e.g. '7d'. Default: no limit.",
        examples=["7d"],
    )

    @property
    def max_age_timedelta(self) -> timedelta | None:
        """``max_age`` as a timedelta (None: no limit)."""
        return None if self.max_age is None else parse_duration(self.max_age)

    @property
    def allow_patterns(self) -> list[re.Pattern[str]]:
        """``allow`` compiled."""
        return [re.compile(p) for p in self.allow]

    @property
    def deny_patterns(self) -> list[re.Pattern[str]]:
        """``deny`` compiled."""
        return [re.compile(p) for p in self.deny]

    def matches(self, url: str) -> bool:
        """Whether ``url`` passes the allow/deny rules (domains are not checked here)."""
        if any(p.search(url) for p in self.deny_patterns):
            return False
        return not self.allow or any(p.search(url) for p in self.allow_patterns)


class CrawlSettings(_Strict):
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
        description="Fetch each article again this long after its first capture, to keep its "
        "later versions; strictly increasing, e.g. [1h, 24h, 7d]. Default: never.",
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
        description="Seconds to wait between requests to the same site (Scrapy DOWNLOAD_DELAY).",
    )
    obey_robots: bool = Field(
        default=True, description="Obey the site's robots.txt (Scrapy ROBOTSTXT_OBEY)."
    )
    concurrency: int = Field(
        default=4,
        ge=1,
        description="Requests in flight per domain (Scrapy CONCURRENT_REQUESTS_PER_DOMAIN).",
    )
    user_agent: str | None = Field(
        default=None,
        min_length=1,
        description="Full User-Agent override. Default: archiver's own, naming `contact`.",
    )
    max_pages: int | None = Field(
        default=None,
        ge=1,
        description="Stop after this many pages per crawl, all kinds counted "
        "(Scrapy CLOSESPIDER_PAGECOUNT). Default: no limit.",
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
                raise _fail_at(
                    (i,),
                    "expected durations in strictly increasing order: "
                    f"{_show(value[i])} is not longer than {_show(value[i - 1])} before it",
                    value[i],
                )
        return value


def _check_block_pattern(value: str) -> str:
    if not value.strip() or any(ch in value for ch in "\r\n"):
        raise _fail(
            "expected a host name ('ads.example.com') or an adblock filter "
            f"('||ads.example.com^', '/banners/*'), got {_show(value)}"
        )
    return value.strip()


BlockPattern = Annotated[
    str, AfterValidator(_check_block_pattern), WithJsonSchema({"type": "string", "minLength": 1})
]


class RequisiteRules(_Strict):
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
        description="Seconds to wait for one page resource (pages keep DOWNLOAD_TIMEOUT). "
        "Default: 20.",
    )


class ExtractHints(_Strict):
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


class SiteConfig(_Strict):
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
    requisites: RequisiteRules = Field(
        default_factory=RequisiteRules,
        description="Page resources fetched with each article so it replays as it looked: "
        "scope, blocking, budgets.",
    )

    _config_hash: str | None = PrivateAttr(default=None)
    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def config_hash(self) -> str:
        """sha256 hex of the file this config was loaded from.

        For a config built in code: the sha256 of its canonical JSON instead.
        """
        if self._config_hash is None:
            canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
            return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return self._config_hash

    @property
    def source_path(self) -> Path | None:
        """The file this config was loaded from (None when built in code)."""
        return self._source_path

    def block_list_paths(self) -> list[Path]:
        """``requisites.block_lists`` as paths, relative ones taken from the config's folder."""
        base = self.source_path.parent if self.source_path is not None else Path()
        return [base / name for name in self.requisites.block_lists]

    def is_allowed_host(self, host: str) -> bool:
        """Whether ``host`` is one of allowed_domains or a subdomain of one."""
        return _host_allowed(host, self.allowed_domains)

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
            if not (isinstance(url, str) and _is_http_url(url)):
                continue  # no URL, or a bad one: the section reports it
            if not _host_allowed(urlsplit(url).hostname or "", domains):
                message = (
                    f"expected a URL on one of allowed_domains ({', '.join(domains)}) or "
                    f"their subdomains, got {_show(url)}"
                )
                outside.append(InitErrorDetails(type=_fail(message), loc=(i, "url"), input=url))
        try:
            sections = handler(value)
        except ValidationError as err:
            if not outside:
                raise
            errors = sorted([*_details(err), *outside], key=_item_index)
            raise ValidationError.from_exception_data("SiteConfig", errors) from None
        if outside:
            raise ValidationError.from_exception_data("SiteConfig", outside)
        return sections

    @model_validator(mode="after")
    def _has_a_source(self) -> SiteConfig:
        if not (self.sections or self.feeds or self.sitemaps or self.sitemaps_from_robots):
            raise _fail_at(
                ("sections",),
                "expected at least one source: a section, a feed or a sitemap "
                "(or sitemaps_from_robots: true); all are empty",
                self.sections,
            )
        return self


def _details(err: ValidationError) -> list[InitErrorDetails]:
    """The errors of ``err``, ready to be raised again with others."""
    details = []
    for e in err.errors():
        kind = _fail(e["msg"]) if e["type"] == _ERROR_TYPE else e["type"]
        detail = InitErrorDetails(type=kind, loc=e["loc"], input=e["input"])
        if "ctx" in e and e["type"] != _ERROR_TYPE:
            detail["ctx"] = e["ctx"]
        details.append(detail)
    return details


def _item_index(detail: InitErrorDetails) -> int:
    """Position of the list item an error belongs to (-1 for the list itself)."""
    loc = detail["loc"]
    return loc[0] if loc and isinstance(loc[0], int) else -1


def _host_allowed(host: str, domains: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


# --------------------------------------------------------------------------- error translation


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> X; ``Annotated[X, ...]`` -> X."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is types.UnionType:
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _walk(loc: Sequence[str | int]) -> tuple[Any, FieldInfo | None]:
    """The type (and field) at ``loc`` in SiteConfig, or (None, None) where it cannot tell."""
    tp: Any = SiteConfig
    field: FieldInfo | None = None
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            if get_origin(tp) is not list:
                return None, None
            tp, field = get_args(tp)[0], None
        else:
            if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
                return None, None
            field = tp.model_fields.get(part)
            if field is None:
                return None, None
            tp = field.annotation
    return _unwrap(tp), field


def _bound(field: FieldInfo | None) -> str:
    """' >= 1' for a field constrained so."""
    if field is None:
        return ""
    for meta in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                return f" {sign} {getattr(meta, attr)}"
    return ""


def _key_path(loc: Sequence[str | int]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or _NO_KEY


def _message(error: Any) -> str:
    """One pydantic error in plain words."""
    kind: str = error["type"]
    loc: tuple[str | int, ...] = error["loc"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    got = f", got {_show(value)}"
    if kind == _ERROR_TYPE:
        return str(error["msg"])
    if kind == "missing":
        return "required key missing"
    if kind == "extra_forbidden":
        model, _ = _walk(loc[:-1])
        unknown = str(loc[-1])
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return f"unknown key {unknown!r}"
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(unknown, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key {unknown!r} ({hint}allowed: {', '.join(allowed)})"
    _, field = _walk(loc)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected an integer{_bound(field)}{got}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"expected a number{_bound(field)}{got}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        noun = "an integer" if _walk(loc)[0] is int else "a number"
        return f"expected {noun}{_bound(field)}{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false{got}"
    if kind in ("string_type", "string_sub_type"):
        return f"expected a string{got}"
    if kind == "string_too_short":
        return f"expected a non-empty string{got}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list{got}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"expected a list of at least {least} item{'s' if least != 1 else ''}{got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model, _ = _walk(loc)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return f"expected a mapping with keys {', '.join(model.model_fields)}{got}"
        return f"expected a mapping{got}"
    if kind == "literal_error":
        options = [repr(o) for o in get_args(_walk(loc)[0])]
        if field is not None and type(None) in get_args(field.annotation):
            options.append("null")
        return f"expected {', '.join(options[:-1])} or {options[-1]}{got}"
    msg = str(error.get("msg", kind))
    return msg[:1].lower() + msg[1:] + got


def _problems(err: ValidationError) -> list[tuple[str, str]]:
    return [(_key_path(e["loc"]), _message(e)) for e in err.errors()]


# --------------------------------------------------------------------------- loading


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:
                continue  # unhashable key: the base class reports it
            if first is not key_node.start_mark:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"found duplicate key {key!r} (first at line {first.line + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _yaml_message(err: yaml.YAMLError) -> str:
    if not isinstance(err, yaml.MarkedYAMLError) or err.problem_mark is None:
        return f"invalid YAML: {err}"
    mark = err.problem_mark
    message = f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {err.problem}"
    if err.context:
        where = err.context_mark
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        if where is None or where.line != mark.line or where.column != mark.column:
            message += f" ({err.context}{at})"
    return message


def parse_site_config(data: Any, path: str | Path = "<config>") -> SiteConfig:
    """Validate already-parsed config data; raise ConfigError naming ``path`` and each key."""
    if not isinstance(data, dict):
        raise ConfigError(path, _NO_KEY, f"expected a mapping of config keys, got {_show(data)}")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError.from_errors(path, _problems(err)) from None


def load_site_config(path: str | Path) -> SiteConfig:
    """Load and validate a site config YAML file; raise ConfigError for any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, _FILE_KEY, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(path, _FILE_KEY, "is a directory, expected a YAML file") from None
    except OSError as err:
        raise ConfigError(path, _FILE_KEY, f"cannot read: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(
            path, _FILE_KEY, f"expected UTF-8 text, got an invalid byte at offset {err.start}"
        ) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        raise ConfigError(path, _FILE_KEY, _yaml_message(err)) from None
    if data is None:
        raise ConfigError(
            path,
            _FILE_KEY,
            "the file is empty, expected a mapping of config keys "
            "(at least site, name, allowed_domains, articles)",
        )
    config = parse_site_config(data, path)
    missing = [
        (f"requisites.block_lists[{i}]", f"file not found: {(path.parent / name)}")
        for i, name in enumerate(config.requisites.block_lists)
        if not (path.parent / name).is_file()
    ]
    if missing:
        raise ConfigError.from_errors(path, missing)
    config._config_hash = hashlib.sha256(raw).hexdigest()
    config._source_path = path
    return config


# --------------------------------------------------------------------------- JSON Schema


def config_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a site config, for editors and other tools."""
    schema = SiteConfig.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "archiver site config",
    }


def write_config_json_schema(path: Path = SCHEMA_PATH) -> None:
    """Regenerate the shipped schema file from the model."""
    text = json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Check site configs and/or write the JSON Schema (see ``--help``); returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m archiver.config",
        description="Validate site configs; regenerate the site config JSON Schema.",
        epilog="example: python -m archiver.config --write-schema configs/*.yaml",
    )
    parser.add_argument("configs", nargs="*", type=Path, help="site config files to validate")
    parser.add_argument(
        "--write-schema", action="store_true", help="write the JSON Schema from the model"
    )
    parser.add_argument(
        "--schema-path",
        type=Path,
        default=SCHEMA_PATH,
        metavar="PATH",
        help=f"where --write-schema writes (default: {SCHEMA_PATH})",
    )
    args = parser.parse_args(argv)
    if not args.write_schema and not args.configs:
        parser.error("nothing to do: give config files and/or --write-schema")
    if args.write_schema:
        write_config_json_schema(args.schema_path)
        print(f"wrote {args.schema_path}", file=sys.stderr)
    status = 0
    for config_path in args.configs:
        try:
            config = load_site_config(config_path)
        except ConfigError as err:
            print(err, file=sys.stderr)
            status = 2
        else:
            print(f"{config_path}: ok ({config.site}, sha256 {config.config_hash[:12]})")
    return status
