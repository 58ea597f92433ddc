"""What the spider hands to the pipeline: a fetched page and where it was archived."""

from __future__ import annotations

from dataclasses import dataclass

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
