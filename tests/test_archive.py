"""One site's archive: ids, article documents, versions, the catalog and its rebuild."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from archiver.archive import (
    ArchiveClosedError,
    SiteArchive,
    article_id,
    build_warcinfo,
    identity_url,
)
from archiver.catalog import Catalog
from archiver.extract import ExtractedArticle
from archiver.models import SCHEMA_PATH
from archiver.reindex import rebuild_catalog
from archiver.warc import HttpExchange

URL = "https://news.example.org/2026/11/20/harbour-wall?ref=home"
CANONICAL = "https://news.example.org/2026/11/20/harbour-wall"


def exchange(body: bytes = b"<html>hello</html>", url: str = URL) -> HttpExchange:
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "test")],
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason=None,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
        ip_address="127.0.0.1",
        fetched_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )


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
def site(tmp_path: Path) -> SiteArchive:
    return SiteArchive(
        tmp_path, "example", warcinfo=build_warcinfo(user_agent="test", robots="obey")
    )


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
    response = site.record_exchange(exchange())
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
        extracted(), response=site.record_exchange(exchange()), url=URL, http_status=200
    )
    again = site.store_article(
        extracted(),
        response=site.record_exchange(exchange(b"<html>ads</html>")),
        url=CANONICAL,
        http_status=200,
    )
    assert not again.changed and again.version == 1 and again.path == first.path
    edited = site.store_article(
        extracted(text="First paragraph, corrected.\n\nSecond one."),
        response=site.record_exchange(exchange(b"<html>v2</html>")),
        url=URL,
        http_status=200,
    )
    assert edited.changed and edited.version == 2
    assert edited.path.name == f"{first.article_id}.v2.json"
    site.close()


def test_writes_after_close_are_refused(site: SiteArchive) -> None:
    site.close()
    with pytest.raises(ArchiveClosedError):
        site.record_exchange(exchange())
    assert site.close() == site.writer.closed_files


def test_rebuilt_catalog_equals_the_live_one(site: SiteArchive, tmp_path: Path) -> None:
    for n in range(3):
        url = f"https://news.example.org/2026/11/20/story-{n}"
        response = site.record_exchange(exchange(f"<html>{n}</html>".encode(), url=url))
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
