"""`archiver reindex --from DIR...`: worker archives merged into one that replay, search,
versions, verify and WACZ export use as they use a single-machine archive."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver.jobs import merge
from archiver.replay.urls import timestamp14
from archiver.store.cdxj import CdxjIndex
from tests.crawling import crawl_config
from tests.support import article_documents, demo_config, replay_process, run_archiver, tool
from tests.test_replay import get

ALL_SECTIONS = "(?:news|business|culture)"


@pytest.fixture(scope="module")
def workers(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two worker archives of the demo site: one archived the news stories, the other the
    business and culture ones; both walked every section page, feed and sitemap."""
    tmp = tmp_path_factory.mktemp("merge")
    found = {"tmp": tmp}
    for name, sections in (("worker-1", "(?:news)"), ("worker-2", "(?:business|culture)")):
        config = demo_config(demo_site, tmp / f"{name}.yaml", {ALL_SECTIONS: sections})
        # Named apart, as archives made on two machines should be (else a same-second start
        # gives both a file of one name: a conflict, which has a test of its own).
        summary = crawl_config(config, tmp / name, f"ARCHIVER_WARC_PREFIX=demo-{name}")
        assert summary.failure() is None, summary.render()
        found[name] = tmp / name
    return found


@pytest.fixture(scope="module")
def merged(workers: dict[str, Path]) -> dict[str, Any]:
    """The two worker archives merged into a new one with the command, twice."""
    target = workers["tmp"] / "merged"
    before = {name: _listing(workers[name]) for name in ("worker-1", "worker-2")}
    args = ["reindex", "--archive", str(target)]
    args += ["--from", str(workers["worker-1"]), "--from", str(workers["worker-2"])]
    first = run_archiver(*args)
    files = _listing(target, ("warc", "articles", "sections"))
    rows = _article_rows(target)
    again = run_archiver(*args)
    return {
        "archive": target,
        "first": first,
        "again": again,
        "before": before,
        "files": files,
        "rows": rows,
    }


def _listing(root: Path, parts: tuple[str, ...] = ()) -> dict[str, tuple[str, int]]:
    """Every file under root (or under root/<part>): sha256 and mtime."""
    tops = [root / p for p in parts] if parts else [root]
    return {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for top in tops
        for path in sorted(top.rglob("*"))
        if path.is_file()
    }


def _article_rows(archive: Path) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(archive / "catalog.sqlite")
    try:
        sql = "SELECT id, version, json_path, fetched_at FROM articles ORDER BY id, version"
        return list(db.execute(sql))
    finally:
        db.close()


def _ids(archive: Path) -> set[str]:
    return {d["id"] for d in article_documents(archive) if d.get("is_article", True)}


def test_merge_exits_zero_and_says_what_it_brought(
    merged: dict[str, Any], workers: dict[str, Path]
) -> None:
    result = merged["first"]
    assert result.returncode == 0, result.stderr
    for name in ("worker-1", "worker-2"):
        assert f"from {workers[name]}: " in result.stderr
    assert "hard-linked" in result.stderr and "conflict" not in result.stderr
    assert "catalog and indexes rebuilt" in result.stderr


def test_one_catalog_holds_every_article_of_both_workers(
    merged: dict[str, Any], workers: dict[str, Path]
) -> None:
    one, two = _ids(workers["worker-1"]), _ids(workers["worker-2"])
    assert one and two and not (one & two)  # the split worked: each archived its own
    catalogued = {row[0] for row in merged["rows"]}
    assert one | two <= catalogued
    listed = run_archiver("list", "--archive", str(merged["archive"]), "--json", "--limit", "999")
    assert listed.returncode == 0, listed.stderr
    assert {json.loads(line)["id"] for line in listed.stdout.splitlines()} == one | two


def test_sources_are_left_as_they_were_and_files_are_linked(
    merged: dict[str, Any], workers: dict[str, Path]
) -> None:
    for name in ("worker-1", "worker-2"):
        assert _listing(workers[name]) == merged["before"][name]
        for warc in (workers[name] / "warc" / "demo").glob("*.warc.gz"):
            there = merged["archive"] / "warc" / "demo" / warc.name
            assert there.samefile(warc)  # one filesystem: hard-linked, not copied


def test_search_finds_articles_of_both_workers(
    merged: dict[str, Any], workers: dict[str, Path]
) -> None:
    for name in ("worker-1", "worker-2"):
        doc = max(article_documents(workers[name]), key=lambda d: len(d["title"] or ""))
        word = max(doc["title"].split(), key=len).strip(".,:;'\"!?")
        found = run_archiver("search", word, "--archive", str(merged["archive"]), "--json")
        assert found.returncode == 0, found.stderr
        assert doc["id"] in {json.loads(line)["id"] for line in found.stdout.splitlines()}


