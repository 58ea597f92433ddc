"""`archiver verify`: each kind of damage found and named, `--repair` fixing what it says."""

from __future__ import annotations

import dataclasses
import fcntl
import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archiver.cli import cli
from archiver.extraction.fields import ExtractedArticle
from archiver.store.archive import SiteArchive
from archiver.store.catalog import Catalog
from archiver.store.locking import acquire_site_lock
from archiver.store.rows import CaptureRow
from archiver.warc import iter_records
from archiver.warc.writer import gzip_member
from tests.crawling import crawl_demo_in_process
from tests.support import html_exchange, run_archiver, tool, warc_files


@pytest.fixture(scope="module")
def demo_archive(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site crawled once into several WARC files; tests damage copies of it."""
    tmp = tmp_path_factory.mktemp("verify-demo")
    return crawl_demo_in_process(tmp, demo_site, "ARCHIVER_WARC_MAX_SIZE=60000")


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(demo_archive, copy)
    return copy


def verify(archive: Path, *args: str) -> tuple[Result, dict[str, Any]]:
    """`archiver verify --archive ARCHIVE --json ARGS`: the result and its parsed report."""
    result = CliRunner().invoke(cli, ["verify", "--archive", str(archive), "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return result, json.loads(result.stdout)


def kinds(report: dict[str, Any]) -> set[str]:
    return set(report["counts"])


def problems_of(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [p for p in report["problems"] if p["kind"] == kind]


def records(path: Path) -> list[tuple[int, int, str, str]]:
    """(offset, length, type, record id) of every record of a WARC file."""
    return [
        (offset, length, r.rec_type, r.rec_headers.get_header("WARC-Record-ID"))
        for offset, length, r in iter_records(path)
    ]


def documents(archive: Path) -> list[tuple[Path, dict[str, Any]]]:
    return [
        (p, json.loads(p.read_text(encoding="utf-8")))
        for p in sorted((archive / "articles").rglob("*.json"))
    ]


def relative_documents(archive: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(p.relative_to(archive).as_posix(), doc) for p, doc in documents(archive)]


def named_warc(archive: Path) -> Path:
    """A WARC file (not the first: that one holds the sections) that documents name."""
    names = {doc["provenance"]["warc_file"] for _, doc in documents(archive)}
    files = [p for p in warc_files(archive)[1:] if p.name in names]
    assert files, "the crawl should spread the articles over several files"
    return files[0]


def same_length_member(member: bytes, data: bytes) -> bytes:
    """`data` as a gzip member exactly as long as `member`: compressed harder, then padded in
    the gzip header's FEXTRA field, so that no later record moves."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = compressor.compress(data) + compressor.flush()
    pad = len(member) - len(body) - 2
    assert pad >= 0, "the member cannot be rewritten at its length"
    header = bytearray(body[:10])
    header[3] |= 0x04  # FEXTRA
    padded = bytes(header) + pad.to_bytes(2, "little") + b"\0" * pad + body[10:]
    assert len(padded) == len(member)
    assert zlib.decompress(padded, 31) == data
    return padded


# -- a sound archive -----------------------------------------------------------------------


def test_the_crawled_demo_archive_verifies_clean(archive: Path) -> None:
    result, report = verify(archive)
    assert result.exit_code == 0, result.output
    assert report["ok"] is True and report["problems"] == [] and report["counts"] == {}
    checked = report["checked"]
    assert checked["warc_files"] == len(warc_files(archive)) >= 3
    assert checked["records"] == sum(len(records(p)) for p in warc_files(archive))
    assert checked["documents"] == len(documents(archive)) >= 30
    assert checked["snapshots"] >= 9
    assert checked["index_files"] == checked["warc_files"]
    assert checked["catalog_rows"] >= checked["records"]

    text = CliRunner().invoke(cli, ["verify", "--archive", str(archive)])
    assert text.exit_code == 0, text.output
    assert "no problems" in text.stdout
    assert f"checked {checked['warc_files']} WARC files" in text.stdout


def test_verify_changes_no_file(archive: Path) -> None:
    before = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()}
    verify(archive)
    after = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()}
    assert after == before


def test_no_archive_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--archive", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no archive at" in result.output


