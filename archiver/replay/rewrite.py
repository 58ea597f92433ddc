"""Rewriting archived HTML so that every URL it loads or links to points into the archive.

A streaming pass with the stdlib's HTMLParser: only start tags that carry URLs (and the text
of ``<style>`` elements) are replaced; everything between them is copied as it was, so the page
keeps its markup, comments and scripts. What it misses (URLs built by scripts, ``@import`` in
scripts, ``<svg>`` styles set from JavaScript) the replay's Content-Security-Policy keeps from
reaching the live web.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from archiver.crawl.requisites import LAZY_IMAGE_ATTRIBUTES, srcset_urls
from archiver.replay.css import line_starts, rewrite_css
from archiver.replay.urls import FRAME, PAGE, RAW, STYLESHEET, ReplayUrls

__all__ = ["INERT_SCRIPT_TYPE", "rewrite_html", "rewrite_refresh"]

# Attributes holding one URL, per element, and the modifier of what they load.
_IMAGE_ATTRIBUTES = {"src": RAW} | {
    name: RAW for name in LAZY_IMAGE_ATTRIBUTES if not name.endswith("srcset")
}
_URL_ATTRIBUTES: dict[str, dict[str, str]] = {
    "a": {"href": PAGE},
    "area": {"href": PAGE},
    "base": {"href": PAGE},
    "form": {"action": PAGE},
    "button": {"formaction": PAGE},
    "input": {"src": RAW, "formaction": PAGE},
    "img": _IMAGE_ATTRIBUTES,
    "image": {"src": RAW, "href": RAW, "xlink:href": RAW},
    "use": {"href": RAW, "xlink:href": RAW},
    "script": {"src": RAW},
    "iframe": {"src": FRAME},
    "frame": {"src": FRAME},
    "embed": {"src": RAW},
    "object": {"data": RAW},
    "source": _IMAGE_ATTRIBUTES,
    "track": {"src": RAW},
    "audio": {"src": RAW},
    "video": {"src": RAW, "poster": RAW},
    "body": {"background": RAW},
    "table": {"background": RAW},
    "td": {"background": RAW},
    "th": {"background": RAW},
}
_SRCSET_ATTRIBUTES = frozenset(
    {"srcset", *(name for name in LAZY_IMAGE_ATTRIBUTES if name.endswith("srcset"))}
)
_SRCSET_ELEMENTS = frozenset({"img", "source"})
_ICON_RELS = frozenset({"icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest"})
_PRELOAD_RELS = frozenset({"preload", "modulepreload", "prefetch"})
# Attributes dropped from the elements that have them: a rewritten stylesheet no longer matches
# its Subresource Integrity hash.
_DROPPED = {"link": frozenset({"integrity"}), "script": frozenset({"integrity"})}

_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_BASE_RE = re.compile(
    r"""<base\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE
)
# "5; url='next.html'": (delay, separator, "url=") (quote) (URL) (same quote); "30" has no URL.
_REFRESH_RE = re.compile(
    r"""^(\s*[\d.]+(?:\s*[;,]\s*|\s+)(?:url\s*=\s*)?)(["']?)(.+?)\2\s*$""", re.I | re.S
)
_TAG_NAME_RE = re.compile(r"<([^\s/>]+)")
_NOSCRIPT_END_RE = re.compile(r"</noscript[^>]*>", re.IGNORECASE)
#: The type an inert page's scripts get: no browser runs or fetches a script of that type.
INERT_SCRIPT_TYPE = "application/x-archiver-inert"


def rewrite_html(
    text: str,
    page_url: str,
    urls: ReplayUrls,
    banner: str | None = None,
    prelude: str | None = None,
    *,
    inert: bool = False,
) -> str:
    """The page with its URLs pointing into the archive, and `banner` right after ``<body>``.

    URLs are resolved against `page_url` and the page's ``<base href>``. Without a ``<body>``
    tag the banner goes first (after the doctype); a frameset page gets none. `prelude`, a
    script, goes before the page's first script: right after ``<head>`` when that comes first
    (so an XHTML page stays well-formed), else right after the doctype.

    `inert` (a rendered DOM, whose scripts already ran) makes every ``<script>`` of another
    type (`INERT_SCRIPT_TYPE`, the original in ``data-archiver-type``), drops ``on*`` event
    handler attributes, and turns ``<noscript>`` into ``<template data-archiver-noscript>``:
    the browser that rendered the page ran scripts, so it never showed them.
    """
    rewriter = _Rewriter(text, _document_base(text, page_url), urls, inert)
    rewriter.feed(text)
    rewriter.close()
    state = rewriter.state
    edits = state.edits
    if prelude is not None:
        head_first = state.head_end is not None and (
            state.first_script is None or state.first_script >= state.head_end
        )
        at = state.head_end if head_first and state.head_end is not None else state.doctype_end
        edits.append(_Edit(at, at, f"<script>{prelude}</script>"))
    if banner is not None and not state.frameset:
        at = state.body_end if state.body_end is not None else state.doctype_end
        edits.append(_Edit(at, at, banner))
    out, cursor = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            continue
        out += [text[cursor : edit.start], edit.text]
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def rewrite_refresh(value: str, base: str, urls: ReplayUrls) -> str:
    """A refresh instruction (``5; url=...``, meta or header) with its URL rewritten."""
    match = _REFRESH_RE.match(value)
    if match is None:
        return value
    target = urls.to(html.unescape(match.group(3)), base, PAGE)
    if target is None:
        return value
    return f"{match.group(1)}{match.group(2)}{target}{match.group(2)}"


