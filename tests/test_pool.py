"""The extraction pool: every page extracted as inline extraction does; a page that hangs or
kills its worker is counted and the others go on, in the pool and in a crawl."""

from __future__ import annotations

import asyncio
import urllib.request
from typing import Any

import pytest

from archiver.extraction.pool import ExtractionOutcome, ExtractionPool, extract_outcome
from tests import faulty_extractor
from tests.crawling import crawl_config
from tests.support import demo_config, manifest


@pytest.fixture(scope="module")
def pages(demo_site: str) -> dict[str, bytes]:
    """Every demo article page as served, by URL."""
    fetched = {}
    for article in manifest()["articles"]:
        url = demo_site + article["canonical_path"]
        with urllib.request.urlopen(url, timeout=30) as response:
            fetched[url] = response.read()
    return fetched


def extract_all(pool: ExtractionPool, pages: dict[str, bytes]) -> dict[str, ExtractionOutcome]:
    async def run() -> list[ExtractionOutcome]:
        return await asyncio.gather(
            *(pool.extract(body, url, "utf-8", None) for url, body in pages.items())
        )

    # A loop of its own: the crawls' reactor keeps the thread's event loop.
    loop = asyncio.new_event_loop()
    try:
        return dict(zip(pages, loop.run_until_complete(run()), strict=True))
    finally:
        loop.close()


def test_the_pool_extracts_every_page_as_inline_extraction_does(pages: dict[str, bytes]) -> None:
    pool = ExtractionPool(2)
    try:
        outcomes = extract_all(pool, pages)
    finally:
        pool.shutdown()
    inline = {url: extract_outcome(body, url, "utf-8", None) for url, body in pages.items()}
    assert len(outcomes) == len(pages) >= 30
    assert all(o.article is not None for o in outcomes.values())
    assert outcomes == inline
    assert pool.restarts == 0


def failure_of(outcomes: dict[str, ExtractionOutcome], ending: str) -> str | None:
    return next(o.failure for url, o in outcomes.items() if url.endswith(ending))


def test_a_page_that_hangs_or_kills_its_worker_fails_alone(pages: dict[str, bytes]) -> None:
    pool = ExtractionPool(2, timeout=4.0, function=faulty_extractor.by_url)
    try:
        outcomes = extract_all(pool, pages)
        assert failure_of(outcomes, faulty_extractor.LOOPS) == "timeout"  # stopped by the signal
        assert failure_of(outcomes, faulty_extractor.STUCK) == "timeout"  # its worker killed
        assert failure_of(outcomes, faulty_extractor.CRASHES) == "worker-died"
        good = {u: o for u, o in outcomes.items() if o.failure is None}
        assert len(good) == len(pages) - 3 and all(o.article for o in good.values())
        # The blocking path (`archiver reextract`) keeps the same time limit.
        stuck = next(u for u in pages if u.endswith(faulty_extractor.STUCK))
        outcome = pool.wait(pool.submit(pages[stuck], stuck, "utf-8", None), stuck)
        assert outcome.failure == "timeout"
        some = next(iter(good))
        assert pool.wait(pool.submit(pages[some], some, "utf-8", None), some) == good[some]
    finally:
        pool.shutdown()


def test_a_crawl_counts_the_pages_that_hang_or_crash_and_goes_on(
    demo_site: str, tmp_path: Any
) -> None:
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    faulty = "ARCHIVER_EXTRACTOR=tests.faulty_extractor.by_url"
    normal = crawl_config(config, tmp_path / "normal", workers=2)
    summary = crawl_config(
        config, tmp_path / "faulty", faulty, "ARCHIVER_EXTRACT_TIMEOUT=4", workers=2
    )
    assert summary.finish_reason == "finished" and summary.failure() is None
    assert summary.extraction_failures == {"timeout": 2, "worker-died": 1}
    assert summary.articles_written == normal.articles_written - 3


def test_time_in_the_queue_is_not_the_pages() -> None:
    """20 pages of 0.4 s each on one worker: the last waits 8 s, more than the 1 s limit plus
    the 5 s grace, yet none of them is over its own time."""
    pool = ExtractionPool(1, timeout=1.0, function=faulty_extractor.slow)
    pages = {f"https://news.example/{n}": b"<p>x</p>" for n in range(20)}
    try:
        outcomes = extract_all(pool, pages)
        assert [o.failure for o in outcomes.values()] == [None] * 20
        futures = [pool.submit(b"<p>x</p>", url, None, None) for url in pages]
        assert [pool.wait(f, "u").failure for f in futures] == [None] * 20
        assert pool.restarts == 0
    finally:
        pool.shutdown()
