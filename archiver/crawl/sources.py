"""Article sources of a news site: RSS/Atom feeds, sitemaps (with Google News) and robots.txt.

Pure parsing, no Scrapy and no fetching: each parser takes the body bytes and the URL they came
from, and returns a `SourceListing` or raises `SourceError` with a short ``reason`` slug.
"""

from __future__ import annotations

import html
import io
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.sax import SAXException

import feedparser
from lxml import etree

__all__ = [
    "MAX_BODY_BYTES",
    "SourceEntry",
    "SourceError",
    "SourceListing",
    "parse_feed",
    "parse_sitemap",
    "parse_source",
    "parse_w3c_datetime",
    "sitemaps_in_robots",
]

# The sitemaps.org limit on an uncompressed sitemap; also applied to feeds.
MAX_BODY_BYTES = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_TAG_RE = re.compile(r"<[^>]*>")

_W3C_RE = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)


@dataclass(frozen=True)
class SourceEntry:
    """One URL listed by a source.

    ``url`` is absolute (resolved against the document URL) without fragment; ``published``
    and ``modified`` are timezone-aware UTC datetimes (a date alone is midnight UTC).
    """

    url: str
    published: datetime | None = None
    title: str | None = None
    modified: datetime | None = None


def merge_entries(first: SourceEntry, other: SourceEntry) -> SourceEntry:
    """What two sources say of one URL: earliest publication, latest change, first title."""
    published = [d for d in (first.published, other.published) if d is not None]
    modified = [d for d in (first.modified, other.modified) if d is not None]
    return SourceEntry(
        url=first.url,
        published=min(published) if published else None,
        title=first.title or other.title,
        modified=max(modified) if modified else None,
    )


def newest_date(entry: SourceEntry) -> datetime | None:
    """The latest date a source gives for an entry (what `articles.max_age` is checked on)."""
    return max((d for d in (entry.published, entry.modified) if d is not None), default=None)