def test_replay_serves_captures_of_both_workers(
    merged: dict[str, Any], workers: dict[str, Path]
) -> None:
    port_file = workers["tmp"] / "replay.port"
    with replay_process(merged["archive"], port_file) as (_, base):
        for name in ("worker-1", "worker-2"):
            doc = article_documents(workers[name])[0]
            status, _, body = get(f"{base}/demo/{timestamp14(doc['fetched_at'])}/{doc['url']}")
            assert status == 200
            assert doc["title"].split()[0].encode() in body
            status, _, body = get(f"{base}/article/{doc['id']}")
            assert status == 200


def test_each_index_entry_is_listed_once(merged: dict[str, Any]) -> None:
    index = CdxjIndex(merged["archive"])
    section = next((merged["archive"] / "sections").rglob("*.json"))
    url = json.loads(section.read_text())["url"]
    captures = index.captures(url)
    # Both workers fetched the section page: two captures, from two WARC files, none twice.
    assert len({(c.filename, c.offset) for c in captures}) == len(captures) >= 2


def test_the_merged_archive_verifies(merged: dict[str, Any]) -> None:
    result = run_archiver("verify", "--archive", str(merged["archive"]))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_merged_archive_exports_a_valid_wacz(merged: dict[str, Any]) -> None:
    out = merged["archive"].parent / "merged.wacz"
    result = run_archiver("export", "--wacz", str(out), "--archive", str(merged["archive"]))
    assert result.returncode == 0, result.stderr
    check = subprocess.run([tool("wacz"), "validate", "-f", str(out)], capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_merging_again_changes_nothing(merged: dict[str, Any]) -> None:
    again = merged["again"]
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("0 file(s) brought over") == 2
    assert _listing(merged["archive"], ("warc", "articles", "sections")) == merged["files"]
    assert _article_rows(merged["archive"]) == merged["rows"]


def _rename_warc(archive: Path, old: str, new: str) -> None:
    """Rename one WARC file of an archive, and the documents naming it, as if it had been
    written under the new name (its stale index and catalog dropped)."""
    warcs = archive / "warc" / "demo"
    (warcs / old).rename(warcs / new)
    for doc_path in [
        *(archive / "articles").rglob("*.json"),
        *(archive / "sections").rglob("*.json"),
    ]:
        doc = json.loads(doc_path.read_text(encoding="utf-8"))
        holder = doc.get("provenance", doc)
        if holder["warc_file"] == old:
            holder["warc_file"] = new
            text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
            doc_path.write_text(text, encoding="utf-8")
    shutil.rmtree(archive / "indexes")
    (archive / "catalog.sqlite").unlink()


def test_a_warc_file_name_both_workers_used_keeps_both(
    workers: dict[str, Path], tmp_path: Path
) -> None:
    # Worker 2 started in the same second as worker 1 (names without host and pid).
    twin = tmp_path / "worker-2"
    shutil.copytree(workers["worker-2"], twin)
    taken = sorted((workers["worker-1"] / "warc" / "demo").glob("*.warc.gz"))[0].name
    ours = sorted((twin / "warc" / "demo").glob("*.warc.gz"))[0].name
    _rename_warc(twin, ours, taken)
    target = tmp_path / "merged"
    args = ["reindex", "--archive", str(target), "--from", str(workers["worker-1"])]
    result = run_archiver(*args, "--from", str(twin))
    assert result.returncode == 0, result.stderr
    kept = [p.name for p in (target / "warc" / "demo").glob("*~*.warc.gz")]
    assert len(kept) == 1
    assert f"conflict: warc/demo/{taken} is in the archive with other bytes" in result.stderr
    assert f"the incoming one as warc/demo/{kept[0]}" in result.stderr
    assert (target / "warc" / "demo" / taken).samefile(workers["worker-1"] / "warc/demo" / taken)
    assert (target / "warc" / "demo" / kept[0]).read_bytes() == (
        twin / "warc" / "demo" / taken
    ).read_bytes()
    # Worker 2's documents name the file where it now is; every article of both is there.
    doc = article_documents(twin)[0]
    assert doc["provenance"]["warc_file"] == taken
    assert _ids(target) == _ids(workers["worker-1"]) | _ids(twin)
    moved = [d for d in article_documents(target) if d["id"] == doc["id"]]
    assert [d["provenance"]["warc_file"] for d in moved] == [kept[0]]
    capture = CdxjIndex(target).closest(doc["url"], timestamp14(doc["fetched_at"]))
    assert capture is not None and capture.filename == kept[0]
    verified = run_archiver("verify", "--archive", str(target))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    files = _listing(target, ("warc", "articles", "sections"))
    again = run_archiver(*args, "--from", str(twin))
    assert again.returncode == 0, again.stderr
    assert "conflict" not in again.stderr
    assert _listing(target, ("warc", "articles", "sections")) == files


def test_two_documents_of_one_id_and_version_are_both_catalogued(
    workers: dict[str, Path], tmp_path: Path
) -> None:
    # Another worker, sharing no state, archived the same article a little later as version 1.
    path = sorted((workers["worker-1"] / "articles").rglob("*.json"))[0]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == 1
    fetched = datetime.fromisoformat(doc["fetched_at"].replace("Z", "+00:00"))
    later = (fetched + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert len(later) == len(doc["fetched_at"])
    other = tmp_path / "worker-3"
    rel = path.relative_to(workers["worker-1"])
    (other / rel).parent.mkdir(parents=True)
    twin = {**doc, "title": "The twin, as worker 3 saw it", "fetched_at": later}
    (other / rel).write_text(json.dumps(twin, ensure_ascii=False, indent=2) + "\n")
    target = tmp_path / "merged"
    result = run_archiver(
        "reindex",
        "--archive",
        str(target),
        "--from",
        str(workers["worker-1"]),
        "--from",
        str(other),
    )
    assert result.returncode == 0, result.stderr
    assert f"conflict: {rel.as_posix()} is in the archive with other bytes" in result.stderr
    assert f"version 1 of {doc['id']} is catalogued as version 2" in result.stderr
    rows = [r for r in _article_rows(target) if r[0] == doc["id"]]
    assert [(r[1], r[3]) for r in rows] == [(1, doc["fetched_at"]), (2, later)]
    assert rows[0][2] == rel.as_posix() and "~" in rows[1][2]
    newest = run_archiver("show", doc["id"], "--archive", str(target))
    assert json.loads(newest.stdout)["title"] == twin["title"]
    first = run_archiver("show", doc["id"], "--version", "1", "--archive", str(target))
    assert json.loads(first.stdout)["title"] == doc["title"]
    verified = run_archiver("verify", "--archive", str(target))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_warc_file_still_open_is_left_out_with_its_documents(
    workers: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "still-writing"
    shutil.copytree(workers["worker-2"], source)
    warcs = source / "warc" / "demo"
    name = sorted(warcs.glob("*.warc.gz"))[0].name
    (warcs / name).rename(warcs / f"{name}.open")
    before = _listing(source)
    target = tmp_path / "merged"
    result = run_archiver("reindex", "--archive", str(target), "--from", str(source))
    assert result.returncode == 1
    assert f"left out {warcs / name}.open: still being written or left by a killed run" in (
        result.stderr
    )
    assert "run `archiver reindex` in that directory first" in result.stderr
    assert not (target / "warc" / "demo" / name).exists()
    assert not list(target.rglob("*.open"))
    named = [d for d in article_documents(source) if d["provenance"]["warc_file"] == name]
    assert named and not {d["id"] for d in named} & _ids(target)
    assert _listing(source) == before
    verified = run_archiver("verify", "--archive", str(target))
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_a_source_that_is_no_archive_exits_2_naming_it(make: str, tmp_path: Path) -> None:
    source = tmp_path / "nothing-here"
    if make == "empty":
        source.mkdir()
    target = tmp_path / "merged"
    result = run_archiver("reindex", "--archive", str(target), "--from", str(source))
    assert result.returncode == 2
    assert str(source) in result.stderr
    assert not target.exists()


def test_without_hard_links_files_are_copied_whole_and_atomically(
    workers: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As onto another filesystem: os.link of a source file fails there with EXDEV.
    monkeypatch.setattr(merge, "_link", lambda source, dest: False)
    target = tmp_path / "merged"
    result = merge.merge_archives(target, [workers["worker-1"]])
    (done,) = result.sources
    assert done.copied > 0 and done.linked == 0 and not done.conflicts
    source = _listing(workers["worker-1"], ("warc", "articles", "sections"))
    copied = _listing(target, ("warc", "articles", "sections"))
    assert {k: v[0] for k, v in copied.items()} == {k: v[0] for k, v in source.items()}
    for rel in source:
        assert not (target / rel).samefile(workers["worker-1"] / rel)
    assert not [p for p in target.rglob("*") if p.name.endswith(".merging")]
    assert result.reindexed.articles == len(article_documents(workers["worker-1"]))