def _document_base(text: str, page_url: str) -> str:
    """The first ``<base href>`` resolved against the page URL (outside comments)."""
    match = _BASE_RE.search(_COMMENT_RE.sub("", text))
    if match is None:
        return page_url
    href = html.unescape(next(g for g in match.groups() if g is not None)).strip()
    try:
        return urljoin(page_url, href) if href else page_url
    except ValueError:
        return page_url


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


@dataclass
class _State:
    """Where the parser is, in offsets of the text."""

    line_starts: list[int]
    edits: list[_Edit] = field(default_factory=list)
    style_start: int | None = None  # content of the <style> element being read
    body_end: int | None = None  # right after the first <body> tag
    head_end: int | None = None  # right after the first <head> tag
    first_script: int | None = None  # where the first <script> tag starts
    doctype_end: int = 0
    frameset: bool = False


class _Rewriter(HTMLParser):
    """Collects the edits; the text between them is kept."""

    def __init__(self, text: str, base: str, urls: ReplayUrls, inert: bool = False) -> None:
        super().__init__(convert_charrefs=False)
        self.state = _State(line_starts(text))
        self.text = text
        self.base = base
        self.urls = urls
        self.inert = inert

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.state.line_starts[line - 1] + column

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype") and not self.state.doctype_end:
            self.state.doctype_end = self._offset() + len(decl) + 3  # "<!" decl ">"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        state = self.state
        if tag == "noscript" and self.inert:
            start = self._offset()
            end_tag = _NOSCRIPT_END_RE.match(self.text, start)
            if end_tag is not None:
                state.edits.append(_Edit(start, end_tag.end(), "</template>"))
        if tag == "style" and state.style_start is not None:
            end = self._offset()
            css = self.text[state.style_start : end]
            rewritten = rewrite_css(css, self.base, self.urls)
            if rewritten != css:
                state.edits.append(_Edit(state.style_start, end, rewritten))
            state.style_start = None

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        state = self.state
        raw = self.get_starttag_text() or ""
        start = self._offset()
        end = start + len(raw)
        if tag == "style" and not closed:
            state.style_start = end
        elif tag == "body" and state.body_end is None:
            state.body_end = end
        elif tag == "head" and state.head_end is None:
            state.head_end = end
        elif tag == "script" and state.first_script is None:
            state.first_script = start
        elif tag == "frameset":
            state.frameset = True
        if tag == "noscript" and self.inert and not closed:
            state.edits.append(_Edit(start, end, "<template data-archiver-noscript>"))
            return
        new_attrs = self._attributes(tag, attrs)
        if tag == "script" and self.inert:
            kept = [(k, v) for k, v in new_attrs if k != "type"]
            original = [("data-archiver-type", v) for k, v in new_attrs if k == "type" and v]
            new_attrs = [("type", INERT_SCRIPT_TYPE), *original[:1], *kept]
        if new_attrs != attrs:
            name_match = _TAG_NAME_RE.match(raw)
            name = name_match.group(1) if name_match else tag
            state.edits.append(_Edit(start, end, _tag_text(name, new_attrs, closed)))

    def _attributes(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> list[tuple[str, str | None]]:
        """The attributes with their URLs rewritten (and SRI hashes, meta CSP dropped)."""
        single = _URL_ATTRIBUTES.get(tag, {})
        dropped = _DROPPED.get(tag, frozenset())
        http_equiv = ""
        if tag == "meta":
            http_equiv = next((v or "" for k, v in attrs if k == "http-equiv"), "").lower()
        out: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if name in dropped or (name == "http-equiv" and "security-policy" in http_equiv):
                continue
            if self.inert and name.startswith("on"):
                continue  # an event handler
            if value is not None:
                value = self._value(tag, name, value, attrs, single, http_equiv)
            out.append((name, value))
        return out

    def _value(
        self,
        tag: str,
        name: str,
        value: str,
        attrs: list[tuple[str, str | None]],
        single: dict[str, str],
        http_equiv: str,
    ) -> str:
        urls, base = self.urls, self.base
        if name == "style":
            return rewrite_css(value, base, urls)
        if tag == "link" and name == "href":
            return urls.to(value, base, _link_modifier(attrs)) or value
        if name in single:
            return urls.to(value, base, single[name]) or value
        if tag in _SRCSET_ELEMENTS and name in _SRCSET_ATTRIBUTES:
            return _rewrite_srcset(value, base, urls)
        if tag == "meta" and name == "content" and http_equiv == "refresh":
            return rewrite_refresh(value, base, urls)
        return value


def _link_modifier(attrs: list[tuple[str, str | None]]) -> str:
    """What a ``<link>`` loads: a stylesheet, an icon or preloaded resource, or nothing."""
    values = dict(attrs)
    rels = set((values.get("rel") or "").lower().split())
    if "stylesheet" in rels:
        return STYLESHEET
    if rels & _PRELOAD_RELS:
        kind = (values.get("as") or "").strip().lower()
        return {"style": STYLESHEET, "document": FRAME}.get(kind, RAW)
    return RAW if rels & _ICON_RELS else PAGE


def _rewrite_srcset(value: str, base: str, urls: ReplayUrls) -> str:
    """A srcset with each candidate's URL rewritten, descriptors and separators kept."""
    out, cursor = [], 0
    for url in srcset_urls(value):
        at = value.find(url, cursor)
        if at < 0:
            continue
        target = urls.to(url, base, RAW)
        out += [value[cursor:at], target if target is not None else url]
        cursor = at + len(url)
    out.append(value[cursor:])
    return "".join(out)


def _tag_text(name: str, attrs: list[tuple[str, str | None]], closed: bool) -> str:
    parts = [name]
    for attr, value in attrs:
        parts.append(attr if value is None else f'{attr}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")
