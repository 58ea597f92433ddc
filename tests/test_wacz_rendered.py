"""`archiver export --wacz` of a rendered capture: its DOM and screenshot records travel along,
indexed under their ``urn:`` URIs (as ReplayWeb.page and pywb look them up), and they are not
pages."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from archiver.store.identity import FULL_PAGE_SCREENSHOT_URI, RENDERED_DOM_URI, SCREENSHOT_URI
from tests.rendered_archive import (
    ARTICLE_ID,
    DATE,
    FULL_SCREENSHOT,
    PAGE_URL,
    SCREENSHOT,
    STAMP,
    TITLE,
    WARC_NAME,
    RenderedArchive,
    make_archive,
)
from tests.support import tool


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedArchive, Path]:
    tmp = tmp_path_factory.mktemp("wacz-rendered")
    archive = make_archive(tmp / "archive")
    out = tmp / "rendered.wacz"
    result = CliRunner().invoke(cli, ["export", "--wacz", str(out), "--archive", str(archive.root)])
    assert result.exit_code == 0, result.output
    return archive, out


def _index(wacz: Path) -> list[tuple[str, str, dict[str, Any]]]:
    with zipfile.ZipFile(wacz) as zf:
        text = zf.read("indexes/index.cdxj").decode()
    rows = [line.split(" ", 2) for line in text.splitlines()]
    return [(key, stamp, json.loads(data)) for key, stamp, data in rows]


def test_the_export_validates(exported: tuple[RenderedArchive, Path]) -> None:
    check = subprocess.run(
        [tool("wacz"), "validate", "-f", str(exported[1])], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout


def test_the_rendered_records_are_in_the_package_and_its_index(
    exported: tuple[RenderedArchive, Path],
) -> None:
    archive, out = exported
    with zipfile.ZipFile(out) as zf:
        packaged = zf.read(f"archive/{WARC_NAME}")
    assert packaged == archive.warc.read_bytes()
    found = {}
    for key, stamp, fields in _index(out):
        if fields["url"].startswith("urn:"):
            assert key == fields["url"] and stamp == STAMP  # pywb's key for a urn: as is
            assert fields["filename"] == WARC_NAME and "status" not in fields
            found.setdefault(fields["url"], []).append((int(fields["offset"]), fields["mime"]))
    assert sorted(found) == sorted(
        p + PAGE_URL for p in (RENDERED_DOM_URI, SCREENSHOT_URI, FULL_PAGE_SCREENSHOT_URI)
    )
    assert len(found[RENDERED_DOM_URI + PAGE_URL]) == 2  # both renderings of the test archive
    # Each line points at its record.
    with archive.warc.open("rb") as fh:
        records = {}
        iterator = ArchiveIterator(fh)
        for record in iterator:
            if record.rec_type == "resource":
                records[iterator.get_record_offset()] = record.content_stream().read()
    ((shot_at, shot_mime),) = found[SCREENSHOT_URI + PAGE_URL]
    ((full_at, _),) = found[FULL_PAGE_SCREENSHOT_URI + PAGE_URL]
    assert shot_mime == "image/png" and records[shot_at] == SCREENSHOT
    assert records[full_at] == FULL_SCREENSHOT


def test_screenshots_and_the_dom_are_not_pages(exported: tuple[RenderedArchive, Path]) -> None:
    with zipfile.ZipFile(exported[1]) as zf:
        header, *pages = (json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines())
    assert header["format"] == "json-pages-1.0"
    assert pages == [{"id": ARTICLE_ID, "url": PAGE_URL, "ts": DATE, "title": TITLE}]
