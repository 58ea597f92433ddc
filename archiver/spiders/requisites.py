"""Fetching what pages need to replay (stylesheets, fonts, images, scripts, frames)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from archiver.crawl.account import ResourceAccount
from archiver.crawl.errors import HOST_FAILURES, error_kind
from archiver.crawl.requisites import Requisite, css_requisites, html_requisites
from archiver.crawl.resources import ARCHIVED, host_of
from archiver.middlewares import PageResourceGate, ResourceSkipped

logger = logging.getLogger(__name__)

#: Stylesheets importing stylesheets are followed this deep.
MAX_CSS_DEPTH = 3
#: Page resources are queued below every section, feed, sitemap and article request (whose
#: priorities are -max_pages..1), so that a crawl stopped at any moment has its articles.
REQUISITE_PRIORITY = -1000


def is_stylesheet(response: Response) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    return "text/css" in content_type or response.url.lower().split("?")[0].endswith(".css")


def failure_reason(failure: Failure) -> str:
    """A short reason for a request that got no response."""
    if failure.check(IgnoreRequest) and "robots" in str(failure.value).lower():
        return "forbidden by robots.txt"
    if isinstance(failure.value, ResourceSkipped):
        return failure.value.reason
    return error_kind(failure.value)


class RequisiteFetching:
    """Mixin for spiders: each requisite fetched once a run, however many pages share it.

    What a page needs is the closure of its own list through what its stylesheets and frames
    name; the run's `ResourceAccount` (kept by the `PageResourceGate`, which writes every
    page's report into the archive at the end) holds it and what became of each resource.
    Requisites are fetched on any host the policy allows and whatever robots.txt says: they
    belong to the page.
    """

    crawler: Any

    @cached_property
    def resources(self) -> ResourceAccount | None:
        """The gate's account (None when ARCHIVER_REQUISITES is off: nothing is fetched)."""
        gate = self.crawler.get_downloader_middleware(PageResourceGate)
        return None if gate is None else gate.account

    def page_requisites(self, response: HtmlResponse, page_url: str) -> Iterator[Request]:
        """Requests for what an archived page needs; its account is kept under `page_url`."""
        account = self.resources
        if account is None:
            return
        capture = response.meta.get("archiver_capture")
        if capture is not None:
            account.pages[page_url] = capture.record
        yield from account.probes.answered(host_of(response.url))
        found = html_requisites(response.body, response.url, response.encoding)
        # Requisites resolve against the final URL; the account belongs to the asked-for one.
        yield from self.requisite_requests(page_url, found, depth=0)

    def requisite_requests(
        self, needed_by: str, found: Iterable[Requisite], depth: int, frames: bool = True
    ) -> Iterator[Request]:
        """Requests for the requisites a page (or stylesheet, or frame) names."""
        account = self.resources
        assert account is not None
        settings = self.crawler.settings
        cap = settings.getint("ARCHIVER_REQUISITES_MAX_PER_PAGE")
        timeout = settings.getfloat("ARCHIVER_REQUISITES_TIMEOUT")
        stats = self.crawler.stats
        count = 0
        for requisite in found:
            if requisite.kind == "frame" and not frames:
                continue
            count += 1
            if not account.ledger.need(needed_by, requisite.url, requisite.kind):
                continue
            skipped = "over-cap" if count > cap else None
            skipped = skipped or account.skip_reason(requisite.url, requisite.kind, needed_by)
            if skipped is not None:  # never scheduled (the gate checks again when sent)
                account.ledger.settle(requisite.url, skipped)
                stats.inc_value(f"archiver/resources/skipped/{skipped}")
                continue
            request = Request(
                requisite.url,
                callback=self.parse_requisite,
                errback=self.requisite_failed,
                priority=REQUISITE_PRIORITY,
                dont_filter=True,  # the ledger asks for each once a run already
                meta={
                    "archiver_kind": "requisite",
                    "archiver_requisite": requisite.kind,
                    "archiver_requisite_url": requisite.url,  # kept through redirects
                    "archiver_needed_by": needed_by,
                    "archiver_depth": depth,
                    "download_timeout": timeout,
                    "dont_obey_robotstxt": True,
                    "allow_offsite": True,  # a CDN is part of the page
                },
            )
            if account.probes.admit(host_of(requisite.url), request):
                yield request
        if count > cap:
            logger.info("%s names %d page resources; %d over the cap left", needed_by, count, cap)

    def parse_requisite(self, response: Response) -> list[Request]:
        """Note it; a frame brings its own requisites, a stylesheet its imports, fonts, images.

        A list, not a generator: Scrapy reads a generator callback's source on every call (to
        warn about ``return`` values), which costs more than fetching a small resource.
        """
        account = self.resources
        assert account is not None
        url = response.meta["archiver_requisite_url"]
        account.ledger.settle(url, ARCHIVED)
        self.crawler.stats.inc_value("archiver/resources/fetched")
        released = account.probes.answered(host_of(url))
        depth = response.meta.get("archiver_depth", 0)
        if response.meta.get("archiver_requisite") == "frame" and isinstance(
            response, HtmlResponse
        ):
            found = html_requisites(response.body, response.url, response.encoding)
            return released + list(self.requisite_requests(url, found, depth + 1, frames=False))
        if is_stylesheet(response) and depth < MAX_CSS_DEPTH:
            encoding = response.encoding if isinstance(response, TextResponse) else None
            found = css_requisites(response.body, response.url, encoding)
            return released + list(self.requisite_requests(url, found, depth + 1, frames=False))
        return released

    def requisite_failed(self, failure: Failure) -> list[Request]:
        """Note why a resource is missing (skipped ones were counted by the gate already),
        and let the requests waiting for its host go on, or skip them with it."""
        request = getattr(failure, "request", None)
        account = self.resources
        if request is None or account is None:
            return []
        response = getattr(failure.value, "response", None)
        skipped = isinstance(failure.value, ResourceSkipped)
        why = f"http-{response.status}" if response is not None else failure_reason(failure)
        account.ledger.settle(request.meta["archiver_requisite_url"], why)
        if not skipped:
            self.crawler.stats.inc_value(f"archiver/resources/failed/{why}")
        logger.debug("Page resource %s: %s", request.url, why)
        host = host_of(request.meta["archiver_requisite_url"])
        if not skipped and why not in HOST_FAILURES:
            return account.probes.answered(host)  # it answered, if badly (an HTTP error, a reset)
        # A host failure was counted by the gate, which shares the account's dead hosts.
        given_up = account.dead_hosts.reason(host) is not None or why == "dead-host"
        waiting = account.probes.failed(host, given_up)
        if not given_up:
            return waiting  # the next one finds out
        for parked in waiting:
            account.ledger.settle(parked.meta["archiver_requisite_url"], "dead-host")
            self.crawler.stats.inc_value("archiver/resources/skipped/dead-host")
        return []
