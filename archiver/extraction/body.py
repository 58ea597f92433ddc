"""The article body: the site's hints and our cleaning applied to the page, then trafilatura
(with a second run over the article a client-side page holds in its script data)."""

from __future__ import annotations

import json
import logging
import re
from copy import deepcopy
from typing import Any

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Extractor

from archiver.config import ExtractHints
from archiver.extraction.boilerplate import (
    add_hyphenated_classes,
    drop_boilerplate,
    drop_trailing_links,
    join_split_bodies,
    link_texts,
)
from archiver.extraction.classify import MIN_ARTICLE_CHARS
from archiver.extraction.fallback import FallbackMetadata

__all__ = ["extract_body", "paragraphs"]

logger = logging.getLogger(__name__)

# a JSON string literal in an inline script, long enough to hold an article
_JSON_STR_RE = re.compile(r'"((?:[^"\\]|\\.){1000,})"')
_MARKUP_RE = re.compile(r"<(?:p|br)\b", re.I)


def extract_body(tree: Any, url: str, hints: ExtractHints) -> tuple[Any, FallbackMetadata]:
    """trafilatura's body document (or None) and the page's lazy fallback metadata."""
    tree = deepcopy(tree)
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
    return doc, FallbackMetadata(tree, url, options)


def paragraphs(text: str | None) -> str:
    """Body text with whitespace collapsed in each line and a blank line between paragraphs."""
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


def _run_trafilatura(tree: Any, url: str, options: Extractor) -> Any:
    """trafilatura's document for ``tree``; for an empty page, for its script-held article."""
    hydrated = None
    try:
        doc: Any = trafilatura.bare_extraction(tree, url=url, options=options)
        if doc is None or len(doc.text or "") < MIN_ARTICLE_CHARS:
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
