"""What the spiders hand on: fetched pages for the pipeline, and what they saw on the way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archiver.warc import RecordLocation


@dataclass
class FetchedPage:
    """An article page as fetched, with the WARC response record that holds it."""

    url: str
    requested_url: str
    status: int
    body: bytes  # decoded (Content-Encoding removed) for extraction
    encoding: str | None  # character encoding from the HTTP headers / page, if known
    section: str | None
    record: RecordLocation
    # Keep a document (is_article false, no text) even when the page cannot be extracted,
    # e.g. a PDF archived by hand: the archive then says what it holds.
    keep_unextractable: bool = False
    # Browser capture: the render mode that applies to the page (never, auto, always); what
    # the browser capture kept when the body is the DOM the browser built
    # (`archiver.browser`); or, when loading it in the browser was tried and failed, why.
    render: str = "never"
    rendered: dict[str, Any] | None = None
    render_failed: str | None = None
    # auto: the words extraction found in the HTML as fetched, before the browser was asked.
    fetched_words: int | None = None


@dataclass
class ListingSnapshot:
    """What a section page, feed or sitemap listed when it was fetched (a `listing_seen`)."""

    kind: str  # section | feed | sitemap
    source_url: str
    capture: RecordLocation  # the response record of the listing
    articles: list[dict[str, Any]]
    section: str | None = None
    page: int | None = None


@dataclass
class PageNotExtracted:
    """An article fetch that goes no further (a `page_not_extracted`), and why."""

    requested_url: str
    reason: str  # e.g. not-html
