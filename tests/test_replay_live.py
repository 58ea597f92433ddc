"""Replay during a crawl: the open index of a WARC file being written, and WARC_MAX_AGE.

Records written to a file still open (``<name>.warc.gz.open``) are listed in its open index
(``indexes/<site>/<name>.cdxj.open``) as they are written, and replay serves them from the open
file; closing the file writes the sorted index and removes the open one.
"""

from __future__ import annotations

import errno
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from archiver.cli.base import parse_overrides
from archiver.extensions import SiteArchiveExtension
from archiver.replay import resources
from archiver.replay.server import make_server
from archiver.replay.urls import RAW, replay_path
from archiver.runner import project_settings
from archiver.store import cdxj
from archiver.store.archive import SiteArchive
from archiver.store.catalog import Catalog
from archiver.store.cdxj import (
    CdxjEntry,
    CdxjIndex,
    index_path,
    index_warc,
    iter_index_files,
    iter_open_index_files,
    open_index_path,
)
from archiver.store.layout import ArchiveLayout
from archiver.store.warcinfo import build_warcinfo
from archiver.warc import RecordLocation, WarcWriter, read_record
from tests.support import demo_config, html_exchange, serving

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
STAMP = "20261120093000"
WARCINFO = {"software": "archiver-test"}


@pytest.fixture
def site_archive() -> Iterator[Callable[..., SiteArchive]]:
    """Opens site archives of collection "s"; whatever a test leaves open is closed after it."""
    opened: list[SiteArchive] = []

    def open_archive(root: Path, **kwargs: Any) -> SiteArchive:
        warcinfo = build_warcinfo(user_agent="t", robots="obey")
        opened.append(SiteArchive(root, "s", warcinfo=warcinfo, **kwargs))
        return opened[-1]

    yield open_archive
    for archive in opened:
        archive.close()


@contextmanager
def replay_server(root: Path) -> Iterator[str]:
    """`archiver replay` over `root`, served from a thread; its base URL."""
    with serving(make_server(root)) as server:
        yield server.base_url


