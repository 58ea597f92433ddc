"""Archive-only crawls (`archiver crawl --no-extract`): WARC, captures and section snapshots now,
article documents later from `archiver reextract`, the same documents a normal crawl writes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from archiver.jobs.reextract import reextract_archive
from archiver.jobs.reindex import rebuild_catalog
from archiver.jobs.summary import CrawlSummary
from archiver.store.catalog import Catalog
from archiver.store.identity import article_metadata_uri
from archiver.warc import iter_records
from tests.crawling import crawl_config
from tests.support import article_documents, demo_config, run_archiver, warc_files

ARCHIVE_ONLY = "ARCHIVER_EXTRACT_ENABLED=0"
ARTICLE_METADATA_URI = article_metadata_uri("")
#: What differs between two crawls of the same pages: when, where in which WARC file, and when
#: the extractor ran.
VOLATILE = ("fetched_at", "provenance", "extraction")


def comparable(documents: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {
        (d["id"], d["version"]): {k: v for k, v in d.items() if k not in VOLATILE}
        for d in documents
    }


def response_urls(archive: Path) -> list[str]:
    with Catalog(archive / "catalog.sqlite") as catalog:
        return sorted(
            str(c.url) for c in catalog.captures() if c.record_type in ("response", "revisit")
        )


@pytest.fixture(scope="module")
def crawls(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo site crawled twice from scratch: normally, and archive-only."""
    tmp = tmp_path_factory.mktemp("archive-only")
    config = demo_config(demo_site, tmp / "demo.yaml")
    normal = crawl_config(config, tmp / "normal")
    only = crawl_config(config, tmp / "only", ARCHIVE_ONLY)
    assert normal.failure() is None, normal.render()
    assert only.failure() is None, only.render()
    return {"tmp": tmp, "config": config, "normal": normal, "only": only}


@pytest.fixture
def archive(crawls: dict[str, Any], tmp_path: Path) -> Path:
    """A copy of the archive-only crawl's archive."""
    copy = tmp_path / "archive"
    shutil.copytree(crawls["tmp"] / "only", copy)
    return copy


def test_an_archive_only_crawl_writes_captures_and_snapshots_but_no_documents(
    crawls: dict[str, Any],
) -> None:
    tmp, normal, only = crawls["tmp"], crawls["normal"], crawls["only"]
    stored = normal.articles_written + normal.articles_unchanged + normal.non_articles
    assert only.extraction_deferred == stored + sum(normal.extraction_failures.values()) > 0
    assert only.articles_written == 0 and article_documents(tmp / "only") == []
    assert "archive only: " in only.render() and "left for `archiver reextract`" in only.render()
    # The same fetches as the normal crawl, and the same listings kept.
    assert response_urls(tmp / "only") == response_urls(tmp / "normal")
    assert only.snapshots == normal.snapshots > 0
    with Catalog(tmp / "only" / "catalog.sqlite") as catalog:
        assert len(catalog.pending("demo")) == only.extraction_deferred
        assert len(catalog.snapshots("demo")) == only.snapshots
    metadata = [
        record.rec_headers.get_header("WARC-Target-URI")
        for path in warc_files(tmp / "only")
        for _, _, record in iter_records(path)
        if record.rec_type == "metadata"
    ]
    assert not any(uri.startswith(ARTICLE_METADATA_URI) for uri in metadata)


def test_reextract_then_writes_the_documents_a_normal_crawl_writes(
    crawls: dict[str, Any], archive: Path
) -> None:
    normal_docs = article_documents(crawls["tmp"] / "normal")
    result = reextract_archive(archive, config_dir=crawls["tmp"], workers=0)
    assert result.pending == result.extracted == crawls["only"].extraction_deferred
    assert sum(result.failed.values()) == 0 and result.changed == []
    assert comparable(article_documents(archive)) == comparable(normal_docs)
    # Each document has its WARC metadata record, as a crawl writes it, and points at the
    # response record the archive-only crawl captured.
    with Catalog(archive / "catalog.sqlite") as catalog:
        assert catalog.pending() == []
        meta = [c for c in catalog.captures() if (c.url or "").startswith(ARTICLE_METADATA_URI)]
        responses = {c.record_id for c in catalog.captures() if c.record_type == "response"}
    assert len(meta) == len(normal_docs)
    assert all(d["provenance"]["warc_record_id"] in responses for d in article_documents(archive))
    # Done: a second run finds nothing pending and every document as the extractor makes it.
    again = reextract_archive(archive, config_dir=crawls["tmp"], workers=0)
    assert (again.pending, again.extracted, len(again.changed)) == (0, 0, 0)
    assert again.unchanged == len(normal_docs)


def test_an_incremental_recrawl_does_not_fetch_pending_articles_again(
    crawls: dict[str, Any], archive: Path
) -> None:
    second = crawl_config(crawls["config"], archive, ARCHIVE_ONLY)
    assert second.failure() is None, second.render()
    assert second.extraction_deferred == 0
    assert sum(second.articles_skipped.values()) >= crawls["only"].extraction_deferred
    # and neither does a normal crawl: the pending pages are archived, only not extracted yet
    third = crawl_config(crawls["config"], archive)
    assert third.articles_written == 0 and third.extraction_deferred == 0
    with Catalog(archive / "catalog.sqlite") as catalog:
        assert len(catalog.pending()) == crawls["only"].extraction_deferred


def test_reindexing_keeps_what_is_pending(crawls: dict[str, Any], archive: Path) -> None:
    with Catalog(archive / "catalog.sqlite") as catalog:
        before = catalog.pending()
    rebuild_catalog(archive)
    with Catalog(archive / "catalog.sqlite") as catalog:
        assert catalog.pending() == before
    summary: CrawlSummary = crawl_config(crawls["config"], archive, ARCHIVE_ONLY)
    assert summary.extraction_deferred == 0  # the rebuilt URL state knows they are archived
    result = reextract_archive(archive, config_dir=crawls["tmp"], workers=0)
    assert result.extracted == len(before)
    normal_docs = article_documents(crawls["tmp"] / "normal")
    assert comparable(article_documents(archive)) == comparable(normal_docs)


def test_the_commands(demo_site: str, tmp_path: Path) -> None:
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    archive = tmp_path / "archive"
    crawl = run_archiver("crawl", str(config), "--archive", str(archive), "--no-extract", "-q")
    assert crawl.returncode == 0, crawl.stderr
    assert "left for `archiver reextract`" in crawl.stderr
    assert article_documents(archive) == []
    args = ("reextract", "--archive", str(archive), "--configs", str(tmp_path))
    reextract = run_archiver(*args)
    assert reextract.returncode == 0, reextract.stderr
    documents = len(article_documents(archive))
    line = re.search(r"reextract: (\d+) of (\d+) archive-only captures extracted", reextract.stderr)
    assert line is not None, reextract.stderr
    # every page extracted; two requested URLs of the demo answer with one article
    assert int(line[1]) == int(line[2]) >= documents >= 30
