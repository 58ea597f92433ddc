"""The Scrapy components, built the Scrapy way: in this process, from settings.

`SiteArchiveExtension` owns the archive and the site lock; `WarcRecorderMiddleware` and
`ExtractAndStorePipeline` are handed the archive; each can be switched off with a reason.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archiver.config import parse_site_config
from archiver.extensions import SiteArchiveExtension
from archiver.items import FetchedPage
from archiver.middlewares import PageResourceGate, WarcRecorderMiddleware
from archiver.pipelines import ExtractAndStorePipeline
from archiver.runner import project_settings
from archiver.spiders.news import NewsSpider
from archiver.spiders.urls import UrlArchiveSpider
from archiver.store.locking import acquire_site_lock
from tests.crawling import crawler_for, run_crawl
from tests.support import DEMO_BASE, DEMO_CONFIG, article_documents, manifest, warc_files

PAGE = (
    b"""<html><head><title>Harbour reopens</title></head><body><article>
<h1>Harbour reopens</h1>"""
    + b"<p>The harbour reopened on Monday after repairs. </p>" * 40
    + (b"</article></body></html>")
)


def component_crawler(tmp_path: Path, **settings: Any) -> Any:
    """A crawler whose settings are applied and extensions built (Scrapy's test helper)."""
    values = project_settings(
        {
            "ARCHIVER_ARCHIVE_DIR": str(tmp_path / "archive"),
            "ARCHIVER_SITE": "unit",
            "ARCHIVER_PROGRESS_INTERVAL": 0,
            **settings,
        }
    )
    return get_crawler(Spider, values.copy_to_dict())


def locked_elsewhere(archive: Path, site: str) -> bool:
    """Whether another process is refused the site lock (in this one, the lock re-enters)."""
    code = (
        "import sys\n"
        "from archiver.store.locking import SiteLocked, acquire_site_lock\n"
        "try:\n"
        f"    acquire_site_lock({str(archive)!r}, {site!r}).release()\n"
        "except SiteLocked:\n"
        "    sys.exit(3)\n"
    )
    return subprocess.run([sys.executable, "-c", code], check=False).returncode == 3


def read_records(archive: Path) -> list[tuple[str, str | None]]:
    """(WARC-Type, WARC-Target-URI) of every record in the closed WARC files."""
    found = []
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI")))
    return found


def test_the_archive_component_hands_one_archive_to_recorder_and_pipeline(
    tmp_path: Path,
) -> None:
    crawler = component_crawler(tmp_path)
    component = crawler.get_extension(SiteArchiveExtension)
    assert component is not None
    recorder = WarcRecorderMiddleware.from_crawler(crawler)
    pipeline = ExtractAndStorePipeline.from_crawler(crawler)
    assert recorder.archive is component.archive and pipeline.archive is component.archive
    assert locked_elsewhere(tmp_path / "archive", "unit")  # held while the archive is open
    component.spider_closed(Spider("x"), "finished")
    assert not locked_elsewhere(tmp_path / "archive", "unit")


def test_components_switch_off_with_a_reason(tmp_path: Path) -> None:
    off = component_crawler(tmp_path, ARCHIVER_ARCHIVE_ENABLED=False)
    assert off.get_extension(SiteArchiveExtension) is None
    with pytest.raises(NotConfigured, match="no SiteArchiveExtension"):
        WarcRecorderMiddleware.from_crawler(off)
    with pytest.raises(NotConfigured, match="no SiteArchiveExtension"):
        ExtractAndStorePipeline.from_crawler(off)
    with pytest.raises(NotConfigured, match="ARCHIVER_ARCHIVE_ENABLED"):
        SiteArchiveExtension.from_crawler(off)
    unnamed = component_crawler(tmp_path, ARCHIVER_ARCHIVE_ENABLED=True, ARCHIVER_SITE="")
    with pytest.raises(NotConfigured, match="ARCHIVER_SITE"):
        SiteArchiveExtension.from_crawler(unnamed)
    crawler = component_crawler(
        tmp_path,
        ARCHIVER_RECORDER_ENABLED=False,
        ARCHIVER_PIPELINE_ENABLED=False,
        ARCHIVER_REQUISITES=False,
    )
    with pytest.raises(NotConfigured, match="ARCHIVER_RECORDER_ENABLED"):
        WarcRecorderMiddleware.from_crawler(crawler)
    with pytest.raises(NotConfigured, match="ARCHIVER_PIPELINE_ENABLED"):
        ExtractAndStorePipeline.from_crawler(crawler)
    with pytest.raises(NotConfigured, match="ARCHIVER_REQUISITES"):
        PageResourceGate.from_crawler(crawler)
    crawler.get_extension(SiteArchiveExtension).spider_closed(Spider("x"), "finished")


def test_recorder_writes_the_response_as_received(tmp_path: Path) -> None:
    crawler = component_crawler(tmp_path)
    recorder = WarcRecorderMiddleware.from_crawler(crawler)
    url = "http://news.example/2026/harbour.html?ref=front"
    request = Request(url, meta={"archiver_kind": "article"})
    response = HtmlResponse(url, status=200, body=PAGE, headers={"Content-Type": "text/html"})
    assert recorder.process_response(request, response) is response
    capture = request.meta["archiver_capture"]
    crawler.get_extension(SiteArchiveExtension).spider_closed(Spider("x"), "finished")
    records = read_records(tmp_path / "archive")
    assert ("request", url) in records and ("response", url) in records
    assert capture.record.record_id  # where the spider and pipeline find the capture
    stats = crawler.stats.get_stats()
    assert stats["archiver/warc/records"] == 3  # warcinfo, request, response
    assert stats["archiver/pages/status/200"] == 1


def test_pipeline_extracts_and_stores_an_article(tmp_path: Path) -> None:
    crawler = component_crawler(tmp_path, ARCHIVER_EXTRACT_WORKERS=0)
    recorder = WarcRecorderMiddleware.from_crawler(crawler)
    pipeline = ExtractAndStorePipeline.from_crawler(crawler)
    url = "http://news.example/2026/harbour.html"
    request = Request(url, meta={"archiver_kind": "article"})
    response = HtmlResponse(url, body=PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    recorder.process_response(request, response)
    capture = request.meta["archiver_capture"]
    item = FetchedPage(url, url, 200, PAGE, "utf-8", "news", capture.payload)
    pipeline.open_spider()
    document = asyncio.get_event_loop().run_until_complete(pipeline.process_item(item))
    pipeline.close_spider()
    crawler.get_extension(SiteArchiveExtension).spider_closed(Spider("x"), "finished")
    assert document["title"] == "Harbour reopens" and document["is_article"]
    assert "harbour reopened on Monday" in document["text"]
    [stored] = article_documents(tmp_path / "archive")
    assert stored["id"] == document["id"]
    assert crawler.stats.get_value("archiver/articles/written") == 1
    assert ("metadata", f"urn:archiver:article:{document['id']}") in read_records(
        tmp_path / "archive"
    )


def demo_site_config(base_url: str) -> Any:
    """configs/demo.yaml pointed at the served demo site, validated from memory (no file)."""
    data = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8").replace(DEMO_BASE, base_url))
    return parse_site_config(data, "<in memory>")


def test_news_spider_crawls_the_demo_site_in_process(demo_site: str, tmp_path: Path) -> None:
    config = demo_site_config(demo_site)  # no file behind it: the crawl cannot load it again
    archive = tmp_path / "archive"
    lock = acquire_site_lock(archive, config.site)  # held by the caller, as `archiver crawl` does
    crawler = crawler_for(
        NewsSpider,
        {
            "ARCHIVER_ARCHIVE_DIR": str(archive),
            "ARCHIVER_EXTRACT_WORKERS": 0,
            "ARCHIVER_SITE_LOCK": lock,
        },
    )
    stats = run_crawl(crawler, config=config)
    assert stats["finish_reason"] == "finished"
    assert crawler.get_extension(SiteArchiveExtension) is not None
    assert crawler.get_downloader_middleware(WarcRecorderMiddleware) is not None
    assert crawler.get_item_pipeline(ExtractAndStorePipeline) is not None
    assert stats["archiver/articles/written"] == len(manifest()["articles"])
    assert stats["archiver/snapshots"] >= len(manifest()["sections"])
    assert lock.held  # the crawl used the caller's lock and left it to the caller
    assert locked_elsewhere(archive, config.site)
    lock.release()
    assert not locked_elsewhere(archive, config.site)
    docs = [d for d in article_documents(archive) if d["is_article"]]
    assert {d["canonical_url"] or d["url"] for d in docs} == {
        demo_site + a["canonical_path"] for a in manifest()["articles"]
    }
    warcinfo = json.dumps(read_records(archive)[:1])
    assert "warcinfo" in warcinfo


def test_one_off_spider_archives_a_page_with_its_resources(demo_site: str, tmp_path: Path) -> None:
    article = manifest()["articles"][0]
    url = demo_site + article["path"]
    archive = tmp_path / "archive"
    crawler = crawler_for(
        UrlArchiveSpider, {"ARCHIVER_ARCHIVE_DIR": str(archive), "ARCHIVER_EXTRACT_WORKERS": 0}
    )
    stats = run_crawl(crawler, urls=[url], site="oneoff")
    spider = crawler.spider
    assert isinstance(spider, UrlArchiveSpider)
    outcome = spider.outcomes[url]
    assert outcome.status == 200 and outcome.error is None
    assert outcome.is_article and outcome.article_id
    assert (
        outcome.requisites_fetched > 0 and outcome.requisites_fetched == outcome.requisites_needed
    )
    assert stats["archiver/resources/fetched"] == outcome.requisites_fetched
    records = read_records(archive)
    assert ("response", url) in records
    assert any(kind == "metadata" and "page-resources" in (uri or "") for kind, uri in records)
