"""Run crawls of site configs in this process with Scrapy, and summarise them."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from archiver.config import SiteConfig
from archiver.crawl.errors import error_kind
from archiver.extensions import DISK_FULL_REASON
from archiver.fsutil import as_disk_full
from archiver.jobs.oneoff import PageOutcome
from archiver.jobs.summary import DISK_FULL_MESSAGE, CrawlSummary
from archiver.spiders.news import NewsSpider
from archiver.spiders.urls import UrlArchiveSpider
from archiver.store.catalog import Catalog
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import SiteLock

logger = logging.getLogger(__name__)


def project_settings(overrides: Mapping[str, Any]) -> Settings:
    """archiver.settings with command-line overrides on top (priority 'cmdline')."""
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.setdict(dict(overrides), priority="cmdline")
    return settings


def crawler_process(overrides: Mapping[str, Any]) -> CrawlerProcess:
    """A CrawlerProcess with the project settings; Scrapy's own chatter only with -v."""
    settings = project_settings(overrides)
    quiet_scrapy = settings.get("LOG_LEVEL") != "DEBUG"
    if quiet_scrapy:
        settings.set("STATS_DUMP", False, priority="cmdline")
        settings.set("LOG_VERSIONS", [], priority="cmdline")
    process = CrawlerProcess(settings)
    if quiet_scrapy:
        # Scrapy's start-up listings drown the progress lines; -v brings them back.
        logging.getLogger("scrapy").setLevel(logging.WARNING)
        for name in _NETWORK_ERROR_LOGGERS:
            logging.getLogger(name).addFilter(_NETWORK_ERRORS_IN_WORDS)
    return process


class NetworkErrorsInWords(logging.Filter):
    """Below -v: a network failure is one line, not a traceback (they are expected), and
    RetryMiddleware's "Gave up retrying" is left out (the spider says what failed, in words)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "scrapy.downloadermiddlewares.retry":
            return record.levelno < logging.ERROR
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and error_kind(error) != "other":
            record.exc_info, record.exc_text = None, None
            record.msg = f"{record.msg} ({error_kind(error)})"
        return True


_NETWORK_ERRORS_IN_WORDS = NetworkErrorsInWords()
_NETWORK_ERROR_LOGGERS = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.core.scraper",
    "scrapy.core.engine",
)


def prepare_job_dir(job_dir: Path, resume: bool) -> bool:
    """Ready a site's JOBDIR: kept to resume, else emptied. True when a run is resumed."""
    pending = job_dir.is_dir() and any(job_dir.iterdir())
    if resume and pending:
        logger.warning("Resuming the interrupted run queued in %s", job_dir)
        return True
    if resume:
        logger.warning("Nothing to resume in %s; starting a new run", job_dir)
    elif pending:
        logger.warning(
            "Discarding the queue of an interrupted run in %s (use --resume to continue it)",
            job_dir,
        )
    shutil.rmtree(job_dir, ignore_errors=True)
    return False


def prepare_site_run(
    crawler: Crawler, site: str, *, resume: bool = False, lock: SiteLock | None = None
) -> Path | None:
    """Ready one site's crawler: its request queue in <archive>/state/jobs/<site> (Scrapy's
    JOBDIR; an explicit JOBDIR setting is left to Scrapy) and the site lock the caller holds.
    Returns the queue's folder when it is ours to remove."""
    settings = crawler.settings
    if lock is not None:
        settings.set("ARCHIVER_SITE_LOCK", lock, priority="cmdline")
    if settings.get("JOBDIR"):
        return None
    job_dir = ArchiveLayout(Path(settings.get("ARCHIVER_ARCHIVE_DIR"))).job_dir(site)
    prepare_job_dir(job_dir, resume)
    settings.set("JOBDIR", str(job_dir), priority="cmdline")
    return job_dir


