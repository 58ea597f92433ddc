"""The page-resource CSS reader archiver had before `archiver.crawl.css`: tinycss2's token tree
walked in Python. Kept as the oracle the fast scanner is checked against (it was 6x slower)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import tinycss2

_IMAGE_SET_FUNCTIONS = frozenset({"image-set", "-webkit-image-set"})
_URL_FUNCTIONS = frozenset({"url", "src"})


def oracle_css_urls(css: str) -> list[tuple[str, str]]:
    """(URL as written, kind) as the tinycss2 walk finds them."""
    if "{" in css:
        nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    else:
        nodes = tinycss2.parse_declaration_list(css, skip_comments=True, skip_whitespace=True)
    return list(_css_nodes(nodes))


def _css_nodes(nodes: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """(raw URL, kind) for the rules and declarations tinycss2 parsed; parse errors skipped."""
    for node in nodes:
        if node.type == "declaration":
            yield from _css_tokens(node.value, "image")
        elif node.type == "qualified-rule":
            yield from _css_tokens(node.content, "image")
        elif node.type == "at-rule":
            name = node.lower_at_keyword
            if name == "import":
                yield from _import_url(node.prelude)
            elif node.content is not None:
                # Prelude URLs (``@namespace``, ``@document``) are not resources.
                yield from _css_tokens(node.content, "font" if name == "font-face" else "image")


def _import_url(prelude: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """The URL an ``@import`` prelude starts with (media queries and layers after it)."""
    for token in prelude:
        if token.type in ("whitespace", "comment"):
            continue
        url = _url_of(token)
        if url is not None:
            yield url, "stylesheet"
        return


def _url_of(token: Any) -> str | None:
    """The URL of a ``url(x)`` token, a ``url("x")`` function or a string; else None."""
    if token.type in ("url", "string"):
        return str(token.value)
    if token.type == "function" and token.lower_name in _URL_FUNCTIONS:
        return next((str(arg.value) for arg in token.arguments if arg.type == "string"), None)
    return None


@dataclass
class _Frame:
    """A token list being walked; ``at`` is the at-rule whose prelude we are in, if any.

    In the arguments of ``image-set()`` (``image_set``) a bare string is an image URL.
    """

    tokens: Iterator[Any]
    kind: str
    at: str | None = None
    image_set: bool = False


def _css_tokens(tokens: Iterable[Any], kind: str) -> Iterator[tuple[str, str]]:
    """(raw URL, kind) in component values, nested blocks and functions included.

    The content of an at-rule or qualified rule is only tokenized by tinycss2, so rules nested
    in ``@media`` / ``@supports`` are recognised here by their at-keyword: ``@font-face``
    blocks give fonts, ``@import`` a stylesheet. An explicit stack, as CSS may nest deeply.
    """
    stack = [_Frame(iter(tokens), kind)]
    while stack:
        frame = stack[-1]
        token = next(frame.tokens, None)
        if token is None:
            stack.pop()
            continue
        kind = frame.kind
        if token.type == "at-keyword":
            frame.at = token.lower_value
        elif token.type == "literal" and token.value == ";":
            frame.at = None
        elif token.type == "{} block":
            nested = "font" if frame.at == "font-face" else kind
            frame.at = None
            stack.append(_Frame(iter(token.content), nested))
        elif frame.at == "import":
            url = _url_of(token)
            if url is not None:
                frame.at = "import-done"
                yield url, "stylesheet"
        elif frame.at is not None:
            continue  # an at-rule prelude: no resources
        elif token.type == "function" and token.lower_name in _IMAGE_SET_FUNCTIONS:
            stack.append(_Frame(iter(token.arguments), kind, image_set=True))
        elif token.type == "string":
            if frame.image_set:
                yield str(token.value), "image"
        elif (url := _url_of(token)) is not None:
            yield url, kind
        elif token.type in ("function", "() block", "[] block"):
            stack.append(
                _Frame(iter(token.arguments if token.type == "function" else token.content), kind)
            )
