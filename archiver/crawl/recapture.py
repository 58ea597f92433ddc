"""When an archived article is fetched again: the `crawl.recapture` policy, as pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


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
