"""Source listings (SourceEntry, SourceListing, SourceError) and what the parsers share."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

__all__ = [
    "MAX_BODY_BYTES",
    "BadDates",
    "SourceEntry",
    "SourceError",
    "SourceListing",
    "absolute_url",
    "clean_text",
    "merge_entries",
    "newest_date",
    "plural",
    "read_body",
    "unique_entries",
]

# The sitemaps.org limit on an uncompressed sitemap; also applied to feeds.
MAX_BODY_BYTES = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


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


def read_body(body: bytes) -> bytes:
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


def absolute_url(base_url: str, href: str | None) -> str | None:
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


def unique_entries(entries: Iterable[SourceEntry], problems: list[str]) -> list[SourceEntry]:
    """Entries in document order, each URL once (the first wins); duplicates are counted."""
    seen: dict[str, SourceEntry] = {}
    dropped = 0
    for entry in entries:
        if entry.url in seen:
            dropped += 1
        else:
            seen[entry.url] = entry
    if dropped:
        problems.append(f"{plural(dropped, 'duplicate URL')} ignored")
    return list(seen.values())


def clean_text(text: str | None) -> str | None:
    """Whitespace collapsed; None when nothing is left."""
    return (" ".join(text.split()) or None) if text else None


def plural(n: int, noun: str) -> str:
    """``1 entry``, ``2 entries``: ``n`` and the noun, plural unless n is 1."""
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


class BadDates:
    """Counts unparseable dates and keeps the first one as an example."""

    def __init__(self) -> None:
        self.count = 0
        self.example = ""

    def add(self, raw: str) -> None:
        """Count one unparseable date."""
        self.count += 1
        if self.count == 1:
            self.example = raw[:80]

    def report(self, problems: list[str]) -> None:
        """Add the count and the first example to ``problems``, if there were any."""
        if self.count:
            problems.append(f"{plural(self.count, 'unparseable date')} (first: {self.example!r})")
