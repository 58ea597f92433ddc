"""The recapture policy, edit tracking and takedown detection, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from archiver.crawl.recapture import FetchReason, UrlHistory, fetch_reason, next_due
from archiver.store.changes import MAX_DIFF_LINES, compare
from archiver.store.rows import UrlState
from archiver.store.urlstate import Fetch, gone_reason, observe_fetch, observe_processed

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STEPS = [timedelta(hours=1), timedelta(hours=24), timedelta(days=7)]
H = timedelta(hours=1)


def history(
    first: datetime | None = T0,
    last: datetime | None = T0,
    processed: bool = True,
    published: datetime | None = None,
) -> UrlHistory:
    return UrlHistory(first, last, processed, published)


def test_unknown_and_never_captured_urls_are_new() -> None:
    assert fetch_reason(None, STEPS, T0) is FetchReason.NEW
    assert fetch_reason(history(first=None, last=T0), STEPS, T0) is FetchReason.NEW


def test_a_capture_that_was_never_extracted_is_fetched_again() -> None:
    assert fetch_reason(history(processed=False), STEPS, T0 + H / 2) is FetchReason.RETRY


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (T0 + H / 2, FetchReason.NOT_DUE),
        (T0 + H, FetchReason.RECAPTURE),
        (T0 + 5 * H, FetchReason.RECAPTURE),
    ],
)
def test_steps_count_from_first_capture_without_a_date(now: datetime, expected: str) -> None:
    assert fetch_reason(history(), STEPS, now) is expected


def test_after_a_recapture_the_next_step_is_awaited() -> None:
    after_first = history(last=T0 + 2 * H)
    assert fetch_reason(after_first, STEPS, T0 + 3 * H) is FetchReason.NOT_DUE
    assert fetch_reason(after_first, STEPS, T0 + 24 * H) is FetchReason.RECAPTURE
    assert next_due(T0, STEPS, T0 + 2 * H) == T0 + 24 * H


def test_missed_steps_cost_one_fetch_then_the_article_is_left_alone() -> None:
    # No crawl ran for ten days: one recapture, not three; after it nothing is due ever again.
    assert fetch_reason(history(), STEPS, T0 + timedelta(days=10)) is FetchReason.RECAPTURE
    done = history(last=T0 + timedelta(days=10))
    assert fetch_reason(done, STEPS, T0 + timedelta(days=400)) is FetchReason.DONE
    assert fetch_reason(history(), [], T0 + timedelta(days=1)) is FetchReason.DONE


def test_steps_count_from_publication_when_known() -> None:
    # Published 23 hours before the first capture: the 1h step is long past, 24h is next.
    published = history(published=T0 - 23 * H)
    assert fetch_reason(published, STEPS, T0 + H / 2) is FetchReason.NOT_DUE
    assert fetch_reason(published, STEPS, T0 + 1 * H) is FetchReason.RECAPTURE
    # An old story first seen now is never fetched again.
    old = history(published=T0 - timedelta(days=30))
    assert fetch_reason(old, STEPS, T0 + timedelta(days=8)) is FetchReason.DONE


def test_first_capture_base_ignores_the_publication_date() -> None:
    old = history(published=T0 - timedelta(days=30))
    due = fetch_reason(old, STEPS, T0 + H, from_published=False)
    assert due is FetchReason.RECAPTURE


def test_a_publication_date_after_the_first_capture_is_not_trusted() -> None:
    future = history(published=T0 + timedelta(days=3))
    assert fetch_reason(future, STEPS, T0 + H) is FetchReason.RECAPTURE


def test_compare_names_changed_fields_with_a_diff() -> None:
    old = {"title": "Old", "text": "One.\n\nTwo.\n\nThree.", "authors": ["A"], "published": "x"}
    new = {**old, "title": "New", "text": "One.\n\nTwo, corrected.\n\nThree."}
    changes = compare(old, new, old_label="v1", new_label="v2")
    assert changes is not None
    assert changes.fields == ["title", "text"]
    assert "--- v1 title\n+++ v2 title" in changes.diff
    assert "-Old\n+New" in changes.diff
    assert "-Two.\n+Two, corrected." in changes.diff
    assert compare(old, dict(old)) is None


def test_compare_lists_authors_and_dates() -> None:
    old = {"authors": ["A", "B"], "published": "2026-11-20", "modified": None}
    new = {"authors": ["A", "C"], "published": "2026-11-20", "modified": "2026-11-21"}
    changes = compare(old, new)
    assert changes is not None
    assert changes.fields == ["authors", "modified"]
    assert "-B\n+C" in changes.diff and "+2026-11-21" in changes.diff


def test_long_diffs_are_cut_with_a_note() -> None:
    old = {"text": "\n".join(f"line {i}" for i in range(500))}
    new = {"text": "\n".join(f"line {i} changed" for i in range(500))}
    changes = compare(old, new)
    assert changes is not None
    lines = changes.diff.splitlines()
    assert len(lines) == MAX_DIFF_LINES + 1
    assert lines[-1].startswith("[... ") and lines[-1].endswith(" more diff lines]")


def fetch(status: int, location: str | None = None, full: bool = True, n: int = 1) -> Fetch:
    return Fetch(
        date=f"2026-11-2{n}T10:00:00Z",
        status=status,
        record_id=f"<urn:uuid:{n}>",
        payload_record_id="<urn:uuid:1>" if not full else f"<urn:uuid:{n}>",
        full_response=full,
        etag=f'"e{n}"' if status in (200, 304) else None,
        location=location,
        url="https://news.example.com/2026/11/20/story",
    )


def captured() -> UrlState:
    state, _ = observe_fetch(
        UrlState(url="https://news.example.com/2026/11/20/story", site="x"), fetch(200)
    )
    return observe_processed(state, "abc", None)


@pytest.mark.parametrize(
    ("status", "location", "reason"),
    [
        (404, None, "HTTP 404"),
        (410, None, "HTTP 410"),
        (301, "/", "HTTP 301 redirect to https://news.example.com/"),
        (
            302,
            "https://news.example.com/index.html",
            "HTTP 302 redirect to https://news.example.com/index.html",
        ),
        (301, "/2026/11/20/story-renamed", None),
        (500, None, None),
        (200, None, None),
    ],
)
def test_what_counts_as_a_takedown(status: int, location: str | None, reason: str | None) -> None:
    assert gone_reason(fetch(status, location)) == reason


def test_a_takedown_is_an_event_once_and_a_return_is_another() -> None:
    state = captured()
    gone, event = observe_fetch(state, fetch(404, n=2))
    assert event is not None and (event.kind, event.article_id, event.status) == (
        "takedown",
        "abc",
        404,
    )
    assert gone.gone_since == "2026-11-22T10:00:00Z"
    again, repeat = observe_fetch(gone, fetch(404, n=3))
    assert repeat is None and again.gone_since == gone.gone_since
    back, restored = observe_fetch(again, fetch(200, n=4))
    assert restored is not None and restored.kind == "restored" and back.gone_since is None


def test_a_404_before_any_capture_is_no_takedown() -> None:
    state, event = observe_fetch(UrlState(url="u", site="x"), fetch(404))
    assert event is None and state.first_captured is None


def test_revisits_keep_the_original_and_its_extraction() -> None:
    state = captured()
    same, _ = observe_fetch(state, fetch(200, full=False, n=2))
    assert same.record_id == state.record_id and same.processed
    assert same.last_fetched == "2026-11-22T10:00:00Z"
    assert same.first_captured == state.first_captured
    unmodified, _ = observe_fetch(state, fetch(304, n=3))
    assert unmodified.record_id == state.record_id and unmodified.processed
    assert unmodified.etag == '"e3"'
    changed, _ = observe_fetch(state, fetch(200, n=4))
    assert changed.record_id == "<urn:uuid:4>" and not changed.processed
