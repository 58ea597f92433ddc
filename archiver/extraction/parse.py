"""Page bytes or text to the lxml tree extraction works on, or `ExtractionError` saying why not."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from trafilatura.utils import load_html

from archiver.extraction.decode import decode_html

__all__ = ["ExtractionError", "parse_page"]

_TAG_RE = re.compile(r"<\s*[a-zA-Z!?/]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    text = _CONTROL_RE.sub("", text)
    try:
        tree = load_html(text)
    except (ValueError, etree.ParserError) as exc:
        raise ExtractionError("parse-error", str(exc)) from exc
    if tree is None or len(tree) == 0:
        raise ExtractionError("parse-error", "no document tree")
    return tree
