"""HTML + URL -> article fields: structured data first, trafilatura for the body.

Plain Python (never Scrapy) and the only module that imports trafilatura, so the pipeline
can run it in a process pool and ``archiver reextract`` can run it over old WARCs.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from archiver.config import ExtractHints
from archiver.extraction.authors import (
    authors_from_bylines,
    authors_from_microdata,
    clean_authors,
    jsonld_author_entries,
    looks_like_person,
)
from archiver.extraction.boilerplate import (
    add_hyphenated_classes,
    drop_boilerplate,
    drop_boilerplate_paragraphs,
    drop_trailing_links,
    join_split_bodies,
    link_texts,
)
from archiver.extraction.dates import (
    ParsedDate,
    date_from_url,
    labelled_date,
    main_article,
    parse_date,
)
from archiver.extraction.decode import decode_html
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.language import article_language
from archiver.extraction.standfirst import with_standfirst
from archiver.extraction.structured import PageData, read_page
from archiver.extraction.title import choose_title, similar

__all__ = [
    "ExtractionError",
    "extract",
]

logger = logging.getLogger(__name__)

_TAG_RE = re.compile(r"<\s*[a-zA-Z!?/]")
_WORD_RE = re.compile(r"\w+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MIN_ARTICLE_CHARS = 300
_MIN_UNSIGNALLED_CHARS = 1500


class ExtractionError(Exception):
    """The page cannot be parsed at all; ``reason`` is a short slug for counters."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# --------------------------------------------------------------------------- helpers


