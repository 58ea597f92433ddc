"""How each fetch of an article URL changes its incremental state (live, and when reindexing)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from archiver.store.rows import EventRow, UrlState

#: Statuses that say an archived article is gone.
GONE_STATUSES = frozenset({404, 410})
#: Paths a "moved to the front page" redirect points at.
HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php"})


@dataclass(frozen=True)
class Fetch:
    """One recorded response to a request for an article URL."""

    date: str  # WARC-Date of the record
    status: int
    record_id: str  # the response or revisit record
    payload_record_id: str  # the record holding the body (the original, for a revisit)
    full_response: bool  # False for a revisit (the payload is an earlier record's)
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # the Location header of a redirect
    url: str = ""  # the URL this response answered


def is_home_redirect(url: str, location: str | None) -> bool:
    """A redirect from an article to the site's front page (how many sites "remove" a story)."""
    if not location:
        return False
    target = urlsplit(urljoin(url, location))
    source = urlsplit(url)
    return target.path in HOME_PATHS and source.path not in HOME_PATHS


def gone_reason(fetch: Fetch) -> str | None:
    """Why this response says the article was taken down, or None."""
    if fetch.status in GONE_STATUSES:
        return f"HTTP {fetch.status}"
    if 300 <= fetch.status < 400 and is_home_redirect(fetch.url, fetch.location):
        return f"HTTP {fetch.status} redirect to {urljoin(fetch.url, fetch.location or '')}"
    return None


def observe_fetch(state: UrlState, fetch: Fetch) -> tuple[UrlState, EventRow | None]:
    """The state after this response, and the takedown/restored event it shows (if any)."""
    new = dataclasses.replace(state, last_fetched=fetch.date, last_status=fetch.status)
    event: EventRow | None = None
    reason = gone_reason(fetch)
    if reason and state.first_captured and not state.gone_since:
        new = dataclasses.replace(new, gone_since=fetch.date)
        event = _event("takedown", state, fetch, reason)
    elif fetch.status == 200 and state.gone_since:
        new = dataclasses.replace(new, gone_since=None)
        event = _event("restored", state, fetch, "HTTP 200 again")
    if fetch.status == 200:
        new = dataclasses.replace(
            new,
            first_captured=state.first_captured or fetch.date,
            etag=fetch.etag or (None if fetch.full_response else state.etag),
            last_modified=fetch.last_modified
            or (None if fetch.full_response else state.last_modified),
        )
        if fetch.full_response or state.record_id is None:
            # New content (or content first seen under this URL): extraction is pending.
            new = dataclasses.replace(new, record_id=fetch.payload_record_id, processed=False)
    elif fetch.status == 304:  # unchanged: keep the original, refresh validators
        new = dataclasses.replace(
            new,
            etag=fetch.etag or state.etag,
            last_modified=fetch.last_modified or state.last_modified,
        )
    return new, event


def observe_processed(state: UrlState, article_id: str | None, published: str | None) -> UrlState:
    """The newest capture went through extraction (stored, unchanged, or not extractable)."""
    return dataclasses.replace(
        state,
        processed=True,
        article_id=article_id or state.article_id,
        published=published or state.published,
    )


def _event(kind: str, state: UrlState, fetch: Fetch, detail: str) -> EventRow:
    return EventRow(
        record_id=fetch.record_id,
        kind=kind,
        site=state.site,
        url=state.url,
        article_id=state.article_id,
        date=fetch.date,
        status=fetch.status,
        detail=detail,
    )
