"""A hand-made archive with three captures of one article URL, for Memento (RFC 7089).

Collection `SITE` holds `URL` captured on 1, 10 and 20 November 2026 (`STAMPS`): two
responses with different pages (the article's versions 1 and 2), then a revisit of the second
(unchanged). Collection `OTHER` holds one capture of the same URL on 15 November (`OTHER_STAMP`)
and one of `OTHER_URL`. The catalog knows the URL as article `ARTICLE_ID`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.fsutil import atomic_write_text
from archiver.store.catalog import Catalog
from archiver.store.cdxj import cdxj_text, index_warc
from archiver.store.identity import article_id, normalise_url
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow, UrlState

SITE = "m"
OTHER = "n"
URL = "http://news.example/2026/11/01/harbour-reopens"
OTHER_URL = "http://news.example/about"
ARTICLE_ID = article_id(URL)
STAMPS = ("20261101100000", "20261110100000", "20261120100000")
OTHER_STAMP = "20261115120000"
TITLES = ("Harbour reopens", "Harbour reopens after the storm")


def _iso(stamp: str) -> str:
    s = stamp
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}Z"


def page(title: str) -> bytes:
    head = f"<head><title>{title}</title></head>"
    return f"<!DOCTYPE html><html>{head}<body><h1>{title}</h1></body></html>".encode()


def _response(writer: WARCWriter, url: str, stamp: str, body: bytes) -> tuple[str, str]:
    """A response record; (its record id, its payload digest)."""
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": _iso(stamp)},
    )
    writer.write_record(record)
    record.raw_stream.close()
    headers = record.rec_headers
    return str(headers.get_header("WARC-Record-ID")), str(headers.get_header("WARC-Payload-Digest"))


def _revisit(writer: WARCWriter, url: str, stamp: str, digest: str, refers_to: str) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
    record = writer.create_revisit_record(
        url,
        digest,
        url,
        _iso(refers_to),
        http_headers=http,
        warc_headers_dict={"WARC-Date": _iso(stamp)},
    )
    writer.write_record(record)


def _write(root: Path, site: str, records: list[tuple[str, str, bytes | None]]) -> None:
    """warc/<site>/<site>.warc.gz with (URL, timestamp, body or None for a revisit of the
    previous response), and its CDXJ index."""
    warc_dir, index_dir = root / "warc" / site, root / "indexes" / site
    warc_dir.mkdir(parents=True)
    index_dir.mkdir(parents=True)
    warc = warc_dir / f"{site}-{STAMPS[0]}-00000.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        last: tuple[str, str] | None = None
        for url, stamp, body in records:
            if body is None:
                assert last is not None
                _revisit(writer, url, stamp, last[0], last[1])
            else:
                last = (_response(writer, url, stamp, body)[1], stamp)
    atomic_write_text(index_dir / f"{warc.name}.cdxj", cdxj_text(index_warc(warc, site)))


def make_archive(root: Path) -> Path:
    """The archive at `root` (see the module's docstring)."""
    first, second, third = STAMPS
    _write(
        root,
        SITE,
        [(URL, first, page(TITLES[0])), (URL, second, page(TITLES[1])), (URL, third, None)],
    )
    _write(
        root, OTHER, [(URL, OTHER_STAMP, page(TITLES[1])), (OTHER_URL, OTHER_STAMP, page("About"))]
    )
    layout = ArchiveLayout(root)
    with Catalog(layout.catalog_path) as catalog:
        for version, (stamp, title) in enumerate(zip(STAMPS, TITLES, strict=False), 1):
            doc = {
                "schema": 1,
                "id": ARTICLE_ID,
                "version": version,
                "site": SITE,
                "url": URL,
                "title": title,
                "text": title,
                "fetched_at": _iso(stamp),
                "http_status": 200,
                "word_count": len(title.split()),
                "is_article": True,
                "provenance": {"warc_record_id": f"<urn:uuid:{version}>"},
            }
            path = layout.article_path(SITE, ARTICLE_ID, _iso(stamp), version)
            atomic_write_text(path, json.dumps(doc))
            catalog.add_article(ArticleRow.from_document(doc, path.relative_to(root).as_posix()))
        state = UrlState(normalise_url(URL), SITE, article_id=ARTICLE_ID, processed=True)
        catalog.put_url_state(state)
        catalog.commit()
    return root
