"""Extraction and storage as a Scrapy item pipeline: off the reactor, in worker processes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.reactor import is_asyncio_reactor_installed

from archiver.config import ExtractHints
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.pool import ExtractionOutcome, ExtractionPool, extract_outcome
from archiver.items import FetchedPage

logger = logging.getLogger(__name__)


class ExtractAndStorePipeline:
    """FetchedPage -> article document (JSON file, WARC metadata record, catalog row)."""

    def __init__(self, crawler: Crawler, workers: int | None) -> None:
        self.crawler = crawler
        self.workers = workers
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractAndStorePipeline:
        raw = crawler.settings.get("ARCHIVER_EXTRACT_WORKERS")
        workers = None if raw in (None, "") else int(raw)
        return cls(crawler, workers)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.pool = ExtractionPool(self.workers)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        spider_ = self.crawler.spider
        archive = getattr(spider_, "archive", None)
        stats = self.crawler.stats
        assert stats is not None and archive is not None
        outcome = await self._extract(item, hints_for(spider_))
        article = outcome.article
        if article is None and item.keep_unextractable:
            article = ExtractedArticle(is_article=False, title=None, description=None)
        elif article is None:
            stats.inc_value(f"archiver/extract/failed/{outcome.failure}")
            logger.warning("Extraction failed for %s: %s", item.url, outcome.message)
            archive.mark_processed(item.requested_url)
            return {"url": item.url, "extraction_failed": outcome.failure}
        stored = archive.store_article(
            article,
            response=item.record,
            url=item.url,
            http_status=item.status,
            section=item.section,
            requested_url=item.requested_url,
        )
        if not stored.changed:
            stats.inc_value("archiver/articles/unchanged")
        elif stored.version > 1:
            stats.inc_value("archiver/articles/changed")
        elif article.is_article:
            stats.inc_value("archiver/articles/written")
        else:
            stats.inc_value("archiver/articles/not_article")
        return stored.document

    async def _extract(self, item: FetchedPage, hints: ExtractHints | None) -> ExtractionOutcome:
        assert self.pool is not None
        if not is_asyncio_reactor_installed():  # pragma: no cover - non-default reactor
            return extract_outcome(item.body, item.url, item.encoding, hints)
        future = self.pool.submit(item.body, item.url, item.encoding, hints)
        try:
            return await asyncio.wrap_future(future)
        except Exception as exc:  # a worker died under this page
            logger.error("Extraction worker failed on %s: %s", item.url, exc)
            return ExtractionOutcome(None, "worker-died", str(exc))


def hints_for(spider: Any) -> ExtractHints | None:
    """Per-site extraction hints from the spider's config, if it has one."""
    config = getattr(spider, "config", None)
    return None if config is None else config.extract
