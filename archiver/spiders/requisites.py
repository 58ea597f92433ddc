"""Fetching what pages need to replay (stylesheets, fonts, images, scripts, frames)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from archiver.requisites import Requisite, css_requisites, html_requisites

logger = logging.getLogger(__name__)

#: Stylesheets importing stylesheets are followed this deep.
MAX_CSS_DEPTH = 3
#: At most this many requisites named by one page or stylesheet (a runaway page must not
#: fetch the web).
MAX_REQUISITES = 500


def is_stylesheet(response: Response) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    return "text/css" in content_type or response.url.lower().split("?")[0].endswith(".css")


def failure_reason(failure: Failure) -> str:
    """A short reason for a request that got no response."""
    if failure.check(IgnoreRequest) and "robots" in str(failure.value).lower():
        return "forbidden by robots.txt"
    name = failure.type.__name__ if failure.type else "error"
    for marker, reason in (
        ("Timeout", "timeout"),
        ("DNSLookup", "DNS lookup failed"),
        ("ConnectionRefused", "connection refused"),
    ):
        if marker in name:
            return reason
    return name


class RequisiteFetching:
    """Mixin for spiders: each requisite fetched once a run, however many pages share it.

    What a page needs is the closure of its own list through what its stylesheets and frames
    name (`requisites_of`). Requisites are fetched on any host and whatever robots.txt says:
    they belong to the page.
    """

    needs: dict[str, list[str]]  # page or requisite URL -> the requisites it names
    requested: set[str]
    fetched: dict[str, bool]  # requisite URL -> whether it came back below 400

    def init_requisites(self) -> None:
        self.needs, self.requested, self.fetched = {}, set(), {}

    def requisite_requests(
        self, needed_by: str, found: Iterable[Requisite], depth: int, frames: bool = True
    ) -> Iterator[Request]:
        """Requests for the requisites a page (or stylesheet, or frame) names."""
        needs = self.needs.setdefault(needed_by, [])
        for count, requisite in enumerate(found):
            if count >= MAX_REQUISITES:
                logger.warning("%s names over %d requisites; the rest are left", needed_by, count)
                return
            if requisite.kind == "frame" and not frames:
                continue
            needs.append(requisite.url)
            if requisite.url in self.requested:
                continue
            self.requested.add(requisite.url)
            yield Request(
                requisite.url,
                callback=self.parse_requisite,
                errback=self.requisite_failed,
                priority=10,
                meta={
                    "archiver_kind": "requisite",
                    "archiver_requisite": requisite.kind,
                    "archiver_requisite_url": requisite.url,  # kept through redirects
                    "archiver_depth": depth,
                    "dont_obey_robotstxt": True,
                    "allow_offsite": True,  # a CDN is part of the page
                },
            )

    def parse_requisite(self, response: Response) -> Iterator[Request]:
        """Note it; a frame brings its own requisites, a stylesheet its imports, fonts, images."""
        url = response.meta["archiver_requisite_url"]
        self.fetched[url] = True
        depth = response.meta.get("archiver_depth", 0)
        if response.meta.get("archiver_requisite") == "frame" and isinstance(
            response, HtmlResponse
        ):
            found = html_requisites(response.body, response.url, response.encoding)
            yield from self.requisite_requests(url, found, depth + 1, frames=False)
        elif is_stylesheet(response) and depth < MAX_CSS_DEPTH:
            encoding = response.encoding if isinstance(response, TextResponse) else None
            found = css_requisites(response.body, response.url, encoding)
            yield from self.requisite_requests(url, found, depth + 1, frames=False)

    def requisite_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is None:
            return
        self.fetched[request.meta["archiver_requisite_url"]] = False
        response = getattr(failure.value, "response", None)
        why = f"HTTP {response.status}" if response is not None else failure_reason(failure)
        logger.warning("Requisite %s: %s", request.url, why)

    def requisites_of(self, url: str) -> set[str]:
        """Everything the page at `url` needs, through its stylesheets and frames."""
        needed: set[str] = set()
        todo = list(self.needs.get(url, []))
        while todo:
            current = todo.pop()
            if current not in needed:
                needed.add(current)
                todo.extend(self.needs.get(current, []))
        return needed
