"""What a page needs to replay looking like the original, as ``wget --page-requisites`` finds it.

Pure parsing, no Scrapy and no fetching: `html_requisites` reads a page (links, scripts, images,
media, frames and the CSS inside it), `css_requisites` reads a stylesheet. Both return absolute
http(s) URLs without fragment in document order, each once, and never raise on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import tinycss2.bytes
from lxml import etree
from lxml import html as lxml_html

from archiver.crawl.css import css_urls
from archiver.extraction.decode import decode_html, whatwg_encoding

__all__ = [
    "KINDS",
    "LAZY_IMAGE_ATTRIBUTES",
    "Requisite",
    "css_requisites",
    "html_requisites",
    "srcset_urls",
]

KINDS = ("stylesheet", "script", "image", "font", "icon", "frame", "media", "other")

# Attributes lazy-loading scripts use on <img> for the real image; those ending in "srcset"
# hold a srcset, the others one URL.
LAZY_IMAGE_ATTRIBUTES = (
    "data-src",
    "data-srcset",
    "data-lazy-src",
    "data-lazy-srcset",
    "data-original",
    "data-original-src",
    "data-fallback-src",
    "data-hi-res-src",
)

_ICON_RELS = frozenset({"icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"})
_PRELOAD_RELS = frozenset({"preload", "modulepreload", "prefetch"})
_PRELOAD_KINDS = {
    "style": "stylesheet",
    "script": "script",
    "font": "font",
    "image": "image",
    "audio": "media",
    "video": "media",
    "track": "media",
}
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# ASCII whitespace in HTML; the URL parser also strips C0 controls around a URL.
_HTML_SPACE = " \t\n\r\f"
_URL_STRIP = "".join(chr(c) for c in range(0x21))
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Requisite:
    """One resource a page needs.

    ``url`` is absolute http(s), fragment removed, whitespace stripped; ``kind`` is one of
    `KINDS`: what fetched it (a ``<link rel=stylesheet>`` is a stylesheet, an ``@font-face``
    ``src`` a font, a CSS ``url()`` elsewhere an image, ``<embed>`` / ``<object>`` "other").
    """

    url: str
    kind: str


@dataclass
class _Found:
    """Requisites in first-seen order; the first kind seen for a URL wins."""

    kinds: dict[str, str] = field(default_factory=dict)

    def add(self, value: str | None, kind: str, base_url: str) -> None:
        url = _absolute(value, base_url)
        if url is not None:
            self.kinds.setdefault(url, kind)

    def result(self) -> list[Requisite]:
        return [Requisite(url, kind) for url, kind in self.kinds.items()]


def _absolute(value: str | None, base_url: str) -> str | None:
    """`value` resolved against `base_url` without fragment, or None unless it is http(s)."""
    if value is None:
        return None
    value = value.strip(_URL_STRIP)
    if not value or value.startswith("#"):
        return None
    try:
        url, _ = urldefrag(urljoin(base_url, value))
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port out of range
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if any(char.isspace() for char in parts.netloc):
        return None
    return url


def srcset_urls(value: str) -> list[str]:
    """The URL of each candidate of a ``srcset``, in order, as written (relative kept).

    Follows the HTML spec's "parse a srcset attribute": a URL runs to the next whitespace, so
    it may contain commas; a candidate ends at a comma outside parentheses. Candidates with
    invalid descriptors are kept (the spec drops them): an extra fetch is cheaper than a gap.
    """
    urls: list[str] = []
    pos, end = 0, len(value)
    while True:
        while pos < end and (value[pos] in _HTML_SPACE or value[pos] == ","):
            pos += 1
        if pos >= end:
            return urls
        start = pos
        while pos < end and value[pos] not in _HTML_SPACE:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            in_parens = False
            while pos < end:
                char = value[pos]
                pos += 1
                if in_parens:
                    in_parens = char != ")"
                elif char == "(":
                    in_parens = True
                elif char == ",":
                    break
        urls.append(url)


# --- CSS -----------------------------------------------------------------------------------


def css_requisites(css: bytes | str, base_url: str, encoding: str | None = None) -> list[Requisite]:
    """Imports, fonts and images a stylesheet (or a ``style`` attribute's text) loads.

    ``@import`` gives stylesheets, ``url()`` inside ``@font-face`` fonts, any other ``url()``
    or ``image-set()`` string images. Bytes are decoded as CSS says (BOM, `encoding` from the
    protocol, ``@charset``, UTF-8); text without ``{`` is read as a declaration list.
    """
    found = _Found()
    _css_into(found, css, base_url, encoding)
    return found.result()


def _css_into(found: _Found, css: bytes | str, base_url: str, encoding: str | None) -> None:
    if isinstance(css, bytes):
        protocol = whatwg_encoding(encoding)
        text, _ = tinycss2.bytes.decode_stylesheet_bytes(
            css, protocol_encoding=protocol.name if protocol else None
        )
    else:
        text = css
    for raw, kind in css_urls(text):
        found.add(raw, kind, base_url)


# --- HTML ----------------------------------------------------------------------------------


def html_requisites(
    html: bytes | str, base_url: str, encoding: str | None = None
) -> list[Requisite]:
    """Stylesheets, scripts, icons, images, fonts, media and frames a page loads.

    `base_url` is the page's URL; a ``<base href>`` overrides it. Bytes are decoded with
    `encoding` (the HTTP charset) unless a BOM says otherwise, else by the ``<meta>`` charset,
    else as UTF-8 with replacement. CSS in ``<style>`` and ``style=`` goes through
    `css_requisites`. Frames are listed, not read: the caller fetches them one level deep.
    """
    root = _parse_html(html, encoding)
    if root is None:
        return []
    base_url = _document_base(root, base_url)
    found = _Found()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = element.tag.rpartition("}")[2].lower()
        for raw, kind in _element_urls(element, tag):
            found.add(raw, kind, base_url)
        if tag == "style" and element.text:
            _css_into(found, element.text, base_url, None)
        style = element.get("style")
        if style:
            _css_into(found, style, base_url, None)
    return found.result()


def _parse_html(html: bytes | str, encoding: str | None) -> Any:
    """The document's root element, or None when there is nothing to parse."""
    text = html if isinstance(html, str) else decode_html(html, encoding, as_browser=True)
    # lxml refuses str with an XML encoding declaration; bytes with a fixed encoding it takes.
    data = _SURROGATE_RE.sub("\ufffd", text).encode("utf-8")
    if not data.strip():
        return None
    # huge_tree: libxml2 otherwise silently stops at 256 levels, which tag soup can reach.
    parser = lxml_html.HTMLParser(encoding="utf-8", huge_tree=True)
    try:
        return lxml_html.document_fromstring(data, parser=parser)
    except (etree.LxmlError, ValueError):
        return None


def _document_base(root: Any, page_url: str) -> str:
    """The first ``<base href>`` resolved against the page URL, if it is http(s)."""
    for base in root.iter("base"):
        href = base.get("href")
        if href is not None:
            try:
                url = urljoin(page_url, href.strip(_URL_STRIP))
                if urlsplit(url).scheme in ("http", "https"):
                    return url
            except ValueError:
                pass
            break
    return page_url


def _srcset(value: str | None) -> list[str]:
    return srcset_urls(value) if value else []


def _element_urls(element: Any, tag: str) -> Iterator[tuple[str | None, str]]:
    """(raw URL, kind) from one element's attributes, in a fixed order per tag."""
    get = element.get
    if tag == "link":
        yield from _link_urls(element)
    elif tag == "script":
        yield get("src"), "script"
    elif tag == "img" or (tag == "image" and get("src") is not None):
        # An HTML <image> is an <img> to browsers; an SVG <image> has href.
        yield get("src"), "image"
        yield from ((url, "image") for url in _srcset(get("srcset")))
        for name in LAZY_IMAGE_ATTRIBUTES:
            value = get(name)
            if name.endswith("srcset"):
                yield from ((url, "image") for url in _srcset(value))
            else:
                yield value, "image"
    elif tag in ("image", "use"):
        yield get("href") or get("xlink:href") or get(_XLINK_HREF), "image"
    elif tag == "source":
        media = _media_ancestor(element)
        if media in ("video", "audio"):
            yield get("src"), "media"
        else:
            yield get("src"), "image" if media == "picture" else "media"
            for name in ("srcset", "data-srcset"):
                yield from ((url, "image") for url in _srcset(get(name)))
    elif tag == "input":
        if (get("type") or "").strip().lower() == "image":
            yield get("src"), "image"
    elif tag == "video":
        yield get("poster"), "image"
        yield get("src"), "media"
    elif tag in ("audio", "track"):
        yield get("src"), "media"
    elif tag == "embed":
        yield get("src"), "other"
    elif tag == "object":
        yield get("data"), "other"
    elif tag in ("iframe", "frame"):
        yield get("src"), "frame"
    # Legacy presentational attribute (<body>, <table>, <td>), which wget follows too.
    yield get("background"), "image"


def _link_urls(element: Any) -> Iterator[tuple[str | None, str]]:
    rels = set((element.get("rel") or "").lower().split())
    href = element.get("href")
    if "stylesheet" in rels:
        yield href, "stylesheet"
    elif rels & _ICON_RELS:
        yield href, "icon"
    elif rels & _PRELOAD_RELS:
        default = "script" if "modulepreload" in rels else ""
        kind = _PRELOAD_KINDS.get((element.get("as") or default).strip().lower())
        if kind is not None:
            yield href, kind
            if kind == "image":
                yield from ((url, "image") for url in _srcset(element.get("imagesrcset")))
    elif "manifest" in rels:
        yield href, "other"


def _media_ancestor(element: Any) -> str | None:
    """The nearest enclosing <video>, <audio> or <picture> (libxml2 nests <source> loosely)."""
    for ancestor in element.iterancestors():
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        if tag in ("video", "audio", "picture"):
            return tag
    return None
