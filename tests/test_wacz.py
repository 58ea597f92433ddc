"""`archiver export --wacz`: a WACZ 1.1.1 package that `wacz validate` accepts."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from tests.crawling import crawl_config
from tests.support import (
    article_documents,
    demo_config,
    run_archiver,
    tool,
    warc_files,
)


@pytest.fixture(scope="module")
def export(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A crawl of the demo site (two WARC files; in this process), exported as one WACZ."""
    tmp = tmp_path_factory.mktemp("wacz")
    archive = tmp / "archive"
    config = demo_config(demo_site, tmp / "demo.yaml")
    crawl = crawl_config(config, archive, warc_max_size=150000)
    assert crawl.failure() is None, crawl.render()
    out = tmp / "out" / "demo.wacz"
    result = run_archiver("export", "--wacz", str(out), "--site", "demo", "--archive", str(archive))
    return {"archive": archive, "out": out, "result": result}


def _member(wacz: Path, name: str) -> bytes:
    with zipfile.ZipFile(wacz) as zf:
        return zf.read(name)


def test_export_exits_zero_with_a_summary_line(export: dict[str, Any]) -> None:
    result = export["result"]
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    files = len(warc_files(export["archive"]))
    assert files >= 2
    assert f"{files} WARC file(s)" in result.stderr and "pages" in result.stderr
    assert [p.name for p in export["out"].parent.iterdir()] == ["demo.wacz"]  # no temp file left


def test_wacz_validate_accepts_it(export: dict[str, Any]) -> None:
    check = subprocess.run(
        [tool("wacz"), "validate", "-f", str(export["out"])], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout


def test_warc_files_are_stored_unchanged_and_listed_with_their_hashes(
    export: dict[str, Any],
) -> None:
    package = json.loads(_member(export["out"], "datapackage.json"))
    assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
    assert package["software"].startswith("archiver/") and package["created"].endswith("Z")
    resources = {r["path"]: r for r in package["resources"]}
    with zipfile.ZipFile(export["out"]) as zf:
        for warc in warc_files(export["archive"]):
            info = zf.getinfo(f"archive/{warc.name}")
            assert info.compress_type == zipfile.ZIP_STORED
            assert zf.read(info) == warc.read_bytes()
        names = set(zf.namelist())
        for path, resource in resources.items():
            data = zf.read(path)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
    assert names - set(resources) == {"datapackage.json", "datapackage-digest.json"}
    digest = json.loads(_member(export["out"], "datapackage-digest.json"))
    package_hash = hashlib.sha256(_member(export["out"], "datapackage.json")).hexdigest()
    assert digest == {"path": "datapackage.json", "hash": f"sha256:{package_hash}"}


def test_the_index_lists_every_response_and_revisit(export: dict[str, Any]) -> None:
    lines = _member(export["out"], "indexes/index.cdxj").decode().splitlines()
    assert lines == sorted(lines)
    indexed = set()
    for line in lines:
        fields = json.loads(line.split(" ", 2)[2])
        indexed.add((fields["filename"], int(fields["offset"]), fields["url"]))
    expected = set()
    for warc in warc_files(export["archive"]):
        with warc.open("rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                if record.rec_type in ("response", "revisit"):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    expected.add((warc.name, iterator.get_record_offset(), url))
    assert indexed == expected
    assert len(expected) > 30


def test_pages_list_every_article_with_its_title(export: dict[str, Any]) -> None:
    header, *pages = (
        json.loads(line) for line in _member(export["out"], "pages/pages.jsonl").splitlines()
    )
    assert header["format"] == "json-pages-1.0" and header["id"] == "pages" and header["title"]
    docs = article_documents(export["archive"])
    assert docs
    expected = {(d["id"], d["url"], d["fetched_at"], d["title"]) for d in docs}
    assert {(p["id"], p["url"], p["ts"], p["title"]) for p in pages} == expected
    assert len(pages) == len(expected)
    assert all("text" not in p for p in pages)


def test_open_files_are_left_out_and_missing_indexes_made(
    export: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(export["archive"], archive)
    shutil.rmtree(archive / "indexes")
    first = warc_files(archive)[0]
    opened = first.with_name("demo-20990101000000-00001.warc.gz.open")
    shutil.copy(first, opened)
    out = tmp_path / "all.wacz"
    with open(opened, "rb") as writing:  # a live writer's lock: a file being written
        fcntl.flock(writing.fileno(), fcntl.LOCK_EX)
        result = CliRunner().invoke(cli, ["export", "--wacz", str(out), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"left out 1 WARC file(s) still being written: {opened.name}" in result.output
    assert opened.exists()
    with zipfile.ZipFile(out) as zf:
        archived = sorted(n for n in zf.namelist() if n.startswith("archive/"))
    assert archived == [f"archive/{p.name}" for p in warc_files(archive)]
    index = "indexes/index.cdxj"
    assert _member(out, index) == _member(export["out"], index)


def test_nothing_to_export_exits_1(export: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "x.wacz"
    other = runner.invoke(
        cli, ["export", "--wacz", str(out), "--site", "nope", "--archive", str(export["archive"])]
    )
    assert other.exit_code == 1 and "nope" in other.output
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(cli, ["export", "--wacz", str(out), "--archive", str(tmp_path / "empty")])
    assert empty.exit_code == 1 and "no closed WARC file" in empty.output
    assert not out.exists()


def test_a_wacz_file_name_is_required(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--wacz", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and ".wacz" in result.output


def test_export_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert "archiver export --wacz" in result.output
