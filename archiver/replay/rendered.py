"""A page's rendered capture: the DOM a browser built and its screenshots, found in the index.

A page loaded in a browser during a crawl has, beside its response record, WARC ``resource``
records named ``urn:dom:<url>``, ``urn:screenshot:<url>`` and ``urn:screenshot-full:<url>``
(`archiver.store.identity`), each with the WARC-Date of the page's response and its record id
in WARC-Concurrent-To. They belong to the capture of ``<url>`` at the same 14-digit timestamp;
of several there, the one naming the capture's record wins.
"""

from __future__ import annotations

from archiver.replay.resources import NotArchived, Resources
from archiver.store.cdxj import CdxjEntry
from archiver.store.identity import FULL_PAGE_SCREENSHOT_URI, RENDERED_DOM_URI, SCREENSHOT_URI
from archiver.warc.http_headers import mime_type
from archiver.warc.reader import StoredRecord

__all__ = [
    "PNG_SIGNATURE",
    "RENDERED_PREFIXES",
    "SCREENSHOT_PREFIXES",
    "find_rendered",
    "is_screenshot",
    "split_rendered",
]

#: The target URI prefixes of a rendered capture's records.
RENDERED_PREFIXES = (RENDERED_DOM_URI, SCREENSHOT_URI, FULL_PAGE_SCREENSHOT_URI)
#: The prefixes of its screenshots (PNG).
SCREENSHOT_PREFIXES = (SCREENSHOT_URI, FULL_PAGE_SCREENSHOT_URI)
#: The first bytes of every PNG file.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def split_rendered(url: str) -> tuple[str, str] | None:
    """(prefix, page URL) of ``urn:dom:<url>`` and the screenshots' URIs; None for others."""
    for prefix in RENDERED_PREFIXES:
        if url.startswith(prefix):
            return prefix, url[len(prefix) :]
    return None


def find_rendered(
    resources: Resources,
    prefix: str,
    page_url: str,
    timestamp: str,
    site: str,
    record_id: str | None = None,
) -> CdxjEntry | None:
    """The `prefix` record (a RENDERED_PREFIXES one) of the capture of `page_url` at
    `timestamp` in collection `site`, or None; of several, one whose WARC-Concurrent-To is
    `record_id` (the capture's response or revisit record)."""
    same_time = [
        e
        for e in resources.index.captures(prefix + page_url, site=site)
        if e.timestamp == timestamp and e.record_type == "resource" and e.url == prefix + page_url
    ]
    if len(same_time) > 1 and record_id:
        for entry in same_time:
            try:
                linked = resources.read(entry).rec_headers.get_header("WARC-Concurrent-To")
            except NotArchived:
                continue
            if linked == record_id:
                return entry
    return same_time[0] if same_time else None


def is_screenshot(record: StoredRecord) -> bool:
    """Whether a record is one of our screenshots: a resource record named with a screenshot
    prefix, declared ``image/png`` and holding PNG bytes."""
    return (
        record.rec_type == "resource"
        and (record.target_uri or "").startswith(SCREENSHOT_PREFIXES)
        and mime_type(record.rec_headers.get_header("Content-Type")) == "image/png"
        and record.payload.startswith(PNG_SIGNATURE)
    )
