"""Re-crawling a site that changed: only what must be fetched is, and every change is kept.

A copy of the demo site is crawled, then changed (a new story, an edited story, a removed one,
one redirected to the front page, a broken feed) and crawled again after the recapture step.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.store.document import SNAPSHOT_SCHEMA_PATH
from tests.crawling import crawl_config
from tests.support import REPO, demo_config, demo_server, manifest, run_archiver, tool, warc_files

SITE = REPO / "archiver" / "demo_site" / "site"
EDITED = "/news/2026/11/24/marsh-lane-library-stays-open"
REMOVED = "/news/2026/11/23/lifeboat-rescues-kayakers-gull-rock"
HOMED = "/business/2026/11/22/kittiwake-winter-sailings"
TEMPLATE = "/news/2026/11/25/harbour-wall-repairs-approved"
NEW = "/news/2026/11/27/ferry-timetable-extended"
NEW_TITLE = "Winter ferry timetable extended to Sundays"
EDITED_TITLE = "Marsh Lane library saved for five more years"
STEP_SECONDS = 2
FROM_CAPTURE = "recapture_from: first_capture"


def _article(path: str) -> dict[str, Any]:
    return next(a for a in manifest()["articles"] if a["path"] == path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def change_site(root: Path, manifest_path: Path) -> None:
    """A new story on the news front, one edited, one removed, one sent home, a broken feed."""
    edited = _article(EDITED)
    _edit(root / f"{EDITED[1:]}.html", edited["title"], EDITED_TITLE)
    _edit(
        root / f"{EDITED[1:]}.html", edited["body_sample"], "CORRECTION: " + edited["body_sample"]
    )
    (root / f"{REMOVED[1:]}.html").unlink()
    template = _article(TEMPLATE)
    new_file = root / f"{NEW[1:]}.html"
    new_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / f"{TEMPLATE[1:]}.html", new_file)
    _edit(new_file, TEMPLATE, NEW)
    _edit(new_file, template["title"], NEW_TITLE)
    _edit(
        root / "news" / "index.html",
        f'<a class="teaser-image" href="{TEMPLATE}"',
        f'<h2 class="teaser-title"><a href="{NEW}">{NEW_TITLE}</a></h2>\n'
        f'<a class="teaser-image" href="{TEMPLATE}"',
    )
    (root / "culture" / "atom.xml").write_text("<html><body>Maintenance</body></html>")
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    data["redirects"].append({"from": HOMED, "to": "/", "status": 301})
    manifest_path.write_text(json.dumps(data), encoding="utf-8")


def crawl_json(config: Path, archive: Path) -> dict[str, Any]:
    """The summary `archiver crawl --json` prints, of a crawl run in this process."""
    summary = crawl_config(config, archive)
    assert summary.failure() is None, summary.render()
    result: dict[str, Any] = json.loads(json.dumps(summary.to_dict()))
    return result


def _rows(archive: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("incremental")
    root = tmp / "site"
    shutil.copytree(SITE, root)
    manifest_path = tmp / "manifest.json"
    manifest_path.write_text(json.dumps(manifest()), encoding="utf-8")
    serve = ("--root", str(root), "--manifest", str(manifest_path))
    archive = tmp / "archive"
    with demo_server(tmp, *serve) as base_url:
        config = demo_config(
            base_url,
            tmp / "demo.yaml",
            {"recapture: [1h, 24h, 7d]": f"recapture: [{STEP_SECONDS}s]\n  {FROM_CAPTURE}"},
        )
        first = crawl_json(config, archive)
        first_done = time.monotonic()
        captured = _rows(archive, "SELECT url FROM url_state WHERE first_captured IS NOT NULL")
        between = _rows(archive, "SELECT MAX(date) FROM captures")[0][0]
        records_first = {p.name for p in warc_files(archive)}
    port = int(base_url.rsplit(":", 1)[1])
    change_site(root, manifest_path)
    with demo_server(tmp, *serve, port=port):
        time.sleep(max(0.0, STEP_SECONDS + 0.5 - (time.monotonic() - first_done)))
        second = crawl_json(config, archive)
        # Right after: the same site with steps that are not due yet.
        later = demo_config(
            base_url,
            tmp / "demo-later.yaml",
            {"recapture: [1h, 24h, 7d]": f"recapture: [1h]\n  {FROM_CAPTURE}"},
        )
        third = crawl_json(later, archive)
    # Kept beside the archive for a look when a test fails.
    (tmp / "summaries.json").write_text(json.dumps([first, second, third], indent=2))
    yield {
        "archive": archive,
        "base": base_url,
        "first": first,
        "second": second,
        "third": third,
        "captured_first": [u for (u,) in captured],
        "between": between,
        "first_files": records_first,
        "tmp": tmp,
    }


def second_run_records(runs: dict[str, Any]) -> list[Any]:
    """(type, uri, status, headers) of the records the second run wrote."""
    found = []
    for path in warc_files(runs["archive"]):
        if path.name in runs["first_files"]:
            continue
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    status = (
                        int(record.http_headers.get_statuscode()) if record.http_headers else None
                    )
                    found.append((record.rec_type, record.rec_headers, status))
    return found


def test_second_run_fetches_only_what_it_must(runs: dict[str, Any]) -> None:
    first, second = runs["first"]["requests_by_kind"], runs["second"]["requests_by_kind"]
    never_captured = len(manifest()["missing_paths"]) + len(manifest()["error_paths"])
    # Sources are read on every run.
    for kind, count in (("section", 9), ("feed", 2), ("sitemap", 1)):
        assert first[kind] == second[kind] == count, kind
    # Run 2: the new story and the pages that never answered 200 are new; every archived URL
    # (its recapture step has passed) is asked for again, conditionally; nothing else.
    assert second["article-new"] == 1 + never_captured
    assert second["article-recapture"] == len(runs["captured_first"])
    assert "article-retry" not in second
    assert first["article-new"] == len(runs["captured_first"]) + never_captured


def test_unchanged_pages_cost_headers_only(runs: dict[str, Any]) -> None:
    first, second = runs["first"], runs["second"]
    unchanged = second["revisits"]["server-not-modified"]
    # Every recaptured URL but the edited, removed and front-page-redirected ones answered 304.
    assert unchanged == len(runs["captured_first"]) - 3
    assert second["articles_not_modified"] == unchanged
    # Re-asking for all of them still costs well under half of the first crawl.
    assert second["warc_bytes"] < first["warc_bytes"] / 2


def test_a_run_with_nothing_due_reads_only_the_sources(runs: dict[str, Any]) -> None:
    first, third = runs["first"], runs["third"]
    never_captured = len(manifest()["missing_paths"]) + len(manifest()["error_paths"])
    assert third["requests_by_kind"].get("article-recapture", 0) == 0
    assert third["requests_by_kind"]["article-new"] == never_captured
    assert third["articles_skipped"]["not-due"] > 0
    assert third["failure"] is None
    assert third["warc_bytes"] < first["warc_bytes"] / 8


def test_unchanged_pages_are_revisits_that_resolve_in_the_index(runs: dict[str, Any]) -> None:
    archive = runs["archive"]
    lines = []
    for path in warc_files(archive):
        out = subprocess.run(
            [tool("cdxj-indexer"), str(path)], capture_output=True, text=True, check=True
        )
        lines += [
            json.loads(line.split(" ", 2)[2]) | {"key": line.split(" ")[0]}
            for line in out.stdout.splitlines()
            if line.strip()
        ]
    originals = {(x["key"], x.get("digest")) for x in lines if x.get("mime") != "warc/revisit"}
    revisits = [x for x in lines if x.get("mime") == "warc/revisit"]
    assert len(revisits) >= runs["second"]["revisits"]["server-not-modified"]
    for line in revisits:
        assert (line["key"], line["digest"]) in originals, line
    # And each revisit names its original: same URL (or the redirect target) and date.
    by_id = {}
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                by_id[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_headers
    for rec_type, headers, _ in second_run_records(runs):
        if rec_type != "revisit":
            continue
        original = by_id[headers.get_header("WARC-Refers-To")]
        assert original.get_header("WARC-Type") == "response"
        assert original.get_header("WARC-Target-URI") == headers.get_header(
            "WARC-Refers-To-Target-URI"
        )
        assert original.get_header("WARC-Date") == headers.get_header("WARC-Refers-To-Date")
        assert original.get_header("WARC-Payload-Digest") == headers.get_header(
            "WARC-Payload-Digest"
        )


def test_warc_files_still_pass_warcio_check(runs: dict[str, Any]) -> None:
    for path in warc_files(runs["archive"]):
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_edited_article_gets_version_two_with_its_changes(runs: dict[str, Any]) -> None:
    archive = runs["archive"]
    docs = [json.loads(p.read_text()) for p in (archive / "articles").rglob("*.json")]
    edited = sorted((d for d in docs if d["url"].endswith(EDITED)), key=lambda d: d["version"])
    assert [d["version"] for d in edited] == [1, 2]
    v1, v2 = edited
    assert v2["title"] == EDITED_TITLE and v1["title"] == _article(EDITED)["title"]
    assert v2["changes"]["fields"] == ["title", "text"]
    assert v2["changes"]["previous_version"] == 1
    assert v2["changes"]["previous_fetched_at"] == v1["fetched_at"]
    diff = v2["changes"]["diff"]
    assert f"-{v1['title']}" in diff and f"+{EDITED_TITLE}" in diff
    assert "+CORRECTION: " in diff
    assert v1["changes"] is None
    # The other archived stories got no new document; the new one got its first.
    assert runs["second"]["articles_changed"] == 1
    assert runs["second"]["articles_written"] == 1
    new = [d for d in docs if d["url"].endswith(NEW)]
    assert [(d["version"], d["title"]) for d in new] == [(1, NEW_TITLE)]
    assert len(docs) == len(manifest()["articles"]) + 2


def test_takedowns_are_recorded(runs: dict[str, Any]) -> None:
    events = _rows(runs["archive"], "SELECT kind, url, status, detail, article_id FROM events")
    by_path = {url.split(":", 2)[2].split("/", 1)[1]: e for e in events for url in [e[1]]}
    assert sorted(by_path) == sorted([REMOVED[1:], HOMED[1:]])
    assert by_path[REMOVED[1:]][:1] + by_path[REMOVED[1:]][2:4] == ("takedown", 404, "HTTP 404")
    homed = by_path[HOMED[1:]]
    assert homed[0] == "takedown" and homed[2] == 301 and "redirect to" in homed[3]
    assert all(e[4] for e in events), "a takedown names the archived article"
    assert runs["second"]["takedowns"] == 2
    # The earlier captures are untouched: their documents are still there.
    docs = [json.loads(p.read_text()) for p in (runs["archive"] / "articles").rglob("*.json")]
    assert any(d["url"].endswith(REMOVED) for d in docs)


def test_a_broken_feed_is_counted_and_the_crawl_goes_on(runs: dict[str, Any]) -> None:
    second = runs["second"]
    assert second["sources_broken"] == {"feed/not-a-feed": 1}
    assert second["failure"] is None
    assert second["sources_fetched"]["feed"] == 1


def test_sections_show_what_was_listed_when(runs: dict[str, Any]) -> None:
    archive, base = runs["archive"], runs["base"]
    before = run_archiver(
        "sections",
        "demo",
        "--archive",
        str(archive),
        "--section",
        "news",
        "--at",
        runs["between"],
        "--json",
    )
    now = run_archiver("sections", "demo", "--archive", str(archive), "--section", "news", "--json")
    assert before.returncode == 0 and now.returncode == 0, before.stderr + now.stderr
    front = {row["source_url"]: row for row in json.loads(before.stdout)}[f"{base}/news/"]
    latest = {row["source_url"]: row for row in json.loads(now.stdout)}[f"{base}/news/"]
    assert f"{base}{NEW}" not in front["urls"]
    assert latest["urls"][0] == f"{base}{NEW}"
    assert latest["urls"][1:] == front["urls"]
    assert latest["fetched_at"] > front["fetched_at"]
    files = list((archive / "sections" / "demo").rglob("*.json"))
    schema = json.loads(SNAPSHOT_SCHEMA_PATH.read_text(encoding="utf-8"))
    for path in files:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)
    runs_ = (runs["first"], runs["second"], runs["third"])
    assert len(files) == sum(r["snapshots"] for r in runs_)


def test_history_shows_versions_fetches_and_takedowns(runs: dict[str, Any]) -> None:
    archive = runs["archive"]
    docs = [json.loads(p.read_text()) for p in (archive / "articles").rglob("*.json")]
    ids = {
        path: next(d["id"] for d in docs if d["url"].endswith(path)) for path in (EDITED, REMOVED)
    }
    edited = run_archiver("history", ids[EDITED], "--archive", str(archive), "--json")
    removed = run_archiver("history", ids[REMOVED], "--archive", str(archive))
    assert edited.returncode == 0 and removed.returncode == 0, edited.stderr + removed.stderr
    story = json.loads(edited.stdout)
    assert [(v["version"], v["changed"]) for v in story["versions"]] == [
        (1, []),
        (2, ["title", "text"]),
    ]
    # Run 1 fetched it, run 2 fetched the edit; the third run left it alone (not due).
    assert [(f["status"], f["record_type"]) for f in story["fetches"]] == [
        (200, "response"),
        (200, "response"),
    ]
    assert "takedown" in removed.stdout and "HTTP 404" in removed.stdout
    assert "v1 " in removed.stdout and "first capture" in removed.stdout