def get(url: str) -> tuple[int, bytes]:
    """(status, body) of a GET, redirects followed, errors returned."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def raw(base: str, url: str) -> tuple[int, bytes]:
    """The capture of `url` at STAMP, as archived (no rewriting)."""
    return get(base + replay_path("s", STAMP, url, RAW))


# -- the open index, written as records are --------------------------------------------------


def test_records_of_an_open_file_are_replayed_as_written_and_after_it_closes(
    tmp_path: Path, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    layout = ArchiveLayout(tmp_path)
    a, b = "https://example.org/a", "https://example.org/b?x=1"
    with replay_server(tmp_path) as base:
        assert raw(base, a)[0] == 404  # nothing yet
        archive.record_fetch(html_exchange(a, b"<p>first story</p>", fetched_at=WHEN))
        warc = archive.writer.current_file
        assert warc is not None and not warc.exists()  # still <name>.open
        sidecar = open_index_path(layout, "s", warc.name)
        assert sidecar == tmp_path / "indexes" / "s" / f"{warc.name}.cdxj.open"
        assert sidecar.read_bytes().endswith(b"\n")
        assert raw(base, a) == (200, b"<p>first story</p>")
        # The same server picks up what is written next.
        assert raw(base, b)[0] == 404
        archive.record_fetch(html_exchange(b, b"<p>second story</p>", fetched_at=WHEN))
        assert raw(base, b) == (200, b"<p>second story</p>")
        status, page = get(base + replay_path("s", STAMP, a))
        assert status == 200 and b"first story" in page
        lines = sidecar.read_text().splitlines()
        assert len(lines) == 2  # the responses (requests and warcinfo are not captures)

        (closed,) = archive.close()
        assert closed == warc and warc.exists()
        assert not sidecar.exists()
        final = index_path(layout, "s", warc.name)
        # The final index holds the same lines, sorted, as indexing the file itself gives.
        assert final.read_text().splitlines() == sorted(lines)
        assert [CdxjEntry.from_line(x, "s") for x in lines] == index_warc(warc, "s")
        assert list(iter_open_index_files(layout)) == []
        assert raw(base, a) == (200, b"<p>first story</p>")
        assert raw(base, b) == (200, b"<p>second story</p>")


def test_an_open_index_line_is_written_once_its_record_is_in_the_file(
    tmp_path: Path, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    add = archive.writer.on_record
    assert add is not None
    seen: list[str] = []

    def checked(record: Any, loc: RecordLocation) -> None:
        open_warc = archive.writer.directory / f"{loc.warc_file}.open"
        assert open_warc.stat().st_size >= loc.offset + loc.length  # the record is written
        sidecar = open_index_path(archive.layout, "s", loc.warc_file)
        before = sidecar.read_text() if sidecar.exists() else ""
        add(record, loc)
        after = sidecar.read_text()
        if loc.record_type == "response":
            assert after.startswith(before) and after.count("\n") == before.count("\n") + 1
            seen.append(loc.target_uri or "")

    archive.writer.on_record = checked
    for n in range(5):
        archive.record_fetch(
            html_exchange(f"https://example.org/{n}", f"<p>{n}</p>".encode(), fetched_at=WHEN)
        )
    assert len(seen) == 5
    warc = archive.writer.current_file
    assert warc is not None
    open_warc = warc.with_name(warc.name + ".open")
    index = CdxjIndex(tmp_path)
    for n in range(5):
        (entry,) = index.captures(f"https://example.org/{n}")
        record = read_record(open_warc, entry.offset)
        assert (record.target_uri, record.payload) == (entry.url, f"<p>{n}</p>".encode())
        assert record.length == entry.length


def test_a_torn_last_line_is_ignored_until_it_is_complete(
    tmp_path: Path, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    a, b = "https://example.org/a", "https://example.org/b"
    archive.record_fetch(html_exchange(a, b"<p>a</p>", fetched_at=WHEN))
    archive.record_fetch(html_exchange(b, b"<p>b</p>", fetched_at=WHEN))
    warc = archive.writer.current_file
    assert warc is not None
    sidecar = open_index_path(archive.layout, "s", warc.name)
    first, second = sidecar.read_text().splitlines(keepends=True)
    for torn in (second[:40], second[:-1]):  # cut mid-line; whole but for its newline
        sidecar.write_text(first + torn)
        assert len(CdxjIndex(tmp_path).captures(a)) == 1
        assert CdxjIndex(tmp_path).captures(b) == []
    index = CdxjIndex(tmp_path)
    sidecar.write_text(first + second[:40])
    assert index.captures(b) == []
    with sidecar.open("a") as fh:  # the writer finishes the line
        fh.write(second[40:])
    (entry,) = index.captures(b)
    assert entry.line() + "\n" == second
    assert len(index.captures(a)) == 1  # read once, not again with the rest


def test_an_open_index_that_cannot_be_written_stops_without_stopping_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    urls = [f"https://example.org/{n}" for n in range(3)]
    archive.record_fetch(html_exchange(urls[0], b"<p>0</p>", fetched_at=WHEN))
    sidecars = list(archive._live_index._open_files.values())
    real_write = os.write

    def disk_full(fd: int, data: Any) -> int:
        if fd in sidecars:  # half a line goes out, then the disk is full
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(cdxj.os, "write", disk_full)
    for n in (1, 2):
        archive.record_fetch(html_exchange(urls[n], f"<p>{n}</p>".encode(), fetched_at=WHEN))
    monkeypatch.undo()
    index = CdxjIndex(tmp_path)
    assert [len(index.captures(url)) for url in urls] == [1, 0, 0]
    (warc,) = archive.close()
    assert [len(index.captures(url)) for url in urls] == [1, 1, 1]  # the final index has all
    assert not open_index_path(archive.layout, "s", warc.name).exists()


def test_an_open_index_beside_its_final_index_is_not_read_twice(
    tmp_path: Path, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    archive.record_fetch(html_exchange("https://example.org/a", b"<p>a</p>", fetched_at=WHEN))
    warc = archive.writer.current_file
    assert warc is not None
    sidecar = open_index_path(archive.layout, "s", warc.name)
    kept = tmp_path / "kept"
    shutil.copy(sidecar, kept)
    index = CdxjIndex(tmp_path)
    assert len(index.captures("https://example.org/a")) == 1
    archive.close()
    os.replace(kept, sidecar)  # as a killed writer would leave it beside the index recovery wrote
    assert [p.name for _, p in iter_index_files(archive.layout)] == [f"{warc.name}.cdxj"]
    assert len(index.captures("https://example.org/a")) == 1
    assert len(CdxjIndex(tmp_path).captures("https://example.org/a")) == 1


def test_a_file_renamed_while_it_is_being_read_is_read_under_its_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    url = "https://example.org/a"
    archive.record_fetch(html_exchange(url, b"<p>a</p>", fetched_at=WHEN))
    warc = archive.writer.current_file
    assert warc is not None
    open_warc = warc.with_name(warc.name + ".open")
    real_read = resources.read_record

    def renamed_first(path: Path, offset: int) -> Any:
        if path.name.endswith(".open"):
            os.link(open_warc, warc)  # the writer renames it: gone under the name found
            open_warc.unlink()
        return real_read(path, offset)

    monkeypatch.setattr(resources, "read_record", renamed_first)
    with replay_server(tmp_path) as base:
        assert raw(base, url) == (200, b"<p>a</p>")
    assert warc.exists() and not open_warc.exists()
    os.replace(warc, open_warc)  # back where the writer, which did not rename it, expects it
    archive.close()


def test_a_site_archive_closed_without_records_leaves_no_open_index(
    tmp_path: Path, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path)
    archive.close()
    assert list(iter_open_index_files(ArchiveLayout(tmp_path))) == []


# -- ARCHIVER_WARC_MAX_AGE ------------------------------------------------------------------


class ClockWriter(WarcWriter):
    """A writer whose clock the test sets."""

    now = WHEN

    def _utcnow(self) -> datetime:
        return self.now


def test_max_age_rolls_a_file_over_before_the_next_record(tmp_path: Path) -> None:
    writer = ClockWriter(tmp_path, "t", warcinfo=WARCINFO, max_age=60)
    first = writer.write_exchange(html_exchange("https://example.org/1"))[1]
    writer.now = WHEN + timedelta(seconds=59)
    second = writer.write_exchange(html_exchange("https://example.org/2"))[1]
    assert second.warc_file == first.warc_file and writer.closed_files == []
    writer.now = WHEN + timedelta(seconds=60)
    third = writer.write_exchange(html_exchange("https://example.org/3"))[1]
    assert third.warc_file != first.warc_file
    assert [p.name for p in writer.closed_files] == [first.warc_file]
    assert third.warc_file == "t-20261120093100-00002.warc.gz"  # named for when it opened
    writer.now = WHEN + timedelta(seconds=119)
    writer.write_metadata("urn:x", b"{}", refers_to=third.record_id)
    assert len(writer.closed_files) == 1  # 59 s old: not yet
    writer.close()
    assert len(writer.closed_files) == 2


def test_max_age_zero_never_rolls_over(tmp_path: Path) -> None:
    writer = ClockWriter(tmp_path, "t", warcinfo=WARCINFO)
    assert writer.max_age == 0
    for n in range(3):
        writer.now = WHEN + timedelta(days=400 * n)
        writer.write_exchange(html_exchange(f"https://example.org/{n}"))
    assert writer.closed_files == []
    assert len(writer.close()) == 1


@pytest.mark.parametrize("bad", [-1, float("nan")])
def test_max_age_must_be_zero_or_positive(tmp_path: Path, bad: float) -> None:
    with pytest.raises(ValueError, match="max_age"):
        WarcWriter(tmp_path, "t", warcinfo=WARCINFO, max_age=bad)


def test_the_max_age_setting_reaches_the_writer_and_is_checked() -> None:
    with pytest.raises(click.BadParameter, match="ARCHIVER_WARC_MAX_AGE"):
        parse_overrides(["ARCHIVER_WARC_MAX_AGE=-5"])
    with pytest.raises(click.BadParameter, match="ARCHIVER_WARC_MAX_AGE"):
        parse_overrides(["ARCHIVER_WARC_MAX_AGE=an hour"])
    assert parse_overrides(["ARCHIVER_WARC_MAX_AGE=3600"]) == {"ARCHIVER_WARC_MAX_AGE": "3600"}


@pytest.mark.parametrize(("given", "expected"), [({}, 0.0), ({"ARCHIVER_WARC_MAX_AGE": "90"}, 90)])
def test_the_archive_component_passes_max_age_on(
    tmp_path: Path, given: dict[str, str], expected: float
) -> None:
    values = project_settings(
        {
            "ARCHIVER_ARCHIVE_DIR": str(tmp_path / "archive"),
            "ARCHIVER_SITE": "unit",
            "ARCHIVER_PROGRESS_INTERVAL": 0,
            **given,
        }
    )
    crawler = get_crawler(Spider, values.copy_to_dict())
    component = crawler.get_extension(SiteArchiveExtension)
    assert component is not None
    try:
        assert component.archive.writer.max_age == expected
    finally:
        component.spider_closed(Spider("x"), "finished")


def test_a_site_archive_with_max_age_indexes_every_file_it_rolls_over(
    tmp_path: Path, site_archive: Callable[..., SiteArchive]
) -> None:
    archive = site_archive(tmp_path, max_warc_age=1e-9)  # every fetch in a file of its own
    for n in range(3):
        archive.record_fetch(
            html_exchange(f"https://example.org/{n}", f"<p>{n}</p>".encode(), fetched_at=WHEN)
        )
    files = archive.close()
    assert len(files) == 3
    layout = ArchiveLayout(tmp_path)
    assert sorted(p.name for _, p in iter_index_files(layout)) == sorted(
        f"{f.name}.cdxj" for f in files
    )
    assert list(iter_open_index_files(layout)) == []


# -- a real crawl ------------------------------------------------------------------------------


def _poll(what: str, check: Any, proc: subprocess.Popen[bytes], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if proc.poll() is not None:
            raise AssertionError(f"the crawl ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout} s")
        time.sleep(0.1)


def _article_link(base: str) -> str | None:
    status, page = get(base + "/")
    found = re.search(rb'href="(/article/[0-9a-f]{16})"', page) if status == 200 else None
    return found.group(1).decode() if found else None


def _captured_link(base: str, article: str) -> str:
    status, page = get(base + article)
    assert status == 200, page
    found = re.search(rb'<a href="([^"]+)"[^>]*>view the page as captured<', page)
    assert found is not None, page
    return html.unescape(found.group(1).decode())


def test_replay_serves_articles_of_a_crawl_still_writing_and_of_one_killed(
    tmp_path: Path, demo_site: str
) -> None:
    # A delay per request keeps the crawl running long after its first article is stored.
    config = demo_config(
        demo_site, tmp_path / "demo.yaml", {"download_delay: 0 ": "download_delay: 0.3 "}
    )
    archive = tmp_path / "archive"
    log = (tmp_path / "crawl.log").open("wb")
    args = ["crawl", str(config), "--archive", str(archive), "-q", "--workers", "0"]
    args += ["--warc-max-size", str(10**12)]
    proc = subprocess.Popen([sys.executable, "-m", "archiver", *args], stderr=log)
    try:
        with replay_server(archive) as base:  # started before the crawl wrote anything
            article = _poll("an article in the list", lambda: _article_link(base), proc)
            captured = _captured_link(base, article)
            with Catalog(ArchiveLayout(archive).catalog_path) as catalog:
                row = catalog.article(article.removeprefix("/article/"))
            assert row is not None
            _, stamp, url = captured.split("/", 3)[1:]
            status, page = get(base + captured)
            assert status == 200 and b"<html" in page.lower()
            with urllib.request.urlopen(row.url, timeout=10) as live:
                served = live.read()
            assert get(base + f"/demo/{stamp}{RAW}/{url}") == (200, served)
            assert proc.poll() is None, "the crawl ended: this was not replay during a crawl"
            warc_dir = archive / "warc" / "demo"
            assert list(warc_dir.glob("*.warc.gz")) == []  # the page came from the open file
            (open_warc,) = warc_dir.glob("*.warc.gz.open")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        log.close()
    # What a killed crawl leaves: the open file and its open index; a new replay serves it.
    assert open_warc.exists()
    layout = ArchiveLayout(archive)
    assert [p.name for _, p in iter_open_index_files(layout)] == [
        open_warc.name.removesuffix(".open") + ".cdxj.open"
    ]
    with replay_server(archive) as base:
        assert get(base + captured) == (200, page)
        assert get(base + f"/demo/{stamp}{RAW}/{url}") == (200, served)
    (entry,) = [e for e in CdxjIndex(archive).captures(row.url) if e.timestamp == stamp]
    assert entry.filename == open_warc.name.removesuffix(".open")
    assert read_record(open_warc, entry.offset).payload == served
