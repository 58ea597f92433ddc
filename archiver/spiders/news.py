"""The generic news spider: walks a site config's sections and fetches the articles they list."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from archiver import __version__
from archiver.archive import SiteArchive, build_warcinfo
from archiver.items import FetchedPage
from archiver.links import absolute_links, in_scope, is_article_url, unique
from archiver.siteconfig import Section, SiteConfig, load_site_config

logger = logging.getLogger(__name__)

#: Where to look for the next listing page when a section names no selector.
DEFAULT_NEXT_PAGE = (
    'link[rel~="next"]::attr(href)',
    'a[rel~="next"]::attr(href)',
    "a.next::attr(href)",
    ".pagination .next a::attr(href)",
    ".pager-next a::attr(href)",
)

HEADER_NOTE = (
    "Records are rebuilt from Scrapy Request/Response objects taken before decompression and "
    "redirect handling: header names as normalised by Scrapy (order kept), reason phrase from "
    "the status code, Transfer-Encoding removed (body de-chunked) and Content-Length set to the "
    "stored body; request headers as handed to the download handler, plus Host."
)


def user_agent_for(config: SiteConfig) -> str:
    """The User-Agent: names the project and a contact URL from the config."""
    if config.crawl.user_agent:
        return config.crawl.user_agent
    contact = f"; +{config.contact}" if config.contact else ""
    return f"archiver/{__version__} (news archiving{contact})"


def resolve_config_path(config: str | None, site: str | None) -> Path:
    """`-a config=PATH`, or `-a site=NAME` meaning configs/NAME.yaml."""
    if config:
        return Path(config)
    if site:
        return Path("configs") / f"{site}.yaml"
    raise ValueError("pass -a config=configs/<site>.yaml (or -a site=<site>)")


class NewsSpider(Spider):
    """Crawl the sections, feeds and sitemaps named in one site config."""

    name = "news"

    def __init__(self, config: str | None = None, site: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.config_path = resolve_config_path(config, site)
        self.config: SiteConfig = load_site_config(self.config_path)
        self.allowed_domains = list(self.config.allowed_domains)
        self.archive: SiteArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, NewsSpider)
        spider.apply_config_settings()
        crawler.signals.connect(spider.open_archive, signal=signals.spider_opened)
        crawler.signals.connect(spider.close_archive, signal=signals.spider_closed)
        return spider

    def apply_config_settings(self) -> None:
        """Config values become settings at spider priority (so `-s KEY=VALUE` still wins)."""
        crawl = self.config.crawl
        settings = self.crawler.settings
        settings.set("DOWNLOAD_DELAY", crawl.download_delay, priority="spider")
        settings.set("ROBOTSTXT_OBEY", crawl.obey_robots, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", crawl.concurrency, priority="spider")
        settings.set("USER_AGENT", user_agent_for(self.config), priority="spider")
        if crawl.download_delay == 0:
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        if crawl.max_pages:
            settings.set("CLOSESPIDER_PAGECOUNT", crawl.max_pages, priority="spider")

    def open_archive(self, spider: Spider) -> None:
        """Open this site's WARC writer and catalog."""
        settings = self.crawler.settings
        robots = "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"
        warcinfo = build_warcinfo(
            user_agent=settings.get("USER_AGENT"),
            robots=robots,
            config_name=self.config.site,
            config_hash=self.config.config_hash,
            operator=settings.get("ARCHIVER_OPERATOR") or None,
            extra={"description": f"Crawl of {self.config.name}", "http-headers": HEADER_NOTE},
        )
        self.archive = SiteArchive(
            Path(settings.get("ARCHIVER_ARCHIVE_DIR")),
            self.config.site,
            warcinfo=warcinfo,
            max_warc_size=settings.getint("ARCHIVER_WARC_MAX_SIZE"),
        )
        from twisted.internet import reactor

        # A forced shutdown (second Ctrl-C) skips spider_closed; this trigger still runs.
        # (Twisted's interface stub takes `self` as the first argument, hence the Any.)
        core: Any = reactor
        core.addSystemEventTrigger("before", "shutdown", self._close_archive_quietly)

    def close_archive(self, spider: Spider, reason: str) -> None:
        """Close the WARC files (renaming them from .open) and the catalog."""
        if self.archive is not None:
            files = self.archive.close()
            self.crawler.stats.set_value("archiver/warc/files", len(files))
            self.crawler.stats.set_value(
                "archiver/warc/bytes", sum(f.stat().st_size for f in files if f.exists())
            )

    def _close_archive_quietly(self) -> None:
        if self.archive is not None:
            self.archive.close()

    async def start(self) -> AsyncIterator[Any]:
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

    def parse_section(self, response: Response, section: Section, page: int) -> Iterator[Request]:
        """Queue the articles a listing page links to, and its next page."""
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("archiver/sections/not_html")
            return
        stats.inc_value("archiver/sections/fetched")
        links = unique(absolute_links(response.css("a::attr(href)").getall(), response.url))
        articles = [u for u in links if is_article_url(self.config, u)]
        stats.inc_value("archiver/links/articles", len(articles))
        if not articles:
            logger.warning("No article links on section page %s", response.url)
        for url in articles:
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.fetch_failed,
                cb_kwargs={"section": section.name},
                meta={"archiver_kind": "article"},
                priority=1,
            )
        if page < section.max_pages:
            next_url = self.next_page_url(response, section)
            if next_url:
                yield self.section_request(section, next_url, page + 1)

    def next_page_url(self, response: TextResponse, section: Section) -> str | None:
        """The pagination link of a listing page, within the allowed hosts."""
        selectors = (f"{section.next_page}::attr(href)",) if section.next_page else ()
        for selector in selectors + DEFAULT_NEXT_PAGE:
            for url in absolute_links(response.css(selector).getall(), response.url):
                if in_scope(self.config, url) and url != response.url:
                    return url
        return None

    def parse_article(self, response: Response, section: str | None) -> Iterator[FetchedPage]:
        """Hand an archived article page to the extraction pipeline."""
        record = response.meta.get("archiver_record")
        if record is None:
            self.crawler.stats.inc_value("archiver/articles/not_recorded")
            return
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("archiver/extract/skipped/not-html")
            return
        redirects = response.meta.get("redirect_urls") or [response.url]
        yield FetchedPage(
            url=response.url,
            requested_url=redirects[0],
            status=response.status,
            body=response.body,
            encoding=response.encoding,
            section=section,
            record=record,
        )

    def fetch_failed(self, failure: Failure) -> None:
        """Count and log a page that could not be used (the recorder archived any response)."""
        request = failure.request if hasattr(failure, "request") else None
        kind = (request.meta.get("archiver_kind") if request else None) or "page"
        response = getattr(failure.value, "response", None)
        reason = f"http_{response.status}" if response is not None else failure.type.__name__
        self.crawler.stats.inc_value(f"archiver/fetch/failed/{reason}")
        logger.warning("Could not fetch %s %s: %s", kind, request.url if request else "?", reason)
