"""One-off archiving: given URLs, each with what it needs to replay (`archiver archive`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from archiver import signals as archiver_signals
from archiver.browser import enable_browser, warcinfo_note
from archiver.crawl.resources import host_of
from archiver.items import FetchedPage
from archiver.jobs.oneoff import DEFAULT_COLLECTION, PageOutcome, replay_address
from archiver.spiders.base import ArchivingSpider
from archiver.spiders.rendering import render_fallback, render_fields
from archiver.spiders.requisites import RequisiteFetching, failure_reason

logger = logging.getLogger(__name__)


def _url_list(urls: str | Iterable[str]) -> list[str]:
    """`-a urls="A B"` from the scrapy command line, or a list from Python."""
    return urls.split() if isinstance(urls, str) else list(urls)


class UrlArchiveSpider(RequisiteFetching, ArchivingSpider):
    """Fetch each URL (its redirects followed), its requisites, and extract it like a crawl."""

    name = "archive"

    def __init__(
        self,
        urls: str | Iterable[str] = (),
        site: str = DEFAULT_COLLECTION,
        requisites: bool | str = True,
        render: bool | str = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.urls = _url_list(urls)
        self.site = site
        self.with_requisites = requisites not in (False, "0", "false", "no")
        self.render = render not in (False, "", "0", "false", "no")
        self.outcomes: dict[str, PageOutcome] = {u: PageOutcome(u) for u in self.urls}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UrlArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, UrlArchiveSpider)
        # A page and its requisites, fetched like a browser would: at once.
        settings = crawler.settings
        settings.set("DOWNLOAD_DELAY", 0, priority="spider")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 8, priority="spider")
        # For scope "site": the hosts of the pages asked for.
        hosts = sorted({host_of(u) for u in spider.urls} - {""})
        settings.set("ARCHIVER_SITE_DOMAINS", hosts, priority="spider")
        if not settings.getbool("ARCHIVER_REQUISITES"):
            spider.with_requisites = False
        if spider.render or settings.get("ARCHIVER_RENDER") == "always":
            spider.render = True
            enable_browser(settings, "always")
        spider.name_archive()
        crawler.signals.connect(spider.item_stored, signal=archiver_signals.article_stored)
        return spider

    @property
    def site_key(self) -> str:
        return self.site

    def warcinfo_fields(self) -> dict[str, str]:
        page = "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore"
        return {
            "description": "One-off archiving of URLs with their page requisites",
            "robots": f"{page} (for the pages asked for; their requisites are fetched as part "
            "of them)",
            **warcinfo_note(self.crawler.settings),
        }

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield Request(
                url,
                callback=self.parse_page,
                errback=self.page_failed,
                dont_filter=True,
                meta={
                    "archiver_kind": "page",
                    "archiver_target": url,
                    "archiver_render": self.render,
                    "archiver_render_mode": "always" if self.render else "never",
                },
            )

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Record what came back, hand it to extraction, and ask for its requisites."""
        outcome = self._note_response(response)
        hops = f" after {len(outcome.redirects)} redirect(s)" if outcome.redirects else ""
        logger.info("Fetched %s: %s%s", outcome.url, response.status, hops)
        capture = response.meta.get("archiver_capture")
        if capture is None:
            outcome.error = "not recorded (WARC write failed)"
            return
        page = FetchedPage(
            url=response.url,
            requested_url=outcome.url,
            status=response.status,
            body=response.body,
            encoding=response.encoding if isinstance(response, TextResponse) else None,
            section=None,
            record=capture.payload,
            keep_unextractable=True,
        )
        yield render_fields(page, response.meta)
        outcome.rendered = page.rendered is not None
        # A page loaded in the browser has what it loaded archived already.
        if self.with_requisites and isinstance(response, HtmlResponse) and not outcome.rendered:
            yield from self.page_requisites(response, outcome.url)

    def closed(self, reason: str) -> None:
        """Count, for each page, the requisites it needs that came back and that did not; a
        page never fetched (the run stopped first) says so."""
        for outcome in self.outcomes.values():
            if outcome.status is None and outcome.error is None:
                outcome.error = "not-fetched"
        account = self.resources
        if account is None:
            return
        for url, outcome in self.outcomes.items():
            report = account.ledger.report(url)
            outcome.requisites_fetched = report.archived
            outcome.requisites_missing = report.reasons()

    def page_failed(self, failure: Failure) -> list[Any]:
        """A page that answered 4xx/5xx (archived all the same) or never answered; one the
        browser could not load is fetched again without it."""
        request = getattr(failure, "request", None)
        if request is None:
            return []
        response = getattr(failure.value, "response", None)
        if response is None and request.meta.get("archiver_render"):
            return render_fallback(request, failure)
        if response is not None:
            outcome = self._note_response(response)
            outcome.error = f"HTTP {response.status}"
        else:
            outcome = self.outcomes[request.meta["archiver_target"]]
            outcome.error = failure_reason(failure)
        logger.warning("Could not archive %s: %s", outcome.url, outcome.error)
        return []

    def _note_response(self, response: Response) -> PageOutcome:
        outcome = self.outcomes[response.meta["archiver_target"]]
        outcome.status = response.status
        outcome.final_url = response.url
        outcome.redirect_not_followed = response.meta.get("archiver_redirect_not_followed")
        chain = response.meta.get("redirect_urls") or []
        reasons = list(response.meta.get("redirect_reasons") or [])
        outcome.redirects = [
            {"url": url, "status": _status_of(reasons[i] if i < len(reasons) else None)}
            for i, url in enumerate(chain)
        ]
        capture = response.meta.get("archiver_capture")
        if capture is not None:
            outcome.fetched_at = capture.record.date
            outcome.warc_record_id = capture.record.record_id
            outcome.replay_url = replay_address(self.site, capture.record.date, response.url)
        return outcome

    def item_stored(self, item: FetchedPage, document: dict[str, Any]) -> None:
        """Note the article document a page became (new, or the one it already was)."""
        outcome = self.outcomes.get(item.requested_url)
        if outcome is None:
            return
        outcome.article_id = document["id"]
        outcome.version = document.get("version")
        outcome.is_article = document.get("is_article")


def _status_of(reason: Any) -> int | None:
    """Scrapy's redirect reason: a status code, or "meta refresh"."""
    return reason if isinstance(reason, int) else None
