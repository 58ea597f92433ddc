"""A hand-made archive holding one page rendered in a browser, as the capture side writes it.

The page is a shell: its HTML holds a "Loading" placeholder and a script that fetches the story
as JSON and builds the article from it (on failure it writes "Story failed to load" over the
placeholder). The WARC holds the request and response of the page, its script, the JSON (the
fetch() exchange), its stylesheet and image; then the rendered DOM (``urn:dom:``) and two PNG
screenshots (``urn:screenshot:``, ``urn:screenshot-full:``) as resource records with the
page's WARC-Date, each naming the page's response in WARC-Concurrent-To. Before the linked DOM
record comes an unlinked one at the same time (another render's, say) holding `DECOY_TEXT`.
A second page, `PLAIN_URL`, has no rendered capture. The article document and catalog row of
the page make the reader view.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.fsutil import atomic_write_text
from archiver.store.catalog import Catalog
from archiver.store.cdxj import cdxj_text, index_warc
from archiver.store.identity import (
    FULL_PAGE_SCREENSHOT_URI,
    RENDERED_DOM_URI,
    SCREENSHOT_URI,
    article_id,
)
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow

SITE = "r"
HOST = "http://news.example"
PAGE_URL = f"{HOST}/2026/11/20/harbour-reopens"
PLAIN_URL = f"{HOST}/about"
SCRIPT_URL = f"{HOST}/static/app.js"
JSON_URL = f"{HOST}/api/story.json?id=42"
IMAGE_URL = f"{HOST}/img/harbour.png"
STYLE_URL = f"{HOST}/static/site.css"
STAMP = "20261120093000"
DATE = "2026-11-20T09:30:00Z"
WARC_NAME = f"{SITE}-{STAMP}-00000.warc.gz"
ARTICLE_ID = article_id(PAGE_URL)

TITLE = "Harbour reopens after the storm"
TEXT = "Fishing boats returned to the harbour on Friday morning after three days of gales."
DECOY_TEXT = "This rendering belongs to another capture."
FAILED_TEXT = "Story failed to load"
NOSCRIPT_TEXT = "Please enable JavaScript to read this story"

SCRIPT = f"""
fetch("/api/story.json?id=42")
  .then(function (response) {{ return response.json(); }})
  .then(function (story) {{
    var main = document.getElementById("story");
    main.innerHTML = "<h1></h1><p></p><img alt='The harbour' src='/img/harbour.png'>";
    main.querySelector("h1").textContent = story.title;
    main.querySelector("p").textContent = story.text;
  }})
  .catch(function () {{
    document.getElementById("story").textContent = "{FAILED_TEXT}";
  }});
"""
SHELL = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{TITLE}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><main id="story"><p>Loading…</p></main>
<noscript><p>{NOSCRIPT_TEXT}</p></noscript>
<script src="/static/app.js"></script>
</body></html>
"""
DOM = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><main id="story"><h1>{TITLE}</h1><p>{TEXT}</p>
<img alt="The harbour" src="/img/harbour.png"></main>
<noscript><p>{NOSCRIPT_TEXT}</p></noscript>
<script src="/static/app.js"></script>
</body></html>"""
STORY_JSON = json.dumps({"title": TITLE, "text": TEXT}).encode()
STYLE = b"body { font-family: serif; } #story h1 { color: rgb(10, 20, 30); }"
PLAIN = b"<!DOCTYPE html><html><head><title>About</title></head><body><p>About us</p></body></html>"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


IMAGE = png(4, 3, (0, 90, 160))
SCREENSHOT = png(8, 6, (200, 30, 30))
FULL_SCREENSHOT = png(8, 20, (30, 160, 30))


@dataclass(frozen=True)
class RenderedArchive:
    """Where the archive is, and what a test needs to know of it."""

    root: Path
    warc: Path
    page_record_id: str


def _exchange(
    writer: WARCWriter, url: str, content_type: str, body: bytes, status: str = "200 OK"
) -> str:
    """A request and a response record; the response's record id."""
    http = StatusAndHeaders(status, [("Content-Type", content_type)], "HTTP/1.1")
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": DATE},
    )
    record_id = str(response.rec_headers.get_header("WARC-Record-ID"))
    path = url.removeprefix(HOST)
    request_http = StatusAndHeaders(
        f"GET {path} HTTP/1.1", [("Host", "news.example")], is_http_request=True
    )
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        http_headers=request_http,
        warc_headers_dict={"WARC-Date": DATE, "WARC-Concurrent-To": record_id},
    )
    for record in (response, request):
        writer.write_record(record)
        record.raw_stream.close()
    return record_id


