"""The replay seen in a real browser: headless Chromium, every request it makes logged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from archiver.replay.pages import BANNER_ID
from tests.browser import chromium
from tests.crawling import crawl_config
from tests.support import (
    article_documents,
    demo_config,
    demo_server,
    manifest,
    replay_ports,
    replay_process,
)

#: A demo story with a lead image, a stylesheet and a script.
STORY = "/news/2026/11/25/harbour-wall-repairs-approved"


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site crawled into an archive, and `archiver replay` serving it."""
    tmp = tmp_path_factory.mktemp("browser")
    archive = tmp / "archive"
    with demo_server(tmp) as base:  # down again before the replay: nothing can come from it
        config = demo_config(base, tmp / "demo.yaml")
        crawled = crawl_config(config, archive)  # in this process
        assert crawled.failure() is None, crawled.render()
    with replay_process(archive, tmp / "replay.port") as (_, server):
        docs = article_documents(archive)
        story = next(d for d in docs if d["url"] == f"{base}{STORY}")
        content = f"http://127.0.0.1:{replay_ports(tmp / 'replay.port')[1]}"
        yield {"server": server, "content": content, "site_base": base, "story": story}


def only_the_replay_server(log: Any, *servers: str) -> list[str]:
    """Requests the browser made anywhere but the replay server's origins (must be none)."""
    return [url for url in log.requests if not url.startswith(tuple(s + "/" for s in servers))]


def test_an_archived_article_replays_from_the_archive_alone(replay: dict[str, Any]) -> None:
    server, content, story = replay["server"], replay["content"], replay["story"]
    stamp = "".join(c for c in story["fetched_at"] if c.isdigit())[:14]
    expected = next(a for a in manifest()["articles"] if a["path"] == STORY)
    with chromium() as (page, log):
        # The address `archiver archive` prints, on the archive's origin: it leads to the
        # replay's content origin.
        page.goto(f"{server}/demo/{stamp}/{story['url']}", wait_until="load")
        assert page.url == f"{content}/demo/{stamp}/{story['url']}"
        assert expected["title"] in page.title()
        body = page.inner_text("body")
        assert expected["body_sample"][:60] in body
        banner = page.inner_text(f"#{BANNER_ID}")
        sheets = page.evaluate("Array.from(document.styleSheets).map(s => s.href)")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.currentSrc || i.src, i.naturalWidth])"
        )
    assert "page resources were not archived" not in banner  # every one of them was
    assert any(href and href.startswith(content) and "style.css" in href for href in sheets)
    loaded = [src for src, width in images if width > 0]
    assert any("harbour.png" in src for src in loaded), images
    assert all(src.startswith(content) for src, _ in images), images
    # Captured a moment before the page, the stylesheet may first redirect to its own time.
    css = {u: status for u, status in log.responses.items() if "style.css" in u}
    assert 200 in css.values() and set(css.values()) <= {200, 302}, css
    assert only_the_replay_server(log, server, content) == []
    assert log.failures == [] or all(u.startswith(content) for u in log.failures)


def test_the_reader_view_shows_the_clean_article(replay: dict[str, Any]) -> None:
    server, story = replay["server"], replay["story"]
    with chromium() as (page, log):
        page.goto(f"{server}/article/{story['id']}", wait_until="load")
        heading = page.inner_text("h1")
        body = page.inner_text("body")
    assert story["title"] in heading
    first = story["text"].split("\n\n")[0]
    assert first[:80] in body
    assert only_the_replay_server(log, server) == []


def test_the_front_page_lists_the_articles(replay: dict[str, Any]) -> None:
    server, story = replay["server"], replay["story"]
    with chromium() as (page, log):
        page.goto(f"{server}/", wait_until="load")
        links = page.evaluate("Array.from(document.links).map(a => a.textContent.trim())")
    assert story["title"] in links
    assert only_the_replay_server(log, server) == []