@dataclass(frozen=True)
class SourceListing:
    """What a source lists.

    ``kind`` is ``feed``, ``sitemap`` (a urlset) or ``sitemap-index``; ``entries`` are article
    candidates in document order, each URL once (first wins); ``sitemaps`` are the children of
    a sitemap index; ``problems`` are human-readable non-fatal issues.
    """

    kind: str
    entries: list[SourceEntry] = field(default_factory=list)
    sitemaps: list[SourceEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class SourceError(ValueError):
    """A source that yields nothing usable.

    ``reason`` is a short slug for stats keys: ``empty``, ``not-xml``, ``not-a-feed``,
    ``not-a-sitemap``, ``bad-gzip`` or ``too-large``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# --------------------------------------------------------------------------- shared helpers


def _body(body: bytes) -> bytes:
    """The body, gunzipped when it starts with the gzip magic; empty or oversized bodies raise."""
    if body[:2] == _GZIP_MAGIC:
        body = _gunzip(body)
    if len(body) > MAX_BODY_BYTES:
        raise SourceError("too-large", f"body is larger than {MAX_BODY_BYTES} bytes")
    if not body.strip():
        raise SourceError("empty", "body is empty")
    return body


def _gunzip(data: bytes) -> bytes:
    """Decompress every gzip member, stopping at MAX_BODY_BYTES of output."""
    out = bytearray()
    while data[:2] == _GZIP_MAGIC:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, MAX_BODY_BYTES + 1 - len(out))
        except zlib.error as exc:
            raise SourceError("bad-gzip", f"corrupt gzip data: {exc}") from None
        if len(out) > MAX_BODY_BYTES or inflater.unconsumed_tail:
            raise SourceError("too-large", f"gzip body inflates beyond {MAX_BODY_BYTES} bytes")
        if not inflater.eof:
            raise SourceError("bad-gzip", "truncated gzip data")
        data = inflater.unused_data
    return bytes(out)


def _absolute(base_url: str, href: str | None) -> str | None:
    """``href`` resolved against ``base_url`` without fragment, or None unless http(s)."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        url, _ = urldefrag(urljoin(base_url, href))
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def _is_web_url(value: object) -> bool:
    """An absolute http(s) URL as written (so a bare guid is never taken for a path)."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value.strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _unique(entries: Iterable[SourceEntry], problems: list[str]) -> list[SourceEntry]:
    """Entries in document order, each URL once (the first wins); duplicates are counted."""
    seen: dict[str, SourceEntry] = {}
    dropped = 0
    for entry in entries:
        if entry.url in seen:
            dropped += 1
        else:
            seen[entry.url] = entry
    if dropped:
        problems.append(f"{_plural(dropped, 'duplicate URL')} ignored")
    return list(seen.values())


def _clean(text: str | None) -> str | None:
    """Whitespace collapsed; None when nothing is left."""
    return (" ".join(text.split()) or None) if text else None


def _plural(n: int, noun: str) -> str:
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


class _BadDates:
    """Counts unparseable dates and keeps the first one as an example."""

    def __init__(self) -> None:
        self.count = 0
        self.example = ""

    def add(self, raw: str) -> None:
        self.count += 1
        if self.count == 1:
            self.example = raw[:80]

    def report(self, problems: list[str]) -> None:
        if self.count:
            problems.append(f"{_plural(self.count, 'unparseable date')} (first: {self.example!r})")


def parse_w3c_datetime(raw: str | None) -> datetime | None:
    """A W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, with time, seconds, fraction and Z/offset).

    The result is aware UTC; a date alone is midnight UTC, and a time without offset is taken
    as UTC. RFC 2822 dates are accepted too. None when ``raw`` cannot be read.
    """
    s = (raw or "").strip()
    if not s:
        return None
    m = _W3C_RE.fullmatch(s)
    if m is None:
        return _rfc2822(s)
    try:
        micro = int((m["f"] or "0")[:6].ljust(6, "0"))
        value = datetime(
            int(m["y"]),
            int(m["mo"] or 1),
            int(m["d"] or 1),
            int(m["h"] or 0),
            int(m["mi"] or 0),
            int(m["s"] or 0),
            micro,
            tzinfo=_offset(m["tz"]),
        )
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _offset(tz: str | None) -> timezone:
    if not tz or tz in ("Z", "z"):
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if minutes >= 60:
        raise ValueError(f"bad offset {tz!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _rfc2822(s: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(s)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# --------------------------------------------------------------------------- feeds


def parse_feed(body: bytes, url: str) -> SourceListing:
    """An RSS (0.9x, 1.0, 2.0) or Atom feed: one entry per item with a web URL.

    A malformed feed that still yields entries returns them with a problem noted; a body that
    is not recognisably a feed and yields no entries raises ``SourceError("not-a-feed")``.
    """
    data = _body(body)
    # A BytesIO, never the bytes: feedparser opens bytes that name a local file as that file.
    # No base is given, so a relative guid is not turned into a URL; links are resolved below.
    parsed: Any = feedparser.parse(
        io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True
    )
    items = list(parsed.get("entries") or [])
    version = parsed.get("version") or ""
    if not items and not version:
        detail = f": {parsed.get('bozo_exception')}" if parsed.get("bozo") else ""
        raise SourceError("not-a-feed", f"not an RSS or Atom feed{detail}")

    problems: list[str] = []
    if not version:
        problems.append("not recognisably RSS or Atom; entries taken anyway")
    bad_dates = _BadDates()
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
        problems.append(f"{_plural(no_url, 'feed entry')} without an http(s) link")
    bad_dates.report(problems)
    unique = _unique(entries, problems)
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problems.insert(
            0,
            f"feed is not well-formed: {exc}; {_plural(len(unique), 'entry')} recovered"
            if isinstance(exc, SAXException)
            else f"feed parsed with a warning: {exc}",
        )
    return SourceListing("feed", unique, [], problems)


def _feed_entry_url(item: Any, base_url: str) -> str | None:
    """The first rel=alternate link, else an id/guid that is itself an absolute web URL."""
    for link in _raw(item, "links") or []:
        if _raw(link, "rel") in ("alternate", None):
            resolved = _absolute(base_url, _raw(link, "href"))
            if resolved:
                return resolved
    guid = _raw(item, "id")
    if _is_web_url(guid):
        return _absolute(base_url, guid)
    return None


def _feed_title(item: Any) -> str | None:
    """The entry title as plain text (an HTML title loses its tags and entities)."""
    title = _raw(item, "title")
    if not isinstance(title, str):
        return None
    detail = _raw(item, "title_detail")
    if isinstance(detail, dict) and "html" in str(_raw(detail, "type")):
        title = html.unescape(_TAG_RE.sub("", title))
    return _clean(title)


def _raw(item: Any, key: str) -> Any:
    """A key of a feedparser dict without its aliases.

    ``FeedParserDict.get("updated_parsed")`` falls back to ``published_parsed`` (with a
    DeprecationWarning), which would report every RSS pubDate as a modification too.
    """
    return dict.get(item, key) if isinstance(item, dict) else None


def _struct_time(item: Any, key: str, bad_dates: _BadDates) -> datetime | None:
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


# --------------------------------------------------------------------------- sitemaps


def parse_sitemap(body: bytes, url: str) -> SourceListing:
    """A sitemaps.org ``urlset`` (with Google News fields) or ``sitemapindex``, maybe gzipped.

    Elements match by local name, so a missing or wrong namespace still works. Entities are
    never expanded; malformed XML returns what lxml recovered, with a problem noted.
    """
    data = _body(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        raise SourceError("not-xml", f"not XML: {exc}") from None
    if root is None:
        raise SourceError("not-xml", "not XML: nothing could be parsed")
    name = _local(root)
    if name not in ("urlset", "sitemapindex"):
        raise SourceError("not-a-sitemap", f"root element is <{name}>, not urlset/sitemapindex")

    problems: list[str] = []
    bad_dates = _BadDates()
    if name == "urlset":
        listing = _urlset(root, url, problems, bad_dates)
    else:
        listing = _sitemapindex(root, url, problems, bad_dates)
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        found = len(listing.entries) + len(listing.sitemaps)
        problems.insert(
            0,
            f"sitemap is not well-formed: {errors[0].message.strip()}; "
            f"{_plural(found, 'entry')} recovered",
        )
    bad_dates.report(problems)
    return listing


def _urlset(
    root: etree._Element, url: str, problems: list[str], bad_dates: _BadDates
) -> SourceListing:
    missing: Counter[str] = Counter()
    entries: list[SourceEntry] = []
    for node in _children(root, "url"):
        fields = _fields(node)
        loc = _absolute(url, fields.get("loc"))
        if loc is None:
            missing["without <loc>" if not fields.get("loc") else "with a non-http(s) <loc>"] += 1
            continue
        news = next(_children(node, "news"), None)
        news_fields = _fields(news) if news is not None else {}
        entries.append(
            SourceEntry(
                url=loc,
                published=_date(news_fields.get("publication_date"), bad_dates),
                title=_clean(news_fields.get("title")),
                modified=_date(fields.get("lastmod"), bad_dates),
            )
        )
    for what, n in missing.items():
        problems.append(f"{n} <url> {'entry' if n == 1 else 'entries'} {what}")
    return SourceListing("sitemap", _unique(entries, problems), [], problems)


def _sitemapindex(
    root: etree._Element, url: str, problems: list[str], bad_dates: _BadDates
) -> SourceListing:
    missing = 0
    sitemaps: list[SourceEntry] = []
    for node in _children(root, "sitemap"):
        fields = _fields(node)
        loc = _absolute(url, fields.get("loc"))
        if loc is None:
            missing += 1
            continue
        sitemaps.append(SourceEntry(url=loc, modified=_date(fields.get("lastmod"), bad_dates)))
    if missing:
        problems.append(f"{_plural(missing, '<sitemap> entry')} without an http(s) <loc>")
    return SourceListing("sitemap-index", [], _unique(sitemaps, problems), problems)


def _local(node: etree._Element) -> str:
    """The element's name without namespace ("" for comments, entities and PIs)."""
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _children(node: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in node if _local(child) == name)