def test_verify_has_help_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["verify", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "archiver verify" in result.output
    assert "--repair" in result.output


# -- each kind of damage ---------------------------------------------------------------------


def test_a_warc_cut_inside_a_record_is_truncated(archive: Path) -> None:
    path = named_warc(archive)
    offset, length, _, _ = records(path)[len(records(path)) // 2]
    path.write_bytes(path.read_bytes()[: offset + length // 2])

    lost = [
        rel
        for rel, doc in relative_documents(archive)
        if doc["provenance"]["warc_file"] == path.name
        and doc["provenance"]["warc_offset"] >= offset
    ]
    assert lost

    result, report = verify(archive)
    assert result.exit_code == 1
    (problem,) = problems_of(report, "truncated")
    assert problem["path"] == path.relative_to(archive).as_posix()
    assert problem["where"] == f"offset {offset}"
    assert "cut short" in problem["reason"]
    # The documents whose record was cut off are named; nothing else is reported (the catalog
    # rows and index entries of the lost records are part of the same damage).
    assert kinds(report) == {"truncated", "provenance"}
    assert sorted(p["path"] for p in problems_of(report, "provenance")) == sorted(lost)
    assert all("cannot be read" in p["reason"] for p in problems_of(report, "provenance"))


def test_a_record_whose_bytes_changed_fails_its_digest(archive: Path) -> None:
    path = named_warc(archive)
    data = path.read_bytes()
    offset, length, _, record_id = next(r for r in records(path) if r[2] == "response")
    member = data[offset : offset + length]
    plain = zlib.decompress(member, 31)
    at = len(plain) - 5  # the payload's last byte (the record ends with CRLF CRLF)
    flipped = plain[:at] + bytes([plain[at] ^ 0x20]) + plain[at + 1 :]
    path.write_bytes(data[:offset] + same_length_member(member, flipped) + data[offset + length :])

    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"digest"}
    found = problems_of(report, "digest")
    assert {p["where"] for p in found} == {f"offset {offset} {record_id}"}
    reasons = " ".join(p["reason"] for p in found)
    assert "payload digest does not match" in reasons and "block digest" in reasons
    # warcio's own checker agrees (and the gzip member itself is sound).
    checked = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 1 and "digest failed" in checked.stdout


def test_a_torn_member_in_the_middle_is_corrupt_and_the_rest_still_checked(
    archive: Path,
) -> None:
    path = named_warc(archive)
    data = bytearray(path.read_bytes())
    found = records(path)
    total = sum(len(records(p)) for p in warc_files(archive))
    offset, length, _, _ = found[1]
    for i in range(offset + 20, offset + 60):  # scribble over deflate data
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))

    result, report = verify(archive)
    assert result.exit_code == 1
    (problem,) = problems_of(report, "corrupt")
    assert problem["where"] == f"offset {offset}"
    assert f"bytes {offset} to {offset + length} cannot be read" in problem["reason"]
    # The records after the damage were read and checked; of the lost one, only a document
    # made from it would be reported.
    assert kinds(report) <= {"corrupt", "provenance"}
    assert all("cannot be read" in p["reason"] for p in problems_of(report, "provenance"))
    assert report["checked"]["records"] == total - 1


def test_a_deleted_warc_is_missing(archive: Path) -> None:
    path = named_warc(archive)
    path.unlink()
    rel = path.relative_to(archive).as_posix()

    result, report = verify(archive)
    assert result.exit_code == 1
    (missing,) = problems_of(report, "missing-warc")
    assert missing["path"] == rel
    assert "articles/" in missing["reason"]
    assert {"missing-warc", "dangling-index", "dangling-row"} <= kinds(report)
    assert any(p["path"] == rel for p in problems_of(report, "dangling-row"))


def test_a_catalog_row_naming_nothing_is_dangling(archive: Path) -> None:
    path = named_warc(archive)
    ghost = CaptureRow(
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000000>",
        site="demo",
        record_type="response",
        url="http://127.0.0.1/never",
        date="2026-11-20T09:30:00.000000Z",
        status=200,
        mime="text/html",
        payload_digest=None,
        refers_to=None,
        warc_file="demo-20990101000000-00001.warc.gz",
        warc_offset=0,
        warc_length=100,
    )
    misplaced = dataclasses.replace(
        ghost, record_id="<urn:uuid:1>", warc_file=path.name, warc_offset=7
    )
    with Catalog(archive / "catalog.sqlite") as catalog:
        catalog.add_captures([ghost, misplaced])

    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"dangling-row"}
    found = {(p["path"], p["where"]) for p in problems_of(report, "dangling-row")}
    assert found == {
        ("warc/demo/demo-20990101000000-00001.warc.gz", None),
        (path.relative_to(archive).as_posix(), "offset 7 <urn:uuid:1>"),
    }


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: {**d, "word_count": -3}, "word_count"),
        (lambda d: {k: v for k, v in d.items() if k != "title"}, "'title' is a required property"),
        (lambda d: {**d, "provenance": {**d["provenance"], "warc_offset": "12"}}, "warc_offset"),
    ],
    ids=["out-of-range", "missing-field", "wrong-type"],
)
def test_a_document_not_valid_against_its_schema(archive: Path, edit: Any, expected: str) -> None:
    path, doc = documents(archive)[3]
    path.write_text(json.dumps(edit(doc), indent=2), encoding="utf-8")

    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"document"}
    (problem,) = problems_of(report, "document")
    assert problem["path"] == path.relative_to(archive).as_posix()
    assert "not valid against its JSON Schema" in problem["reason"]
    assert expected in problem["reason"]


