"""What the spiders share for browser capture: a page's render fields, and the way on after the
browser failed on a page."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from scrapy import Request
from twisted.python.failure import Failure

from archiver.crawl.errors import error_kind
from archiver.items import FetchedPage

logger = logging.getLogger(__name__)


def render_fields(page: FetchedPage, meta: dict[str, Any]) -> FetchedPage:
    """The page with what browser capture says of it: its mode, what the browser kept, or
    (a fallback after the browser failed) why it is not rendered."""
    page.render = str(meta.get("archiver_render_mode") or "never")
    page.rendered = meta.get("archiver_rendered")
    page.render_failed = meta.get("archiver_render_failed")
    unrendered = meta.get("archiver_unrendered")
    if isinstance(unrendered, FetchedPage):
        page.fetched_words = unrendered.fetched_words
    if meta.get("archiver_render") and page.rendered is None and page.render_failed is None:
        page.render_failed = "not-kept"  # never asked again: auto would loop
    return page


def render_fallback(request: Request, failure: Failure) -> list[Any]:
    """After the browser failed on a page: the page as first fetched back to the pipeline
    (auto), or a request for it without the browser (always)."""
    reason = error_kind(failure.value)
    logger.warning("The browser could not load %s (%s): going on without it", request.url, reason)
    unrendered = request.meta.get("archiver_unrendered")
    if isinstance(unrendered, FetchedPage):
        return [dataclasses.replace(unrendered, render_failed=reason)]
    retry = request.replace(dont_filter=True)
    for key in list(retry.meta):
        if key.startswith("playwright"):
            del retry.meta[key]
    retry.meta.update(archiver_render=False, archiver_render_failed=reason)
    return [retry]
