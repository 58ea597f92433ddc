"""Crawls run in the test process: Scrapy's asyncio reactor, driven one crawl at a time.

The reactor is installed once (by ``tests/conftest.py``) and never stopped: each crawl runs
its asyncio loop until the crawl's Deferred fires, so the loop is idle between tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.utils.reactor import install_reactor, is_reactor_installed

from archiver.cli.base import parse_overrides
from archiver.config import SiteConfig, load_site_config
from archiver.jobs.oneoff import DEFAULT_COLLECTION, PageOutcome, check_collection, check_url
from archiver.jobs.summary import CrawlSummary
from archiver.runner import (
    finish_site_run,
    note_json_paths,
    prepare_site_run,
    project_settings,
)
from archiver.spiders.news import NewsSpider
from archiver.spiders.urls import UrlArchiveSpider
from archiver.store.locking import acquire_site_lock
from tests.support import demo_config

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def install_asyncio_reactor() -> None:
    """The reactor `archiver` crawls with; installed before anything imports another."""
    if not is_reactor_installed():
        install_reactor(ASYNCIO_REACTOR)


def crawler_for(spider: type[Spider], settings: Mapping[str, Any]) -> Crawler:
    """A crawler with the project settings plus `settings` (as `-s` would give them)."""
    quiet = {"LOG_LEVEL": "WARNING", "ARCHIVER_PROGRESS_INTERVAL": 0, **settings}
    return CrawlerRunner(project_settings(quiet)).create_crawler(spider)


def run_crawl(crawler: Crawler, **spider_args: Any) -> dict[str, Any]:
    """Run one crawl to its end in this process; return its stats."""
    from twisted.internet import reactor

    core: Any = reactor
    if not core.running:
        core.startRunning(installSignalHandlers=False)
    loop = asyncio.get_event_loop()
    done = crawler.crawl(**spider_args)
    loop.run_until_complete(done.asFuture(loop))
    assert crawler.stats is not None
    return crawler.stats.get_stats()


def stop_reactor() -> None:
    """Shut the reactor down if a crawl started it (at the end of the test run).

    Its shutdown stops its thread pool (Scrapy resolves host names there): left running,
    those threads keep the test process from exiting once the tests are done.
    """
    from twisted.internet import reactor

    core: Any = reactor
    if core.running:
        core.stop()
        asyncio.get_event_loop().run_forever()  # until the shutdown event stops the loop


def crawl_config(
    config: Path | SiteConfig,
    archive: Path,
    *overrides: str,
    warc_max_size: int | None = None,
    workers: int = 0,
    resume: bool = False,
) -> CrawlSummary:
    """`archiver crawl CONFIG --archive ARCHIVE -q [-s KEY=VALUE]...`, run in this process.

    Done as the command does it: the config loaded from its file, the overrides parsed as
    `-s` parses them, the site lock taken here and handed to the crawl, the request queue
    kept in <archive>/state/jobs/<site> (Scrapy's JOBDIR) and removed when the crawl
    finishes. Extraction runs inline (`--workers 0`) unless `workers` says otherwise.
    """
    site_config = config if isinstance(config, SiteConfig) else load_site_config(config)
    settings = parse_overrides(overrides)
    settings["ARCHIVER_ARCHIVE_DIR"] = str(archive)
    settings["ARCHIVER_EXTRACT_WORKERS"] = workers
    if warc_max_size is not None:
        settings["ARCHIVER_WARC_MAX_SIZE"] = warc_max_size
    with acquire_site_lock(archive, site_config.site) as lock:
        crawler = crawler_for(NewsSpider, settings)
        job_dir = prepare_site_run(crawler, site_config.site, resume=resume, lock=lock)
        run_crawl(crawler, config=site_config)
    return finish_site_run(crawler, site_config.site, job_dir)


def crawl_demo_in_process(tmp: Path, base_url: str, *overrides: str, runs: int = 1) -> Path:
    """The demo site at `base_url` crawled `runs` times into tmp/archive; each run must succeed
    (what `archiver crawl` exits 0 for)."""
    archive = tmp / "archive"
    config = demo_config(base_url, tmp / "demo.yaml")
    for _ in range(runs):
        summary = crawl_config(config, archive, *overrides)
        assert summary.failure() is None, summary.render()
    return archive


def archive_urls(
    archive: Path,
    *urls: str,
    site: str = DEFAULT_COLLECTION,
    requisites: bool = True,
    ignore_robots: bool = False,
    timeout: float = 30.0,
    overrides: Sequence[str] = (),
) -> list[PageOutcome]:
    """`archiver archive URL... --archive ARCHIVE -q`, run in this process: the outcome of each
    URL, as `--json` prints it (`archiver archive` exits 1 when one is not `ok`).

    Done as the command does it: the URLs and the collection checked, the options turned into
    the same settings, each article's JSON path looked up in the catalog. Extraction runs
    inline.
    """
    checked = list(dict.fromkeys(check_url(u) for u in urls))
    check_collection(site)
    settings = parse_overrides(overrides)
    settings["ARCHIVER_ARCHIVE_DIR"] = str(archive)
    settings["ARCHIVER_EXTRACT_WORKERS"] = 0
    settings["ROBOTSTXT_OBEY"] = not ignore_robots
    settings["DOWNLOAD_TIMEOUT"] = timeout
    crawler = crawler_for(UrlArchiveSpider, settings)
    run_crawl(crawler, urls=checked, site=site, requisites=requisites)
    spider = crawler.spider
    assert isinstance(spider, UrlArchiveSpider)
    outcomes = [spider.outcomes[u] for u in checked]
    note_json_paths(archive, outcomes)
    return outcomes
