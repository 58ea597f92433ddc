"""Run crawls of site configs in this process with Scrapy, and summarise them."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from archiver.siteconfig import SiteConfig
from archiver.spiders.news import NewsSpider
from archiver.summary import CrawlSummary


def project_settings(overrides: Mapping[str, Any]) -> Settings:
    """archiver.settings with command-line overrides on top (priority 'cmdline')."""
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.setdict(dict(overrides), priority="cmdline")
    return settings


def run_crawls(configs: Sequence[SiteConfig], overrides: Mapping[str, Any]) -> list[CrawlSummary]:
    """Crawl every config at once (one crawler each); block until all have finished."""
    settings = project_settings(overrides)
    quiet_scrapy = settings.get("LOG_LEVEL") != "DEBUG"
    if quiet_scrapy:
        settings.set("STATS_DUMP", False, priority="cmdline")
        settings.set("LOG_VERSIONS", [], priority="cmdline")
    process = CrawlerProcess(settings)
    if quiet_scrapy:
        # Scrapy's start-up listings drown the progress lines; -v brings them back.
        logging.getLogger("scrapy").setLevel(logging.WARNING)
    crawlers: list[tuple[SiteConfig, Crawler]] = []
    for config in configs:
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, config=str(config.source_path))
        crawlers.append((config, crawler))
    process.start()
    return [
        CrawlSummary.from_stats(config.site, crawler.stats.get_stats() if crawler.stats else {})
        for config, crawler in crawlers
    ]