def test_a_document_that_is_not_json(archive: Path) -> None:
    path, _ = documents(archive)[0]
    path.write_bytes(path.read_bytes()[:100])
    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"document"}
    assert "not readable JSON" in problems_of(report, "document")[0]["reason"]


def test_a_document_naming_another_record_fails_its_provenance(archive: Path) -> None:
    path, doc = documents(archive)[5]
    wrong = {**doc["provenance"], "warc_offset": 0}  # the warcinfo record
    path.write_text(json.dumps({**doc, "provenance": wrong}, indent=2), encoding="utf-8")
    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"provenance"}
    assert "not " + doc["provenance"]["warc_record_id"] in report["problems"][0]["reason"]


def test_a_closed_warc_without_its_index(archive: Path) -> None:
    index = sorted((archive / "indexes" / "demo").glob("*.cdxj"))[1]
    index.unlink()
    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"missing-index"}
    assert problems_of(report, "missing-index")[0]["path"] == "warc/demo/" + index.stem


def test_an_index_that_lists_other_offsets(archive: Path) -> None:
    index = sorted((archive / "indexes" / "demo").glob("*.cdxj"))[0]
    lines = index.read_text(encoding="utf-8").splitlines()
    index.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"index-mismatch"}
    assert "1 records not listed" in report["problems"][0]["reason"]


