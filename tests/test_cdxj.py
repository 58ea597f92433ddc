"""CDXJ indexes: the same lines as cdxj-indexer, written when a WARC file closes, and lookups."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import surt
from warcio.archiveiterator import ArchiveIterator

from archiver.store.archive import SiteArchive
from archiver.store.cdxj import CdxjEntry, CdxjIndex, index_warc, surt_key
from archiver.store.layout import ArchiveLayout
from archiver.store.warcinfo import build_warcinfo
from archiver.warc import RecordLocation
from tests.crawling import crawl_config
from tests.support import demo_config, html_exchange, run_archiver, tool, warc_files


@pytest.fixture(scope="module")
def archive(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two crawls of the demo site (in this process): the first rolls over WARC files, the
    second has revisits."""
    tmp = tmp_path_factory.mktemp("cdxj-crawl")
    archive = tmp / "archive"
    config = demo_config(demo_site, tmp / "demo.yaml")
    for warc_max_size in (60000, None):
        summary = crawl_config(config, archive, warc_max_size=warc_max_size)
        assert summary.failure() is None, summary.render()
    return archive


def _records(path: Path) -> list[tuple[int, Any]]:
    """(offset, record) of every record of a WARC file (headers only)."""
    found = []
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            found.append((iterator.get_record_offset(), record))
    return found


def _index_file(archive: Path, warc: Path) -> Path:
    return archive / "indexes" / warc.parent.name / f"{warc.name}.cdxj"


def test_every_closed_warc_file_has_its_index(archive: Path) -> None:
    warcs = warc_files(archive)
    assert len(warcs) > 2  # rolled over, and a second run
    indexes = sorted((archive / "indexes").glob("*/*.cdxj"))
    assert indexes == sorted(_index_file(archive, w) for w in warcs)


