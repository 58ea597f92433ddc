"""The generic news spider: walks a site config's sections and fetches the articles they list."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from twisted.python.failure import Failure

from archiver import signals as archiver_signals
from archiver.browser import enable_browser, warcinfo_note
from archiver.config import Section, SiteConfig, load_site_config
from archiver.crawl.errors import error_kind
from archiver.crawl.links import absolute_links, in_scope, is_article_url, section_for, unique
from archiver.crawl.normalise import UrlCleaner
from archiver.crawl.recapture import plan_fetch
from archiver.crawl.site import crawl_settings, entry_summary, robots_urls
from archiver.crawl.sources import (
    SourceEntry,
    SourceError,
    SourceListing,
    merge_entries,
    newest_date,
    parse_source,
    sitemaps_in_robots,
)
from archiver.items import FetchedPage, ListingSnapshot, PageNotExtracted
from archiver.spiders.base import ArchivingSpider
from archiver.spiders.rendering import render_fallback, render_fields
from archiver.spiders.requisites import RequisiteFetching
from archiver.store.warcinfo import credentials_note

logger = logging.getLogger(__name__)

SPIDER_PRIORITY = SETTINGS_PRIORITIES["spider"]
#: Where to look for the next listing page when a section names no selector.
DEFAULT_NEXT_PAGE = (
    'link[rel~="next"]::attr(href)',
    'a[rel~="next"]::attr(href)',
    "a.next::attr(href)",
    ".pagination .next a::attr(href)",
    ".pager-next a::attr(href)",
)

#: How long the crawl waits for feeds and sitemaps before walking the sections without them.
SOURCES_WAIT_SECONDS = 300.0
#: The scheduler of a distributed crawl (ARCHIVER_REDIS_URL).
DISTRIBUTED_SCHEDULER = "archiver.redis_scheduler.SharedScheduler"
#: Sitemap indexes listing indexes are followed this deep.
MAX_SITEMAP_DEPTH = 3


def resolve_config_path(
    config: str | None, site: str | None, config_dir: str | Path | None = None
) -> Path:
    """`-a config=PATH`, or `-a site=NAME` meaning NAME.yaml in `config_dir`
    (ARCHIVER_CONFIG_DIR; configs/ under the working directory when unset)."""
    if config:
        return Path(config)
    if site:
        if site in (".", "..") or Path(site).name != site:
            raise ValueError(f"site={site!r}: a config name (configs/<site>.yaml), not a path")
        return Path(config_dir or "configs") / f"{site}.yaml"
    raise ValueError("pass -a config=configs/<site>.yaml (or -a site=<site>)")


class NewsSpider(RequisiteFetching, ArchivingSpider):
    """Crawl the sections, feeds and sitemaps named in one site config."""

    name = "news"

    def __init__(
        self, config: SiteConfig | str | None = None, site: str | None = None, **kwargs: Any
    ):
        super().__init__(**kwargs)
        if not isinstance(config, SiteConfig):  # `scrapy crawl news -a config=PATH`
            config = load_site_config(resolve_config_path(config, site))
        self.config: SiteConfig = config
        self.allowed_domains = list(self.config.allowed_domains)
        self.cleaner = UrlCleaner.for_site(self.config)
        self.planned: set[str] = set()  # article URLs (cleaned) already decided on in this run
        self.amp_variants: dict[str, str] = {}  # cleaned URL -> the AMP link it was mapped from
        self.sources_requested: set[str] = set()  # feeds, sitemaps, robots.txt asked for
        self.sources_pending = 0  # ... and not read yet
        self.sources_done: asyncio.Event | None = None
        self.listed: dict[str, SourceEntry] = {}  # articles feeds and sitemaps list, merged
        self.collecting = True  # until every feed and sitemap is read

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        if not kwargs.get("config") and kwargs.get("site"):  # where `-a site=NAME` looks
            config_dir = crawler.settings.get("ARCHIVER_CONFIG_DIR")
            kwargs["config"] = str(resolve_config_path(None, kwargs["site"], config_dir))
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, NewsSpider)
        spider.apply_config_settings()
        enable_browser(crawler.settings, crawler.settings.get("ARCHIVER_RENDER"))
        crawler.signals.connect(spider.render_again, signal=archiver_signals.render_wanted)
        spider.name_archive()
        if crawler.settings.get("ARCHIVER_REDIS_URL"):  # articles in the run's Redis queue
            crawler.settings.set("SCHEDULER", DISTRIBUTED_SCHEDULER, priority="spider")
        return spider

    def apply_config_settings(self) -> None:
        """Config values become settings at spider priority (so `-s KEY=VALUE` still wins)."""
        for key, value in crawl_settings(self.config).items():
            self.crawler.settings.set(key, value, priority="spider")

    @property
    def site_key(self) -> str:
        return self.config.site

    def render_mode(self, section: str | None) -> str:
        """never, auto or always for an article of `section`: the section's `render`, else
        `crawl.render`; ``-s ARCHIVER_RENDER=...`` overrides both."""
        settings = self.crawler.settings
        if settings.getpriority("ARCHIVER_RENDER") > SPIDER_PRIORITY:
            return str(settings.get("ARCHIVER_RENDER"))
        for configured in self.config.sections:
            if configured.name == section and configured.render:
                return configured.render
        return self.config.crawl.render

    def warcinfo_fields(self) -> dict[str, str]:
        return {
            "archiver-config-name": self.config.site,
            "archiver-config-sha256": self.config.config_hash,
            "description": f"Crawl of {self.config.name}",
            **warcinfo_note(self.crawler.settings),
            **credentials_note(
                self.config.request_summary(),
                kept=self.crawler.settings.getbool("ARCHIVER_KEEP_SECRETS"),
            ),
        }

    async def start(self) -> AsyncIterator[Any]:
        """Feeds and sitemaps first; their articles and the sections once all are read.

        Waiting lets what every feed and sitemap says of an article count: its dates keep an
        old article from being fetched (`articles.max_age`) even when a section page, which
        gives no dates, lists it too.
        """
        self.sources_done = asyncio.Event()
        shared = self.archive.shared if self.archive is not None else None
        if shared is not None and not shared.starter:
            logger.info(
                "Joined a running crawl of %s: taking articles from its queue", self.site_key
            )
            return  # the worker that started the run reads the sources
        requests = [
            self.source_request(str(url), "feed", self.parse_feed) for url in self.config.feeds
        ]
        requests += [
            self.source_request(str(url), "sitemap", self.parse_sitemap, depth=0)
            for url in self.config.sitemaps
        ]
        if self.config.sitemaps_from_robots:
            requests += [
                self.source_request(url, "robots", self.parse_robots)
                for url in robots_urls(self.config)
            ]
        for request in requests:
            if request is not None:
                yield request
        if self.sources_pending:
            try:
                await asyncio.wait_for(self.sources_done.wait(), SOURCES_WAIT_SECONDS)
            except TimeoutError:
                logger.warning(
                    "Feeds and sitemaps still unread after %ss; going on without them",
                    SOURCES_WAIT_SECONDS,
                )
        self.collecting = False
        for request in self.article_requests(list(self.listed.values()), None):
            yield request
        for section in self.config.sections:
            yield self.section_request(section, section.url, page=1)

    def section_request(self, section: Section, url: str, page: int) -> Request:
        return Request(
            url,
            callback=self.parse_section,
            errback=self.fetch_failed,
            cb_kwargs={"section": section, "page": page},
            meta={"archiver_kind": "section"},
            priority=-page,
        )

    def source_request(
        self, url: str, kind: str, callback: Callable[..., Any], **cb_kwargs: Any
    ) -> Request | None:
        """A feed, sitemap or robots.txt request (None when already asked for in this run)."""
        if url in self.sources_requested:
            return None
        self.sources_requested.add(url)
        self.sources_pending += 1
        # Not filtered: every one is answered by exactly one callback or errback, which lets
        # `start` know when all are read (Scrapy's filter would drop some silently).
        return Request(
            url,
            callback=callback,
            errback=self.fetch_failed,
            cb_kwargs=cb_kwargs,
            meta={"archiver_kind": kind},
            dont_filter=True,
        )

    def source_finished(self) -> None:
        """One feed, sitemap or robots.txt has been read (or could not be)."""
        self.sources_pending -= 1
        if self.sources_pending <= 0 and self.sources_done is not None:
            self.sources_done.set()

    def parse_section(self, response: Response, section: Section, page: int) -> Iterator[Request]:
        """Queue the articles a listing page links to, and its next page."""
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("archiver/sections/not_html")
            return
        stats.inc_value("archiver/sections/fetched")
        links = unique(absolute_links(response.css("a::attr(href)").getall(), response.url))
        entries = self.article_entries([SourceEntry(u, None, None, None) for u in links])
        if not entries:
            logger.warning("No article links on section page %s", response.url)
        # The snapshot keeps the links as found; the requests go to the cleaned URLs.
        self.snapshot(response, "section", [{"url": e.url} for e, _ in entries], section.name, page)
        yield from self.article_requests([clean for _, clean in entries], section.name)
        if page < section.max_pages:
            next_url = self.next_page_url(response, section)
            if next_url:
                yield self.section_request(section, next_url, page + 1)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Queue the articles an RSS or Atom feed lists (too old ones are never fetched)."""
        try:
            listing = self.read_source(response, "feed")
            if listing is not None:
                yield from self.listed_articles(response, listing)
        finally:
            self.source_finished()

    def parse_sitemap(self, response: Response, depth: int) -> Iterator[Request]:
        """Queue a sitemap's articles, or the child sitemaps of a sitemap index."""
        try:
            yield from self._read_sitemap(response, depth)
        finally:
            self.source_finished()

    def _read_sitemap(self, response: Response, depth: int) -> Iterator[Request]:
        listing = self.read_source(response, "sitemap")
        if listing is None:
            return
        if listing.kind != "sitemap-index":
            yield from self.listed_articles(response, listing)
            return
        if depth >= MAX_SITEMAP_DEPTH:
            self.crawler.stats.inc_value("archiver/sources/problems/sitemap")
            logger.warning("Sitemap index %s nested too deep; not followed", response.url)
            return
        cutoff = self.max_age_cutoff()
        for child in listing.sitemaps:
            if not in_scope(self.config, child.url):
                continue
            if cutoff is not None and child.modified is not None and child.modified < cutoff:
                self.crawler.stats.inc_value("archiver/sources/sitemaps_too_old")
                continue
            request = self.source_request(child.url, "sitemap", self.parse_sitemap, depth=depth + 1)
            if request is not None:
                yield request

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Queue the sitemaps robots.txt announces."""
        try:
            self.crawler.stats.inc_value("archiver/sources/fetched/robots")
            for url in sitemaps_in_robots(response.body, response.url):
                if not in_scope(self.config, url):
                    continue
                request = self.source_request(url, "sitemap", self.parse_sitemap, depth=0)
                if request is not None:
                    yield request
        finally:
            self.source_finished()

    def read_source(self, response: Response, kind: str) -> SourceListing | None:
        """Parse a feed or sitemap; a broken one is logged and counted, and the crawl goes on."""
        stats = self.crawler.stats
        try:
            listing = parse_source(kind, response.body, response.url)
        except SourceError as exc:
            stats.inc_value(f"archiver/sources/broken/{kind}/{exc.reason}")
            logger.warning("Broken %s %s: %s", kind, response.url, exc)
            return None
        stats.inc_value(f"archiver/sources/fetched/{kind}")
        for problem in listing.problems:
            stats.inc_value(f"archiver/sources/problems/{kind}")
            logger.warning("%s %s: %s", kind.capitalize(), response.url, problem)
        return listing

    def listed_articles(self, response: Response, listing: SourceListing) -> Iterator[Request]:
        """Snapshot a feed's or sitemap's articles; request them once every source is read."""
        found = self.article_entries(listing.entries)
        self.snapshot(response, listing.kind, [entry_summary(e) for e, _ in found])
        entries = [clean for _, clean in found]
        if not self.collecting:  # read after `start` stopped waiting
            yield from self.article_requests(entries, None)
            return
        for entry in entries:
            known = self.listed.get(entry.url)
            self.listed[entry.url] = entry if known is None else merge_entries(known, entry)

    def article_entries(
        self, entries: Sequence[SourceEntry]
    ) -> list[tuple[SourceEntry, SourceEntry]]:
        """The listed entries that are articles, each as found and with its URL cleaned
        (`urls:` rules: tracking parameters dropped, AMP variants mapped to their page)."""
        found = []
        for entry in entries:
            try:
                stripped = self.cleaner.strip(entry.url)
                url = self.cleaner.clean(entry.url)
            except ValueError:
                continue
            if not is_article_url(self.config, url):
                continue
            if url != entry.url:
                self.crawler.stats.inc_value("archiver/links/cleaned")
            if url != stripped:
                self.amp_variants.setdefault(url, stripped)
            found.append((entry, dataclasses.replace(entry, url=url)))
        return found

    def snapshot(
        self,
        response: Response,
        kind: str,
        articles: list[dict[str, Any]],
        section: str | None = None,
        page: int | None = None,
    ) -> None:
        """Announce what this source listed at this moment (kept for `archiver sections`)."""
        capture = response.meta.get("archiver_capture")
        if capture is None:
            return
        snapshot = ListingSnapshot(kind, response.url, capture.record, articles, section, page)
        self.crawler.signals.send_catch_log(archiver_signals.listing_seen, item=snapshot)

    def max_age_cutoff(self) -> datetime | None:
        age = self.config.articles.max_age_timedelta
        return None if age is None else datetime.now(UTC) - age

    def article_requests(
        self, entries: Sequence[SourceEntry], section: str | None
    ) -> Iterator[Request]:
        """Requests for the listed articles that are new or due for a recapture."""
        stats = self.crawler.stats
        stats.inc_value("archiver/links/articles", len(entries))
        cutoff = self.max_age_cutoff()
        for entry in entries:
            if not self.claim(entry.url):
                continue
            newest = newest_date(entry)
            if cutoff is not None and newest is not None and newest < cutoff:
                stats.inc_value("archiver/articles/too_old")
                continue
            amp = self.amp_variants.get(entry.url)
            request = self.article_request(entry.url, entry.published, section, amp)
            if request is not None:
                yield request

    def article_request(
        self, url: str, published: datetime | None, section: str | None, amp: str | None
    ) -> Request | None:
        """The request for one article URL, unless it is archived and not due (None)."""
        assert self.archive is not None
        plan = plan_fetch(
            self.archive,
            url,
            steps=self.config.crawl.recapture_timedeltas,
            now=datetime.now(UTC),
            published=published,
            from_published=self.config.crawl.recapture_from == "published",
        )
        if not plan.fetch:
            self.crawler.stats.inc_value(f"archiver/articles/skipped/{plan.reason}")
            return None
        # Duplicates are dropped by `planned`; not filtering lets a redirect reach a page that
        # was also listed under its own URL, so the URL that was listed gets its capture too.
        section = section or section_for(self.config, url)
        mode = self.render_mode(section)
        return Request(
            url,
            dont_filter=True,
            callback=self.parse_article,
            errback=self.fetch_failed,
            headers=plan.headers or None,
            cb_kwargs={"section": section},
            meta={
                "archiver_kind": "article",
                "archiver_reason": str(plan.reason),
                "archiver_amp_variant": amp,
                "archiver_published": published,
                "handle_httpstatus_list": [304],
                "archiver_render_mode": mode,
                "archiver_render": mode == "always",
            },
            priority=1,
        )

    def render_again(self, item: FetchedPage) -> None:
        """`auto`: load a page whose HTML gave too little text in the browser (the pipeline
        asks); if the browser fails, the page as fetched is stored (`render_failed`)."""
        request = Request(
            item.requested_url,
            dont_filter=True,
            callback=self.parse_article,
            errback=self.fetch_failed,
            cb_kwargs={"section": item.section},
            meta={
                "archiver_kind": "article",
                "archiver_reason": "render",
                "archiver_render_mode": "auto",
                "archiver_render": True,
                "archiver_unrendered": item,
            },
            priority=1,
        )
        self.crawler.engine.crawl(request)

    def next_page_url(self, response: TextResponse, section: Section) -> str | None:
        """The pagination link of a listing page, within the allowed hosts."""
        selectors = (f"{section.next_page}::attr(href)",) if section.next_page else ()
        for selector in selectors + DEFAULT_NEXT_PAGE:
            for url in absolute_links(response.css(selector).getall(), response.url):
                if in_scope(self.config, url) and url != response.url:
                    return url
        return None

    def parse_article(self, response: Response, section: str | None) -> Iterator[Any]:
        """Hand an archived article page to the extraction pipeline (unless nothing changed),
        and ask for its requisites (ARCHIVER_REQUISITES) so that it replays as it looked."""
        stats = self.crawler.stats
        capture = response.meta.get("archiver_capture")
        if capture is None or self.archive is None:
            stats.inc_value("archiver/articles/not_recorded")
            return
        redirects = response.meta.get("redirect_urls") or [response.url]
        if response.meta.get("archiver_gone"):
            return  # a takedown redirect to the front page: recorded, nothing to extract
        if response.status == 304 or (capture.revisit and self.archive.is_processed(redirects[0])):
            stats.inc_value("archiver/articles/not_modified")
            return
        if not isinstance(response, HtmlResponse):
            skipped = PageNotExtracted(redirects[0], "not-html")
            self.crawler.signals.send_catch_log(archiver_signals.page_not_extracted, item=skipped)
            return
        if not response.meta.get("archiver_amp_fallback") and self.is_amp_duplicate(response):
            # Archived as fetched; its article is (or is being) stored from its own page.
            stats.inc_value("archiver/articles/amp_duplicate")
            self.archive.mark_processed(redirects[0])
            return
        page = FetchedPage(
            url=response.url,
            requested_url=redirects[0],
            status=response.status,
            body=response.body,
            encoding=response.encoding,
            section=section,
            record=capture.payload,
        )
        yield render_fields(page, response.meta)
        if page.rendered is None and self.crawler.settings.getbool("ARCHIVER_REQUISITES"):
            # (A page loaded in the browser has what it loaded archived already.)
            yield from self.page_requisites(response, response.url)

    def is_amp_duplicate(self, response: HtmlResponse) -> bool:
        """An AMP page (`<html amp>` or `<html ⚡>`) whose canonical page is planned in this
        run or already archived (with `urls.amp: map`): it would only add a second version."""
        if not self.cleaner.map_amp or not {"amp", "⚡"} & set(response.css("html").attrib):
            return False
        links = response.css('link[rel~="canonical"]::attr(href)').getall()
        canonical = next(absolute_links(links, response.url), None)
        if canonical is None or not in_scope(self.config, canonical):
            return False
        try:
            canonical = self.cleaner.clean(canonical)
        except ValueError:
            return False
        if canonical == self.cleaner.clean(response.url):
            return False
        assert self.archive is not None
        return self.claimed(canonical) or self.archive.is_processed(canonical)

    def claim(self, url: str) -> bool:
        """Whether `url` is planned here first in this run (by any worker, in a distributed
        crawl): each article URL is decided on once per run."""
        shared = self.archive.shared if self.archive is not None else None
        if shared is not None:
            self.planned.add(url)
            return shared.claim(url)
        if url in self.planned:
            return False
        self.planned.add(url)
        return True

    def claimed(self, url: str) -> bool:
        shared = self.archive.shared if self.archive is not None else None
        return shared.claimed(url) if shared is not None else url in self.planned

    def fetch_failed(self, failure: Failure) -> list[Any]:
        """Count and log a page that could not be used (the recorder archived any response);
        an AMP link whose mapped page is not found (404, 410) is fetched as it was linked.
        A page the browser could not load is fetched without it (always), or stored as first
        fetched (auto)."""
        request = failure.request if hasattr(failure, "request") else None
        if (
            request is not None
            and request.meta.get("archiver_render")
            and getattr(failure.value, "response", None) is None  # no answer, not an HTTP error
        ):
            return render_fallback(request, failure)
        kind = (request.meta.get("archiver_kind") if request else None) or "page"
        if request is not None and request.meta.get("archiver_gone"):
            return []  # a takedown: recorded in the catalog and counted by the recorder
        response = getattr(failure.value, "response", None)
        reason = f"http_{response.status}" if response is not None else error_kind(failure.value)
        if reason == "too-large" and kind == "article" and failure.check(IgnoreRequest):
            # Only inflated past the limit: the response as received is archived.
            self.crawler.stats.inc_value("archiver/extract/failed/too-large")
        self.crawler.stats.inc_value(f"archiver/fetch/failed/{reason}")
        if kind != "article":
            self.crawler.stats.inc_value(f"archiver/sources/broken/{kind}/{reason}")
        if kind in ("feed", "sitemap", "robots"):
            self.source_finished()
        logger.warning("Could not fetch %s %s: %s", kind, request.url if request else "?", reason)
        amp = request.meta.get("archiver_amp_variant") if request is not None else None
        if request is None or not amp or reason not in ("http_404", "http_410"):
            return []
        self.crawler.stats.inc_value("archiver/links/amp_fallback")
        section = request.cb_kwargs.get("section")
        retry = self.article_request(amp, request.meta.get("archiver_published"), section, None)
        if retry is None:
            return []
        retry.meta["archiver_amp_fallback"] = True  # its canonical page is the one not found
        return [retry]
