"""HTML + URL -> article fields: structured data first, trafilatura for the body.

Plain Python (never Scrapy), so the pipeline can run it in a process pool and ``archiver
reextract`` can run it over old WARCs. It loads trafilatura (through :mod:`.parse`,
:mod:`.body` and :mod:`.fallback`); nothing else in the package does.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from archiver.config import ExtractHints
from archiver.extraction.authors import choose_authors
from archiver.extraction.body import extract_body, paragraphs
from archiver.extraction.boilerplate import drop_boilerplate_paragraphs
from archiver.extraction.classify import is_article
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.language import article_language
from archiver.extraction.metadata import (
    canonical_url,
    declared_languages,
    description,
    image_url,
    modified_date,
    paywalled,
    published_date,
    site_name,
    tags,
    text_value,
)
from archiver.extraction.parse import ExtractionError, parse_page
from archiver.extraction.standfirst import with_standfirst
from archiver.extraction.structured import read_page
from archiver.extraction.title import choose_title, similar

__all__ = [
    "ExtractionError",
    "extract",
]

_WORD_RE = re.compile(r"\w+")


def extract(
    html: bytes | str,
    url: str,
    hints: ExtractHints | None = None,
    *,
    encoding: str | None = None,
) -> ExtractedArticle:
    """Extract article fields from a page; raise :class:`ExtractionError` only when unparseable.

    ``hints`` are the site config's ``extract:`` section (none: the defaults).
    """
    if hints is None:
        hints = ExtractHints()
    now = datetime.now(UTC)
    tree = parse_page(html, encoding)
    page = read_page(tree)
    doc, fallback = extract_body(tree, url, hints)
    art = page.article or {}

    site = site_name(page, fallback)
    publisher = text_value(art.get("publisher"))
    site_names = [n for n in (site, publisher, *page.orgs) if n]

    title = choose_title(
        page.h1s,
        [
            page.first_meta("og:title", "twitter:title"),
            text_value(art.get("headline")),
            page.title_tag,
        ],
        site_names,
        url,
        fallback=[lambda: fallback.get("title")],
    )

    authors = choose_authors(page, art, site_names, lambda: fallback.get("author"))
    published = published_date(page, tree, url, fallback, now)
    modified = modified_date(page, url, now)

    text = paragraphs(doc.text if doc is not None else None)
    text = drop_boilerplate_paragraphs(text)
    summary = description(page, art, fallback)
    text = with_standfirst(tree, text, summary)
    if title and text:
        first, _, rest = text.partition("\n\n")
        if similar(first, title) and len(first) <= len(title) + 20:
            text = rest
    words = len(_WORD_RE.findall(text))

    article = is_article(page, url, len(text), title, published)
    return ExtractedArticle(
        is_article=article,
        title=_nfc(title),
        description=_nfc(summary),
        authors=authors,
        published=published.iso if published else None,
        published_raw=published.raw if published else None,
        modified=modified.iso if modified else None,
        modified_raw=modified.raw if modified else None,
        language=article_language(declared_languages(page, art), text),
        text=text if article and text else None,
        tags=tags(page, art),
        image=image_url(page, art, url),
        canonical_url=canonical_url(page, url),
        paywalled=paywalled(page, page.article),
        word_count=words if article else 0,
        site_name=site,
    )


def _nfc(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if value else value
