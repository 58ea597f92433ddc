"""Crawls run in the test process: Scrapy's asyncio reactor, driven one crawl at a time.

The reactor is installed once (by ``tests/conftest.py``) and never stopped: each crawl runs
its asyncio loop until the crawl's Deferred fires, so the loop is idle between tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.utils.reactor import install_reactor, is_reactor_installed

from archiver.runner import project_settings

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