def test_index_lines_are_cdxj_indexers_lines_without_metadata(archive: Path) -> None:
    kinds: Counter[str] = Counter()
    for warc in warc_files(archive):
        theirs = subprocess.run(
            [tool("cdxj-indexer"), "--sort", str(warc)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        records = _records(warc)
        metadata = {o for o, r in records if r.rec_type == "metadata"}
        indexed = [r.rec_type for _, r in records if r.rec_type in ("response", "revisit")]
        kinds.update(indexed)
        expected = [
            line
            for line in theirs
            if int(json.loads(line.split(" ", 2)[2])["offset"]) not in metadata
        ]
        ours = _index_file(archive, warc).read_text(encoding="utf-8").splitlines()
        assert ours == expected, warc.name
        assert len(ours) == len(indexed)
    assert kinds["response"] > 30 and kinds["revisit"] > 5


def test_every_response_is_found_through_captures(archive: Path) -> None:
    index = CdxjIndex(archive)
    for warc in warc_files(archive):
        for offset, record in _records(warc):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            found = [(e.filename, e.offset) for e in index.captures(url, site="demo")]
            assert (warc.name, offset) in found, url
            https = "https://" + url.split("://", 1)[1]
            assert index.captures(https) == index.captures(url)
    assert index.captures("http://127.0.0.1:1/nothing-here") == []


def test_captures_are_oldest_first_and_skip_metadata(archive: Path) -> None:
    index = CdxjIndex(archive)
    entries = [
        CdxjEntry.from_line(line, "demo")
        for path in sorted((archive / "indexes" / "demo").glob("*.cdxj"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    revisited = {e.url for e in entries if e.record_type == "revisit"}
    assert revisited
    for url in revisited:
        captures = index.captures(url)
        assert len(captures) >= 2
        assert [c.timestamp for c in captures] == sorted(c.timestamp for c in captures)
        assert "application/json" not in {c.mime for c in captures}  # no metadata record


def test_a_revisit_leads_to_the_response_it_refers_to(archive: Path) -> None:
    index = CdxjIndex(archive)
    revisits = 0
    for warc in warc_files(archive):
        for offset, record in _records(warc):
            if record.rec_type != "revisit":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            entry = next(e for e in index.captures(url) if e.offset == offset)
            original = index.original(entry)
            assert original is not None and original.record_type == "response"
            assert original.digest == entry.digest
            refers_to = record.rec_headers.get_header("WARC-Refers-To")
            target = dict(_records(index.warc_path(original)))[original.offset]
            assert target.rec_headers.get_header("WARC-Record-ID") == refers_to
            assert index.original(original) == original
            revisits += 1
    assert revisits > 5


def test_reindex_rebuilds_identical_index_files(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    before = {p.name: p.read_bytes() for p in (copy / "indexes").rglob("*.cdxj")}
    shutil.rmtree(copy / "indexes")
    stale = copy / "indexes" / "gone" / "gone-20200101000000-00001.warc.gz.cdxj"
    stale.parent.mkdir(parents=True)
    stale.write_text("")
    result = run_archiver("reindex", "--archive", str(copy))
    assert result.returncode == 0, result.stderr
    after = {p.name: p.read_bytes() for p in (copy / "indexes").rglob("*.cdxj")}
    assert after == before
    assert not stale.exists()


# -- without a crawl ----------------------------------------------------------------------


def _entry(timestamp: str, status: int | None = 200, **changes: Any) -> CdxjEntry:
    fields: dict[str, Any] = {
        "urlkey": "org,example)/a",
        "timestamp": timestamp,
        "url": "https://example.org/a",
        "mime": "text/html",
        "status": status,
        "digest": "sha1:AAAA",
        "length": 100,
        "offset": 0,
        "filename": "s-20261120000000-00001.warc.gz",
        "site": "s",
        "record_type": "response",
    }
    fields.update(changes)
    return CdxjEntry(**fields)


def _write_index(root: Path, site: str, name: str, entries: list[CdxjEntry]) -> Path:
    path = root / "indexes" / site / f"{name}.cdxj"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(e.line() + "\n" for e in sorted(entries, key=CdxjEntry.line)))
    return path


def test_surt_key_is_cdxj_indexers() -> None:
    variants = [
        "http://www.Example.org:80/news/a?y=2&x=1",
        "https://example.org/news/a?x=1&y=2",
        "https://example.org:443/news/a?x=1&y=2#top",
    ]
    assert {surt_key(u) for u in variants} == {"org,example)/news/a?x=1&y=2"}
    assert surt_key(variants[0]) == surt.surt(variants[0])


def test_lines_round_trip_and_name_the_record_type() -> None:
    response = _entry("20261120093000")
    revisit = _entry("20261121093000", mime="warc/revisit", record_type="revisit", offset=7)
    resource = _entry("20261122093000", status=None, mime="image/png", record_type="resource")
    for entry in (response, revisit, resource):
        assert CdxjEntry.from_line(entry.line(), "s") == entry
    assert response.line() == (
        'org,example)/a 20261120093000 {"url": "https://example.org/a", "mime": "text/html", '
        '"status": "200", "digest": "sha1:AAAA", "length": "100", "offset": "0", '
        '"filename": "s-20261120000000-00001.warc.gz"}'
    )


def test_closest_is_nearest_then_not_an_error_then_earlier(tmp_path: Path) -> None:
    early, error, late = (
        _entry("20261120000000", offset=1),
        _entry("20261121000000", status=500, offset=2),
        _entry("20261122000000", offset=3),
    )
    _write_index(tmp_path, "s", "s-20261120000000-00001.warc.gz", [early, error, late])
    index = CdxjIndex(tmp_path)
    url = "http://example.org/a"
    assert index.closest(url, "20261120050000") == early
    assert index.closest(url, "20261121000001") == error  # nearest, even if an error
    assert index.closest(url, "20261121120000") == late  # as near as the error: not the error
    assert index.closest(url, "20261120120000") == early  # equally near: the earlier
    assert index.closest(url, "2030") == late
    assert index.closest(url, "20261121000000", site="other") is None
    with pytest.raises(ValueError):
        index.closest(url, "yesterday")


def test_the_index_follows_files_added_and_replaced(tmp_path: Path) -> None:
    index = CdxjIndex(tmp_path)
    url = "https://example.org/a"
    assert index.captures(url) == []
    first = _entry("20261120000000")
    path = _write_index(tmp_path, "s", "s-20261120000000-00001.warc.gz", [first])
    assert index.captures(url) == [first]
    second = _entry("20261121000000", filename="t-20261121000000-00001.warc.gz", site="t")
    _write_index(tmp_path, "t", second.filename, [second])
    assert index.captures(url) == [first, second]
    assert index.captures(url, site="t") == [second]
    moved = _entry("20261120000000", offset=99)
    tmp = path.with_name("tmp")
    tmp.write_text(moved.line() + "\n")
    os.replace(tmp, path)  # as atomic_write does: same size, maybe the same mtime
    assert index.captures(url) == [moved, second]
    path.unlink()
    assert index.captures(url) == [second]


def test_a_revisit_is_traced_by_digest_or_by_its_refers_to_headers(tmp_path: Path) -> None:
    site = SiteArchive(tmp_path, "s", warcinfo=build_warcinfo(user_agent="t", robots="obey"))
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    url = "https://example.org/a"
    site.record_fetch(html_exchange(url, b"<p>same</p>", fetched_at=when))
    later = when + timedelta(days=1)
    again = site.record_fetch(html_exchange(url, b"<p>same</p>", fetched_at=later))
    site.close()
    assert again.revisit == "identical-payload-digest"
    index = CdxjIndex(tmp_path)
    response, revisit = index.captures(url)
    assert (response.record_type, revisit.record_type) == ("response", "revisit")
    assert index.original(revisit) == response
    # Nothing under its key with its digest: WARC-Refers-To-Target-URI and -Date lead back.
    elsewhere = dataclasses.replace(revisit, urlkey=surt_key("https://example.org/b"))
    assert index.original(elsewhere) == response


def test_site_archive_indexes_each_file_it_closes(tmp_path: Path) -> None:
    site = SiteArchive(
        tmp_path, "s", warcinfo=build_warcinfo(user_agent="t", robots="obey"), max_warc_size=1
    )
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    for n in range(3):
        site.record_fetch(
            html_exchange(f"https://example.org/{n}", f"<p>{n}</p>".encode(), fetched_at=when)
        )
    files = site.close()
    assert len(files) == 3
    layout = ArchiveLayout(tmp_path)
    for warc in files:
        index_file = layout.indexes_dir / "s" / f"{warc.name}.cdxj"
        assert [CdxjEntry.from_line(x, "s") for x in index_file.read_text().splitlines()] == (
            index_warc(warc, "s")
        )
    assert len(CdxjIndex(tmp_path).captures("https://example.org/2")) == 1


def test_a_file_whose_records_were_not_all_indexed_live_is_read_instead(tmp_path: Path) -> None:
    site = SiteArchive(tmp_path, "s", warcinfo=build_warcinfo(user_agent="t", robots="obey"))
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    site.record_fetch(html_exchange("https://example.org/a", b"<p>a</p>", fetched_at=when))
    live = site._live_index
    broken = RecordLocation(
        warc_file=site.writer.current_file.name,  # type: ignore[union-attr]
        offset=0,
        length=1,
        record_id="<urn:uuid:x>",
        record_type="response",
        target_uri="https://example.org/b",
        date="2026-11-20T09:30:00.000000Z",
        payload_digest=None,
    )
    live.add(object(), broken)  # not a record: this file's index cannot be made as written
    site.record_fetch(html_exchange("https://example.org/b", b"<p>b</p>", fetched_at=when))
    (warc,) = site.close()
    index_file = ArchiveLayout(tmp_path).indexes_dir / "s" / f"{warc.name}.cdxj"
    lines = index_file.read_text().splitlines()
    assert [CdxjEntry.from_line(x, "s") for x in lines] == index_warc(warc, "s")
    assert len(lines) == 2