def kill_mid_write(path: Path) -> Path:
    """`path` as a killed run leaves it: still .open, no index, half a record at its end."""
    index = path.parent.parent.parent / "indexes" / "demo" / f"{path.name}.cdxj"
    index.unlink()
    torn = gzip_member(b"WARC/1.1\r\nWARC-Type: response\r\n" + b"x" * 4000)
    open_path = path.with_name(path.name + ".open")
    open_path.write_bytes(path.read_bytes() + torn[: len(torn) // 2])
    path.unlink()
    return open_path


def test_an_open_file_left_by_a_killed_run(archive: Path) -> None:
    open_path = kill_mid_write(warc_files(archive)[-1])
    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"left-open"}
    (problem,) = problems_of(report, "left-open")
    assert problem["path"] == open_path.relative_to(archive).as_posix()
    assert "killed run" in problem["reason"] and "torn" in problem["reason"]


def test_an_open_file_still_being_written_is_not_a_problem(archive: Path) -> None:
    last = warc_files(archive)[-1]
    data = last.read_bytes()
    offset, _, _, _ = records(last)[1]
    live = last.with_name("demo-20990101000000-00001.warc.gz.open")
    live.write_bytes(data[: offset + 50])  # the writer is in the middle of its 2nd record
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as the WARC writer holds it
        result, report = verify(archive)
    assert result.exit_code == 0, result.output
    assert report["being_written"] == [live.relative_to(archive).as_posix()]
    assert report["checked"]["being_written"] == 1


# -- repair ----------------------------------------------------------------------------------


def test_repair_fixes_what_it_claims(archive: Path) -> None:
    original = warc_files(archive)[-1]
    kill_mid_write(original)
    index = sorted((archive / "indexes" / "demo").glob("*.cdxj"))[0]
    index.unlink()  # missing index
    shutil.copy(  # an index of a file that is not there
        sorted((archive / "indexes" / "demo").glob("*.cdxj"))[0],
        archive / "indexes" / "demo" / "demo-20990101000000-00001.warc.gz.cdxj",
    )
    db = sqlite3.connect(archive / "catalog.sqlite")
    with db:  # rows lost: a record's and an article's
        db.execute("DELETE FROM captures WHERE rowid IN (SELECT rowid FROM captures LIMIT 3)")
        db.execute("DELETE FROM articles WHERE rowid IN (SELECT rowid FROM articles LIMIT 1)")
        db.execute(  # and one naming a record that is not there
            "UPDATE captures SET warc_offset = warc_offset + 1 WHERE rowid = "
            "(SELECT rowid FROM captures WHERE record_type = 'request' LIMIT 1)"
        )
    db.close()
    _, before = verify(archive)
    assert kinds(before) == {
        "left-open",
        "missing-index",
        "dangling-index",
        "missing-row",
        "dangling-row",
    }

    result, repaired = verify(archive, "--repair")
    assert result.exit_code == 0, result.output
    assert repaired["ok"] is True and repaired["not_fixed"] == []
    assert {p["kind"] for p in repaired["fixed"]} == kinds(before)
    assert any(a.startswith("closed warc/demo/") for a in repaired["actions"])
    assert any(a.startswith("rebuilt the catalog") for a in repaired["actions"])
    assert original.is_file() and not original.with_name(original.name + ".open").exists()
    assert index.is_file()
    assert not (archive / "indexes" / "demo" / "demo-20990101000000-00001.warc.gz.cdxj").exists()

    again, report = verify(archive)
    assert again.exit_code == 0, again.output
    assert report["ok"] is True


def test_repair_of_a_sound_archive_does_nothing(archive: Path) -> None:
    def content() -> dict[Path, int]:  # state/ aside: the site locks are taken meanwhile
        files = [p for p in archive.rglob("*") if p.is_file()]
        return {p: p.stat().st_mtime_ns for p in files if "state" not in p.parts}

    before = content()
    result = CliRunner().invoke(cli, ["verify", "--archive", str(archive), "--repair"])
    assert result.exit_code == 0, result.output
    assert "nothing to repair" in result.stdout
    assert content() == before


def test_repair_says_what_it_cannot_fix(archive: Path) -> None:
    test_a_record_whose_bytes_changed_fails_its_digest(archive)
    doc_path, doc = documents(archive)[2]
    doc_path.write_text(json.dumps({**doc, "word_count": -1}), encoding="utf-8")
    sorted((archive / "indexes" / "demo").glob("*.cdxj"))[2].unlink()
    warcs = {p: p.read_bytes() for p in warc_files(archive)}
    document = doc_path.read_bytes()

    result = CliRunner().invoke(cli, ["verify", "--archive", str(archive), "--repair"])
    assert result.exit_code == 1
    text = result.stdout
    assert "fixed: missing-index 1" in text
    assert "could not fix:" in text
    assert "digest (2): the record is still readable" in text
    assert "document (1): restore the document from a copy" in text
    # Archived content is never rewritten.
    assert {p: p.read_bytes() for p in warc_files(archive)} == warcs
    assert doc_path.read_bytes() == document

    _, report = verify(archive, "--repair")
    assert report["fixed"] == [] and {p["kind"] for p in report["not_fixed"]} == {
        "digest",
        "document",
    }
    assert all(p["advice"] for p in report["not_fixed"])


def test_repair_cannot_bring_back_a_deleted_warc(archive: Path) -> None:
    path = named_warc(archive)
    path.unlink()
    rel = path.relative_to(archive).as_posix()
    result, report = verify(archive, "--repair")
    assert result.exit_code == 1
    assert f"dropped the catalog rows of {rel}, which is not there" in " ".join(report["actions"])
    assert {p["kind"] for p in report["not_fixed"]} == {"missing-warc"}
    assert {"dangling-row", "dangling-index"} <= {p["kind"] for p in report["fixed"]}


def test_repair_does_not_rebuild_over_a_torn_warc(archive: Path) -> None:
    test_a_torn_member_in_the_middle_is_corrupt_and_the_rest_still_checked(archive)
    sorted((archive / "indexes" / "demo").glob("*.cdxj"))[0].unlink()
    warcs = {p: p.read_bytes() for p in warc_files(archive)}
    result, report = verify(archive, "--repair")
    assert result.exit_code == 1
    (failure,) = report["failures"]
    assert "not rebuilt" in failure and "restore it from a copy" in failure
    assert "corrupt" in {p["kind"] for p in report["not_fixed"]}
    assert {p: p.read_bytes() for p in warc_files(archive)} == warcs


def test_repair_waits_for_no_crawl(archive: Path) -> None:
    sorted((archive / "indexes" / "demo").glob("*.cdxj"))[0].unlink()
    with acquire_site_lock(archive, "demo"):  # as a running crawl holds it
        result = run_archiver("verify", "--archive", str(archive), "--repair")
    assert result.returncode == 1, result.stderr
    assert "cannot repair" in result.stderr
    assert f"is in use: demo (pid {os.getpid()}" in result.stderr
    _, report = verify(archive)
    assert kinds(report) == {"missing-index"}  # nothing was done


def test_repair_after_losing_an_original_leaves_no_state_naming_it(tmp_path: Path) -> None:
    """A revisit in one file, its original in a file that is then lost: the rebuilt URL state
    must not name the lost record (the next crawl fetches the page whole again)."""
    url = "http://example.com/story"
    archive = SiteArchive(tmp_path, "unit", warcinfo={"software": "test"}, max_warc_size=1)
    first = archive.record_fetch(html_exchange(url), state_url=url)
    story = ExtractedArticle(is_article=True, title="Story", description=None, text="Text.")
    archive.store_article(story, response=first.record, url=url, http_status=200)
    second = archive.record_fetch(html_exchange(url), state_url=url)
    archive.close()
    assert second.revisit == "identical-payload-digest"
    assert first.record.warc_file != second.record.warc_file
    (tmp_path / "warc" / "unit" / first.record.warc_file).unlink()
    result, report = verify(tmp_path, "--repair")
    assert result.exit_code == 1  # the document's record is lost: only a copy brings it back
    assert {p["kind"] for p in report["not_fixed"]} == {"missing-warc"}
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        state = catalog.url_state(url)
        assert catalog.last_response(url) is None  # no original: the next fetch is whole
    assert state is not None and state.record_id is None


def test_a_warc_compressed_as_one_gzip_stream_is_a_bad_record(archive: Path) -> None:
    path = warc_files(archive)[0]
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())))
    result, report = verify(archive)
    assert result.exit_code == 1
    problem = next(p for p in problems_of(report, "bad-record") if p["path"].endswith(path.name))
    assert problem["where"] == "offset 0"
    assert "holds more than one record" in problem["reason"]


def test_repair_does_not_cut_good_records_off_a_damaged_open_file(archive: Path) -> None:
    path = warc_files(archive)[-1]
    data = bytearray(path.read_bytes())
    offset, _, _, _ = records(path)[1]
    for i in range(offset + 20, offset + 60):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    open_path = kill_mid_write(path)
    damaged = open_path.read_bytes()

    result, report = verify(archive, "--repair")
    assert result.exit_code == 1
    assert report["before"]["keep_open"] == [open_path.relative_to(archive).as_posix()]
    assert any("were not closed" in f for f in report["failures"])
    assert open_path.read_bytes() == damaged
    assert {"left-open", "corrupt"} <= {p["kind"] for p in report["not_fixed"]}


def test_a_deleted_catalog_is_found_and_rebuilt(archive: Path) -> None:
    (archive / "catalog.sqlite").unlink()
    result, report = verify(archive)
    assert result.exit_code == 1
    assert kinds(report) == {"catalog"}
    result, repaired = verify(archive, "--repair")
    assert result.exit_code == 0, result.output
    assert [p["kind"] for p in repaired["fixed"]] == ["catalog"]
    assert repaired["after"]["checked"]["catalog_rows"] > 0
