"""Browser capture: pages loaded in headless Chromium through scrapy-playwright, archived as the
browser saw them.

A request with ``meta["archiver_render"]`` is downloaded by scrapy-playwright's handler (the
settings `browser_settings` gives; DOWNLOAD_DELAY and concurrency apply to it as to any request).
While the page loads, `PageCapture` lets through only the requests the page resource rules
allow (`archiver.crawl.render.BrowserRequestRules`), aborting and counting the rest, and keeps
every exchange the page makes; once loaded it scrolls (bounded), waits for the network to go
quiet (bounded), and takes the DOM and screenshots. `BrowserCaptureMiddleware` then writes the
exchanges through the archive like any fetch (same dedup), the DOM and screenshots as
``resource`` records linked to the page's response, and hands the spider the DOM to extract.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from archiver.crawl.account import ResourceAccount
from archiver.crawl.credentials import SiteCredentials
from archiver.crawl.errors import error_kind
from archiver.crawl.render import (
    BrowserCaptureLog,
    BrowserRequestRules,
    RenderOptions,
    check_mode,
    find_browser,
)
from archiver.crawl.resources import DeadHosts, ResourcePolicy, host_of, rules_from_settings
from archiver.extensions import DiskFullStop, SiteArchiveExtension
from archiver.middlewares import PageResourceGate, redactor_from, state_url
from archiver.store.archive import ArchiveClosedError, SiteArchive
from archiver.store.identity import FULL_PAGE_SCREENSHOT_URI, RENDERED_DOM_URI, SCREENSHOT_URI
from archiver.warc import HttpExchange

logger = logging.getLogger(__name__)

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
#: The one browser context every rendered page opens in.
CONTEXT = "archiver"
#: The flags the house starts Chromium with (Playwright adds --headless).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}

#: Scrolls a screenful at a time until the bottom, `steps` times or `ms` milliseconds at most.
SCROLL_JS = """async ([steps, ms]) => {
  let done = 0;
  const end = Date.now() + ms;
  while (done < steps && Date.now() < end) {
    const before = window.scrollY;
    window.scrollBy(0, window.innerHeight);
    await new Promise(resolve => setTimeout(resolve, 200));
    done++;
    if (window.scrollY === before) break;
  }
  return done;
}"""


class BrowserUnavailable(RuntimeError):
    """Rendering was asked for, but scrapy-playwright is not installed."""


def options_from_settings(settings: BaseSettings) -> RenderOptions:
    """The ARCHIVER_RENDER_* settings as `RenderOptions`."""
    return RenderOptions(
        pages=settings.getint("ARCHIVER_RENDER_PAGES"),
        timeout=settings.getfloat("ARCHIVER_RENDER_TIMEOUT"),
        max_requests=settings.getint("ARCHIVER_RENDER_MAX_REQUESTS"),
        scroll_steps=settings.getint("ARCHIVER_RENDER_SCROLL_STEPS"),
        scroll_seconds=settings.getfloat("ARCHIVER_RENDER_SCROLL_SECONDS"),
        settle_seconds=settings.getfloat("ARCHIVER_RENDER_SETTLE_SECONDS"),
        screenshots=settings.getbool("ARCHIVER_RENDER_SCREENSHOTS"),
        browser=find_browser(settings.get("ARCHIVER_BROWSER") or None),
    )


def browser_settings(options: RenderOptions) -> dict[str, Any]:
    """The Scrapy settings that hand rendered requests (only those: ``meta["playwright"]``)
    to scrapy-playwright: one Chromium, one context, a pool of `options.pages` pages."""
    launch: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS)}
    if options.browser:
        launch["executable_path"] = options.browser
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": options.pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": options.timeout * 1000,
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
        # The browser's own headers (its User-Agent is set on the context): what it sent is
        # what the request records hold.
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
    }


def enable_browser(settings: BaseSettings, mode: str) -> None:
    """Set up browser capture for a crawl whose render mode is `mode` (nothing for never).

    Call from a spider's `from_crawler`; the settings go in at spider priority.
    """
    if check_mode(mode) == "never":
        return
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError as exc:
        raise BrowserUnavailable(
            f"render: {mode} needs scrapy-playwright (pip install 'archiver[browser]')"
        ) from exc
    settings.set("ARCHIVER_RENDER", mode, priority="spider")
    for key, value in browser_settings(options_from_settings(settings)).items():
        settings.set(key, value, priority="spider")


def warcinfo_note(settings: BaseSettings) -> dict[str, str]:
    """The warcinfo field saying how a rendered page's records were made (none for never)."""
    if settings.get("ARCHIVER_RENDER", "never") == "never":
        return {}
    from importlib.metadata import version

    return {
        "archiver-browser": (
            f"render {settings.get('ARCHIVER_RENDER')}: pages loaded in headless Chromium "
            f"(scrapy-playwright {version('scrapy-playwright')}, Playwright "
            f"{version('playwright')}); their request and response records are made from the "
            "browser's own, bodies as the browser decoded them, status lines as HTTP/1.1; "
            "the DOM and screenshots are resource records (urn:dom:, urn:screenshot:, "
            "urn:screenshot-full:)"
        )
    }


