"""Read a page's structured data: JSON-LD, ``<meta>``, ``<link>``, ``<time>``, headings."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html

__all__ = ["ARTICLE_TYPES", "PageData", "read_page", "text_of"]

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle",
        "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting", "Report", "TechArticle",
        "SatiricalArticle", "AdvertiserContentArticle", "ScholarlyArticle", "SocialMediaPosting",
        "DiscussionForumPosting", "Review", "Recipe",
    }
)  # fmt: skip
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CONTAINER_KEYS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart")
# XPath finds attributes fast, but compares their values slowly: Python does that
_ITEMPROPS = etree.XPath("//@itemprop")
_ITEMPROP_NAMES = frozenset(("author", "datePublished", "dateModified", "headline"))
_BYLINE_ATTRS = etree.XPath("//body//*/@class | //body//*/@id | //body//a/@rel")
_BYLINE_WORDS = ("author", "byline", "Author", "Byline")
_JSON_JUNK_RE = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$"
)


@dataclass
class PageData:
    """What the page declares about itself, before any body extraction."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    jsonld_types: set[str] = field(default_factory=set)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    orgs: list[str] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    canonical: str | None = None
    title_tag: str | None = None
    h1s: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    itemprops: dict[str, list[str]] = field(default_factory=dict)
    root: Any = field(default=None, repr=False)
    _bylines: list[str] | None = field(default=None, repr=False)

    @property
    def bylines(self) -> list[str]:
        """Texts of up to 5 author/byline elements outside footers (searched when first asked:
        most pages name their authors in structured data)."""
        if self._bylines is None:
            self._bylines = _bylines(self.root) if self.root is not None else []
        return self._bylines

    def first_meta(self, *keys: str) -> str | None:
        """First non-empty ``<meta>`` content among ``keys`` (lower-case names)."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return None

    @property
    def article(self) -> dict[str, Any] | None:
        """The main JSON-LD article node, if any."""
        return self.articles[0] if self.articles else None


def text_of(el: Any) -> str:
    """Whitespace-collapsed text content of an element."""
    try:
        return " ".join(el.text_content().split())
    except (ValueError, AttributeError):
        return ""


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    items = t if isinstance(t, list) else [t]
    return [x.rsplit("/", 1)[-1] for x in items if isinstance(x, str)]


def _load_json(text: str) -> Any:
    text = _JSON_JUNK_RE.sub("", text.strip()).strip().rstrip(";")
    if not text:
        return None
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        # Some pages concatenate objects or leave trailing commas: skip, do not guess.
        return None
    if "\\ud" not in text.lower():
        return data
    try:  # a lone \ud83d (a cut emoji) decodes to a surrogate, which UTF-8 cannot write
        return _without_surrogates(data)
    except RecursionError:
        return None


def _without_surrogates(value: Any) -> Any:
    """``value`` with each lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _walk(data: Any, page: PageData, depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            _walk(item, page, depth + 1)
        return
    if not isinstance(data, dict):
        return
    types = _types(data)
    page.jsonld_types.update(types)
    node_id = data.get("@id")
    if isinstance(node_id, str) and len(data) > 2:
        page.nodes.setdefault(node_id, data)
    if any(t in ARTICLE_TYPES for t in types):
        page.articles.append(data)
    elif any(t in ("Organization", "NewsMediaOrganization") for t in types):
        name = data.get("name")
        if isinstance(name, str):
            page.orgs.append(name)
    for key in _CONTAINER_KEYS:
        if key in data and isinstance(data[key], dict | list):
            _walk(data[key], page, depth + 1)


def read_page(tree: lxml_html.HtmlElement) -> PageData:
    """Collect JSON-LD, meta tags, canonical link, ``<title>``, ``<h1>`` and ``<time>``."""
    page = PageData()
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("xml:lang")
    if lang:
        page.html_lang = lang.strip()
    for el in root.iter("meta", "link", "script", "title", "h1", "time"):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            content = el.get("content")
            if key and content is not None:
                page.meta.setdefault(key.strip().lower(), []).append(" ".join(content.split()))
            if el.get("itemprop") and content:
                page.itemprops.setdefault(el.get("itemprop"), []).append(content.strip())
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            if "canonical" in rel and el.get("href") and page.canonical is None:
                page.canonical = el.get("href").strip()
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                _walk(_load_json(el.text), page)
        elif tag == "title":
            if page.title_tag is None:
                page.title_tag = text_of(el) or None
        elif tag == "h1":
            text = " ".join(" ".join(el.itertext()).split())
            if text:
                page.h1s.append(text)
        elif tag == "time":
            value = el.get("datetime")
            if value:
                page.times.append(value.strip())
    for attr in _ITEMPROPS(root):
        if attr not in _ITEMPROP_NAMES:
            continue
        el, prop = attr.getparent(), str(attr)
        if el.tag == "meta":
            continue
        if prop == "author":
            names = el.xpath(".//*[@itemprop='name']")
            value = el.get("content") or text_of(names[0] if names else el)
        else:
            value = el.get("datetime") or el.get("content") or text_of(el)
        if value:
            page.itemprops.setdefault(prop, []).append(value)
    page.root = root
    return page


def _byline_elements(root: Any) -> Iterator[Any]:
    """Links with ``rel=author`` and elements whose class names an author or a byline (or
    whose id names an author) in the page's body, outside footers, in document order."""
    last = None
    for value in _BYLINE_ATTRS(root):
        name = value.attrname
        if name == "class":
            hit = any(word in value for word in _BYLINE_WORDS)
        else:  # a rel="author" link, or an id
            hit = value == "author" if name == "rel" else "author" in value
        el = value.getparent()
        if hit and el is not last and next(el.iterancestors("footer"), None) is None:
            last = el
            yield el


def _bylines(root: Any) -> list[str]:
    found: list[str] = []
    for el in _byline_elements(root):
        text = text_of(el)
        if 2 < len(text) <= 120:
            found.append(text)
            if len(found) >= 5:
                break
    return found
