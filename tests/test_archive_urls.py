"""`archiver archive URL...`: one-off archiving with page requisites, into the same archive.

What the command prints and exits with is checked on the command; what ends up in the archive
mostly on runs in this process, as the command runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.jobs.oneoff import PageOutcome
from tests.crawling import archive_urls
from tests.oneoff_site import PARAGRAPHS, PDF, OneOffSite, oneoff_site
from tests.support import run_archiver, tool, warc_files

#: Every requisite of /story: (path, host is the other one).
REQUISITES = {
    "/css/site.css",
    "/css/fonts.css",  # imported by site.css
    "/fonts/serif.woff2",  # @font-face in fonts.css
    "/fonts/serif.woff",
    "/img/bg.png",  # background in site.css
    "/img/pattern.png",  # '../img/pattern.png' relative to the stylesheet
    "/favicon.ico",
    "/js/app.js",
    "/img/lead-400.png",  # srcset
    "/img/lead-800.png",
    "/img/lazy.png",  # data-src
    "/img/lazy-2x.png",  # data-srcset
    "/cdn/photo.png",  # on the other host
    "/private/chart.png",  # robots.txt disallows /private/, but it belongs to the page
    "/embed/map.html",  # iframe
    "/img/map.png",  # the iframe's image
}


@pytest.fixture(scope="module")
def site() -> Iterator[OneOffSite]:
    with oneoff_site() as running:
        yield running


def records(archive: Path) -> list[tuple[str, str, int | None, Any, bytes]]:
    """(type, target URI, HTTP status, record, payload) of every record, in file order."""
    found = []
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                status = None
                if record.http_headers is not None and record.rec_type != "request":
                    status = int(record.http_headers.get_statuscode() or 0) or None
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                payload = record.content_stream().read()
                found.append((record.rec_type, uri, status, record, payload))
    return found


def archive(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`archiver archive` itself, for what it prints and exits with."""
    return run_archiver("archive", "--archive", str(tmp_path / "archive"), *args)


def as_json(outcomes: list[PageOutcome]) -> list[dict[str, Any]]:
    """The outcomes as `archiver archive --json` prints them."""
    data: list[dict[str, Any]] = json.loads(json.dumps([o.to_dict() for o in outcomes]))
    return data


