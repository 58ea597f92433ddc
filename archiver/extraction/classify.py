"""Whether a page is an article: its article signals and body, or a long dated headlined body;
home pages, section fronts and listings are not."""

from __future__ import annotations

from urllib.parse import urlsplit

from archiver.extraction.dates import ParsedDate
from archiver.extraction.structured import PageData

__all__ = ["MIN_ARTICLE_CHARS", "is_article"]

#: Fewer characters of body than this make no article, whatever the page says of itself.
MIN_ARTICLE_CHARS = 300
_MIN_UNSIGNALLED_CHARS = 1500


def is_article(
    page: PageData, url: str, chars: int, title: str | None, published: ParsedDate | None
) -> bool:
    """Article signals (JSON-LD type, og:type) and a body; or, without them, a body, a
    headline and a date. Home pages, section fronts and listings come out False."""
    if chars == 0:
        return False
    og_type = (page.first_meta("og:type") or "").lower()
    listing = page.jsonld_types & {"CollectionPage", "ItemList", "SearchResultsPage"}
    path = urlsplit(url).path.strip("/")
    if not path.strip("/") and not page.articles:
        return False
    if page.articles or og_type in ("article", "news", "blog", "blogpost"):
        return chars >= MIN_ARTICLE_CHARS and not (listing and not page.articles)
    if og_type == "website":
        # What sites say of their home, section and service pages; a few say it of articles
        # too, so it is not final: a long, dated body with a headline still counts.
        return bool(title) and published is not None and chars >= _MIN_UNSIGNALLED_CHARS
    if listing or (_looks_like_section(path) and published is None):
        return False
    if not title:
        return False
    return chars >= (MIN_ARTICLE_CHARS if published is not None else _MIN_UNSIGNALLED_CHARS)


def _looks_like_section(path: str) -> bool:
    """Home and section paths (``""``, ``world``, ``news/europe``): short, no ids or slugs."""
    segments = [seg for seg in path.split("/") if seg]
    if not segments or segments[-1].lower() in ("index.html", "index.php", "index.htm"):
        return True
    return len(segments) <= 2 and all(
        len(seg) <= 24 and not any(ch.isdigit() for ch in seg) and seg.count("-") <= 1
        for seg in segments
    )
