"""Scrapy extensions: the site archive the crawl writes into, and the progress line."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.extensions.spiderstate import SpiderState
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.python.failure import Failure

from archiver.fsutil import DiskFull, as_disk_full
from archiver.jobs.recovery import recover_site
from archiver.jobs.summary import DISK_FULL_MESSAGE, DISK_FULL_WRITES, progress_line
from archiver.store.archive import SiteArchive
from archiver.store.locking import SiteLock, acquire_site_lock
from archiver.store.shared import SharedState, worker_name
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


#: The finish reason of a crawl stopped by a write that found no room.
DISK_FULL_REASON = "disk_full"


class DiskFullStop:
    """Stops the crawl at the first write that finds no room (`archiver.fsutil.DiskFull`).

    The first is logged (its message names the disk and the file) and closes the spider at
    once, with the finish reason "disk_full"; each is counted (``archiver/disk_full``). The
    state is the crawl's stats, so every component can make its own. Once `stopped`,
    components attempt no more writes.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @property
    def stopped(self) -> bool:
        stats = self.crawler.stats
        return stats is not None and stats.get_value(DISK_FULL_MESSAGE) is not None

    def report(self, error: DiskFull) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(DISK_FULL_WRITES)
        if self.stopped:
            logger.debug("Also out of space: %s", error)
            return
        stats.set_value(DISK_FULL_MESSAGE, str(error))
        logger.error("Stopping the crawl: %s", error)
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        if hasattr(engine, "close_spider_async"):  # Scrapy 2.14+
            closing = deferred_from_coro(engine.close_spider_async(reason=DISK_FULL_REASON))
        else:  # pragma: no cover - Scrapy 2.13
            closing = engine.close_spider(engine.spider, DISK_FULL_REASON)
        closing.addErrback(self._close_failed)

    def report_if_full(self, exc: BaseException, where: Path | str) -> bool:
        """Report `exc` if it is a write that found no room (naming the file it names, else
        `where`); whether it was."""
        full = as_disk_full(exc, getattr(exc, "filename", None) or where)
        if full is not None:
            self.report(full)
        return full is not None

    @staticmethod
    def _close_failed(failure: Failure) -> None:
        logger.error("Could not stop the crawl: %s", failure.getErrorMessage())


class SiteArchiveExtension:
    """Owns the crawl's `SiteArchive` (WARC files and catalog) and the site lock.

    Opened from settings: ARCHIVER_ARCHIVE_DIR, ARCHIVER_SITE (the collection, which the spider
    names), ARCHIVER_WARC_MAX_SIZE, ARCHIVER_WARC_MAX_AGE, ARCHIVER_WARC_GZIP_LEVEL,
    ARCHIVER_WARCINFO. The recorder middleware and the article pipeline are handed `archive`;
    other components add `closing_steps` that still need it open. A caller already holding the
    site lock passes it as ARCHIVER_SITE_LOCK (taken once). Before the archive opens, what a
    killed run of the site left is recovered (`archiver.jobs.recovery.recover_site`), and said
    in the log. After a write found no room (`DiskFullStop`), the closing steps are skipped:
    only the WARC file is closed, if it can be.
    """

    def __init__(
        self,
        archive: SiteArchive,
        lock: SiteLock | None,
        stats: StatsCollector,
        disk_full: DiskFullStop,
    ):
        self.archive = archive
        self.stats = stats
        self.disk_full = disk_full
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
            shared = join_shared_run(crawler, site)
            archive = SiteArchive(
                archive_dir,
                site,
                warcinfo=warcinfo_from_settings(settings),
                max_warc_size=settings.getint("ARCHIVER_WARC_MAX_SIZE"),
                gzip_level=settings.getint("ARCHIVER_WARC_GZIP_LEVEL"),
                max_warc_age=settings.getfloat("ARCHIVER_WARC_MAX_AGE"),
                shared=shared,
                warc_prefix=warc_prefix(settings, site, distributed=shared is not None),
            )
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        assert crawler.stats is not None
        extension = cls(archive, lock, crawler.stats, DiskFullStop(crawler))
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
                if not self.disk_full.stopped:  # each step writes
                    step(self.archive)
            try:
                files = self.archive.close()
            except DiskFull as exc:  # the last WARC file may be left .open (it is sound)
                self.disk_full.report(exc)
                files = self.archive.writer.closed_files
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
        try:
            self.archive.close()
        except DiskFull as exc:
            logger.error("%s", exc)
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


