"""Scrapy extensions: the site archive the crawl writes into, and the progress line."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

from archiver.jobs.recovery import recover_site
from archiver.jobs.summary import progress_line
from archiver.store.archive import SiteArchive
from archiver.store.locking import SiteLock, acquire_site_lock
from archiver.store.warcinfo import build_warcinfo

logger = logging.getLogger(__name__)

HEADER_NOTE = (
    "Records are rebuilt from Scrapy Request/Response objects taken before decompression and "
    "redirect handling: header names as normalised by Scrapy (order kept), reason phrase from "
    "the status code, Transfer-Encoding removed (body de-chunked) and Content-Length set to the "
    "stored body; request headers as handed to the download handler, plus Host."
)


def warcinfo_from_settings(settings: BaseSettings) -> dict[str, str]:
    """The warcinfo record of a crawl: its software, user agent, robots policy and purpose.

    ARCHIVER_WARCINFO (set by the spider) adds fields: ``description``, ``robots`` (to state the
    policy in words), ``archiver-config-name`` and ``archiver-config-sha256``.
    """
    fields = dict(settings.getdict("ARCHIVER_WARCINFO"))
    robots = fields.pop("robots", None) or (
        "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"
    )
    return build_warcinfo(
        user_agent=settings.get("USER_AGENT"),
        robots=robots,
        config_name=fields.pop("archiver-config-name", None),
        config_hash=fields.pop("archiver-config-sha256", None),
        operator=settings.get("ARCHIVER_OPERATOR") or None,
        extra={**fields, "http-headers": HEADER_NOTE},
    )


class SiteArchiveExtension:
    """Owns the crawl's `SiteArchive` (WARC files and catalog) and the site lock.

    Opened from settings: ARCHIVER_ARCHIVE_DIR, ARCHIVER_SITE (the collection, which the spider
    names), ARCHIVER_WARC_MAX_SIZE, ARCHIVER_WARC_MAX_AGE, ARCHIVER_WARC_GZIP_LEVEL,
    ARCHIVER_WARCINFO. The recorder middleware and the article pipeline are handed `archive`;
    other components add `closing_steps` that still need it open. A caller already holding the
    site lock passes it as ARCHIVER_SITE_LOCK (taken once). Before the archive opens, what a
    killed run of the site left is recovered (`archiver.jobs.recovery.recover_site`), and said
    in the log.
    """

    def __init__(self, archive: SiteArchive, lock: SiteLock | None, stats: StatsCollector):
        self.archive = archive
        self.stats = stats
        self.closing_steps: list[Callable[[SiteArchive], object]] = []
        self._lock = lock  # released here only if taken here
        self._shutdown_trigger: object | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteArchiveExtension:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVER_ARCHIVE_ENABLED is off")
        site = settings.get("ARCHIVER_SITE")
        if not site:
            raise NotConfigured("ARCHIVER_SITE names no collection to archive into")
        archive_dir = Path(settings.get("ARCHIVER_ARCHIVE_DIR"))
        given: SiteLock | None = settings.get("ARCHIVER_SITE_LOCK")
        lock = None if given is not None and given.held else acquire_site_lock(archive_dir, site)
        try:
            held = lock or given
            assert held is not None
            recovered = recover_site(archive_dir, site, held)
            if recovered:
                for line in recovered.render().splitlines():
                    logger.warning("%s", line)
            archive = SiteArchive(
                archive_dir,
                site,
                warcinfo=warcinfo_from_settings(settings),
                max_warc_size=settings.getint("ARCHIVER_WARC_MAX_SIZE"),
                gzip_level=settings.getint("ARCHIVER_WARC_GZIP_LEVEL"),
                max_warc_age=settings.getfloat("ARCHIVER_WARC_MAX_AGE"),
            )
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        assert crawler.stats is not None
        extension = cls(archive, lock, crawler.stats)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        from twisted.internet import reactor

        # A forced shutdown (second Ctrl-C) skips spider_closed; this trigger still runs.
        # (Twisted's interface stub takes `self` as the first argument, hence the Any.)
        core: Any = reactor
        extension._shutdown_trigger = core.addSystemEventTrigger(
            "before", "shutdown", extension.close_quietly
        )
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Run the closing steps, close the WARC files (renaming them from .open), count."""
        if not self.archive.closed:
            for step in self.closing_steps:
                step(self.archive)
            files = self.archive.close()
            # Every record written, warcinfo and metadata included (the recorder counts fetches).
            self.stats.set_value("archiver/warc/records", self.archive.writer.records_written)
            self.stats.set_value("archiver/warc/files", len(files))
            self.stats.set_value(
                "archiver/warc/bytes", sum(f.stat().st_size for f in files if f.exists())
            )
        self._drop_shutdown_trigger()  # closed: nothing is left for a forced shutdown
        self._release_lock()

    def close_quietly(self) -> None:
        """At reactor shutdown: close what spider_closed did not (a forced stop)."""
        self._shutdown_trigger = None
        self.archive.close()
        self._release_lock()

    def _drop_shutdown_trigger(self) -> None:
        """A crawl closed normally needs no shutdown trigger (in-process runs keep the reactor)."""
        trigger, self._shutdown_trigger = self._shutdown_trigger, None
        if trigger is not None:
            from twisted.internet import reactor

            core: Any = reactor
            core.removeSystemEventTrigger(trigger)

    def _release_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()


class CrawlProgress:
    """Log a one-line progress report every ARCHIVER_PROGRESS_INTERVAL seconds."""

    def __init__(self, crawler: Crawler, interval: float, name: str) -> None:
        self.crawler = crawler
        self.interval = interval
        self.name = name
        self.started = time.monotonic()
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("ARCHIVER_PROGRESS_INTERVAL is 0")
        name = crawler.settings.get("ARCHIVER_SITE") or getattr(crawler.spidercls, "name", "crawl")
        ext = cls(crawler, interval, name)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self._task = task.LoopingCall(self.report)
        self._task.start(self.interval, now=False)

    def report(self) -> None:
        assert self.crawler.stats is not None
        elapsed = time.monotonic() - self.started
        logger.info("[%s] %s", self.name, progress_line(self.crawler.stats.get_stats(), elapsed))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