def _str(value: Any) -> str | None:
    """A clean string from a JSON-LD value (string, list of strings, {"@value"}/{"name"})."""
    if isinstance(value, list):
        for item in value:
            s = _str(item)
            if s:
                return s
        return None
    if isinstance(value, dict):
        return _str(value.get("@value") or value.get("name") or value.get("url"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        s = " ".join(str(value).split())
        return s or None
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
        return _str(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return _str(value)


def _declared_languages(page: PageData, article: dict[str, Any] | None) -> list[str | None]:
    return [
        page.html_lang,
        _str(article.get("inLanguage")) if article else None,
        page.first_meta("content-language", "language", "dc.language", "og:locale"),
    ]


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return [s for v in value for s in _keywords(v)]
    s = _str(value)
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


def _paywalled(page: PageData, article: dict[str, Any] | None) -> bool | None:
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


def _paragraphs(text: str | None) -> str:
    if not text:
        return ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _drop_selectors(tree: Any, selectors: list[str]) -> None:
    from lxml.cssselect import CSSSelector  # optional dependency (cssselect), only for hints

    for css in selectors:
        try:
            matches = CSSSelector(css)(tree)
        except Exception:  # cssselect raises several error types for bad selectors
            logger.warning("ignoring invalid drop selector %r", css)
            continue
        for el in matches:
            parent = el.getparent()
            if parent is not None:
                el.drop_tree()


def _select_body(tree: Any, css: str) -> Any | None:
    from lxml.cssselect import CSSSelector

    try:
        matches = CSSSelector(css)(tree)
    except Exception:  # cssselect raises several error types for bad selectors
        logger.warning("ignoring invalid body selector %r", css)
        return None
    if not matches:
        return None
    wrapper = lxml_html.fromstring("<html><body></body></html>")
    body = wrapper.find("body")
    for el in matches:
        body.append(el)
    return wrapper


# --------------------------------------------------------------------------- main


def _parse(html: bytes | str, encoding: str | None) -> Any:
    if isinstance(html, bytes):
        if not html.strip():
            raise ExtractionError("empty")
        if b"\x00" in html[:2048] and not html.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ExtractionError("not-html", "binary content")
        text = decode_html(html, encoding)
    else:
        text = html
    if not text.strip():
        raise ExtractionError("empty")
    if not _TAG_RE.search(text[:65536]):
        raise ExtractionError("not-html", "no markup")
    text = _CONTROL_RE.sub("", text)
    try:
        tree = load_html(text)
    except (ValueError, etree.ParserError) as exc:
        raise ExtractionError("parse-error", str(exc)) from exc
    if tree is None or len(tree) == 0:
        raise ExtractionError("parse-error", "no document tree")
    return tree


class _PageMetadata:
    """trafilatura's own metadata of the page, worked out on first use only.

    It is our last resort for site name, title, authors, date and description, and its
    date search (htmldate) costs about as much as the body extraction: most pages never
    need it.
    """

    def __init__(self, tree: Any, url: str, options: Extractor) -> None:
        self._tree, self._url, self._options = tree, url, options
        self._doc: Any = None
        self._done = False

    def get(self, name: str) -> str | None:
        """One field (``sitename``, ``title``, ``author``, ``date``, ``description``)."""
        if not self._done:
            self._done = True
            try:
                self._doc = extract_metadata(
                    self._tree,
                    self._url,
                    self._options.date_params,
                    self._options.fast,
                    self._options.author_blacklist,
                )
            except Exception:  # as for the body: one page must never stop a crawl
                logger.exception("trafilatura metadata failed on %s", self._url)
        value = getattr(self._doc, name, None)
        return value if isinstance(value, str) and value.strip() else None


def _body(tree: Any, url: str, hints: ExtractHints) -> tuple[Any, _PageMetadata]:
    """trafilatura's body document (or None) and the page's lazy fallback metadata."""
    tree = _copy_tree(tree)
    add_hyphenated_classes(tree)
    join_split_bodies(tree)
    drop_boilerplate(tree)
    if hints.drop_selectors or hints.body_selector:
        if hints.drop_selectors:
            _drop_selectors(tree, hints.drop_selectors)
        if hints.body_selector:
            selected = _select_body(tree, hints.body_selector)
            if selected is not None:
                tree = selected
    options = Extractor(
        output_format="python",
        comments=False,
        precision=hints.favor == "precision",
        recall=hints.favor == "recall",
        with_metadata=False,
        url=url,
    )
    links = link_texts(tree)
    doc = _run_trafilatura(tree, url, options)
    if doc is not None and doc.text:
        doc.text = drop_trailing_links(doc.text, links)
    # trafilatura worked on its own copy: ``tree`` is still the cleaned page
    return doc, _PageMetadata(tree, url, options)


def _run_trafilatura(tree: Any, url: str, options: Extractor) -> Any:
    """trafilatura's document for ``tree``; for an empty page, for its script-held article."""
    hydrated = None
    try:
        doc: Any = trafilatura.bare_extraction(tree, url=url, options=options)
        if doc is None or len(doc.text or "") < _MIN_ARTICLE_CHARS:
            hydrated = _hydration_html(tree)
        if hydrated is None:
            return doc
        wrapper = lxml_html.fromstring(f"<html><body><article>{hydrated}</article></body></html>")
        drop_boilerplate(wrapper)
        fallback: Any = trafilatura.bare_extraction(wrapper, url=url, options=options)
    except Exception:  # trafilatura is robust, but a crawl must never die on one page
        logger.exception("trafilatura failed on %s", url)
        return None
    if fallback is None or len(fallback.text or "") <= len((doc and doc.text) or ""):
        return doc
    return fallback


# a JSON string literal in an inline script, long enough to hold an article
_JSON_STR_RE = re.compile(r'"((?:[^"\\]|\\.){1000,})"')
_MARKUP_RE = re.compile(r"<(?:p|br)\b", re.I)


def _hydration_html(tree: Any) -> str | None:
    """The longest HTML fragment with paragraphs held in an inline script's JSON data.

    Pages rendered client-side ship their article as data for the script (hydration state)
    and leave the HTML body empty; this is that article's markup, or None.
    """
    best = ""
    for script in tree.iter("script"):
        if script.get("src") or not script.text:
            continue
        for match in _JSON_STR_RE.finditer(script.text):
            try:
                value = json.loads(f'"{match.group(1)}"')
            except ValueError:
                continue
            if len(value) > len(best) and len(_MARKUP_RE.findall(value)) >= 3:
                best = value
    return best or None


def _copy_tree(tree: Any) -> Any:
    from copy import deepcopy

    return deepcopy(tree)


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
    tree = _parse(html, encoding)
    page = read_page(tree)
    doc, fallback = _body(tree, url, hints)
    art = page.article or {}

    site_name = (
        page.first_meta("og:site_name", "application-name")
        or (page.orgs[0] if page.orgs else None)
        or fallback.get("sitename")
    )
    publisher = _str(art.get("publisher"))
    site_names = [n for n in (site_name, publisher, *page.orgs) if n]

    title = choose_title(
        page.h1s,
        [
            page.first_meta("og:title", "twitter:title"),
            _str(art.get("headline")),
            page.title_tag,
        ],
        site_names,
        url,
        fallback=[lambda: fallback.get("title")],
    )

    authors = _authors(page, art, fallback, site_names)

    published = _first_date(
        [
            _str(main_article(page.articles, url).get("datePublished")),
            page.first_meta("article:published_time", "og:published_time", "published_time"),
            page.first_meta("parsely-pub-date", "sailthru.date", "pubdate", "publishdate"),
            page.first_meta("dc.date.issued", "dcterms.created", "dc.date", "date"),
            *page.itemprops.get("datePublished", [])[:1],
            _str(main_article(page.articles, url).get("dateCreated")),
            *page.times[:1],
            lambda: labelled_date(tree),
            lambda: fallback.get("date"),
            lambda: date_from_url(url),
        ],
        now,
    )
    modified = _first_date(
        [
            _str(main_article(page.articles, url).get("dateModified")),
            page.first_meta("article:modified_time", "og:updated_time", "modified_time"),
            page.first_meta("dcterms.modified", "last-modified"),
            *page.itemprops.get("dateModified", [])[:1],
        ],
        now,
    )

    text = _paragraphs(doc.text if doc is not None else None)
    text = drop_boilerplate_paragraphs(text)
    description = (
        _str(art.get("description"))
        or page.first_meta("og:description", "description", "twitter:description")
        or fallback.get("description")
    )
    text = with_standfirst(tree, text, description)
    if title and text:
        first, _, rest = text.partition("\n\n")
        if similar(first, title) and len(first) <= len(title) + 20:
            text = rest
    words = len(_WORD_RE.findall(text))

    is_article = _is_article(page, url, len(text), title, published)
    tags = _dedupe(
        [
            *_keywords(art.get("keywords")),
            *page.meta.get("article:tag", []),
            *_keywords(page.first_meta("news_keywords", "keywords")),
        ]
    )
    image = _abs_url(
        _image(art.get("image")) or page.first_meta("og:image", "og:image:url", "twitter:image"),
        url,
    )
    canonical = _abs_url(page.canonical or page.first_meta("og:url"), url)
    return ExtractedArticle(
        is_article=is_article,
        title=_nfc(title),
        description=_nfc(description),
        authors=authors,
        published=published.iso if published else None,
        published_raw=published.raw if published else None,
        modified=modified.iso if modified else None,
        modified_raw=modified.raw if modified else None,
        language=article_language(_declared_languages(page, art), text),
        text=text if is_article and text else None,
        tags=tags,
        image=image,
        canonical_url=canonical,
        paywalled=_paywalled(page, page.article),
        word_count=words if is_article else 0,
        site_name=site_name,
    )


def _authors(
    page: PageData, art: dict[str, Any], fallback: _PageMetadata, site_names: list[str]
) -> list[str]:
    """Authors as the page's structured data names them, else from the first other source.

    JSON-LD ``author`` comes first and is taken as given: persons, and organisations listed
    beside them (a joint credit, e.g. an agency). When it names only the publisher itself
    (a house byline), a person credited in meta tags, microdata or a "By ..." byline wins;
    otherwise the house name is the author. A lone third-party organisation is not taken.
    Other sources: meta tags, microdata, an on-page byline, trafilatura; their names equal
    to the site's own name are dropped.
    """
    entries = jsonld_author_entries(art.get("author"), page.nodes) if art else []
    # ``site_names`` holds every JSON-LD organisation, the author's too: an agency credited
    # as author is not the site.
    author_orgs = {_site_key(name) for name, is_org in entries if is_org}
    site_keys = {_site_key(n) for n in site_names} - author_orgs
    meta = page.meta

    def node_name(value: Any) -> str | None:
        if isinstance(value, dict) and isinstance(value.get("@id"), str) and "name" not in value:
            value = page.nodes.get(value["@id"], value)
        if isinstance(value, dict):
            value = value.get("name")
        return value if isinstance(value, str) else None

    own_names = [
        page.first_meta("og:site_name", "application-name"),
        node_name(art.get("publisher")) if art else None,
        urlsplit(page.canonical or page.first_meta("og:url") or "").hostname,
    ]
    own_keys = {k for k in (_site_key(n) for n in own_names if n) if len(k) >= 3}

    def is_own(name: str) -> bool:
        key = _site_key(name)
        return bool(key) and any(k == key or k in key or key in k for k in own_keys)

    sources: list[Any] = [
        lambda: clean_authors(
            v
            for key in (
                "author",
                "article:author",
                "parsely-author",
                "sailthru.author",
                "dc.creator",
                "byl",
            )
            for v in meta.get(key, [])
            if not v.lower().startswith(("http", "@", "www."))
        ),
        lambda: authors_from_microdata(page.itemprops.get("author", []), page.bylines),
        lambda: authors_from_bylines(page.bylines),
        lambda: clean_authors((fallback.get("author") or "").split(";")),
    ]

    if any(not is_org and not is_own(name) for name, is_org in entries):
        return [name for name, _ in entries]
    house = [name for name, is_org in entries if not is_org or is_own(name)]
    if house:
        prefixed = lambda: authors_from_bylines(page.bylines, require_prefix=True)  # noqa: E731
        for source in (*sources[:2], prefixed):
            names = [n for n in source() if _site_key(n) not in site_keys and not is_own(n)]
            if any(looks_like_person(n) for n in names):
                return names
        return house
    for source in sources:
        names = [n for n in source() if _site_key(n) not in site_keys]
        if names:
            return list(names)
    return []


def _site_key(name: str) -> str:
    key = re.sub(r"^www\.|\.(?:com|de|at|ch|net|org|co\.uk|[a-z]{2})$", "", name.casefold().strip())
    return re.sub(r"\W+", "", key)


def _nfc(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if value else value


def _looks_like_section(path: str) -> bool:
    """Home and section paths (``""``, ``world``, ``news/europe``): short, no ids or slugs."""
    segments = [seg for seg in path.split("/") if seg]
    if not segments or segments[-1].lower() in ("index.html", "index.php", "index.htm"):
        return True
    return len(segments) <= 2 and all(
        len(seg) <= 24 and not any(ch.isdigit() for ch in seg) and seg.count("-") <= 1
        for seg in segments
    )


def _is_article(
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
        return chars >= _MIN_ARTICLE_CHARS and not (listing and not page.articles)
    if og_type == "website":
        # What sites say of their home, section and service pages; a few say it of articles
        # too, so it is not final: a long, dated body with a headline still counts.
        return bool(title) and published is not None and chars >= _MIN_UNSIGNALLED_CHARS
    if listing or (_looks_like_section(path) and published is None):
        return False
    if not title:
        return False
    return chars >= (_MIN_ARTICLE_CHARS if published is not None else _MIN_UNSIGNALLED_CHARS)
