"""End to end: a crawl of the bundled demo site, checked as a user would check it.

The archive comes from one crawl run in this process, as `archiver crawl` runs it; one test
runs the command itself for its exit status and report."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.store.document import SCHEMA_PATH
from archiver.store.identity import PAGE_RESOURCES_URI as RESOURCES_URN
from tests.crawling import crawl_config
from tests.support import (
    article_documents,
    demo_config,
    manifest,
    run_archiver,
    tool,
    warc_files,
)


@pytest.fixture(scope="module")
def crawl(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of the demo site in this process, shared by the tests of this module."""
    tmp = tmp_path_factory.mktemp("demo-crawl")
    config = demo_config(demo_site, tmp / "demo.yaml")
    archive = tmp / "archive"
    summary = crawl_config(config, archive)
    return {"summary": summary, "archive": archive, "base_url": demo_site, "config": config}


def _records(path: Path) -> list[Any]:
    with path.open("rb") as fh:
        return [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]


def test_crawl_exits_zero_with_summary(demo_site: str, tmp_path: Path) -> None:
    """The command itself: exit status, the JSON summary on stdout, the report on stderr."""
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    result = run_archiver("crawl", str(config), "--archive", str(tmp_path / "archive"), "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)[0]
    assert summary["site"] == "demo"
    assert summary["finish_reason"] == "finished"
    assert summary["articles_written"] == len(manifest()["articles"])
    assert "pages fetched:" in result.stderr and "WARC:" in result.stderr


def test_the_in_process_crawl_succeeds(crawl: dict[str, Any]) -> None:
    summary = crawl["summary"].to_dict()
    assert summary["failure"] is None, crawl["summary"].render()
    assert summary["site"] == "demo"
    assert summary["finish_reason"] == "finished"
    assert summary["articles_written"] == len(manifest()["articles"])


def test_every_article_archived_exactly_once(crawl: dict[str, Any]) -> None:
    docs = [d for d in article_documents(crawl["archive"]) if d["is_article"]]
    base = crawl["base_url"]
    expected = {base + a["canonical_path"] for a in manifest()["articles"]}
    ids = Counter(d["id"] for d in docs)
    assert all(n == 1 for n in ids.values()), ids.most_common(3)
    found = Counter((d["canonical_url"] or d["url"]) for d in docs)
    assert set(found) == expected
    assert all(n == 1 for n in found.values())


def test_article_documents_are_clean_and_complete(crawl: dict[str, Any]) -> None:
    base = crawl["base_url"]
    by_url = {(d["canonical_url"] or d["url"]): d for d in article_documents(crawl["archive"])}
    for art in manifest()["articles"]:
        doc = by_url[base + art["canonical_path"]]
        assert doc["title"] == art["title"]
        assert doc["text"] and art["body_sample"] in doc["text"], art["path"]
        for boilerplate in art["boilerplate_samples"]:
            assert boilerplate not in doc["text"], (art["path"], boilerplate)
        assert doc["authors"] == art["authors"], art["path"]
        assert doc["language"] == art["language"]
        assert doc["published"] is not None
        assert doc["published"][:10] == art["published"][:10], art["path"]
        assert doc["section"] == art["section"]
        assert doc["version"] == 1
        assert doc["word_count"] > 100


def test_every_document_validates_against_the_shipped_schema(crawl: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    docs = article_documents(crawl["archive"])
    assert docs
    for doc in docs:
        jsonschema.validate(doc, schema)


def test_documents_point_at_their_response_records(crawl: dict[str, Any]) -> None:
    archive = crawl["archive"]
    for doc in article_documents(archive):
        prov = doc["provenance"]
        path = archive / "warc" / "demo" / prov["warc_file"]
        with path.open("rb") as fh:
            fh.seek(prov["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Record-ID") == prov["warc_record_id"]
            assert record.rec_headers.get_header("WARC-Payload-Digest") == prov["payload_digest"]
            assert record.rec_headers.get_header("WARC-Target-URI") == doc["url"]


def test_warc_files_pass_warcio_check_and_cdxj_indexer(crawl: dict[str, Any]) -> None:
    archive = crawl["archive"]
    files = warc_files(archive)
    assert files
    assert not list(archive.rglob("*.open"))
    for path in files:
        check = subprocess.run([tool("warcio"), "check", "-v", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout.decode()[-2000:]
        records = _records(path)
        assert records[0][0] == "warcinfo"
        cdxj = subprocess.run(
            [tool("cdxj-indexer"), str(path)], capture_output=True, text=True, check=True
        )
        indexed = [line for line in cdxj.stdout.splitlines() if line.strip()]
        # cdxj-indexer indexes every record but warcinfo and request records.
        assert len(indexed) == sum(1 for r in records if r[0] not in ("warcinfo", "request"))


def test_records_are_linked_and_complete(crawl: dict[str, Any]) -> None:
    records = [r for path in warc_files(crawl["archive"]) for r in _records(path)]
    by_id = {h.get_header("WARC-Record-ID"): (t, h) for t, h, _, _ in records}
    responses = [(h, http, body) for t, h, http, body in records if t == "response"]
    requests = [h for t, h, _, _ in records if t == "request"]
    metadata = [(h, body) for t, h, _, body in records if t == "metadata"]
    # The moved story is fetched under its old URL too (a redirect to the same bytes): a revisit.
    revisits = [h for t, h, _, _ in records if t == "revisit"]
    assert len(revisits) == 1
    assert len(requests) == len(responses) + len(revisits)
    for req in requests:
        linked = req.get_header("WARC-Concurrent-To")
        assert by_id[linked][0] in ("response", "revisit")
        assert by_id[linked][1].get_header("WARC-Target-URI") == req.get_header("WARC-Target-URI")
    for head, _, _ in responses:
        assert head.get_header("WARC-Payload-Digest", "").startswith("sha1:")
        assert head.get_header("WARC-Block-Digest", "").startswith("sha1:")
        assert head.get_header("WARC-IP-Address") == "127.0.0.1"
    # Page-resource accounts are metadata too: one per article page with resources, linked.
    accounts = [
        (h, b) for h, b in metadata if h.get_header("WARC-Target-URI").startswith(RESOURCES_URN)
    ]
    metadata = [m for m in metadata if m not in accounts]
    assert len(metadata) == len(article_documents(crawl["archive"]))
    assert len(accounts) >= len(metadata) - 2  # the 404 and 500 stories have no resources
    for head, body in accounts:
        page = by_id[head.get_header("WARC-Refers-To")]
        assert page[0] in ("response", "revisit")
        account = json.loads(body)
        assert account["page"] == page[1].get_header("WARC-Target-URI")
        assert account["needed"] == account["archived"] > 0 and account["missing"] == []
    for head, body in metadata:
        assert head.get_header("Content-Type") == "application/json"
        assert by_id[head.get_header("WARC-Refers-To")][0] == "response"
        # Never under the page's own URL (replay would take the JSON for the page).
        original = by_id[head.get_header("WARC-Refers-To")][1]
        doc_id = json.loads(body)["id"]
        assert head.get_header("WARC-Target-URI") == f"urn:archiver:article:{doc_id}"
        assert head.get_header("WARC-Refers-To-Target-URI") == original.get_header(
            "WARC-Target-URI"
        )
        assert head.get_header("WARC-Refers-To-Date") == original.get_header("WARC-Date")
        assert json.loads(body)["provenance"]["warc_record_id"] == head.get_header("WARC-Refers-To")


def test_bodies_are_stored_as_received(crawl: dict[str, Any]) -> None:
    """The demo server gzips HTML: the record keeps it encoded, with consistent headers."""
    gzipped = 0
    for path in warc_files(crawl["archive"]):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                http = record.http_headers
                raw = record.raw_stream.read()
                assert http.get_header("Transfer-Encoding") is None
                assert int(http.get_header("Content-Length")) == len(raw)
                if http.get_header("Content-Encoding") == "gzip":
                    gzipped += 1
                    assert raw[:2] == b"\x1f\x8b"
    assert gzipped > 10


def test_errors_and_redirects_are_archived_and_counted(crawl: dict[str, Any]) -> None:
    base = crawl["base_url"]
    site = manifest()
    statuses: dict[str, int] = {}
    for path in warc_files(crawl["archive"]):
        for rtype, head, http, _ in _records(path):
            if rtype == "response":
                statuses[head.get_header("WARC-Target-URI")] = int(http.get_statuscode())
    for missing in site["missing_paths"]:
        assert statuses[base + missing] == 404
    for broken in site["error_paths"]:
        assert statuses[base + broken] == 500
    for redirect in site["redirects"]:
        assert statuses[base + redirect["from"]] == redirect["status"]
    summary = crawl["summary"].to_dict()
    assert summary["pages_by_status"]["404"] >= len(site["missing_paths"])
    assert summary["pages_by_status"]["500"] >= len(site["error_paths"])
    assert summary["pages_by_status"]["301"] >= len(site["redirects"])
    assert "404: " in crawl["summary"].render()  # the report `archiver crawl` prints


def test_list_and_show(crawl: dict[str, Any]) -> None:
    archive = str(crawl["archive"])
    listed = run_archiver("list", "--archive", archive, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == len(manifest()["articles"])
    published = [r["published"] for r in rows]
    assert published == sorted(published, reverse=True)
    text = run_archiver("list", "--archive", archive, "--site", "demo")
    assert rows[0]["title"] in text.stdout
    shown = run_archiver("show", rows[0]["id"], "--archive", archive)
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["id"] == rows[0]["id"]
    missing = run_archiver("show", "0000000000000000", "--archive", archive)
    assert missing.returncode == 1 and "no article" in missing.stderr


def _dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(db)
    try:
        return {
            t: sorted(con.execute(f"SELECT * FROM {t}").fetchall())
            for t in ("captures", "articles", "snapshots", "events")
        }
    finally:
        con.close()


def test_reindex_rebuilds_the_same_catalog(crawl: dict[str, Any], tmp_path: Path) -> None:
    archive = crawl["archive"]
    before = _dump(archive / "catalog.sqlite")
    assert before["captures"] and before["articles"]
    copy = tmp_path / "archive"
    import shutil

    shutil.copytree(archive, copy)
    for leftover in copy.glob("catalog.sqlite*"):
        leftover.unlink()
    result = run_archiver("reindex", "--archive", str(copy))
    assert result.returncode == 0, result.stderr
    assert _dump(copy / "catalog.sqlite") == before
    # The incremental state comes back for every URL an article document names (a URL seen
    # only under another address is fetched once more on the next run, then known again).
    live, rebuilt = _states(archive / "catalog.sqlite"), _states(copy / "catalog.sqlite")
    assert len(rebuilt) == len(manifest()["articles"])
    for url, state in rebuilt.items():
        assert state == live[url], url


def _states(db: Path) -> dict[str, tuple[Any, ...]]:
    """URL -> (article id, first capture, processed, newest record, ETag) of captured URLs."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT url, article_id, first_captured, processed, record_id, etag FROM url_state"
            " WHERE first_captured IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in rows}
