"""Fetching what pages need to replay (stylesheets, fonts, images, scripts, frames)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from archiver.crawl.errors import HOST_FAILURES, error_kind
from archiver.crawl.requisites import Requisite, css_requisites, html_requisites
from archiver.crawl.resources import (
    ARCHIVED,
    DeadHosts,
    HostProbes,
    ResourceLedger,
    ResourcePolicy,
    host_of,
    rules_from_settings,
)
from archiver.middlewares import ResourceSkipped
from archiver.store.archive import ArchiveClosedError, SiteArchive
from archiver.warc import RecordLocation

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
    name; the ledger keeps it and what became of each resource, and when the archive closes
    every page's account is written (`SiteArchive.record_page_resources`). Requisites are
    fetched on any host the policy allows (`PageResourceGate`) and whatever robots.txt says:
    they belong to the page.
    """

    crawler: Any
    archive: SiteArchive | None
    ledger: ResourceLedger
    resource_pages: dict[str, RecordLocation]  # page URL -> its response record
    probes: HostProbes[Request]
    _resource_policy: ResourcePolicy | None = None
    _dead_hosts: DeadHosts | None = None

    def init_requisites(self) -> None:
        self.ledger = ResourceLedger()
        self.resource_pages = {}
        self.probes = HostProbes()

    @property
    def resource_policy(self) -> ResourcePolicy:
        """The scope and block rules (from settings, so a config's `requisites:` applies)."""
        if self._resource_policy is None:
            self._resource_policy = ResourcePolicy(rules_from_settings(self.crawler.settings))
        return self._resource_policy

    @property
    def dead_hosts(self) -> DeadHosts:
        """Hosts given up, as this spider learnt from its failed requests."""
        if self._dead_hosts is None:
            limit = self.crawler.settings.getint("ARCHIVER_REQUISITES_HOST_FAILURES")
            self._dead_hosts = DeadHosts(limit)
        return self._dead_hosts

    def skip_reason(self, url: str, kind: str, needed_by: str) -> str | None:
        """Why a resource is not worth a request (a dead host, the scope, a block list)."""
        if self.dead_hosts.reason(host_of(url)) is not None:
            return "dead-host"
        return self.resource_policy.skip_reason(url, kind, needed_by)

    def page_requisites(self, response: HtmlResponse, page_url: str) -> Iterator[Request]:
        """Requests for what an archived page needs; its account is kept under `page_url`."""
        capture = response.meta.get("archiver_capture")
        if capture is not None:
            self.resource_pages[page_url] = capture.record
        yield from self.probes.answered(host_of(response.url))
        found = html_requisites(response.body, response.url, response.encoding)
        # Requisites resolve against the final URL; the account belongs to the asked-for one.
        yield from self.requisite_requests(page_url, found, depth=0)

    def requisite_requests(
        self, needed_by: str, found: Iterable[Requisite], depth: int, frames: bool = True
    ) -> Iterator[Request]:
        """Requests for the requisites a page (or stylesheet, or frame) names."""
        settings = self.crawler.settings
        cap = settings.getint("ARCHIVER_REQUISITES_MAX_PER_PAGE")
        timeout = settings.getfloat("ARCHIVER_REQUISITES_TIMEOUT")
        stats = self.crawler.stats
        count = 0
        for requisite in found:
            if requisite.kind == "frame" and not frames:
                continue
            count += 1
            if not self.ledger.need(needed_by, requisite.url, requisite.kind):
                continue
            skipped = "over-cap" if count > cap else None
            skipped = skipped or self.skip_reason(requisite.url, requisite.kind, needed_by)
            if skipped is not None:  # never scheduled (the gate checks again when sent)
                self.ledger.settle(requisite.url, skipped)
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
            if self.probes.admit(host_of(requisite.url), request):
                yield request
        if count > cap:
            logger.info("%s names %d page resources; %d over the cap left", needed_by, count, cap)

    def parse_requisite(self, response: Response) -> list[Request]:
        """Note it; a frame brings its own requisites, a stylesheet its imports, fonts, images.

        A list, not a generator: Scrapy reads a generator callback's source on every call (to
        warn about ``return`` values), which costs more than fetching a small resource.
        """
        url = response.meta["archiver_requisite_url"]
        self.ledger.settle(url, ARCHIVED)
        self.crawler.stats.inc_value("archiver/resources/fetched")
        released = self.probes.answered(host_of(url))
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
        if request is None:
            return []
        response = getattr(failure.value, "response", None)
        skipped = isinstance(failure.value, ResourceSkipped)
        why = f"http-{response.status}" if response is not None else failure_reason(failure)
        self.ledger.settle(request.meta["archiver_requisite_url"], why)
        if not skipped:
            self.crawler.stats.inc_value(f"archiver/resources/failed/{why}")
        logger.debug("Page resource %s: %s", request.url, why)
        host = host_of(request.meta["archiver_requisite_url"])
        if why in HOST_FAILURES:
            self.dead_hosts.failed(host, why)
        elif not skipped:
            return self.probes.answered(host)  # it answered, if badly (an HTTP error, a reset)
        given_up = self.dead_hosts.reason(host) is not None or why == "dead-host"
        waiting = self.probes.failed(host, given_up)
        if not given_up:
            return waiting  # the next one finds out
        for parked in waiting:
            self.ledger.settle(parked.meta["archiver_requisite_url"], "dead-host")
            self.crawler.stats.inc_value("archiver/resources/skipped/dead-host")
        return []

    def before_archive_closes(self) -> None:
        self.record_resource_reports()

    def record_resource_reports(self) -> int:
        """Write each page's account of its resources into the archive; how many were."""
        if self.archive is None:
            return 0
        written = 0
        for page_url, record in self.resource_pages.items():
            report = self.ledger.report(page_url)
            if report.needed == 0:
                continue
            try:
                self.archive.record_page_resources(record, report)
            except (OSError, ArchiveClosedError) as exc:
                logger.error("Could not record the page resources of %s: %s", page_url, exc)
                return written
            written += 1
            if report.missing_count:
                self.crawler.stats.inc_value("archiver/resources/pages_incomplete")
        return written