def disk_full_at_start(failure: Failure, crawler: Crawler) -> Failure | None:
    """A crawl that could not even start for want of space (e.g. opening the catalog): its
    message goes to the summary, not a traceback to the log. Other failures pass on."""
    archive_dir = crawler.settings.get("ARCHIVER_ARCHIVE_DIR") or "."
    full = as_disk_full(failure.value, getattr(failure.value, "filename", None) or archive_dir)
    if full is None or crawler.stats is None:
        return failure
    logger.error("Could not start the crawl: %s", full)
    crawler.stats.set_value(DISK_FULL_MESSAGE, str(full))
    crawler.stats.set_value("finish_reason", DISK_FULL_REASON)
    return None


def finish_site_run(crawler: Crawler, site: str, job_dir: Path | None) -> CrawlSummary:
    """The run's summary; a run that finished has its queue removed (an interrupted one keeps
    it for `--resume`). So has a run stopped by a full disk: a queue or seen-set whose write
    failed loses requests, and the next run fetches whatever is missing anyway."""
    stats = crawler.stats.get_stats() if crawler.stats else {}
    summary = CrawlSummary.from_stats(site, stats)
    if job_dir is not None and (summary.finish_reason == "finished" or summary.disk_full):
        shutil.rmtree(job_dir, ignore_errors=True)
    return summary


def run_crawls(
    configs: Sequence[SiteConfig],
    overrides: Mapping[str, Any],
    *,
    resume: bool = False,
    locks: Mapping[str, SiteLock] | None = None,
) -> list[CrawlSummary]:
    """Crawl every config at once (one crawler each); block until all have finished.

    Each site's request queue lives in its JOBDIR while it runs (`prepare_site_run`); a run
    that finishes removes it, an interrupted one leaves it for `resume`. `locks` are site
    locks the caller holds already (the crawl then does not take them again).
    """
    process = crawler_process(overrides)
    runs: list[tuple[SiteConfig, Crawler, Path | None]] = []
    for config in configs:
        crawler = process.create_crawler(NewsSpider)  # with its own copy of the settings
        lock = (locks or {}).get(config.site)
        job_dir = prepare_site_run(crawler, config.site, resume=resume, lock=lock)
        process.crawl(crawler, config=config).addErrback(disk_full_at_start, crawler)
        runs.append((config, crawler, job_dir))
    process.start()
    return [finish_site_run(crawler, config.site, job_dir) for config, crawler, job_dir in runs]


def run_archive(
    urls: Sequence[str],
    site: str,
    overrides: Mapping[str, Any],
    *,
    requisites: bool = True,
    lock: SiteLock | None = None,
) -> tuple[list[PageOutcome], CrawlSummary]:
    """Archive the URLs (with their requisites) into collection `site`; block until done.

    `lock` is the collection's lock when the caller holds it already.
    """
    process = crawler_process(overrides)
    crawler = process.create_crawler(UrlArchiveSpider)
    if lock is not None:  # (no request queue of its own: a one-off is not resumed)
        crawler.settings.set("ARCHIVER_SITE_LOCK", lock, priority="cmdline")
    started = process.crawl(crawler, urls=list(urls), site=site, requisites=requisites)
    started.addErrback(disk_full_at_start, crawler)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, UrlArchiveSpider)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    outcomes = [spider.outcomes[u] for u in urls]
    note_json_paths(Path(process.settings.get("ARCHIVER_ARCHIVE_DIR")), outcomes)
    return outcomes, CrawlSummary.from_stats(site, stats)


def note_json_paths(archive_dir: Path, outcomes: Sequence[PageOutcome]) -> None:
    """Each document's path (relative to the archive), from the catalog once the crawl is over."""
    catalog_path = ArchiveLayout(archive_dir).catalog_path
    if not any(o.article_id for o in outcomes) or not catalog_path.exists():
        return
    with Catalog(catalog_path) as catalog:
        for outcome in outcomes:
            if outcome.article_id:
                row = catalog.article(outcome.article_id, outcome.version)
                outcome.json_path = row.json_path if row else None
