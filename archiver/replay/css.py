"""Rewriting the URLs in CSS (stylesheets, ``<style>``, ``style=``) to replay paths.

tinycss2 finds the ``url()`` tokens, ``url("...")`` and ``image-set("...")`` strings and
``@import`` targets; each is replaced where it stands, so the rest of the text is kept as it
was (comments, hacks, formatting).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import tinycss2
from tinycss2.bytes import decode_stylesheet_bytes

from archiver.replay.urls import RAW, STYLESHEET, ReplayUrls

__all__ = ["decode_css", "line_starts", "rewrite_css"]

_URL_FUNCTIONS = frozenset({"url", "src"})
_IMAGE_SET_FUNCTIONS = frozenset({"image-set", "-webkit-image-set"})
_NEWLINE_RE = re.compile("\n")
_HINTS = ("url", "src(", "@import", "image-set")  # CSS without any of these loads nothing


def decode_css(data: bytes, charset: str | None) -> str:
    """A stylesheet's text, decoded as CSS says: BOM, HTTP charset, ``@charset``, UTF-8."""
    text, _ = decode_stylesheet_bytes(data, protocol_encoding=charset)
    return str(text)


def rewrite_css(css: str, base_url: str, urls: ReplayUrls) -> str:
    """`css` with every URL it loads pointing into the archive (resolved against `base_url`).

    ``@import`` targets get the ``cs_`` modifier (rewritten in turn), everything else ``id_``.
    Where something is rewritten, newlines come back as ``\\n`` (CSS makes no difference).
    """
    lowered = css.lower()
    if not any(hint in lowered for hint in _HINTS):
        return css
    text = _preprocess(css)
    starts = line_starts(text)
    edits: list[tuple[int, int, str]] = []
    tokens = tinycss2.parse_component_value_list(text, skip_comments=True)
    for token, modifier in _url_tokens(tokens):
        start = starts[token.source_line - 1] + token.source_column - 1
        target = urls.to(str(token.value), base_url, modifier)
        if target is None:
            continue
        if token.type == "url":
            edits.append((start, _url_token_end(text, start), f'url("{_css_string(target)}")'))
        else:
            edits.append((start, _string_end(text, start), f'"{_css_string(target)}"'))
    if not edits:
        return css
    out, cursor = [], 0
    for start, end, replacement in sorted(edits):
        if start < cursor:  # cannot happen for well-formed positions; never corrupt the text
            continue
        out += [text[cursor:start], replacement]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _preprocess(css: str) -> str:
    """What tinycss2 tokenizes (its positions count in this text)."""
    return css.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts (lines end at "\\n" only)."""
    return [0, *(match.end() for match in _NEWLINE_RE.finditer(text))]


def _url_tokens(tokens: Iterable[Any]) -> Iterator[tuple[Any, str]]:
    """(url or string token, modifier) for every URL the CSS loads, nested blocks included."""
    stack: list[tuple[Iterator[Any], bool]] = [(iter(tokens), False)]
    importing = False
    while stack:
        items, image_set = stack[-1]
        token = next(items, None)
        if token is None:
            stack.pop()
            importing = False
            continue
        kind = token.type
        if kind == "at-keyword":
            importing = token.lower_value == "import"
        elif kind in ("whitespace", "comment"):
            continue
        elif kind == "url":
            yield token, STYLESHEET if importing else RAW
            importing = False
        elif kind == "string":
            if importing or image_set:
                yield token, STYLESHEET if importing else RAW
            importing = False
        elif kind == "function" and token.lower_name in _URL_FUNCTIONS:
            string = next((a for a in token.arguments if a.type == "string"), None)
            if string is not None:
                yield string, STYLESHEET if importing else RAW
            importing = False
        elif kind == "function":
            stack.append((iter(token.arguments), token.lower_name in _IMAGE_SET_FUNCTIONS))
            importing = False
        elif kind in ("{} block", "() block", "[] block"):
            stack.append((iter(token.content), False))
            importing = False
        else:
            importing = False


def _string_end(text: str, start: int) -> int:
    """Where the CSS string starting (with its quote) at `start` ends."""
    quote, pos = text[start], start + 1
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
        elif char == quote:
            return pos + 1
        elif char == "\n":  # a bad string ends at the newline
            return pos
        else:
            pos += 1
    return len(text)


def _url_token_end(text: str, start: int) -> int:
    """Where the unquoted ``url(...)`` token starting at `start` ends (after its ``)``)."""
    pos = text.index("(", start) + 1
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
        elif char == ")":
            return pos + 1
        else:
            pos += 1
    return len(text)


def _css_string(value: str) -> str:
    """`value` escaped for a double-quoted CSS string."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
