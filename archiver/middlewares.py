"""Downloader middlewares: the page-resource gate, a site's login headers and cookies, and WARC
recording of every fetch as received."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached
from w3lib.html import get_base_url, get_meta_refresh
from w3lib.url import safe_url_string

from archiver.crawl.account import ResourceAccount
from archiver.crawl.credentials import (
    Redactor,
    SiteCredentials,
    drop_cookies,
    merge_cookie_header,
)
from archiver.crawl.errors import HOST_FAILURES, error_kind
from archiver.crawl.resources import DeadHosts, ResourcePolicy, host_of, rules_from_settings
from archiver.crawl.retry import retry_after_seconds
from archiver.extensions import DiskFullStop, SiteArchiveExtension
from archiver.store.archive import ArchiveClosedError, SiteArchive
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


def redactor_from(crawler: Crawler) -> Redactor | None:
    """What hides secrets in request records: the site's credentials (ARCHIVER_CREDENTIALS)
    and any Proxy-Authorization; None with ARCHIVER_KEEP_SECRETS (exact requests kept)."""
    if crawler.settings.getbool("ARCHIVER_KEEP_SECRETS"):
        return None
    credentials = crawler.settings.get("ARCHIVER_CREDENTIALS")
    return Redactor(credentials if isinstance(credentials, SiteCredentials) else None)


#: Meta keys of the proxy that Scrapy's HttpProxyMiddleware sets from ``meta["proxy"]``.
_PROXY_META = ("proxy", "_auth_proxy", "_scheme_proxy")


class SiteCredentialsMiddleware:
    """Send a site config's ``request:`` headers and cookies to the site's own hosts only,
    and its ``proxy:`` with every request (order it after CookiesMiddleware, 700, and before
    HttpProxyMiddleware, 750; the recorder, above it, sees them on the request).

    A request to any other host (a CDN, a redirect off the site) gets none of them. Cookies
    already on a request (Scrapy's cookie jar, with COOKIES_ENABLED) are kept; configured ones
    are added beside them. A request that names its own ``meta["proxy"]`` keeps it.

    They are on a request only while it is downloaded: once answered (or failed) they are
    taken off again, before a redirect or a retry copies the request into the scheduler's
    queue, which JOBDIR (or Redis) keeps on disk. The next download adds them again where
    they belong. Off (NotConfigured) without ARCHIVER_CREDENTIALS.
    """

    def __init__(self, credentials: SiteCredentials, stats: StatsCollector) -> None:
        self.credentials = credentials
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteCredentialsMiddleware:
        credentials = crawler.settings.get("ARCHIVER_CREDENTIALS")
        if not isinstance(credentials, SiteCredentials):
            raise NotConfigured("no ARCHIVER_CREDENTIALS (the site config sets no request:)")
        assert crawler.stats is not None
        logger.info(
            "Logged-in crawl: %s (headers and cookies to %s and subdomains only)",
            credentials.summary,
            ", ".join(credentials.domains),
        )
        return cls(credentials, crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        credentials = self.credentials
        self._take_off(request)  # a copy made elsewhere (a spider's replace) may carry them
        if credentials.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = credentials.proxy
            request.meta["archiver_proxy"] = True
        headers = credentials.headers_for(request.url)
        cookies = credentials.cookies_for(request.url)
        if not (headers or cookies):
            return
        for name, value in headers:
            request.headers[name] = value
        if cookies:
            existing = request.headers.get(b"Cookie")
            request.headers[b"Cookie"] = merge_cookie_header(
                existing.decode("latin-1") if existing else None, cookies
            )
        self.stats.inc_value("archiver/credentials/sent")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        self._take_off(request)
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        self._take_off(request)

    def _take_off(self, request: Request) -> None:
        """Remove the configured headers, cookies and proxy (with its credentials)."""
        credentials = self.credentials
        for name in credentials.header_names:
            request.headers.pop(name.encode("latin-1"), None)
        cookie = request.headers.get(b"Cookie")
        if cookie is not None and credentials.cookie_names:
            kept = drop_cookies(cookie.decode("latin-1"), credentials.cookie_names)
            if kept:
                request.headers[b"Cookie"] = kept
            else:
                request.headers.pop(b"Cookie", None)
        if request.meta.pop("archiver_proxy", False):
            for key in _PROXY_META:
                request.meta.pop(key, None)
            request.headers.pop(b"Proxy-Authorization", None)


class WarcRecorderMiddleware:
    """Write request + response records for every download (order it above 600).

    What was written (an `archiver.store.archive.Capture`) is left in
    ``request.meta["archiver_capture"]`` for the spider and the pipeline. A write that finds
    no room stops the crawl (`DiskFullStop`); after it, responses are no longer recorded.
    """

    def __init__(
        self,
        archive: SiteArchive,
        stats: StatsCollector,
        disk_full: DiskFullStop,
        redactor: Redactor | None = None,
    ) -> None:
        self.archive = archive
        self.stats = stats
        self.disk_full = disk_full
        self.redactor = redactor

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorderMiddleware:
        if not crawler.settings.getbool("ARCHIVER_RECORDER_ENABLED"):
            raise NotConfigured("ARCHIVER_RECORDER_ENABLED is off")
        component = crawler.get_extension(SiteArchiveExtension)
        if component is None:
            raise NotConfigured("no SiteArchiveExtension: no archive to record into")
        assert crawler.stats is not None
        return cls(component.archive, crawler.stats, DiskFullStop(crawler), redactor_from(crawler))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Count each request once by kind (not its retries or redirect hops)."""
        if request.meta.get("retry_times") or request.meta.get("redirect_times"):
            return
        self.stats.inc_value(f"archiver/requests/{request_kind(request)}")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if "cached" in response.flags or self.disk_full.stopped:
            return response
        if "playwright" in response.flags:  # recorded by archiver.browser, as the browser saw it
            return response
        stats = self.stats
        exchange = exchange_from(request, response, datetime.now(UTC))
        if self.redactor is not None:
            exchange = self.redactor.exchange(exchange)
        try:
            capture = self.archive.record_fetch(exchange, state_url=state_url(request))
        except (OSError, ArchiveClosedError) as exc:
            stats.inc_value("archiver/warc/write_failed")
            if self.disk_full.report_if_full(exc, self.archive.layout.root):
                return response
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
        if isinstance(exception, IgnoreRequest):
            return  # not a fetch: skipped on purpose, or filtered
        self.stats.inc_value(f"archiver/fetch/error/{error_kind(exception)}")


#: Hosts given up are named one line each up to this many; after that only counted.
LOGGED_DEAD_HOSTS = 20


class ResourceSkipped(IgnoreRequest):
    """A page resource the gate did not let through; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"page resource skipped: {reason}")
        self.reason = reason


class PageResourceGate:
    """Let through only page resources from hosts not given up, and redirects the policy allows.

    Order it above the recorder (and RetryMiddleware): a skipped resource is never requested
    nor recorded. The spider applied the scope and block lists to each resource it asked for;
    a redirect's next hop, which the spider never sees, is checked here. A host that cannot
    be reached (DNS, refused, unreachable, timeout) is given up after
    ARCHIVER_REQUISITES_HOST_FAILURES failures, with one log line, and its resources still
    queued are skipped (``dead-host``). Those failures are not retried, nor is a DNS failure
    of any request. (The spider sends one resource at a time to a host until it has
    answered: `archiver.crawl.resources.HostProbes`.)

    The gate keeps the run's `ResourceAccount`, which the spider shares, and writes each
    page's report into the archive before it closes.
    """

    def __init__(
        self,
        account: ResourceAccount,
        stats: StatsCollector,
        disk_full: DiskFullStop | None = None,
    ):
        self.account = account
        self.stats = stats
        self.disk_full = disk_full

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageResourceGate:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_REQUISITES"):
            raise NotConfigured("ARCHIVER_REQUISITES is off")
        # A bad block list is an error, not "off".
        policy = ResourcePolicy(rules_from_settings(settings))
        dead = DeadHosts(settings.getint("ARCHIVER_REQUISITES_HOST_FAILURES"))
        assert crawler.stats is not None
        gate = cls(ResourceAccount(policy, dead), crawler.stats, DiskFullStop(crawler))
        component = crawler.get_extension(SiteArchiveExtension)
        if component is not None:
            component.closing_steps.append(gate.record_reports)
        return gate

    def record_reports(self, archive: SiteArchive) -> int:
        """Write each page's account of its resources into the archive; how many were."""
        written = 0
        for record, report in self.account.reports():
            try:
                archive.record_page_resources(record, report)
            except (OSError, ArchiveClosedError) as exc:
                if self.disk_full is None or not self.disk_full.report_if_full(
                    exc, archive.layout.root
                ):
                    logger.error(
                        "Could not record the page resources of %s: %s", report.page_url, exc
                    )
                return written
            written += 1
            if report.missing_count:
                self.stats.inc_value("archiver/resources/pages_incomplete")
        return written

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("archiver_kind") != "requisite":
            return
        reason = None
        if self.account.dead_hosts.reason(host_of(request.url)) is not None:
            reason = "dead-host"
        elif request.meta.get("redirect_urls"):  # a hop the spider did not check
            kind = request.meta.get("archiver_requisite", "other")
            reason = self.account.policy.skip_reason(
                request.url, kind, request.meta.get("archiver_needed_by")
            )
        if reason is not None:
            self.stats.inc_value(f"archiver/resources/skipped/{reason}")
            raise ResourceSkipped(reason)

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        kind = error_kind(exception)
        is_resource = request.meta.get("archiver_kind") == "requisite"
        if kind == "dns" or (is_resource and kind in HOST_FAILURES):
            request.meta["dont_retry"] = True  # the host is gone, not busy
        host = host_of(request.url)
        if is_resource and kind in HOST_FAILURES and self.account.dead_hosts.failed(host, kind):
            self.stats.inc_value(f"archiver/resources/dead_hosts/{kind}")
            self._log_given_up(host, kind)
            logger.debug("%s failed: %r", request.url, exception)

    def _log_given_up(self, host: str, kind: str) -> None:
        """One line per host given up, for the first few; then only counts (and -v)."""
        count = sum(self.account.dead_hosts.by_kind().values())
        if count <= LOGGED_DEAD_HOSTS:
            logger.info("Giving up page resources on %s for this run: %s", host, kind)
            if count == LOGGED_DEAD_HOSTS:
                logger.info(
                    "More hosts given up will be counted in the progress line and the summary, "
                    "not named (-v names each)"
                )
        else:
            logger.debug("Giving up page resources on %s for this run: %s", host, kind)


WEB_SCHEMES = frozenset({"http", "https"})
#: Redirect statuses Scrapy follows.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class TooManyRedirects(IgnoreRequest):
    """More redirects (or meta refreshes) than REDIRECT_MAX_TIMES: a loop, most likely."""


def leads_off_the_web(target: str, base: str) -> bool:
    """Whether a redirect or refresh to `target` (relative to `base`) leaves http(s):
    ``javascript:``, ``mailto:``, ``tel:`` and the like, which are not fetched."""
    return urlsplit(urljoin(base, target)).scheme.lower() not in WEB_SCHEMES


def redirect_loop(crawler: Crawler, given_up: IgnoreRequest) -> TooManyRedirects:
    """Scrapy's "max redirections reached", named and counted with the fetches that got no
    usable answer (``archiver/fetch/error/redirect-loop``)."""
    if crawler.stats is not None:
        crawler.stats.inc_value("archiver/fetch/error/redirect-loop")
    return TooManyRedirects(str(given_up))


def keep_as_answered(request: Request, response: Response, target: str) -> Response:
    """Hand a redirect that is not followed to the spider as the page it is (not an error);
    where it pointed is left in ``meta["archiver_redirect_not_followed"]``."""
    statuses = list(request.meta.get("handle_httpstatus_list") or [])
    request.meta["handle_httpstatus_list"] = [*statuses, response.status]
    request.meta["archiver_redirect_not_followed"] = target
    return response


class HttpRedirectMiddleware(RedirectMiddleware):
    """Scrapy's RedirectMiddleware, but a redirect to a non-HTTP URL (``javascript:``,
    ``mailto:``) is the page's answer, not a crash, and too many redirects say so.

    Scrapy builds a Request for any Location and fails on one it cannot fetch ("Missing
    scheme"); here such a 30x goes to the spider as it is (it is in the WARC already).
    """

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        location = response.headers.get(b"Location")
        if (
            location is not None
            and response.status in REDIRECT_STATUSES
            and not request.meta.get("dont_redirect", False)
            and leads_off_the_web(safe_url_string(location), request.url)
        ):
            return keep_as_answered(request, response, safe_url_string(location))
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise redirect_loop(self.crawler, exc) from exc


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, reading only the page's head.

    Scrapy looks for ``<meta http-equiv="refresh">`` (and ``<base href>``) in the first 4096
    characters of a page, but decodes the whole body to take them: for a 250 KB article that
    decode was the largest cost of the middleware chain. Here only the first 16 KiB are
    decoded. Same settings (METAREFRESH_ENABLED, _IGNORE_TAGS, _MAXDELAY), same redirects.
    """

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if (
            request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or not isinstance(response, HtmlResponse)
            or urlparse_cached(request).scheme not in {"http", "https"}
        ):
            return response
        head = response.body[:16384].decode(response.encoding, "replace")[:4096]
        base = get_base_url(head, response.url, response.encoding)
        interval, url = get_meta_refresh(head, base, response.encoding, self._ignore_tags)
        if not url:
            return response
        if leads_off_the_web(url, response.url):  # javascript:, mailto: are not followed
            request.meta["archiver_redirect_not_followed"] = url
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval is not None and interval < self._maxdelay:
            try:
                return self._redirect(redirected, request, "meta refresh")
            except IgnoreRequest as exc:
                raise redirect_loop(self.crawler, exc) from exc
        return response


class RetryLaterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but an answer asking to come back later (a 503 or 429 with
    a ``Retry-After`` of more than zero seconds) is not retried at once.

    Scrapy retries it right away, RETRY_TIMES over, whatever the server asked. Here it is the
    page's answer: archived, failed as its status (``http_503``), counted
    (``archiver/fetch/retry_later``); the next run asks for the page again.
    """

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status in self.retry_http_codes and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"), datetime.now(UTC))
            if wait:
                self.crawler.stats.inc_value("archiver/fetch/retry_later")
                logger.info(
                    "Not retrying %s now: %s asks to come back in %.0f s",
                    request.url,
                    response.status,
                    wait,
                )
                return response
        return super().process_response(request, response)