def _fields(node: etree._Element) -> dict[str, str]:
    """The stripped text of each child element by local name (the first of each wins)."""
    fields: dict[str, str] = {}
    for child in node:
        name = _local(child)
        if name and name not in fields:
            fields[name] = _text(child).strip()
    return fields


def _text(node: etree._Element) -> str:
    """Text content, leaving out unexpanded entity references, comments and PIs."""
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _date(raw: str | None, bad_dates: _BadDates) -> datetime | None:
    if not raw:
        return None
    value = parse_w3c_datetime(raw)
    if value is None:
        bad_dates.add(raw)
    return value


# --------------------------------------------------------------------------- robots.txt


def sitemaps_in_robots(body: bytes, url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, resolved against its URL, each once in order."""
    found: list[str] = []
    for line in body.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines():
        key, sep, value = line.split("#", 1)[0].partition(":")
        if not sep or key.strip().lower() != "sitemap":
            continue
        resolved = _absolute(url, value)
        if resolved:
            found.append(resolved)
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- dispatch


def parse_source(kind: str, body: bytes, url: str) -> SourceListing:
    """Parse ``body`` as a ``feed`` or a ``sitemap`` (a urlset or a sitemap index)."""
    if kind == "feed":
        return parse_feed(body, url)
    if kind == "sitemap":
        return parse_sitemap(body, url)
    raise ValueError(f"unknown source kind {kind!r} (expected 'feed' or 'sitemap')")