def _resource(
    writer: WARCWriter, uri: str, content_type: str, body: bytes, concurrent_to: str
) -> None:
    record = writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(body),
        warc_content_type=content_type,
        warc_headers_dict={"WARC-Date": DATE, "WARC-Concurrent-To": concurrent_to},
    )
    writer.write_record(record)
    record.raw_stream.close()


def write_warc(path: Path, screenshot: tuple[bytes, str] = (SCREENSHOT, "image/png")) -> str:
    """The WARC file of the rendered page (and the plain one); the page's response record id.

    `screenshot` is the viewport screenshot record's (body, Content-Type)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        page_id = _exchange(writer, PAGE_URL, "text/html; charset=utf-8", SHELL.encode())
        _exchange(writer, SCRIPT_URL, "application/javascript", SCRIPT.encode())
        _exchange(writer, JSON_URL, "application/json", STORY_JSON)
        _exchange(writer, STYLE_URL, "text/css", STYLE)
        _exchange(writer, IMAGE_URL, "image/png", IMAGE)
        _exchange(writer, PLAIN_URL, "text/html; charset=utf-8", PLAIN)
        decoy = DOM.replace(TEXT, DECOY_TEXT).encode()
        html = "text/html; charset=utf-8"
        _resource(writer, RENDERED_DOM_URI + PAGE_URL, html, decoy, "<urn:uuid:other>")
        _resource(writer, RENDERED_DOM_URI + PAGE_URL, html, DOM.encode(), page_id)
        shot, shot_type = screenshot
        _resource(writer, SCREENSHOT_URI + PAGE_URL, shot_type, shot, page_id)
        _resource(
            writer, FULL_PAGE_SCREENSHOT_URI + PAGE_URL, "image/png", FULL_SCREENSHOT, page_id
        )
    return page_id


def make_archive(
    root: Path, screenshot: tuple[bytes, str] = (SCREENSHOT, "image/png")
) -> RenderedArchive:
    """The archive at `root`: the WARC file, its CDXJ index, the article document, the catalog."""
    layout = ArchiveLayout(root)
    warc_dir, index_dir = root / "warc" / SITE, root / "indexes" / SITE
    warc_dir.mkdir(parents=True)
    index_dir.mkdir(parents=True)
    warc = warc_dir / WARC_NAME
    page_id = write_warc(warc, screenshot)
    atomic_write_text(index_dir / f"{WARC_NAME}.cdxj", cdxj_text(index_warc(warc, SITE)))
    doc = {
        "schema": 1,
        "id": ARTICLE_ID,
        "version": 1,
        "site": SITE,
        "url": PAGE_URL,
        "title": TITLE,
        "text": TEXT,
        "fetched_at": DATE,
        "http_status": 200,
        "word_count": len(TEXT.split()),
        "is_article": True,
        "provenance": {"warc_file": WARC_NAME, "warc_record_id": page_id},
    }
    path = layout.article_path(SITE, ARTICLE_ID, DATE, 1)
    atomic_write_text(path, json.dumps(doc))
    with Catalog(layout.catalog_path) as catalog:
        catalog.add_article(ArticleRow.from_document(doc, path.relative_to(root).as_posix()))
        catalog.commit()
    return RenderedArchive(root, warc, page_id)
