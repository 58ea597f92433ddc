"""When an archived article is fetched again: the `crawl.recapture` policy (pure functions), and
`plan_fetch`, which applies it to a URL's state in a site archive (its catalog, or the
state the workers of a distributed crawl share)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from archiver.store.archive import SiteArchive
from archiver.store.identity import normalise_url
from archiver.store.rows import UrlState


class FetchReason(StrEnum):
    """Why an article URL is (or is not) requested in this run."""

    NEW = "new"  # never archived
    RETRY = "retry"  # fetched before, but no usable capture was processed (error, interrupted)
    RECAPTURE = "recapture"  # archived, and a recapture step has come due
    NOT_DUE = "not-due"  # archived; the next step is later
    DONE = "done"  # archived; every recapture step has passed: left alone


@dataclass(frozen=True)
class UrlHistory:
    """What the catalog knows of one article URL (see `Catalog.url_state`)."""

    first_captured: datetime | None  # first 200 response
    last_fetched: datetime | None  # last response of any status
    processed: bool  # the newest 200 capture went through extraction
    published: datetime | None  # from the page, a feed or a sitemap


def recapture_base(history: UrlHistory, from_published: bool = True) -> datetime | None:
    """Steps count from publication when the date is known and sane, else from first capture."""
    first = history.first_captured
    if not from_published:
        return first
    if history.published is not None and (first is None or history.published <= first):
        return history.published
    return first


def next_due(base: datetime, steps: Sequence[timedelta], last_fetched: datetime) -> datetime | None:
    """The first recapture time after the last fetch, or None when every step has passed."""
    for step in steps:
        due = base + step
        if due > last_fetched:
            return due
    return None


def fetch_reason(
    history: UrlHistory | None,
    steps: Sequence[timedelta],
    now: datetime,
    *,
    from_published: bool = True,
) -> FetchReason:
    """Decide whether to request an article URL now.

    Several steps that came due while no crawl ran cost one fetch, not one each.
    """
    if history is None or history.first_captured is None:
        return FetchReason.NEW
    if not history.processed:
        return FetchReason.RETRY
    base = recapture_base(history, from_published)
    last = history.last_fetched or history.first_captured
    due = next_due(base, steps, last) if base is not None else None
    if due is None:
        return FetchReason.DONE
    return FetchReason.RECAPTURE if due <= now else FetchReason.NOT_DUE


def parse_time(value: str | None) -> datetime | None:
    """An ISO date or datetime from the catalog as an aware datetime (dates: midnight UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def history_of(state: UrlState | None) -> UrlHistory | None:
    """The recapture policy's view of a URL state."""
    if state is None:
        return None
    return UrlHistory(
        first_captured=parse_time(state.first_captured),
        last_fetched=parse_time(state.last_fetched),
        processed=state.processed,
        published=parse_time(state.published),
    )


@dataclass(frozen=True)
class FetchPlan:
    """Whether (and how) to request an article URL in this run."""

    reason: FetchReason
    headers: dict[str, str]  # conditional-request headers (recaptures only)

    @property
    def fetch(self) -> bool:
        return self.reason in (FetchReason.NEW, FetchReason.RETRY, FetchReason.RECAPTURE)


def plan_fetch(
    archive: SiteArchive,
    url: str,
    *,
    steps: Sequence[timedelta],
    now: datetime,
    published: datetime | None = None,
    from_published: bool = True,
) -> FetchPlan:
    """Whether to request an article URL now, and with which validators.

    `published` is a date a feed or sitemap gave for it; it is kept (in the archive's catalog)
    as the base of the recapture steps until the page itself says otherwise.
    """
    key = normalise_url(url)
    state = archive.url_state(key)
    if published is not None and (state is None or state.published is None):
        state = dataclasses.replace(
            state or UrlState(url=key, site=archive.site), published=published.isoformat()
        )
        archive.put_url_state(state)  # committed with the next capture
    history = history_of(state)
    if (
        history is not None
        and not history.processed
        and state is not None
        and state.record_id is not None
        and archive.catalog.is_pending(state.record_id)
    ):  # captured by an archive-only crawl: archived, its extraction is `archiver reextract`'s
        history = dataclasses.replace(history, processed=True)
    reason = fetch_reason(history, steps, now, from_published=from_published)
    headers: dict[str, str] = {}
    if reason is FetchReason.RECAPTURE and state is not None:
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
    return FetchPlan(reason, headers)
