"""Re-extraction: the current extractor over archived responses, a new version where it differs."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archiver.extraction.decode import page_encoding
from archiver.extraction.fields import EXTRACTOR_NAME, EXTRACTOR_VERSION, ExtractedArticle
from archiver.jobs.reextract import EXTRACTED_FIELDS
from archiver.store.document import Article
from tests.crawling import crawl_demo_in_process
from tests.support import run_archiver


def snapshot(root: Path) -> dict[str, bytes]:
    """Every article document and WARC file of an archive, by path."""
    files = [*(root / "articles").rglob("*.json"), *(root / "warc").rglob("*")]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files if p.is_file()}


@pytest.fixture(scope="module")
def demo_archive(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site crawled once (in this process); tests work on copies."""
    return crawl_demo_in_process(tmp_path_factory.mktemp("reextract-demo"), demo_site)


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(demo_archive, copy)
    return copy


def reextract(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_archiver("reextract", "--archive", str(archive), *args)


def test_reextracting_the_demo_archive_reproduces_every_document(archive: Path) -> None:
    before = snapshot(archive)
    documents = [k for k in before if k.startswith("articles/")]
    assert len(documents) >= 30
    result = reextract(archive, "--json")
    assert result.returncode == 0, result.stderr
    assert f"reextract: {len(documents)} unchanged, 0 changed, 0 failed" in result.stderr
    counts = json.loads(result.stdout)
    assert counts["unchanged"] == len(documents)
    assert counts["changed"] == counts["failed"] == 0 and counts["changed_ids"] == []
    # Byte for byte: no document rewritten, no WARC file written or touched.
    assert snapshot(archive) == before


def test_a_different_extraction_becomes_a_new_version(archive: Path) -> None:
    v1 = sorted((archive / "articles").rglob("*.json"))[0]
    original = json.loads(v1.read_text(encoding="utf-8"))
    # As if the extractor that made this document had got the title wrong.
    edited = {**original, "title": "A headline the extractor no longer makes"}
    v1.write_text(json.dumps(edited, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    edited_bytes = v1.read_bytes()
    warcs = {k: v for k, v in snapshot(archive).items() if k.startswith("warc/")}

    result = reextract(archive, "--json", "--workers", "0")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["changed_ids"] == [original["id"]]
    assert counts["changed"] == 1 and counts["failed"] == 0
    assert "1 changed, 0 failed" in result.stderr

    v2_path = v1.with_name(f"{original['id']}.v2.json")
    assert counts["versions"][0]["path"] == v2_path.relative_to(archive).as_posix()
    v2 = json.loads(v2_path.read_text(encoding="utf-8"))
    Article.model_validate(v2)
    assert v1.read_bytes() == edited_bytes  # the old version is left as it was
    assert v2["version"] == 2 and v2["title"] == original["title"]
    assert v2["changes"]["fields"] == ["title"]
    assert v2["changes"]["previous_version"] == 1
    assert v2["changes"]["previous_fetched_at"] == original["fetched_at"]
    assert "-A headline the extractor no longer makes" in v2["changes"]["diff"]
    # The same capture, read again: fetch date and provenance are the original's.
    for key in ("fetched_at", "provenance", "url", "section", "site", "http_status", "text"):
        assert v2[key] == original[key], key
    assert v2["extractor"] == {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION}
    assert {k: v for k, v in snapshot(archive).items() if k.startswith("warc/")} == warcs

    shown = run_archiver("show", original["id"], "--archive", str(archive))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["version"] == 2
    found = run_archiver("search", original["title"], "--archive", str(archive), "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout.splitlines()[0])["version"] == 2

    again = reextract(archive, "--workers", "0")
    assert again.returncode == 0, again.stderr
    assert "0 changed, 0 failed" in again.stderr


def test_since_and_site_select_what_is_reextracted(archive: Path) -> None:
    future = reextract(archive, "--since", "2999-01-01")
    assert future.returncode == 0, future.stderr
    assert "reextract: 0 unchanged, 0 changed, 0 failed" in future.stderr
    other = reextract(archive, "--site", "elsewhere", "--json")
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout)["unchanged"] == 0
    some = reextract(archive, "--since", "2000-01-01T00:00:00+02:00", "--site", "demo")
    assert some.returncode == 0 and "0 failed" in some.stderr
    bad = reextract(archive, "--since", "last tuesday")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_failures_are_counted_and_the_run_goes_on(archive: Path) -> None:
    first, second, *_ = sorted((archive / "articles").rglob("*.json"))
    for path, key, value in ((first, "warc_file", "gone.warc.gz"), (second, "warc_offset", 0)):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["provenance"][key] = value  # offset 0 is the warcinfo record, not the response
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    result = reextract(archive, "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["failures"] == {"warc-missing": 1, "record-mismatch": 1}
    assert counts["unchanged"] >= 28 and counts["changed"] == 0
    assert "2 failed (record-mismatch: 1, warc-missing: 1)" in result.stderr

    shutil.rmtree(archive / "warc")
    nothing = reextract(archive)
    assert nothing.returncode == 1
    assert "no article could be re-extracted" in nothing.stderr


def test_a_site_being_crawled_is_left_alone(archive: Path) -> None:
    from archiver.store.locking import acquire_site_lock

    with acquire_site_lock(archive, "demo"):
        result = reextract(archive, "--json")
    assert result.returncode == 1
    documents = len(list((archive / "articles").rglob("*.json")))
    assert json.loads(result.stdout)["failures"] == {"site-locked": documents}
    assert "being crawled" in result.stderr


def test_no_catalog_is_an_error(tmp_path: Path) -> None:
    result = reextract(tmp_path)
    assert result.returncode == 1 and "no catalog" in result.stderr


# --------------------------------------------------------------------------- units


def test_every_extracted_field_of_the_document_is_compared() -> None:
    extracted = {f.name for f in dataclasses.fields(ExtractedArticle)}
    stored = set(Article.model_fields)
    assert set(EXTRACTED_FIELDS) == (extracted & stored)
    assert EXTRACTED_FIELDS[:5] == ("title", "text", "authors", "published", "modified")
    for crawl_side in ("fetched_at", "provenance", "version", "changes", "extractor", "url"):
        assert crawl_side not in EXTRACTED_FIELDS


HTML = "<html><head>{meta}</head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=utf-8", HTML.format(meta="", text="café").encode()),
        ("text/html; charset=ISO-8859-1", HTML.format(meta="", text="caf\xe9").encode("cp1252")),
        ("text/html; charset=latin-1", b"\x93quoted\x94"),
        ("text/html", HTML.format(meta='<meta charset="windows-1252">', text="x").encode()),
        ("text/html", HTML.format(meta="", text="plain ascii").encode()),
        ("text/html", HTML.format(meta="", text="café").encode()),
        ("text/html", HTML.format(meta="", text="caf\xe9 \u201cq\u201d").encode("cp1252")),
        ("text/html; charset=utf-8", b"\xef\xbb\xbf" + HTML.format(meta="", text="x").encode()),
        (None, "\ufeff<p>hi</p>".encode("utf-16-le")),
        ("text/html; charset=bogus", b"<p>x</p>"),
    ],
)
def test_the_page_encoding_is_the_one_scrapy_gives_the_crawl(
    content_type: str | None, body: bytes
) -> None:
    from scrapy.http import HtmlResponse

    headers: dict[str, Any] = {"Content-Type": content_type} if content_type else {}
    response = HtmlResponse("http://example.org/", headers=headers, body=body)
    assert page_encoding(content_type, body) == response.encoding


def test_the_new_modules_import_without_scrapy() -> None:
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        "import archiver.jobs.reextract, archiver.store.search, archiver.cli\nprint('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
