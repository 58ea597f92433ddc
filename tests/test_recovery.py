"""A killed run's leftovers are finished by the next command; writers exclude each other.

A crawl killed with SIGKILL leaves its WARC file named `.open` (perhaps with a torn last
record), no CDXJ index for it, and maybe records and documents the catalog never heard of.
Crawl, archive, reindex, export and replay recover all that first, and say so. `reindex`
(which rewrites every site's catalog rows and indexes) never runs beside a writer.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from archiver.jobs.recovery import recover_archive, recover_site
from archiver.jobs.reindex import rebuild_catalog
from archiver.replay.urls import timestamp14
from archiver.store.archive import SiteArchive
from archiver.store.catalog import Catalog
from archiver.store.cdxj import index_path
from archiver.store.identity import page_resources_uri
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import (
    ArchiveBusy,
    SiteLocked,
    acquire_archive_lock,
    acquire_site_lock,
)
from archiver.store.page_resources import PageResourceReport
from archiver.warc import iter_records
from tests.crawling import crawl_demo_in_process
from tests.support import (
    article_documents,
    demo_config,
    html_exchange,
    manifest,
    replay_process,
    run_archiver,
    tool,
    warc_files,
)

WARCINFO = {"software": "archiver tests"}
TORN = b"\x1f\x8b\x08\x00torn"  # the start of a gzip member a kill cut short


def open_warcs(archive: Path) -> list[Path]:
    return sorted((archive / "warc").rglob("*.warc.gz.open"))


def start_crawl(config: Path, archive: Path, *args: str) -> subprocess.Popen[str]:
    """`archiver crawl` in a subprocess, slowed so that it can be caught in the middle."""
    command = [sys.executable, "-m", "archiver", "crawl", str(config), "--archive", str(archive)]
    command += ["--workers", "0", "-s", "DOWNLOAD_DELAY=0.15", "-q", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition: Any, proc: subprocess.Popen[str], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the crawl ended before {what}: {proc.communicate()[1]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def killed_archive(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo crawl SIGKILLed after writing a few documents, a torn record at the end of its
    open WARC file (as a kill in the middle of a write leaves it)."""
    tmp = tmp_path_factory.mktemp("killed")
    archive = tmp / "archive"
    proc = start_crawl(demo_config(demo_site, tmp / "demo.yaml"), archive)
    wait_for(lambda: len(article_documents(archive)) >= 5, proc, "five documents")
    proc.kill()
    proc.communicate(timeout=30)
    (opened,) = open_warcs(archive)
    with open(opened, "ab") as fh:
        fh.write(TORN)
    return archive


