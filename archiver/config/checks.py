"""Checked strings of the config model (URLs, hosts, patterns, durations), each with its schema."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

import cssselect
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from archiver.config.cron import cron_problem
from archiver.config.errors import fail, show
from archiver.config.urlrules import url_rule_problem

__all__ = [
    "MAX_DURATION",
    "RESERVED_SITE_KEYS",
    "SITE_KEY_RE",
    "BlockPattern",
    "Contact",
    "CronExpression",
    "CssSelector",
    "Duration",
    "HostName",
    "HttpUrl",
    "Regex",
    "SiteKey",
    "host_allowed",
    "is_http_url",
    "parse_duration",
]

_DURATION_RE = re.compile(r"([0-9]+)([smhdw])")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_HELP = "a duration like 90s, 30m, 1h, 7d or 2w"
# The longest duration a config may give: 100 years (36525 days).
MAX_DURATION = timedelta(days=36525)
# timedelta's own limit, in seconds (a little under 999999999 days).
_TIMEDELTA_SECONDS = int(timedelta.max.total_seconds())


def _duration_seconds(number: str, unit: str) -> int | None:
    """``number`` units in seconds; None beyond what a timedelta can hold."""
    digits = number.lstrip("0")
    if len(digits) > len(str(_TIMEDELTA_SECONDS)):
        return None  # also keeps int() away from huge digit strings
    seconds = int(digits or "0") * _DURATION_SECONDS[unit]
    return seconds if seconds <= _TIMEDELTA_SECONDS else None


def parse_duration(text: str) -> timedelta:
    """Parse ``<digits><s|m|h|d|w>`` ("90s", "30m", "1h", "7d", "2w") into a timedelta."""
    match = _DURATION_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected {_DURATION_HELP}, got {show(text)}")
    number, unit = match.groups()
    seconds = _duration_seconds(number, unit)
    if seconds is None:
        raise ValueError(f"expected a duration under 999999999 days, got {show(text)}")
    return timedelta(**{_DURATION_UNITS[unit]: int(number)})


def _check_duration(value: Any) -> str:
    match = _DURATION_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise fail(f"expected {_DURATION_HELP}, got {show(value)}")
    seconds = _duration_seconds(*match.groups())
    if seconds is not None and seconds <= 0:
        raise fail(f"expected a duration longer than zero, got {show(value)}")
    if seconds is None or seconds > MAX_DURATION.total_seconds():
        raise fail(
            f"expected a duration of at most {MAX_DURATION.days}d (100 years), got {show(value)}"
        )
    return value


def _check_http_url(value: str) -> str:
    if not is_http_url(value):
        raise fail(f"expected an http(s) URL, got {show(value)}")
    return value


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL with a host (and a valid port, if any)."""
    if not value or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def host_allowed(host: str, domains: Sequence[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _check_contact(value: str) -> str:
    if value.lower().startswith("mailto:"):
        if re.fullmatch(r"[^@\s]+@[^@\s]+", value[len("mailto:") :]):
            return value
    elif is_http_url(value):
        return value
    raise fail(f"expected an http(s) URL or a mailto: address, got {show(value)}")


SITE_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
#: Site keys the replay server's own paths use (``/timegate/<URL>``, ``/timemap/...``): a
#: collection of that name could not have its newest capture asked for by URL.
RESERVED_SITE_KEYS = frozenset({"timegate", "timemap"})


def _check_site(value: str) -> str:
    if SITE_KEY_RE.fullmatch(value) is None:
        raise fail(
            "expected a site key of lowercase letters, digits, '-' and '_', starting with a "
            f"letter or digit, at most 63 characters, got {show(value)}"
        )
    if value in RESERVED_SITE_KEYS:
        raise fail(f"{show(value)} is taken by the replay server's Memento paths; choose another")
    return value


_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


def _check_host(value: str) -> str:
    host = value.lower()
    if _HOST_RE.fullmatch(host) is None:
        raise fail(
            "expected a host name like 'news.example.com' (no scheme, port or path), "
            f"got {show(value)}"
        )
    return host


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as err:
        raise fail(f"invalid regular expression {show(value)}: {err}") from None
    problem = url_rule_problem(value)
    if problem is not None:
        raise fail(f"unsupported regular expression {show(value)}: {problem}")
    return value


_CSS = cssselect.GenericTranslator()


def _check_css(value: str) -> str:
    if not value.strip():
        raise fail("expected a CSS selector, got an empty string")
    try:
        _CSS.css_to_xpath(value)
    except cssselect.SelectorError as err:
        raise fail(f"invalid CSS selector {show(value)}: {err}") from None
    return value


def _check_cron(value: str) -> str:
    problem = cron_problem(value)
    if problem is not None:
        raise fail(problem)
    return value


def _check_block_pattern(value: str) -> str:
    if not value.strip() or any(ch in value for ch in "\r\n"):
        raise fail(
            "expected a host name ('ads.example.com') or an adblock filter "
            f"('||ads.example.com^', '/banners/*'), got {show(value)}"
        )
    return value.strip()


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
BlockPattern = Annotated[
    str, AfterValidator(_check_block_pattern), WithJsonSchema({"type": "string", "minLength": 1})
]
# Before the string check, so that `max_age: 3600` is told what a duration looks like.
Duration = Annotated[
    str,
    BeforeValidator(_check_duration),
    WithJsonSchema({"type": "string", "pattern": r"^0*[1-9][0-9]*[smhdw]$"}),
]
