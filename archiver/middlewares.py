"""WARC recording as a Scrapy downloader middleware: every fetch, as received."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response

from archiver.archive import ArchiveClosedError
from archiver.warc import HttpExchange

logger = logging.getLogger(__name__)


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) pairs, one per value, in order."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def exchange_from(request: Request, response: Response, fetched_at: datetime) -> HttpExchange:
    """Plain data for the WARC writer from a Scrapy request and its undecoded response."""
    ip = getattr(response, "ip_address", None)
    return HttpExchange(
        url=request.url,
        method=request.method,
        request_headers=header_pairs(request.headers),
        request_body=request.body,
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        reason=None,
        response_headers=header_pairs(response.headers),
        body=response.body,
        ip_address=str(ip) if ip is not None else None,
        fetched_at=fetched_at,
    )


def request_kind(request: Request) -> str:
    """What a request is for: section, feed, sitemap, robots, article-new/-recapture/-retry."""
    kind = request.meta.get("archiver_kind")
    if kind == "article":
        return f"article-{request.meta.get('archiver_reason', 'new')}"
    if kind:
        return str(kind)
    return "robots" if request.url.endswith("/robots.txt") else "other"


def state_url(request: Request) -> str | None:
    """The article URL whose incremental state this fetch updates (the one first requested)."""
    if request.meta.get("archiver_kind") not in ("article", "page") or request.meta.get(
        "archiver_gone"
    ):
        return None
    redirects = request.meta.get("redirect_urls") or [request.url]
    return str(redirects[0])


class WarcRecorderMiddleware:
    """Write request + response records for every download (order it above 600).

    What was written (an `archiver.archive.Capture`) is left in ``request.meta["archiver_capture"]``
    for the spider and the pipeline.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorderMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Count each request once by kind (not its retries or redirect hops)."""
        if request.meta.get("retry_times") or request.meta.get("redirect_times"):
            return
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"archiver/requests/{request_kind(request)}")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        archive = getattr(self.crawler.spider, "archive", None)
        if archive is None or "cached" in response.flags:
            return response
        stats = self.crawler.stats
        assert stats is not None
        try:
            capture = archive.record_fetch(
                exchange_from(request, response, datetime.now(UTC)),
                state_url=state_url(request),
            )
        except (OSError, ArchiveClosedError) as exc:
            stats.inc_value("archiver/warc/write_failed")
            logger.error("Could not write WARC records for %s: %s", request.url, exc)
            return response
        request.meta["archiver_capture"] = capture
        stats.inc_value("archiver/warc/records", 2)
        stats.inc_value(f"archiver/pages/status/{response.status}")
        if capture.revisit:
            stats.inc_value(f"archiver/revisits/{capture.revisit}")
        if capture.event:
            stats.inc_value(f"archiver/articles/{capture.event.replace('takedown', 'taken_down')}")
        if capture.event == "takedown":
            request.meta["archiver_gone"] = True  # a redirect to the front page is not the article
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"archiver/fetch/error/{type(exception).__name__}")