class JobSpiderState(SpiderState):
    """Scrapy's SpiderState (the spider's state, kept in JOBDIR): out of space, writing it
    stops the crawl like any other write (`DiskFullStop`) instead of logging a traceback."""

    disk_full: DiskFullStop | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobSpiderState:
        extension = super().from_crawler(crawler)
        extension.disk_full = DiskFullStop(crawler)
        return extension

    def spider_closed(self, spider: Spider) -> None:
        try:
            super().spider_closed(spider)
        except OSError as exc:
            if self.disk_full is None or not self.disk_full.report_if_full(exc, self.statefn):
                raise


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


def warc_prefix(settings: BaseSettings, site: str, *, distributed: bool) -> str | None:
    """What WARC file names start with: ARCHIVER_WARC_PREFIX, else ``<site>-<host>-<pid>``
    for a worker of a distributed crawl, else (None) the site key."""
    given = str(settings.get("ARCHIVER_WARC_PREFIX") or "").strip()
    if given:
        return given
    return f"{site}-{worker_name()}" if distributed else None


def join_shared_run(crawler: Crawler, site: str) -> SharedState | None:
    """With ARCHIVER_REDIS_URL, this worker's place in the site's distributed run (kept on the
    crawler for the scheduler); None for a crawl of one machine."""
    url = crawler.settings.get("ARCHIVER_REDIS_URL")
    if not url:
        return None
    lease = crawler.settings.getfloat("ARCHIVER_REDIS_LEASE")
    shared = SharedState.connect(url, site, lease=lease)
    shared.join()
    crawler.archiver_shared = shared  # type: ignore[attr-defined]
    return shared


class SharedRunExtension:
    """A worker's part in a distributed run (ARCHIVER_REDIS_URL): it renews its lease (putting
    back the requests of workers whose lease ran out), waits while more requests may come, and
    leaves the run when it closes (`archiver.store.shared`)."""

    def __init__(self, crawler: Crawler, shared: SharedState) -> None:
        self.shared = shared
        self.stats = crawler.stats
        assert self.stats is not None and shared.keys is not None
        self.stats.set_value("archiver/redis/run", shared.keys.run)
        self.stats.set_value("archiver/redis/worker", shared.worker)
        self.stats.set_value("archiver/redis/started", int(shared.starter))
        self._renewal = task.LoopingCall(self._renew)
        self._renewal.start(shared.lease / 3, now=False)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRunExtension:
        shared: SharedState | None = getattr(crawler, "archiver_shared", None)
        if shared is None:
            raise NotConfigured("not a distributed crawl (no ARCHIVER_REDIS_URL)")
        return cls(crawler, shared)

    def _renew(self) -> None:
        try:
            returned = self.shared.renew(force=True)
        except Exception:  # Redis away for a moment: the next renewal tries again
            logger.exception("Could not renew this worker's lease")
            return
        if returned:
            assert self.stats is not None
            self.stats.inc_value("archiver/redis/returned", returned)

    def spider_idle(self, spider: Spider) -> None:
        """Nothing to do here now: the starter has read every source; wait while requests may
        still come (the starter reads sources, or a worker that may die holds requests)."""
        if self.shared.starter:
            self.shared.sources_read()
        self._renew()
        if self.shared.more_may_come():
            raise DontCloseSpider

    def spider_closed(self, spider: Spider) -> None:
        if self._renewal.running:
            self._renewal.stop()
        if self.shared.keys is not None:
            last = self.shared.leave()
            logger.info(
                "Left the distributed run%s", " (the last worker: run ended)" if last else ""
            )
