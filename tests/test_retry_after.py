"""Retry-After: read in seconds or as an HTTP date; an answer asking to come back later is
kept for the next run instead of being retried at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver import settings
from archiver.crawl.retry import retry_after_seconds
from archiver.middlewares import RetryLaterMiddleware
from archiver.runner import project_settings

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (b" 7 ", 7.0),
        ("0", 0.0),
        ("Mon, 30 Nov 2026 10:02:00 GMT", 120.0),
        ("Sun, 29 Nov 2026 10:02:00 GMT", 0.0),  # already past: no wait
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),  # not delay-seconds (RFC 9110: digits only)
        ("Mon, 99 Nov 2026 10:02:00 GMT", None),
        ("\u0663", None),  # an Arabic-Indic digit is no delay-seconds
    ],
)
def test_retry_after_values(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def answer(status: int, retry_after: str | None = None) -> tuple[Request, HtmlResponse]:
    request = Request("http://127.0.0.1/news/2026/11/30/story")
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return request, HtmlResponse(request.url, status=status, headers=headers, request=request)


def middleware() -> RetryLaterMiddleware:
    crawler = get_crawler(settings_dict={"RETRY_TIMES": settings.RETRY_TIMES})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    found = RetryLaterMiddleware.from_crawler(crawler)
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return found


@pytest.mark.parametrize(("status", "retry_after"), [(503, "120"), (429, "3600")])
def test_an_answer_asking_to_come_back_later_is_not_retried_now(
    status: int, retry_after: str
) -> None:
    retry = middleware()
    request, response = answer(status, retry_after)
    assert retry.process_response(request, response) is response
    assert retry.crawler.stats is not None
    assert retry.crawler.stats.get_value("archiver/fetch/retry_later") == 1


@pytest.mark.parametrize("retry_after", [None, "0", "soon"])
def test_other_errors_are_retried_as_scrapy_retries_them(retry_after: str | None) -> None:
    retry = middleware()
    request, response = answer(503, retry_after)
    again = retry.process_response(request, response)
    assert isinstance(again, Request) and again.meta["retry_times"] == 1
    assert retry.crawler.stats is not None
    assert retry.crawler.stats.get_value("archiver/fetch/retry_later") is None


def test_the_project_uses_it_in_place_of_scrapys() -> None:
    middlewares = project_settings({}).getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert middlewares["archiver.middlewares.RetryLaterMiddleware"] == 550
