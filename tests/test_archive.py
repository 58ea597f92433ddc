"""One site's archive: ids, article documents, versions, the catalog and its rebuild."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import pkgutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

import archiver.store
from archiver.crawl.recapture import plan_fetch
from archiver.extraction.fields import ExtractedArticle
from archiver.jobs.reindex import rebuild_catalog
from archiver.store.archive import ArchiveClosedError, SiteArchive, StoredArticle
from archiver.store.catalog import Catalog
from archiver.store.document import SCHEMA_PATH
from archiver.store.identity import article_id, identity_url
from archiver.store.tables import ALL_TABLES
from archiver.store.warcinfo import build_warcinfo
from archiver.warc import HttpExchange
from tests.support import html_exchange

URL = "https://news.example.org/2026/11/20/harbour-wall?ref=home"
CANONICAL = "https://news.example.org/2026/11/20/harbour-wall"


def exchange(body: bytes = b"<html>hello</html>", url: str = URL) -> HttpExchange:
    return html_exchange(url, body)


def extracted(
    text: str = "First paragraph.\n\nSecond one.", title: str = "Wall"
) -> ExtractedArticle:
    return ExtractedArticle(
        is_article=True,
        title=title,
        description=None,
        authors=["Jane Doe"],
        published="2026-11-20T08:15:00+00:00",
        language="en",
        text=text,
        canonical_url=CANONICAL,
        word_count=len(text.split()),
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[SiteArchive]:
    archive = SiteArchive(
        tmp_path, "example", warcinfo=build_warcinfo(user_agent="test", robots="obey")
    )
    yield archive
    archive.close()


def test_article_id_is_stable_per_canonical_url() -> None:
    assert article_id(URL, CANONICAL) == article_id(CANONICAL, None)
    assert article_id("HTTPS://News.Example.org:443/2026/11/20/harbour-wall#c1") == article_id(
        CANONICAL
    )
    assert article_id(URL) != article_id(CANONICAL)
    assert len(article_id(URL)) == 16


def test_a_canonical_url_pointing_home_is_not_trusted() -> None:
    assert identity_url(CANONICAL, "https://news.example.org/") == CANONICAL


def test_store_writes_json_metadata_record_and_catalog(site: SiteArchive, tmp_path: Path) -> None:
    response = site.record_fetch(exchange()).record
    stored = site.store_article(extracted(), response=response, url=URL, http_status=200)
    site.close()
    assert stored.changed and stored.version == 1
    assert stored.path == tmp_path / "articles/example/2026/11/20" / f"{stored.article_id}.json"
    doc = json.loads(stored.path.read_text())
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text()))
    assert doc["provenance"]["warc_record_id"] == response.record_id
    assert doc["fetched_at"] == response.date
    assert doc["canonical_url"] == CANONICAL
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        kinds = sorted(c.record_type for c in catalog.captures())
        assert kinds == ["metadata", "request", "response"]
        assert [a.id for a in catalog.list_articles()] == [stored.article_id]


def test_unchanged_content_is_not_a_new_version(site: SiteArchive) -> None:
    first = site.store_article(
        extracted(), response=site.record_fetch(exchange()).record, url=URL, http_status=200
    )
    again = site.store_article(
        extracted(),
        response=site.record_fetch(exchange(b"<html>ads</html>")).record,
        url=CANONICAL,
        http_status=200,
    )
    assert not again.changed and again.version == 1 and again.path == first.path
    edited = site.store_article(
        extracted(text="First paragraph, corrected.\n\nSecond one."),
        response=site.record_fetch(exchange(b"<html>v2</html>")).record,
        url=URL,
        http_status=200,
    )
    assert edited.changed and edited.version == 2
    assert edited.path.name == f"{first.article_id}.v2.json"
    site.close()


def test_stores_from_an_event_loop_take_turns_per_article(site: SiteArchive) -> None:
    """Three captures of one article stored at once (as the pipeline may): versions as if
    stored one after the other; the JSON files written off the loop."""
    captures = [site.record_fetch(exchange(f"<html>{n}</html>".encode())).record for n in range(3)]
    texts = ["First paragraph.\n\nSecond one.", "First paragraph.\n\nSecond one.", "Edited."]

    async def store_all() -> list[StoredArticle]:
        return await asyncio.gather(
            *(
                site.store_article_async(
                    extracted(text=text), response=capture, url=URL, http_status=200
                )
                for text, capture in zip(texts, captures, strict=True)
            )
        )

    loop = asyncio.new_event_loop()
    try:
        first, same, edited = loop.run_until_complete(store_all())
    finally:
        loop.close()
    assert (first.changed, same.changed, edited.changed) == (True, False, True)
    assert (first.version, same.version, edited.version) == (1, 1, 2)
    assert json.loads(edited.path.read_text())["changes"]["fields"] == ["text"]
    assert [r.version for r in site.catalog.versions(first.article_id)] == [1, 2]
    assert site._article_turns == {}


def test_writes_after_close_are_refused(site: SiteArchive) -> None:
    site.close()
    with pytest.raises(ArchiveClosedError):
        site.record_fetch(exchange())
    assert site.close() == site.writer.closed_files


def test_rebuilt_catalog_equals_the_live_one(site: SiteArchive, tmp_path: Path) -> None:
    for n in range(3):
        url = f"https://news.example.org/2026/11/20/story-{n}"
        response = site.record_fetch(exchange(f"<html>{n}</html>".encode(), url=url)).record
        site.store_article(
            dataclasses.replace(extracted(title=f"Story {n}"), canonical_url=url),
            response=response,
            url=url,
            http_status=200,
        )
    site.close()
    with Catalog(tmp_path / "catalog.sqlite") as live:
        before = (live.captures(), live.all_articles())
    (tmp_path / "catalog.sqlite").unlink()
    result = rebuild_catalog(tmp_path)
    assert (result.captures, result.articles) == (9, 3)
    with Catalog(tmp_path / "catalog.sqlite") as rebuilt:
        assert (rebuilt.captures(), rebuilt.all_articles()) == before


def test_an_identical_refetch_is_a_revisit_of_the_original(site: SiteArchive) -> None:
    first = site.record_fetch(exchange(), state_url=URL)
    again = site.record_fetch(exchange(), state_url=URL)
    changed = site.record_fetch(exchange(b"<html>edited</html>"), state_url=URL)
    assert first.revisit is None and first.record.record_type == "response"
    assert again.revisit == "identical-payload-digest"
    assert again.record.record_type == "revisit" and again.payload == first.record
    assert changed.revisit is None and changed.record.record_type == "response"
    rows = {r.record_id: r for r in site.catalog.captures()}
    assert rows[again.record.record_id].refers_to == first.record.record_id
    # The request records are catalogued too: one per fetch.
    assert sum(r.record_type == "request" for r in rows.values()) == 3


def test_a_304_is_a_server_not_modified_revisit(site: SiteArchive) -> None:
    headers = [
        ("Content-Type", "text/html"),
        ("ETag", '"v1"'),
        ("Last-Modified", "Fri, 20 Nov 2026 08:00:00 GMT"),
    ]
    first = site.record_fetch(
        dataclasses.replace(exchange(), response_headers=headers), state_url=URL
    )
    site.mark_processed(URL)
    steps = [timedelta(hours=1)]
    later = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    plan = plan_fetch(site, URL, steps=steps, now=later, from_published=False)
    assert plan.reason == "recapture"
    assert plan.headers == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Fri, 20 Nov 2026 08:00:00 GMT",
    }
    not_modified = dataclasses.replace(
        exchange(b""), status=304, response_headers=[("ETag", '"v1"')], fetched_at=later
    )
    capture = site.record_fetch(not_modified, state_url=URL)
    assert capture.revisit == "server-not-modified" and capture.payload == first.record
    assert plan_fetch(site, URL, steps=steps, now=later, from_published=False).reason == "done"


def test_versions_record_what_changed(site: SiteArchive) -> None:
    site.store_article(
        extracted(), response=site.record_fetch(exchange()).record, url=URL, http_status=200
    )
    edited = site.store_article(
        extracted(text="First paragraph.\n\nSecond one, corrected."),
        response=site.record_fetch(exchange(b"<html>v2</html>")).record,
        url=URL,
        http_status=200,
    )
    changes = edited.document["changes"]
    assert edited.version == 2 and changes["fields"] == ["text"]
    assert changes["previous_version"] == 1
    assert "-Second one.\n+Second one, corrected." in changes["diff"]
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.validate(edited.document, schema)


def test_rebuilt_catalog_keeps_state_events_and_snapshots(
    site: SiteArchive, tmp_path: Path
) -> None:
    section = "https://news.example.org/news/"
    listing = site.record_fetch(exchange(b"<html>list</html>", url=section))
    site.record_snapshot(
        kind="section",
        source_url=section,
        capture=listing.record,
        articles=[{"url": CANONICAL}],
        section="news",
        page=1,
    )
    response = site.record_fetch(exchange(url=CANONICAL), state_url=CANONICAL)
    site.store_article(extracted(), response=response.payload, url=CANONICAL, http_status=200)
    gone = dataclasses.replace(exchange(b"not here", url=CANONICAL), status=404)
    assert site.record_fetch(gone, state_url=CANONICAL).event == "takedown"
    site.close()
    with Catalog(tmp_path / "catalog.sqlite") as live:
        before = (live.snapshots(), live.events(), live.url_states())
    (tmp_path / "catalog.sqlite").unlink()
    result = rebuild_catalog(tmp_path)
    assert (result.snapshots, result.url_states) == (1, 1)
    with Catalog(tmp_path / "catalog.sqlite") as rebuilt:
        assert (rebuilt.snapshots(), rebuilt.events(), rebuilt.url_states()) == before
    assert before[1][0].kind == "takedown" and before[0][0].urls == [CANONICAL]


def test_catalog_columns_are_the_row_fields(tmp_path: Path) -> None:
    Catalog(tmp_path / "catalog.sqlite").close()
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    for table in ALL_TABLES:
        info = db.execute(f"PRAGMA table_info({table.name})").fetchall()
        assert tuple(c[1] for c in info) == tuple(f.name for f in dataclasses.fields(table.row))
    db.close()


def test_the_store_imports_nothing_above_it() -> None:
    store = [f"archiver.store.{m.name}" for m in pkgutil.iter_modules(archiver.store.__path__)]
    above = ("archiver.crawl", "archiver.jobs", "archiver.replay", "archiver.spiders", "scrapy")
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in store)
        + f"print(sorted(m for m in sys.modules if m.startswith({above!r} + ('trafilatura',))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