@pytest.fixture
def killed(killed_archive: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(killed_archive, copy)
    return copy


def assert_recovered(archive: Path, stderr: str) -> None:
    """What every command must have done first: the file closed, cut, indexed, and said so."""
    assert "left open by a killed run" in stderr, stderr
    assert f"{len(TORN)} bytes of a torn record cut" in stderr, stderr
    assert open_warcs(archive) == []
    layout = ArchiveLayout(archive)
    for warc in warc_files(archive):
        assert index_path(layout, "demo", warc.name).exists()
        check = subprocess.run([tool("warcio"), "check", str(warc)], capture_output=True)
        assert check.returncode == 0, check.stdout


def test_the_killed_crawl_left_an_open_file_its_documents_point_at(killed: Path) -> None:
    """The starting point of the tests below, as a user finds it after the kill."""
    (opened,) = open_warcs(killed)
    documents = article_documents(killed)
    assert documents
    assert {d["provenance"]["warc_file"] + ".open" for d in documents} == {opened.name}
    assert "pid=" in (killed / "state" / "locks" / "demo.lock").read_text()  # killed holding it


def test_export_recovers_first_and_includes_every_document(killed: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo.wacz"
    result = run_archiver("export", "--wacz", str(out), "--archive", str(killed))
    assert result.returncode == 0, result.stderr
    assert_recovered(killed, result.stderr)
    with zipfile.ZipFile(out) as wacz:
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()[1:]]
        members = set(wacz.namelist())
    documents = article_documents(killed)
    assert {p["url"] for p in pages} == {d["url"] for d in documents}
    assert {f"archive/{d['provenance']['warc_file']}" for d in documents} <= members


def test_replay_recovers_first_and_serves_every_document(killed: Path, tmp_path: Path) -> None:
    import urllib.request

    with replay_process(killed, tmp_path / "port") as (proc, base):
        for doc in article_documents(killed):
            address = f"{base}/demo/{timestamp14(doc['fetched_at'])}/{doc['url']}"
            with urllib.request.urlopen(address, timeout=10) as response:
                assert response.status == 200
                assert doc["title"].encode() in response.read()
        proc.terminate()
        stderr = proc.communicate(timeout=10)[1]
    assert_recovered(killed, stderr)


def test_reindex_recovers_first_and_keeps_every_record(killed: Path) -> None:
    result = run_archiver("reindex", "--archive", str(killed))
    assert result.returncode == 0, result.stderr
    assert_recovered(killed, result.stderr)
    records = [
        r.rec_headers.get_header("WARC-Record-ID")
        for warc in warc_files(killed)
        for _, _, r in iter_records(warc)
        if r.rec_type in ("request", "response", "revisit", "metadata")
    ]
    with Catalog(killed / "catalog.sqlite") as catalog:
        assert sorted(r.record_id for r in catalog.captures()) == sorted(records)
        assert len(catalog.list_articles(only_articles=False)) == len(article_documents(killed))


def test_the_next_crawl_recovers_and_archives_every_article_once(
    killed: Path, demo_site: str, tmp_path: Path
) -> None:
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    before = {d["id"]: d for d in article_documents(killed)}
    result = run_archiver("crawl", str(config), "--archive", str(killed), "--workers", "0")
    assert result.returncode == 0, result.stderr
    assert "left open by a killed run" in result.stderr
    assert open_warcs(killed) == []
    documents = article_documents(killed)
    ids = [d["id"] for d in documents]
    assert len(ids) == len(set(ids)), "an article was archived twice"
    expected = {demo_site + a["canonical_path"] for a in manifest()["articles"]}
    assert expected <= {d["url"] for d in documents}
    for doc in documents:  # what the killed crawl stored is kept as it was
        if doc["id"] in before:
            assert doc == before[doc["id"]]
    for warc in warc_files(killed):
        assert subprocess.run([tool("warcio"), "check", str(warc)]).returncode == 0


# -- recovery, piece by piece ----------------------------------------------------------------


def kill_writer(archive: SiteArchive) -> Path:
    """Leave the archive's WARC file as a SIGKILL would: open, unrenamed, unlocked."""
    final, fh = archive.writer.current_file, archive.writer._file
    assert final is not None and fh is not None
    fh.close()
    archive.writer._file = None
    archive._closed = True
    archive.catalog.close()
    return final.with_name(final.name + ".open")


def test_records_the_catalog_never_saw_are_catalogued(tmp_path: Path) -> None:
    archive = SiteArchive(tmp_path, "unit", warcinfo=WARCINFO)
    archive.record_fetch(html_exchange("http://example.com/a"))
    # Killed between writing the next records and committing their catalog rows:
    _, page = archive.writer.write_exchange(html_exchange("http://example.com/b", b"<b>b</b>"))
    report = PageResourceReport("http://example.com/b", needed=3, archived=3)
    archive.writer.write_metadata(
        page_resources_uri(page.record_id), report.to_json_bytes(), refers_to=page.record_id
    )
    opened = kill_writer(archive)
    with open(opened, "ab") as fh:
        fh.write(TORN)
    with acquire_site_lock(tmp_path, "unit") as lock:
        done = recover_site(tmp_path, "unit", lock)
    (warc,) = done.warcs
    assert (warc.records, warc.dropped_bytes) == (6, len(TORN))  # warcinfo, 2 exchanges, 1
    assert done.records == 3 and done.indexed == [warc.path]
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        urls = sorted(r.url for r in catalog.captures() if r.record_type == "response")
        account = catalog.page_resources(page.record_id)
    assert urls == ["http://example.com/a", "http://example.com/b"]
    assert account is not None and (account.needed, account.archived) == (3, 3)
    assert "3 WARC records" in done.render()


def test_an_open_file_without_a_complete_record_is_removed(tmp_path: Path) -> None:
    opened = tmp_path / "warc" / "unit" / "unit-20261130000000-00001.warc.gz.open"
    opened.parent.mkdir(parents=True)
    opened.write_bytes(TORN)
    done = recover_archive(tmp_path)
    assert done.removed == [opened] and not opened.exists()
    assert "without a complete record" in done.render()


def test_a_file_another_process_writes_is_left_alone(tmp_path: Path) -> None:
    archive = SiteArchive(tmp_path, "unit", warcinfo=WARCINFO)
    archive.record_fetch(html_exchange("http://example.com/a"))
    with holding(tmp_path, "site", "unit"):
        done = recover_archive(tmp_path)
    assert done.busy == ["unit"] and not done
    archive.close()


def test_documents_a_killed_run_did_not_catalog_are_catalogued(
    demo_site: str, tmp_path: Path
) -> None:
    archive = crawl_demo_in_process(tmp_path, demo_site)
    layout = ArchiveLayout(archive)
    doc = article_documents(archive)[0]
    with Catalog(layout.catalog_path) as catalog:  # as if killed before the commit
        catalog._db.execute("DELETE FROM articles WHERE id = ?", (doc["id"],))
        catalog.commit()
    done = recover_archive(archive)  # a clean release before: nothing to do
    assert not done
    with holding(archive, "site", "demo", kill=True):
        pass  # a run that dies holding the site's lock
    done = recover_archive(archive)
    assert done.documents == 1
    with Catalog(layout.catalog_path) as catalog:
        row = catalog.latest_version(doc["id"])
        assert row is not None and row.version == doc["version"]
    assert not recover_archive(archive)  # and the lock is clean again


# -- locks -------------------------------------------------------------------------------------


@contextmanager
def holding(archive: Path, kind: str, site: str = "", kill: bool = False) -> Iterator[int]:
    """Another process holding the site lock ("site") or the archive exclusively ("archive");
    SIGKILLed at the end when `kill`, else told to release."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from archiver.store.locking import acquire_archive_lock, acquire_site_lock\n"
        + (
            f"lock = acquire_site_lock(Path({str(archive)!r}), {site!r})\n"
            if kind == "site"
            else f"lock = acquire_archive_lock(Path({str(archive)!r}), exclusive=True)\n"
        )
        + "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
        "lock.release()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc.pid
    finally:
        if kill:
            proc.kill()
        proc.communicate(None if kill else "\n", timeout=10)


def test_a_reindex_is_refused_while_a_site_is_written(tmp_path: Path) -> None:
    with holding(tmp_path, "site", "demo") as pid:
        with pytest.raises(ArchiveBusy, match=rf"in use: demo \(pid {pid} since "):
            acquire_archive_lock(tmp_path, exclusive=True)
        result = run_archiver("reindex", "--archive", str(tmp_path))
        assert result.returncode == 1
        assert f"in use: demo (pid {pid}" in result.stderr
    acquire_archive_lock(tmp_path, exclusive=True).release()


def test_writers_are_refused_while_the_archive_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "catalog.sqlite").touch()
    with holding(tmp_path, "archive") as pid:
        with pytest.raises(ArchiveBusy, match=rf"being rebuilt \(pid {pid} since "):
            acquire_site_lock(tmp_path, "demo")
        for args in (
            ["archive", "http://127.0.0.1:9/story.html"],
            ["export", "--wacz", str(tmp_path / "x.wacz")],
        ):
            result = run_archiver(*args, "--archive", str(tmp_path))
            assert result.returncode == 1, result.stderr
            assert "is being rebuilt" in result.stderr
    with acquire_site_lock(tmp_path, "demo") as lock:
        assert lock.held and not lock.killed_before


def test_a_site_lock_tells_a_killed_holder_from_a_clean_release(tmp_path: Path) -> None:
    with holding(tmp_path, "site", "demo"), pytest.raises(SiteLocked):
        acquire_site_lock(tmp_path, "demo")
    with acquire_site_lock(tmp_path, "demo") as lock:
        assert not lock.killed_before
    with holding(tmp_path, "site", "demo", kill=True) as pid:
        pass
    with acquire_site_lock(tmp_path, "demo") as lock:
        assert lock.killed_before and lock.previous_holder["pid"] == str(pid)


def test_reindex_during_a_crawl_is_refused_and_the_crawl_stays_whole(
    demo_site: str, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    proc = start_crawl(demo_config(demo_site, tmp_path / "demo.yaml"), archive)
    wait_for(lambda: len(article_documents(archive)) >= 2, proc, "two documents")
    result = run_archiver("reindex", "--archive", str(archive))
    assert result.returncode == 1
    assert f"in use: demo (pid {proc.pid}" in result.stderr
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    with Catalog(archive / "catalog.sqlite") as catalog:
        rows = catalog.list_articles(only_articles=False)
    assert len(rows) == len(article_documents(archive)) >= 30
    assert run_archiver("reindex", "--archive", str(archive)).returncode == 0


def test_a_reader_sees_the_catalog_whole_across_a_reindex(demo_site: str, tmp_path: Path) -> None:
    archive = crawl_demo_in_process(tmp_path, demo_site)
    path = archive / "catalog.sqlite"
    reader = sqlite3.connect(str(path))
    before = reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    inode = os.stat(path).st_ino
    rebuild_catalog(archive)
    assert os.stat(path).st_ino == inode  # rebuilt in place: the reader's file is the catalog
    assert reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == before
    assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reader.close()
    assert not list(archive.glob("catalog.sqlite.rebuild*"))
