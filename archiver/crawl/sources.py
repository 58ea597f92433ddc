"""Article sources of a news site: RSS/Atom feeds, sitemaps (with Google News) and robots.txt.

Pure parsing, no Scrapy and no fetching: each parser takes the body bytes and the URL they came
from, and returns a `SourceListing` or raises `SourceError` with a short ``reason`` slug.
Feeds are read in `archiver.crawl.feeds`, sitemaps and robots.txt in `archiver.crawl.sitemaps`.
"""

from __future__ import annotations

from archiver.crawl.feeds import parse_feed
from archiver.crawl.listing import (
    MAX_BODY_BYTES,
    SourceEntry,
    SourceError,
    SourceListing,
    merge_entries,
    newest_date,
)
from archiver.crawl.sitemaps import parse_sitemap, parse_w3c_datetime, sitemaps_in_robots

__all__ = [
    "MAX_BODY_BYTES",
    "SourceEntry",
    "SourceError",
    "SourceListing",
    "merge_entries",
    "newest_date",
    "parse_feed",
    "parse_sitemap",
    "parse_source",
    "parse_w3c_datetime",
    "sitemaps_in_robots",
]


def parse_source(kind: str, body: bytes, url: str) -> SourceListing:
    """Parse ``body`` as a ``feed`` or a ``sitemap`` (a urlset or a sitemap index)."""
    if kind == "feed":
        return parse_feed(body, url)
    if kind == "sitemap":
        return parse_sitemap(body, url)
    raise ValueError(f"unknown source kind {kind!r} (expected 'feed' or 'sitemap')")
