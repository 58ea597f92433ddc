"""Extraction and storage as a Scrapy item pipeline: off the reactor, in worker processes."""

from __future__ import annotations

import errno
import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.reactor import is_asyncio_reactor_installed

from archiver import signals as archiver_signals
from archiver.config import ExtractHints
from archiver.crawl.render import NO_TEXT_NOTE, auto_reason, too_little_text
from archiver.extensions import DISK_FULL_REASON, DiskFullStop, SiteArchiveExtension
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.pool import (
    DEFAULT_TIMEOUT,
    DISK_FULL,
    ExtractionOutcome,
    ExtractionPool,
    Extractor,
    extract_outcome,
)
from archiver.fsutil import DiskFull
from archiver.items import FetchedPage, ListingSnapshot, PageNotExtracted
from archiver.store.archive import ArchiveClosedError, SiteArchive, StoredArticle

logger = logging.getLogger(__name__)


class NotWritten(DropItem):
    """A fetched page that wrote no new article document: not an item of the crawl's output."""

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"no new document for {url}: {why}", log_level="DEBUG")


class ExtractAndStorePipeline:
    """FetchedPage -> article document (JSON file, WARC metadata record, catalog row).

    Also stores what a section, feed or sitemap listed and notes pages not extracted (the
    spiders' signals in `archiver.signals`). Settings: ARCHIVER_PIPELINE_ENABLED,
    ARCHIVER_EXTRACT_ENABLED (off: an archive-only crawl, each page left in the catalog for
    `archiver reextract`), ARCHIVER_EXTRACT_WORKERS, ARCHIVER_EXTRACT_TIMEOUT, ARCHIVER_EXTRACTOR,
    ARCHIVER_EXTRACT_HINTS (the site config's ``extract:``). A write that finds no room stops
    the crawl (`DiskFullStop`); after it, nothing more is stored.

    The items that come out (what ``scrapy crawl -o`` exports) are the article documents this
    run wrote, each once: a new article or a new version. An unchanged re-capture, a failure, a
    page deferred or sent to the browser is dropped quietly (`NotWritten`, logged at DEBUG);
    every document stored, changed or not, is announced by `archiver.signals.article_stored`.
    """

    def __init__(
        self,
        archive: SiteArchive,
        stats: StatsCollector,
        workers: int | None,
        hints: ExtractHints | None = None,
        *,
        extract: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
        extractor: Extractor = extract_outcome,
        disk_full: DiskFullStop | None = None,
        render_min_words: int = 50,
        crawler: Crawler | None = None,
    ) -> None:
        self.disk_full = disk_full
        self.render_min_words = render_min_words
        self.crawler = crawler
        self.archive = archive
        self.stats = stats
        self.workers = workers
        self.hints = hints
        self.extract = extract
        self.timeout = timeout
        self.extractor = extractor
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractAndStorePipeline:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_PIPELINE_ENABLED"):
            raise NotConfigured("ARCHIVER_PIPELINE_ENABLED is off")
        component = crawler.get_extension(SiteArchiveExtension)
        if component is None:
            raise NotConfigured("no SiteArchiveExtension: no archive to store articles in")
        raw = settings.get("ARCHIVER_EXTRACT_WORKERS")
        workers = None if raw in (None, "") else int(raw)
        assert crawler.stats is not None
        hints = settings.get("ARCHIVER_EXTRACT_HINTS")
        pipeline = cls(
            component.archive,
            crawler.stats,
            workers,
            hints,
            extract=settings.getbool("ARCHIVER_EXTRACT_ENABLED"),
            timeout=settings.getfloat("ARCHIVER_EXTRACT_TIMEOUT") or None,
            extractor=load_object(settings.get("ARCHIVER_EXTRACTOR")),
            disk_full=DiskFullStop(crawler),
            render_min_words=settings.getint("ARCHIVER_RENDER_MIN_WORDS"),
            crawler=crawler,
        )
        crawler.signals.connect(pipeline.store_snapshot, signal=archiver_signals.listing_seen)
        crawler.signals.connect(pipeline.not_extracted, signal=archiver_signals.page_not_extracted)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        if self.extract:
            self.pool = ExtractionPool(self.workers, timeout=self.timeout, function=self.extractor)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        if self._stopped():
            raise NotWritten(item.url, DISK_FULL_REASON)
        try:
            outcome = await self._process(item)
        except OSError as exc:
            if not self._disk_full(exc):
                raise
            raise NotWritten(item.url, DISK_FULL_REASON) from exc
        if isinstance(outcome, StoredArticle):
            self._announce(item, outcome)
            if not outcome.changed:
                raise NotWritten(item.url, "unchanged (already archived)")
            return outcome.document
        raise NotWritten(item.url, outcome)

    def _announce(self, item: FetchedPage, stored: StoredArticle) -> None:
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(
                archiver_signals.article_stored, item=item, document=stored.document
            )

    def _stopped(self) -> bool:
        """Whether a write found no room: then nothing more is written."""
        return self.disk_full is not None and self.disk_full.stopped

    def _disk_full(self, exc: BaseException) -> bool:
        """Report `exc` if it is a write that found no room (it stops the crawl); whether it was."""
        return self.disk_full is not None and self.disk_full.report_if_full(
            exc, self.archive.layout.root
        )

    async def _process(self, item: FetchedPage) -> StoredArticle | str:
        """The article stored, or why nothing was."""
        stats = self.stats
        if not self.extract:
            return self._defer(item)
        outcome = await self._extract(item)
        if outcome.failure == DISK_FULL:  # not the page's fault: it is not marked processed
            raise DiskFull(errno.ENOSPC, outcome.message or "no space left", "")
        if self._stopped():  # while the page was being extracted
            return DISK_FULL_REASON
        article = outcome.article
        words = article.word_count if article is not None and article.text else 0
        if self._wants_render(item, words):
            assert self.crawler is not None
            item.fetched_words = words
            stats.inc_value("archiver/render/wanted")
            self.crawler.signals.send_catch_log(archiver_signals.render_wanted, item=item)
            return "sent to the browser (too little text)"
        if article is None and item.keep_unextractable:
            article = ExtractedArticle(is_article=False, title=None, description=None)
        elif article is None:
            stats.inc_value(f"archiver/extract/failed/{outcome.failure}")
            logger.warning("Extraction failed for %s: %s", item.url, outcome.message)
            self.archive.mark_processed(item.requested_url)
            return f"extraction failed ({outcome.failure})"
        store = (
            self.archive.store_article_async
            if is_asyncio_reactor_installed()
            else self._store_now  # pragma: no cover - non-default reactor
        )
        stored = await store(
            article,
            response=item.record,
            url=item.url,
            http_status=item.status,
            section=item.section,
            requested_url=item.requested_url,
            rendering=self._rendering(item, words, parsed=outcome.article is not None),
        )
        if not stored.changed:
            stats.inc_value("archiver/articles/unchanged")
        elif stored.version > 1:
            stats.inc_value("archiver/articles/changed")
        elif article.is_article:
            stats.inc_value("archiver/articles/written")
        else:
            stats.inc_value("archiver/articles/not_article")
        return stored

    def _wants_render(self, item: FetchedPage, words: int) -> bool:
        """auto: a page fetched without the browser whose text is too little goes to it."""
        return (
            item.render == "auto"
            and item.rendered is None
            and item.render_failed is None
            and self.crawler is not None
            and too_little_text(words, self.render_min_words)
        )

    def _rendering(self, item: FetchedPage, words: int, *, parsed: bool) -> dict[str, Any] | None:
        """What the document says about browser capture (None: nothing to say)."""
        if item.rendered is not None:
            reason = (
                "always: every article is loaded in a browser"
                if item.render == "always"
                else auto_reason(item.fetched_words, self.render_min_words)
            )
            return {
                "mode": item.render,
                "rendered": True,
                "reason": reason,
                "fetched_words": item.fetched_words,
                **item.rendered,
            }
        if item.render_failed is not None:
            return {
                "mode": item.render,
                "rendered": False,
                "reason": f"the browser could not load the page ({item.render_failed}); "
                "extracted from the HTML as fetched",
                "fetched_words": item.fetched_words,
            }
        if words == 0 and parsed:  # an HTML page with no article text in it
            return {"mode": item.render, "rendered": False, "reason": NO_TEXT_NOTE}
        return None

    async def _store_now(self, article: ExtractedArticle, **fields: Any) -> StoredArticle:
        return self.archive.store_article(article, **fields)

    def _defer(self, item: FetchedPage) -> str:
        """An archive-only crawl: the capture waits in the catalog for `archiver reextract`."""
        self.archive.defer_extraction(
            response=item.record,
            url=item.url,
            requested_url=item.requested_url,
            http_status=item.status,
            section=item.section,
            encoding=item.encoding,
            keep_unextractable=item.keep_unextractable,
        )
        self.stats.inc_value("archiver/extract/deferred")
        return "extraction deferred (archive only)"

    def not_extracted(self, item: PageNotExtracted) -> None:
        """Count a page that goes no further; its capture counts as processed."""
        self.stats.inc_value(f"archiver/extract/skipped/{item.reason}")
        if self._stopped():
            return
        try:
            self.archive.mark_processed(item.requested_url)
        except OSError as exc:
            if not self._disk_full(exc):
                raise

    def store_snapshot(self, item: ListingSnapshot) -> None:
        """Keep what a source listed at this moment (see `archiver sections`)."""
        if self._stopped():
            return
        try:
            self.archive.record_snapshot(
                kind=item.kind,
                source_url=item.source_url,
                capture=item.capture,
                articles=item.articles,
                section=item.section,
                page=item.page,
            )
        except (OSError, ArchiveClosedError) as exc:
            if not self._disk_full(exc):
                logger.error("Could not write the snapshot of %s: %s", item.source_url, exc)
            return
        self.stats.inc_value("archiver/snapshots")

    async def _extract(self, item: FetchedPage) -> ExtractionOutcome:
        assert self.pool is not None
        if not is_asyncio_reactor_installed():  # pragma: no cover - non-default reactor
            return self.pool.function(item.body, item.url, item.encoding, self.hints)
        return await self.pool.extract(item.body, item.url, item.encoding, self.hints)
