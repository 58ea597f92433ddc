"""RSS and Atom feeds as article sources, read with feedparser."""

from __future__ import annotations

import html
import io
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax import SAXException

import feedparser

from archiver.crawl.listing import (
    BadDates,
    SourceEntry,
    SourceError,
    SourceListing,
    absolute_url,
    clean_text,
    plural,
    read_body,
    unique_entries,
)

__all__ = ["parse_feed"]

_TAG_RE = re.compile(r"<[^>]*>")
# A numeric character reference (feedparser's loose parser also takes one without ";").
_CHARREF_RE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+))")
_REPLACEMENT_REF = b"&#xFFFD;"


def parse_feed(body: bytes, url: str) -> SourceListing:
    """An RSS (0.9x, 1.0, 2.0) or Atom feed: one entry per item with a web URL.

    A malformed feed that still yields entries returns them with a problem noted; a body that
    is not recognisably a feed and yields no entries raises ``SourceError("not-a-feed")``.
    """
    data = read_body(body)
    # A BytesIO, never the bytes: feedparser opens bytes that name a local file as that file.
    # No base is given, so a relative guid is not turned into a URL; links are resolved below.
    try:
        parsed: Any = feedparser.parse(
            io.BytesIO(_CHARREF_RE.sub(_safe_charref, data)),
            resolve_relative_uris=False,
            sanitize_html=True,
        )
    except ValueError as err:  # feedparser's loose parser on input it cannot take
        raise SourceError("not-a-feed", f"feed could not be parsed: {err}") from None
    items = list(parsed.get("entries") or [])
    version = parsed.get("version") or ""
    if not items and not version:
        detail = f": {parsed.get('bozo_exception')}" if parsed.get("bozo") else ""
        raise SourceError("not-a-feed", f"not an RSS or Atom feed{detail}")

    problems: list[str] = []
    if not version:
        problems.append("not recognisably RSS or Atom; entries taken anyway")
    bad_dates = BadDates()
    no_url = 0
    entries: list[SourceEntry] = []
    for item in items:
        entry_url = _feed_entry_url(item, url)
        if entry_url is None:
            no_url += 1
            continue
        published = _struct_time(item, "published", bad_dates)
        modified = _struct_time(item, "updated", bad_dates)
        entries.append(
            SourceEntry(
                url=entry_url,
                published=published or modified,
                title=_feed_title(item),
                modified=modified,
            )
        )
    if no_url:
        problems.append(f"{plural(no_url, 'feed entry')} without an http(s) link")
    bad_dates.report(problems)
    unique = unique_entries(entries, problems)
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problems.insert(
            0,
            f"feed is not well-formed: {exc}; {plural(len(unique), 'entry')} recovered"
            if isinstance(exc, SAXException)
            else f"feed parsed with a warning: {exc}",
        )
    return SourceListing("feed", unique, [], problems)


def _safe_charref(match: re.Match[bytes]) -> bytes:
    """A character reference feedparser can take: one to no character (a surrogate, beyond
    U+10FFFF) becomes U+FFFD; feedparser's loose parser raises on those."""
    hex_digits, digits = match.groups()
    number = (hex_digits or digits).lstrip(b"0")
    if len(number) > 8:
        return _REPLACEMENT_REF
    code = int(number or b"0", 16 if hex_digits else 10)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT_REF
    return match.group(0)


def _feed_entry_url(item: Any, base_url: str) -> str | None:
    """The first rel=alternate link, else an id/guid that is itself an absolute web URL."""
    for link in _raw(item, "links") or []:
        if _raw(link, "rel") in ("alternate", None):
            resolved = absolute_url(base_url, _raw(link, "href"))
            if resolved:
                return resolved
    guid = _raw(item, "id")
    if _is_web_url(guid):
        return absolute_url(base_url, guid)
    return None


def _is_web_url(value: object) -> bool:
    """An absolute http(s) URL as written (so a bare guid is never taken for a path)."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value.strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _feed_title(item: Any) -> str | None:
    """The entry title as plain text (an HTML title loses its tags and entities)."""
    title = _raw(item, "title")
    if not isinstance(title, str):
        return None
    detail = _raw(item, "title_detail")
    if isinstance(detail, dict) and "html" in str(_raw(detail, "type")):
        title = html.unescape(_TAG_RE.sub("", title))
    return clean_text(title)


def _raw(item: Any, key: str) -> Any:
    """A key of a feedparser dict without its aliases.

    ``FeedParserDict.get("updated_parsed")`` falls back to ``published_parsed`` (with a
    DeprecationWarning), which would report every RSS pubDate as a modification too.
    """
    return dict.get(item, key) if isinstance(item, dict) else None


def _struct_time(item: Any, key: str, bad_dates: BadDates) -> datetime | None:
    """feedparser's ``<key>_parsed`` (a UTC struct_time) as an aware datetime."""
    value = _raw(item, f"{key}_parsed")
    if isinstance(value, time.struct_time):
        try:
            return datetime(*value[:6], tzinfo=UTC)
        except (ValueError, OverflowError):
            pass
    raw = _raw(item, key)
    if isinstance(raw, str) and raw.strip():
        bad_dates.add(raw)
    return None
