"""The replay server's URL forms: parsing request paths, making replay paths, refusing tricks.

``/<collection>/<timestamp><modifier>/<original URL>`` replays a capture (pywb's form);
``/<collection>/*/<original URL>`` lists the captures of a URL; ``/<collection>/<original URL>``
goes to the newest one. The original URL keeps its query string; everything else in a request
path belongs to the archive and is checked strictly. As in pywb, the original URL may also be
the URI of a rendered capture's resource record (``urn:dom:<url>``, ``urn:screenshot:<url>``,
``urn:screenshot-full:<url>``).

Memento (RFC 7089, see `archiver.replay.memento`): ``/timegate/<original URL>`` is the TimeGate
across every collection, ``/timemap/<format>/<original URL>`` and
``/<collection>/timemap/<format>/<original URL>`` (pywb's form) are TimeMaps, format ``link`` or
``json``. These forms come first: a collection named ``timegate`` or ``timemap`` still replays
its captures by timestamp, but ``/timegate/<URL>`` is the archive-wide TimeGate, not its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit

from archiver.config import SITE_KEY_RE
from archiver.store.identity import FULL_PAGE_SCREENSHOT_URI, RENDERED_DOM_URI, SCREENSHOT_URI

__all__ = [
    "FRAME",
    "MEMENTO_FORMATS",
    "MODIFIERS",
    "PAGE",
    "RAW",
    "RAW_MODIFIERS",
    "STYLESHEET",
    "BadPath",
    "MementoTarget",
    "ReplayTarget",
    "ReplayUrls",
    "captures_path",
    "check_own_path",
    "parse_memento_path",
    "parse_replay_path",
    "replay_path",
    "timegate_path",
    "timemap_path",
    "timestamp14",
]

#: Modifiers after the timestamp. "" is a top-level page (rewritten, with the banner); the
#: others are what pywb calls them.
PAGE = ""
RAW = "id_"  # the resource as archived: no rewriting, no banner
FRAME = "if_"  # rewritten, no banner (frames)
STYLESHEET = "cs_"  # rewritten, no banner (linked CSS)
#: Every modifier accepted: pywb's im_ (images) and js_ (scripts) are served as id_.
MODIFIERS = frozenset({PAGE, RAW, FRAME, STYLESHEET, "im_", "js_"})
RAW_MODIFIERS = frozenset({RAW, "im_", "js_"})
#: TimeMap formats: application/link-format and JSON.
MEMENTO_FORMATS = frozenset({"link", "json"})
_TIMEGATE = "timegate"
_TIMEMAP = "timemap"

_STAMP_RE = re.compile(r"^(\d{1,14})([a-z]{2}_)?$")
# What a request path may never hold, anywhere (NUL) or in the archive's part of it.
_FORBIDDEN_ANYWHERE = ("\x00", "%00")
_FORBIDDEN_OWN = ("..", "%2e", "%2f", "%5c", "\\")
_DOT_SEGMENT_RE = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^(https?):/+", re.IGNORECASE)
#: The ``urn:`` URIs a replay path may name (each followed by an http(s) URL).
_URN_PREFIXES = (RENDERED_DOM_URI, SCREENSHOT_URI, FULL_PAGE_SCREENSHOT_URI)
_LEFT_ALONE = ("#", "javascript:", "data:", "mailto:", "tel:", "about:", "blob:", "sms:")
# ASCII whitespace and C0 controls, which the URL parser strips around a URL.
_URL_STRIP = "".join(chr(c) for c in range(0x21))
# Characters a Location header keeps as they are; the rest is percent-encoded.
_URL_SAFE = "/:?#[]@!$&'()*+,;=%~"


class BadPath(ValueError):
    """A request path that tries to leave the archive (dot segments, encoded slashes, NUL)."""


@dataclass(frozen=True)
class ReplayTarget:
    """A parsed replay path.

    ``timestamp`` is None for ``*`` (``listing``: the list of captures) and for a path without
    a timestamp (the newest capture).
    """

    collection: str
    timestamp: str | None
    modifier: str
    url: str
    listing: bool = False


@dataclass(frozen=True)
class MementoTarget:
    """A parsed TimeGate (``timemap`` None) or TimeMap path; ``collection`` None: every one."""

    collection: str | None
    url: str
    timemap: str | None = None  # "link" or "json"


def check_own_path(path: str) -> None:
    """Refuse an archive path (not a replayed URL) holding NUL, dot segments or encoded slashes."""
    lowered = path.lower()
    if any(bad in lowered for bad in _FORBIDDEN_ANYWHERE + _FORBIDDEN_OWN):
        raise BadPath(path)


def parse_replay_path(raw: str) -> ReplayTarget | None:
    """The replay target of a raw request path (with its query), None if it is not one.

    Raises BadPath for NUL bytes, dot segments or encoded dots and slashes in the archive's
    part, and dot segments in the original URL's path.
    """
    if any(bad in raw.lower() for bad in _FORBIDDEN_ANYWHERE):
        raise BadPath(raw)
    collection, sep, rest = raw.removeprefix("/").partition("/")
    check_own_path(collection)
    if not sep or SITE_KEY_RE.fullmatch(collection) is None:
        return None
    stamp, sep, url = rest.partition("/")
    if _SCHEME_RE.match(rest) or rest.startswith(_URN_PREFIXES):
        stamp, url = "", rest  # no timestamp: the newest capture
    elif not sep:
        return None
    check_own_path(stamp)
    original = _original_url(url)
    if original is None:
        return None
    if stamp == "*":
        return ReplayTarget(collection, None, PAGE, original, listing=True)
    if stamp == "":
        return ReplayTarget(collection, None, PAGE, original)
    match = _STAMP_RE.match(stamp)
    if match is None or (match.group(2) or "") not in MODIFIERS:
        return None
    return ReplayTarget(collection, match.group(1), match.group(2) or PAGE, original)


def parse_memento_path(raw: str) -> MementoTarget | None:
    """The TimeGate or TimeMap of a raw request path (``/timegate/<URL>``,
    ``/timemap/<format>/<URL>``, ``/<collection>/timemap/<format>/<URL>``), None if it is
    none of them. Raises BadPath as `parse_replay_path` does."""
    if any(bad in raw.lower() for bad in _FORBIDDEN_ANYWHERE):
        raise BadPath(raw)
    first, sep, rest = raw.removeprefix("/").partition("/")
    if not sep:
        return None
    if first == _TIMEGATE:
        url = _original_url(rest)
        return None if url is None else MementoTarget(None, url)
    collection: str | None = None
    if first != _TIMEMAP:
        check_own_path(first)
        second, sep, rest = rest.partition("/")
        if not sep or second != _TIMEMAP or SITE_KEY_RE.fullmatch(first) is None:
            return None
        collection = first
    kind, sep, rest = rest.partition("/")
    if not sep or kind not in MEMENTO_FORMATS:
        return None
    url = _original_url(rest)
    return None if url is None else MementoTarget(collection, url, kind)


def _original_url(text: str) -> str | None:
    """The original URL as written in a replay path: http(s) only, slashes after the scheme
    repaired (some clients merge ``//``), percent-encoded form (``http%3A%2F%2F``) decoded;
    or one of those after a rendered capture's ``urn:`` prefix."""
    prefix = next((p for p in _URN_PREFIXES if text.startswith(p)), "")
    page = _http_url(text[len(prefix) :])
    return None if page is None else prefix + page


def _http_url(text: str) -> str | None:
    """`_original_url` of an http(s) URL."""
    if text[:7].lower() in ("http%3a", "https%3"):
        text = unquote(text)
    match = _SCHEME_RE.match(text)
    if match is None:
        return None
    url = f"{match.group(1).lower()}://{text[match.end() :]}"
    try:
        path = urlsplit(url).path
    except ValueError:  # e.g. an unbalanced IPv6 bracket: no URL at all
        return None
    if _DOT_SEGMENT_RE.search(path):
        raise BadPath(text)
    return url


def timestamp14(warc_date: str) -> str:
    """The 14-digit timestamp of a WARC-Date (``2026-11-27T21:12:11.54Z`` -> 20261127211211)."""
    return "".join(c for c in warc_date if c.isdigit())[:14]


def replay_path(collection: str, timestamp: str, url: str, modifier: str = PAGE) -> str:
    """``/<collection>/<timestamp><modifier>/<url>``, safe to put in a Location header."""
    return f"/{collection}/{timestamp}{modifier}/{quote(url, safe=_URL_SAFE)}"


def timegate_path(collection: str | None, url: str) -> str:
    """``/<collection>/<url>``, or ``/timegate/<url>`` across every collection (None)."""
    return f"/{collection or _TIMEGATE}/{quote(url, safe=_URL_SAFE)}"


def timemap_path(collection: str | None, url: str, kind: str = "link") -> str:
    """``/<collection>/timemap/<kind>/<url>``, or ``/timemap/<kind>/<url>`` (every collection)."""
    prefix = f"/{collection}" if collection else ""
    return f"{prefix}/{_TIMEMAP}/{kind}/{quote(url, safe=_URL_SAFE)}"


def captures_path(collection: str, url: str) -> str:
    """``/<collection>/*/<url>``: the list of captures of a URL."""
    return f"/{collection}/*/{quote(url, safe=_URL_SAFE)}"


@dataclass(frozen=True)
class ReplayUrls:
    """Turns URLs found in an archived resource into replay paths at one timestamp."""

    collection: str
    timestamp: str

    def to(self, value: str, base: str, modifier: str = PAGE) -> str | None:
        """The replay path of `value` (as written in a page) resolved against `base`.

        None leaves it alone: empty, fragment-only, ``javascript:``, ``data:`` and other
        non-http(s) URLs. The fragment is kept.
        """
        value = value.strip(_URL_STRIP)
        if not value or value.lower().startswith(_LEFT_ALONE):
            return None
        try:
            url = urljoin(base, value)
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        return replay_path(self.collection, self.timestamp, url, modifier)