def context_options(user_agent: str) -> dict[str, Any]:
    """The browser context: no service workers, no downloads, no permissions granted."""
    return {
        "service_workers": "block",
        "accept_downloads": False,
        "permissions": [],
        "viewport": dict(VIEWPORT),
        "user_agent": user_agent,
    }


def _header_pairs(headers: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Playwright's header array as pairs, without HTTP/2 pseudo-headers (":path")."""
    return [(h["name"], h["value"]) for h in headers if not h["name"].startswith(":")]


class PageCapture:
    """One page loading in the browser: its requests let through or aborted, every exchange
    kept (`log`), then scrolled, settled, its DOM and screenshots taken (`settle`)."""

    def __init__(
        self,
        url: str,
        rules: BrowserRequestRules,
        options: RenderOptions,
        stats: StatsCollector,
        watch_browser: Any = None,
        credentials: SiteCredentials | None = None,
    ) -> None:
        self.log = BrowserCaptureLog(url)
        self.rules = rules
        self.options = options
        self.stats = stats
        self.watch_browser = watch_browser
        self.credentials = credentials
        self.page: Any = None
        self._pending: set[asyncio.Future[None]] = set()

    async def init_page(self, page: Any, request: Request) -> None:
        """scrapy-playwright's page init callback: our route first, our listeners. (Called
        again on a new page when the browser went away under the first: a fresh log.)"""
        self.page = page
        self.log = BrowserCaptureLog(self.log.page_url)
        if self.credentials is not None and self.credentials.browser_cookies():
            await page.context.add_cookies(self.credentials.browser_cookies())
        await page.route("**/*", self._route)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)
        page.on("crash", self._crashed)
        if self.watch_browser is not None:
            self.watch_browser(page.context.browser)

    def _is_page(self, request: Any) -> bool:
        try:
            return bool(request.is_navigation_request() and request.frame == self.page.main_frame)
        except Exception:  # a worker's request has no frame
            return False

    async def _route(self, route: Any, request: Any) -> None:
        self.log.made += 1
        reason = None
        if not self._is_page(request):
            reason = self.rules.skip_reason(
                request.url, request.resource_type, self.log.page_url, self.log.made
            )
        if reason is None:
            await route.fallback()  # on to scrapy-playwright's route, which sends it
            return
        self.log.aborted[reason] += 1
        self.stats.inc_value(f"archiver/render/aborted/{reason}")
        await route.abort("blockedbyclient")

    def _finished(self, request: Any) -> None:
        if request.url.startswith(("http://", "https://")):
            task = asyncio.ensure_future(self._take(request, self.log))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    def _failed(self, request: Any) -> None:
        failure = request.failure or "failed"
        if "ERR_BLOCKED_BY_CLIENT" in failure:
            return  # ours: counted as aborted
        self.log.failed[failure] += 1
        self.stats.inc_value("archiver/render/requests_failed")
        if "ERR_NAME_NOT_RESOLVED" in failure:
            host = host_of(request.url)
            if self.rules.dead_hosts.failed(host, "dns"):
                self.stats.inc_value("archiver/resources/dead_hosts/dns")

    def _crashed(self, page: Any) -> None:
        self.stats.inc_value("archiver/render/page_crashed")
        logger.warning("The browser page showing %s crashed", self.log.page_url)

    async def _take(self, request: Any, log: BrowserCaptureLog) -> None:
        """Keep one finished exchange (body as the browser got it: decoded)."""
        try:
            response = await request.response()
            if response is None:
                return
            try:
                body = await response.body()
            except Exception:  # a redirect has none
                body = b""
            address = await response.server_addr()
            exchange = HttpExchange(
                url=request.url,
                method=request.method,
                request_headers=_header_pairs(await request.headers_array()),
                request_body=request.post_data_buffer or b"",
                protocol="HTTP/1.1",
                status=response.status,
                reason=response.status_text or None,
                response_headers=_header_pairs(await response.headers_array()),
                body=body,
                body_is_decoded=True,
                ip_address=address["ipAddress"] if address else None,
                fetched_at=datetime.now(UTC),
            )
        except Exception as exc:  # the page closed under it
            logger.debug("Could not keep %s: %r", request.url, exc)
            log.failed["not-kept"] += 1
            return
        log.add(exchange, is_document=self._is_page(request))

    async def settle(self, page: Any) -> None:
        """After load: scroll (bounded), wait for quiet (bounded), take DOM and screenshots,
        and wait for the bodies still being read."""
        options = self.options
        from playwright.async_api import Error as PlaywrightError

        if options.scroll_steps:
            try:
                self.log.scrolled = await asyncio.wait_for(
                    page.evaluate(SCROLL_JS, [options.scroll_steps, options.scroll_seconds * 1000]),
                    options.scroll_seconds + 2,
                )
                await page.evaluate("window.scrollTo(0, 0)")
            except (TimeoutError, PlaywrightError) as exc:
                logger.debug("Scrolling %s stopped: %r", self.log.page_url, exc)
        if options.settle_seconds:
            try:
                await page.wait_for_load_state("networkidle", timeout=options.settle_seconds * 1000)
            except PlaywrightError:
                self.stats.inc_value("archiver/render/not_settled")
        self.log.dom = await page.content()
        if options.screenshots:
            try:
                self.log.screenshot = await page.screenshot(type="png")
                self.log.full_screenshot = await page.screenshot(type="png", full_page=True)
            except PlaywrightError as exc:
                self.stats.inc_value("archiver/render/screenshot_failed")
                logger.warning("No screenshot of %s: %s", self.log.page_url, exc)
        await self.drain(options.settle_seconds + 5)

    async def drain(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for the exchanges still being read."""
        if self._pending:
            await asyncio.wait(list(self._pending), timeout=timeout)


class BrowserCaptureMiddleware:
    """Downloader middleware: rendered requests to the browser, what it saw into the archive.

    Order it between the resource gate and the recorder (955): it records a rendered page's
    exchanges itself (the recorder leaves responses the browser made), then its DOM and
    screenshots as resource records; ``meta["archiver_capture"]`` is the page's own response,
    ``meta["archiver_rendered"]`` says what was kept. Off (NotConfigured) with
    ARCHIVER_RENDER = never.
    """

    def __init__(
        self,
        crawler: Crawler,
        archive: SiteArchive,
        options: RenderOptions,
        disk_full: DiskFullStop,
    ) -> None:
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self.archive = archive
        self.options = options
        self.disk_full = disk_full
        self.context = context_options(crawler.settings.get("USER_AGENT"))
        # The site config's cookies go into the browser's cookie store, for the site's own
        # hosts (Chromium keeps them there, redirects included). Its headers are not sent by
        # the browser: Chromium carries a header set on a request over to every redirect it
        # follows, whatever the host. Request records are redacted as the recorder's are.
        credentials = crawler.settings.get("ARCHIVER_CREDENTIALS")
        self.credentials = credentials if isinstance(credentials, SiteCredentials) else None
        self.redactor = redactor_from(crawler)
        self._browsers: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserCaptureMiddleware:
        settings = crawler.settings
        if settings.get("ARCHIVER_RENDER", "never") == "never":
            raise NotConfigured("ARCHIVER_RENDER is never")
        component = crawler.get_extension(SiteArchiveExtension)
        if component is None:
            raise NotConfigured("no SiteArchiveExtension: no archive to record into")
        middleware = cls(
            crawler, component.archive, options_from_settings(settings), DiskFullStop(crawler)
        )
        crawler.signals.connect(middleware.count_restarts, signal=signals.spider_closed)
        return middleware

    @cached_property
    def rules(self) -> BrowserRequestRules:
        """The page resource rules the crawl's gate applies, and its hosts given up."""
        gate = self.crawler.get_downloader_middleware(PageResourceGate)
        if gate is not None:
            account = gate.account
        else:
            settings = self.crawler.settings
            account = ResourceAccount(
                ResourcePolicy(rules_from_settings(settings)),
                DeadHosts(settings.getint("ARCHIVER_REQUISITES_HOST_FAILURES")),
            )
        return BrowserRequestRules(account.policy, account.dead_hosts, self.options.max_requests)

    def watch_browser(self, browser: Any) -> None:
        """Log a browser going away (crashed, killed, or closed at the end)."""
        if browser is None or id(browser) in self._browsers:
            return
        self._browsers.add(id(browser))
        browser.on("disconnected", self._browser_gone)

    def _browser_gone(self, *args: Any) -> None:
        logger.debug("The browser is gone; a page that needs one starts another")

    def count_restarts(self, spider: Spider | None = None) -> None:
        """At the end: how often the browser was started again after it went away
        (scrapy-playwright starts one when a page needs it and none is running)."""
        started = self.stats.get_value("playwright/browser_count") or 0
        if started > 1:
            self.stats.set_value("archiver/render/browser_restarts", started - 1)
            logger.warning(
                "The browser went away %d time(s) during the crawl and was started again; "
                "the pages it was showing were loaded again",
                started - 1,
            )

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get("archiver_render"):
            return
        capture = PageCapture(
            request.url,
            self.rules,
            self.options,
            self.stats,
            self.watch_browser,
            self.credentials,
        )
        from scrapy_playwright.page import PageMethod

        request.meta.update(
            playwright=True,
            playwright_context=CONTEXT,
            playwright_context_kwargs=self.context,
            playwright_page_init_callback=capture.init_page,
            playwright_page_methods=[PageMethod(capture.settle)],
            archiver_browser=capture,
        )
        self.stats.inc_value("archiver/render/pages")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        capture = request.meta.pop("archiver_browser", None)
        if not isinstance(capture, PageCapture) or "playwright" not in response.flags:
            return response
        if self.disk_full.stopped:
            return response
        try:
            return self._record(request, response, capture.log)
        except (OSError, ArchiveClosedError) as exc:
            self.stats.inc_value("archiver/warc/write_failed")
            if not self.disk_full.report_if_full(exc, self.archive.layout.root):
                logger.error("Could not write the browser capture of %s: %s", request.url, exc)
            return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        """A page the browser could not load: what it did get is archived all the same."""
        capture = request.meta.pop("archiver_browser", None)
        if not isinstance(capture, PageCapture):
            return
        self.stats.inc_value(f"archiver/render/failed/{error_kind(exception)}")
        logger.warning("The browser could not load %s: %s", request.url, exception)
        try:
            self._record_exchanges(request, capture.log)
        except (OSError, ArchiveClosedError) as exc:
            self.disk_full.report_if_full(exc, self.archive.layout.root)

    def _record_exchanges(self, request: Request, log: BrowserCaptureLog) -> Any:
        """Write every exchange the page made; the capture of the page's own response."""
        page_capture = None
        for index, exchange in enumerate(log.exchanges):
            is_page = index == log.document
            if self.redactor is not None:
                exchange = self.redactor.exchange(exchange)
            capture = self.archive.record_fetch(
                exchange, state_url=state_url(request) if is_page else None
            )
            self.stats.inc_value("archiver/warc/records", 2)
            if is_page:
                page_capture = capture
        self.stats.inc_value("archiver/render/requests", len(log.exchanges))
        return page_capture

    def _record(self, request: Request, response: Response, log: BrowserCaptureLog) -> Response:
        page_capture = self._record_exchanges(request, log)
        if page_capture is None or log.document is None:
            self.stats.inc_value("archiver/render/page_not_kept")
            logger.warning("The browser's response for %s could not be kept", request.url)
            return response
        self.stats.inc_value(f"archiver/pages/status/{response.status}")
        request.meta["archiver_capture"] = page_capture
        page = page_capture.record
        page_url = log.exchanges[log.document].url
        dom = (log.dom if log.dom is not None else response.text).encode("utf-8")
        dom_loc = self.archive.record_resource(
            RENDERED_DOM_URI + page_url, dom, content_type="text/html; charset=utf-8", page=page
        )
        kept: dict[str, Any] = {
            "dom_record_id": dom_loc.record_id,
            "dom_warc_file": dom_loc.warc_file,
            "dom_warc_offset": dom_loc.offset,
            "screenshot_record_id": None,
            "full_page_screenshot_record_id": None,
        }
        for key, prefix, png in (
            ("screenshot_record_id", SCREENSHOT_URI, log.screenshot),
            ("full_page_screenshot_record_id", FULL_PAGE_SCREENSHOT_URI, log.full_screenshot),
        ):
            if png:
                loc = self.archive.record_resource(
                    prefix + page_url, png, content_type="image/png", page=page
                )
                kept[key] = loc.record_id
        self.stats.inc_value(
            "archiver/warc/records", 1 + sum(bool(p) for p in (log.screenshot, log.full_screenshot))
        )
        self.stats.inc_value("archiver/render/captured")
        request.meta["archiver_rendered"] = {**kept, **log.summary()}
        return response.replace(body=dom, encoding="utf-8")