@pytest.fixture(scope="module")
def mixed(site: OneOffSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One call: a redirect chain to an article, a non-article page, a PDF, and a 404."""
    tmp = tmp_path_factory.mktemp("mixed")
    urls = [f"{site.base}/r1", f"{site.base}/about", f"{site.base}/paper.pdf", f"{site.base}/gone"]
    result = archive(tmp, *urls)
    as_json = archive(tmp, "--json", "--no-requisites", f"{site.base}/about")
    return {"tmp": tmp, "archive": tmp / "archive", "urls": urls, "result": result, "json": as_json}


def test_exit_status_and_one_line_per_url(mixed: dict[str, Any]) -> None:
    result = mixed["result"]
    assert result.returncode == 1, result.stderr[-2000:]
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [line[4] for line in lines] == mixed["urls"]
    assert [line[0] for line in lines] == ["200", "200", "200", "HTTP 404"]
    for status, art_id, json_path, replay, url in lines[:3]:
        assert len(art_id) == 16 and Path(json_path).is_file(), (status, url)
        assert replay.startswith("http://127.0.0.1:8090/adhoc/2") and replay.endswith(
            url.replace("/r1", "/story")
        )
    assert lines[3][1:4] == ["-", "-", lines[3][3]] and lines[3][3].endswith("/gone")
    assert "1 of 4 URL(s) could not be archived" in result.stderr
    assert "FAILED (HTTP 404)" in result.stderr


def test_every_requisite_is_in_the_warc(mixed: dict[str, Any], site: OneOffSite) -> None:
    archived = {
        (uri.split("/", 3)[2].split(":")[0], "/" + uri.split("/", 3)[3])
        for kind, uri, status, _, _ in records(mixed["archive"])
        if kind in ("response", "revisit") and status == 200
    }
    paths = {path for _, path in archived}
    assert paths >= REQUISITES, REQUISITES - paths
    assert ("127.0.0.2", "/cdn/photo.png") in archived
    assert "/embed/nested.html" not in paths, "frames are followed one level deep only"
    assert "/embed/nested.html" not in site.paths()


def test_the_redirect_chain_is_recorded(mixed: dict[str, Any], site: OneOffSite) -> None:
    chain = [
        (uri, status)
        for kind, uri, status, _, _ in records(mixed["archive"])
        if kind == "response" and uri.rsplit("/", 1)[1] in ("r1", "r2", "story")
    ]
    assert chain[:3] == [
        (f"{site.base}/r1", 302),
        (f"{site.base}/r2", 301),
        (f"{site.base}/story", 200),
    ]
    docs = [json.loads(p.read_text()) for p in (mixed["archive"] / "articles").rglob("*.json")]
    story = next(d for d in docs if d["url"].endswith("/story"))
    assert story["requested_url"] == f"{site.base}/r1"
    assert story["canonical_url"] == f"{site.base}/news/2026/11/27/ferry-sundays"
    assert story["is_article"] is True and story["site"] == "adhoc"
    assert story["title"] == site.title and story["authors"] == ["Ruth Kemp"]
    assert PARAGRAPHS[0] in story["text"]


def test_pages_that_are_not_articles_are_archived_and_say_so(mixed: dict[str, Any]) -> None:
    docs = [json.loads(p.read_text()) for p in (mixed["archive"] / "articles").rglob("*.json")]
    about = next(d for d in docs if d["url"].endswith("/about"))
    pdf = next(d for d in docs if d["url"].endswith("/paper.pdf"))
    for doc in (about, pdf):
        assert doc["is_article"] is False and doc["text"] is None and doc["word_count"] == 0
    pdf = [(r, body) for k, u, _, r, body in records(mixed["archive"]) if u.endswith(".pdf")]
    assert pdf[0][0].http_headers.get_header("Content-Type") == "application/pdf"
    assert pdf[0][1] == PDF, "archived as is"
    gone = [
        s for k, u, s, _, _ in records(mixed["archive"]) if u.endswith("/gone") and k == "response"
    ]
    assert gone == [404], "a failed page's response is archived all the same"


def test_json_output(mixed: dict[str, Any], site: OneOffSite) -> None:
    result = mixed["json"]
    assert result.returncode == 0, result.stderr[-2000:]
    [about] = json.loads(result.stdout)
    assert about["ok"] is True and about["status"] == 200 and about["is_article"] is False
    assert about["requisites_fetched"] == 0 and about["final_url"] == f"{site.base}/about"
    assert about["json_path"].startswith("articles/adhoc/")


def test_warc_files_pass_warcio_check(mixed: dict[str, Any]) -> None:
    files = warc_files(mixed["archive"])
    assert files and all(p.parent.name == "adhoc" for p in files)
    for path in files:
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout


def test_a_500_and_a_timeout_fail_while_the_others_are_archived(
    site: OneOffSite, tmp_path: Path
) -> None:
    urls = [f"{site.base}/broken", f"{site.base}/slow", f"{site.base}/story"]
    outcomes = archive_urls(tmp_path / "archive", *urls, timeout=2, overrides=["RETRY_TIMES=0"])
    assert not all(o.ok for o in outcomes)  # what `archiver archive` exits 1 for
    broken, slow, story = as_json(outcomes)
    assert (broken["ok"], broken["status"], broken["error"]) == (False, 500, "HTTP 500")
    assert (slow["ok"], slow["status"], slow["error"]) == (False, None, "timeout")
    assert story["ok"] and story["is_article"] and story["requisites_fetched"] == len(REQUISITES)
    statuses = {
        u.rsplit("/", 1)[1]: s for k, u, s, _, _ in records(tmp_path / "archive") if k == "response"
    }
    assert statuses["broken"] == 500 and "slow" not in statuses


def test_bad_urls_exit_2_before_anything_is_fetched(site: OneOffSite, tmp_path: Path) -> None:
    for bad in ("ftp://example.org/file", "not a url", "http://", "javascript:alert(1)"):
        result = archive(tmp_path, f"{site.base}/story", bad)
        assert result.returncode == 2, (bad, result.stderr)
        assert any(
            why in result.stderr for why in ("only http:// and https://", "not a valid", "no host")
        ), result.stderr
    bad_site = archive(tmp_path, "--site", "Not A Key", f"{site.base}/story")
    assert bad_site.returncode == 2 and "collection 'Not A Key'" in bad_site.stderr
    reserved = archive(tmp_path, "--site", "timegate", f"{site.base}/story")
    assert reserved.returncode == 2 and "collection 'timegate' is taken" in reserved.stderr
    assert not (tmp_path / "archive").exists()
    assert archive(tmp_path).returncode == 2


def test_urls_from_a_file_and_from_stdin(site: OneOffSite, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# to keep\n{site.base}/about\n\n{site.base}/paper.pdf\n")
    from_file = archive(tmp_path, "--no-requisites", "-i", str(listing))
    assert from_file.returncode == 0, from_file.stderr
    assert len(from_file.stdout.splitlines()) == 2
    piped = subprocess.run(
        [*run_archiver_cmd(tmp_path), "--no-requisites", "-i", "-"],
        input=f"{site.base}/about\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert piped.returncode == 0 and piped.stdout.split("\t")[4].strip() == f"{site.base}/about"


def run_archiver_cmd(tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "archiver", "archive", "--archive", str(tmp_path / "archive")]


def test_archiving_again_adds_captures_and_overwrites_nothing(
    site: OneOffSite, tmp_path: Path
) -> None:
    url = f"{site.base}/story"
    first = as_json(archive_urls(tmp_path / "archive", url))
    again = as_json(archive_urls(tmp_path / "archive", url))
    site.paragraphs = [*PARAGRAPHS[:-1], "CORRECTION: the first crossing leaves at eleven."]
    try:
        edited = as_json(archive_urls(tmp_path / "archive", url))
    finally:
        site.paragraphs = list(PARAGRAPHS)
    outcomes = [r[0] for r in (first, again, edited)]
    assert [o["version"] for o in outcomes] == [1, 1, 2]
    assert len({o["warc_record_id"] for o in outcomes}) == 3
    kinds = [
        k
        for k, u, _, _, _ in records(tmp_path / "archive")
        if u == url and k in ("response", "revisit")
    ]
    assert kinds == ["response", "revisit", "response"]
    docs = sorted((tmp_path / "archive" / "articles").rglob("*.json"))
    assert [p.name.count(".v2.") for p in docs] == [0, 1]
    v2 = json.loads(docs[1].read_text())
    assert v2["changes"]["fields"] == ["text"] and "+CORRECTION" in v2["changes"]["diff"]


def test_robots_txt_is_obeyed_for_pages_unless_told(site: OneOffSite, tmp_path: Path) -> None:
    url = f"{site.base}/private/page"
    [refused] = archive_urls(tmp_path / "archive", url, requisites=False)
    assert not refused.ok  # exit status 1
    assert refused.line(str(tmp_path / "archive")).split("\t")[0] == "forbidden by robots.txt"
    [allowed] = archive_urls(tmp_path / "archive", url, requisites=False, ignore_robots=True)
    assert allowed.ok, allowed.to_dict()  # exit status 0
    policies = set()
    for path in warc_files(tmp_path / "archive"):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "warcinfo":
                    text = record.content_stream().read().decode()
                    policies |= {line for line in text.splitlines() if line.startswith("robots:")}
    assert {p.split()[1] for p in policies} == {"obey", "ignore"}


def test_no_requisites_fetches_only_the_page(site: OneOffSite, tmp_path: Path) -> None:
    before = len(site.hits)
    [outcome] = archive_urls(tmp_path / "archive", f"{site.base}/story", requisites=False)
    assert outcome.ok, outcome.to_dict()  # exit status 0
    assert {p for _, p in site.hits[before:]} == {"/robots.txt", "/story"}


def test_pages_sharing_requisites_count_them_all_and_fetch_them_once(
    site: OneOffSite, tmp_path: Path
) -> None:
    before = len(site.hits)
    urls = [f"{site.base}/story", f"{site.base}/private/page"]
    outcomes = archive_urls(tmp_path / "archive", *urls, ignore_robots=True)
    assert all(o.ok for o in outcomes), as_json(outcomes)  # exit status 0
    story, twin = as_json(outcomes)
    assert story["requisites_fetched"] == twin["requisites_fetched"] == len(REQUISITES)
    asked = [path for _, path in site.hits[before:]]
    assert asked.count("/css/site.css") == 1 and asked.count("/fonts/serif.woff2") == 1


def test_a_story_gone_since_it_was_archived_is_a_takedown(site: OneOffSite, tmp_path: Path) -> None:
    url = f"{site.base}/story"
    [first] = archive_urls(tmp_path / "archive", url, requisites=False)
    site.gone.add("/story")
    try:
        [again] = archive_urls(tmp_path / "archive", url, requisites=False)
    finally:
        site.gone.discard("/story")
    assert first.ok and not again.ok  # exit status 0, then 1
    art_id = first.to_dict()["article_id"]
    assert again.to_dict()["error"] == "HTTP 404"
    history = run_archiver("history", art_id, "--archive", str(tmp_path / "archive"), "--json")
    events = json.loads(history.stdout)["events"]
    assert [(e["kind"], e["status"]) for e in events] == [("takedown", 404)]
