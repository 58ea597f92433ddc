"""A progress line on stderr every few seconds: pages, articles, errors, rate."""

from __future__ import annotations

import logging
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver.jobs.summary import progress_line

logger = logging.getLogger(__name__)


class CrawlProgress:
    """Log a one-line progress report every ARCHIVER_PROGRESS_INTERVAL seconds."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("ARCHIVER_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        config = getattr(spider, "config", None)
        self._task = task.LoopingCall(self.report, config.site if config else spider.name)
        self._task.start(self.interval, now=False)

    def report(self, name: str) -> None:
        assert self.crawler.stats is not None
        elapsed = time.monotonic() - self.started
        logger.info("[%s] %s", name, progress_line(self.crawler.stats.get_stats(), elapsed))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
