"""The page's own metadata: site name, dates, description, tags, image, canonical URL, paywall
and declared languages, from JSON-LD, ``<meta>`` and microdata (trafilatura's as a last resort)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from archiver.extraction.dates import (
    ParsedDate,
    date_from_url,
    labelled_date,
    main_article,
    parse_date,
)
from archiver.extraction.structured import PageData

if TYPE_CHECKING:  # trafilatura's metadata: only extract() makes one
    from archiver.extraction.fallback import FallbackMetadata

__all__ = [
    "canonical_url",
    "declared_languages",
    "description",
    "image_url",
    "modified_date",
    "paywalled",
    "published_date",
    "site_name",
    "tags",
    "text_value",
]


def text_value(value: Any) -> str | None:
    """A clean string from a JSON-LD value (string, list of strings, {"@value"}/{"name"})."""
    if isinstance(value, list):
        for item in value:
            s = text_value(item)
            if s:
                return s
        return None
    if isinstance(value, dict):
        return text_value(value.get("@value") or value.get("name") or value.get("url"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        s = " ".join(str(value).split())
        return s or None
    return None


def site_name(page: PageData, fallback: FallbackMetadata) -> str | None:
    """The site's name as the page gives it: og:site_name, a JSON-LD organisation, trafilatura."""
    return (
        page.first_meta("og:site_name", "application-name")
        or (page.orgs[0] if page.orgs else None)
        or fallback.get("sitename")
    )


def published_date(
    page: PageData, tree: Any, url: str, fallback: FallbackMetadata, now: datetime
) -> ParsedDate | None:
    """The publication date: structured data and meta tags first, then a labelled date on the
    page, trafilatura's and the URL's (searched only while they can still change the result)."""
    return _first_date(
        [
            text_value(main_article(page.articles, url).get("datePublished")),
            page.first_meta("article:published_time", "og:published_time", "published_time"),
            page.first_meta("parsely-pub-date", "sailthru.date", "pubdate", "publishdate"),
            page.first_meta("dc.date.issued", "dcterms.created", "dc.date", "date"),
            *page.itemprops.get("datePublished", [])[:1],
            text_value(main_article(page.articles, url).get("dateCreated")),
            *page.times[:1],
            lambda: labelled_date(tree),
            lambda: fallback.get("date"),
            lambda: date_from_url(url),
        ],
        now,
    )


def modified_date(page: PageData, url: str, now: datetime) -> ParsedDate | None:
    """The last-modified date from structured data and meta tags only."""
    return _first_date(
        [
            text_value(main_article(page.articles, url).get("dateModified")),
            page.first_meta("article:modified_time", "og:updated_time", "modified_time"),
            page.first_meta("dcterms.modified", "last-modified"),
            *page.itemprops.get("dateModified", [])[:1],
        ],
        now,
    )


def description(page: PageData, art: dict[str, Any], fallback: FallbackMetadata) -> str | None:
    """The article's summary: JSON-LD, then meta descriptions, then trafilatura's."""
    return (
        text_value(art.get("description"))
        or page.first_meta("og:description", "description", "twitter:description")
        or fallback.get("description")
    )


def tags(page: PageData, art: dict[str, Any]) -> list[str]:
    """Keywords and article tags, without duplicates (at most 50)."""
    return _dedupe(
        [
            *_keywords(art.get("keywords")),
            *page.meta.get("article:tag", []),
            *_keywords(page.first_meta("news_keywords", "keywords")),
        ]
    )


def image_url(page: PageData, art: dict[str, Any], url: str) -> str | None:
    """The article's lead image as an absolute http(s) URL."""
    return _abs_url(
        _image(art.get("image")) or page.first_meta("og:image", "og:image:url", "twitter:image"),
        url,
    )


def canonical_url(page: PageData, url: str) -> str | None:
    """``<link rel=canonical>`` or og:url, as an absolute http(s) URL."""
    return _abs_url(page.canonical or page.first_meta("og:url"), url)


def declared_languages(page: PageData, article: dict[str, Any] | None) -> list[str | None]:
    """The languages the page declares: ``<html lang>``, JSON-LD inLanguage, meta tags."""
    return [
        page.html_lang,
        text_value(article.get("inLanguage")) if article else None,
        page.first_meta("content-language", "language", "dc.language", "og:locale"),
    ]


def paywalled(page: PageData, article: dict[str, Any] | None) -> bool | None:
    """Whether the article is behind a paywall, as its markup says (None: it does not say)."""
    if article is not None:
        free = _flag(article.get("isAccessibleForFree"))
        parts = article.get("hasPart")
        if free is None and isinstance(parts, dict | list):
            # schema.org's paywall markup: the parts behind the wall are marked not free
            flags = [_flag(p.get("isAccessibleForFree")) for p in _as_list(parts)]
            free = False if False in flags else (True if True in flags else None)
        if free is not None:
            return not free
    tier = page.first_meta("article:content_tier", "content_tier")
    if tier:
        return tier.strip().lower() in ("locked", "metered", "premium", "paid")
    return None


def _abs_url(value: str | None, base: str) -> str | None:
    if not value:
        return None
    try:
        out = urljoin(base, value.strip())
    except ValueError:
        return None
    return out if urlsplit(out).scheme in ("http", "https") else None


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        for item in value:
            s = _image(item)
            if s:
                return s
        return None
    if isinstance(value, dict):
        return text_value(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return text_value(value)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return [s for v in value for s in _keywords(v)]
    s = text_value(value)
    return [k.strip() for k in s.split(",")] if s else []


def _dedupe(items: list[str], limit: int = 50) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if item and item.casefold() not in seen and len(item) <= 100:
            seen.add(item.casefold())
            out.append(item)
    return out[:limit]


def _first_date(
    raws: list[str | Callable[[], str | None] | None], now: datetime
) -> ParsedDate | None:
    """First parseable candidate; a zoned value of the same day may refine a zoneless one.

    A callable candidate (a costly search of the page) is only called while it can still
    change the result: when nothing parsed yet, or the best so far has no zone.
    """
    best: ParsedDate | None = None
    for raw in raws:
        if callable(raw):
            if best is not None and best.has_zone:
                break
            raw = raw()
        parsed = parse_date(raw, now=now) if raw else None
        if parsed is None:
            continue
        if best is None:
            best = parsed
        elif not best.has_zone and parsed.has_zone and parsed.day == best.day:
            return parsed
    return best


def _flag(value: Any) -> bool | None:
    """A schema.org boolean: ``true``/``false`` or the strings "True"/"False"."""
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


def _as_list(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]
