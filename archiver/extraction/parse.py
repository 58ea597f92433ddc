"""Page bytes or text to the lxml tree extraction works on, or `ExtractionError` saying why not."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, load_html

from archiver.extraction.decode import decode_html

__all__ = ["ExtractionError", "parse_page"]

_TAG_RE = re.compile(r"<\s*[a-zA-Z!?/]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# what trafilatura's load_html deletes (its INVALID_XML_CHARS): control characters (as UTF-8
# bytes) and two noncharacters
_CONTROL_BYTES = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_NONCHARS = ("\ufffe", "\uffff")


def _parser() -> Any:
    """trafilatura's parser, with lxml.html's element classes found in C.

    lxml.html looks each element's class up in Python whenever an element is first touched
    from Python; on a page, in our passes and trafilatura's (its copies share the parser),
    that is a noticeable share of the time. Same classes, same tree.
    """
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(HtmlElementClassLookup._default_element_classes)
    parser = HTML_PARSER.copy()
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _parser()


class ExtractionError(Exception):
    """The page cannot be parsed at all; ``reason`` is a short slug for counters."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def parse_page(html: bytes | str, encoding: str | None) -> Any:
    """The page's tree (trafilatura's parser); raise `ExtractionError` for empty, binary or
    markup-less content, so that extraction never runs on what is not HTML."""
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
    tree = _load_clean(text)
    if tree is None:
        try:
            tree = load_html(_CONTROL_RE.sub("", text))
        except (ValueError, etree.ParserError) as exc:
            raise ExtractionError("parse-error", str(exc)) from exc
    if tree is None or len(tree) == 0:
        raise ExtractionError("parse-error", "no document tree")
    return tree


def _load_clean(text: str) -> Any:
    """trafilatura's ``load_html(text)`` for a page without the characters it deletes, from
    UTF-8 bytes; None for any other page (those go the slow way).

    Same tree: load_html repairs the doctype and a self-closed ``<html/>``, then parses the
    text, and the bytes when that fails. Searching the text for control characters twice and
    handing lxml a str cost more than the parse; the bytes parse faster and are checked fast.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return None
    # ("\ufffe" in text is instant when the text is of a kind of string that cannot hold it)
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or any(c in text for c in _NONCHARS):
        return None
    beginning = text[:50].lower()
    repaired = _repair(text, beginning)
    if repaired is not text:
        data = repaired.encode("utf-8")
    try:
        tree = fromstring(data, parser=_PARSER)
    except Exception:  # what load_html tolerates (lxml raises several types)
        return None
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # load_html rejects it: not-quite-HTML
    return tree


def _repair(text: str, beginning: str) -> str:
    """trafilatura's ``repair_faulty_html`` for text without control characters."""
    if "doctype" in beginning:
        firstline, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text
