"""`archiver export` of article documents: formats, versions, the output file, unreadable
documents, and `--wacz` beside it."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.fsutil import atomic_text_file
from archiver.jobs.export import CSV_COLUMNS, TXT_SEPARATOR
from tests.synthetic_archive import A, B, C, D, build


@pytest.fixture
def root(tmp_path: Path) -> Path:
    archive = tmp_path / "archive"
    build(archive)
    return archive


def export(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["export", "--archive", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def stored(root: Path) -> dict[tuple[str, int], dict[str, object]]:
    """Every document in the archive's files, by (id, version)."""
    docs = [json.loads(p.read_text("utf-8")) for p in (root / "articles").rglob("*.json")]
    return {(d["id"], d["version"]): d for d in docs}


def test_jsonl_is_each_newest_document_as_stored_once(root: Path) -> None:
    code, out, err = export(root)
    assert code == 0, err
    lines = out.splitlines()
    exported = [json.loads(line) for line in lines]
    docs = stored(root)
    assert exported == [docs[(A, 2)], docs[(B, 1)], docs[(C, 1)]]  # id order
    assert (D, 1) in docs  # the page that is not an article is left out
    assert "3 article(s) exported" in err


def test_all_versions_gives_each_version_once(root: Path) -> None:
    code, out, _ = export(root, "--all-versions")
    assert code == 0
    keys = [(d["id"], d["version"]) for d in map(json.loads, out.splitlines())]
    assert keys == [(A, 1), (A, 2), (B, 1), (C, 1)]
    code, out, _ = export(root, "--all-versions", "--changed", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["version"]) for r in rows] == [(A, "1"), (A, "2")]


def test_csv_has_the_documented_columns_and_keeps_the_text_whole(root: Path) -> None:
    code, out, _ = export(root, "--format", "csv")
    assert code == 0
    reader = csv.reader(io.StringIO(out, newline=""))
    header = next(reader)
    assert tuple(header) == CSV_COLUMNS
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    docs = stored(root)
    assert [r["id"] for r in rows] == [A, B, C]
    first = rows[0]
    assert first["text"] == docs[(A, 2)]["text"]  # line breaks, quotes and commas survive
    assert "\n\n" in first["text"]
    assert first["authors"] == "Jane Müller"
    assert first["published"] == "2026-11-20T10:00:00+02:00"
    assert rows[1]["published"] == ""  # null is empty


def test_txt_and_md_blocks(root: Path) -> None:
    code, out, _ = export(root, "--format", "txt", "--lang", "de")
    assert code == 0
    block, rest = out.split(TXT_SEPARATOR + "\n")
    assert rest == ""
    head, text = block.split("\n\n", 1)
    assert head.splitlines()[0] == f"Harbour story {B}"
    assert "authors: Tom Field" in head and "captured: 2026-11-25T12:00:00Z" in head
    assert text.strip() == "Der Hafen (harbour)."
    code, out, _ = export(root, "--format", "md", "--changed")
    assert out.startswith("# Harbour, edited\n\n- **id**: " + A)
    assert out.count("\n---\n") == 1


def test_output_file_is_written_whole_or_not_at_all(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "corpus.jsonl"
    code, out, err = export(root, "-o", str(target))
    assert code == 0 and out == ""
    assert f"3 article(s) exported to {target}" in err
    assert len(target.read_text("utf-8").splitlines()) == 3
    assert os.listdir(target.parent) == ["corpus.jsonl"]  # no temp file left

    target.write_text("the previous export\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_text_file(target) as fh:
        fh.write("half of a new one")
        raise RuntimeError("interrupted")
    assert target.read_text("utf-8") == "the previous export\n"
    assert os.listdir(target.parent) == ["corpus.jsonl"]


def test_an_unreadable_document_is_skipped_counted_and_exit_1(root: Path) -> None:
    (path,) = [p for p in (root / "articles").rglob(f"{C}.v1.json")]
    path.write_text("{ not json", encoding="utf-8")
    code, out, err = export(root)
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == [A, B]
    assert "2 article(s) exported; 1 document(s) could not be read" in err
    assert path.relative_to(root).as_posix() in err


def test_wacz_is_still_exported_and_refuses_document_options(root: Path, tmp_path: Path) -> None:
    code, _, err = export(root, "--wacz", str(tmp_path / "x.wacz"), "--format", "csv")
    assert code == 2 and "not with --format" in err
    code, _, err = export(root, "--wacz", str(tmp_path / "x.wacz"), "--lang", "de")
    assert code == 2 and "filters other than one --site" in err
    code, _, err = export(root, "--wacz", str(tmp_path / "x.wacz"))
    assert code == 1 and "no closed WARC file" in err  # this archive has documents only


def test_unknown_format_is_a_usage_error(root: Path) -> None:
    code, _, err = export(root, "--format", "xml")
    assert code == 2 and "'--format'" in err
