"""Rebuild the catalog from the WARC files and article documents alone."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from archiver.archive import ArchiveLayout, mime_of
from archiver.catalog import ArticleRow, CaptureRow, Catalog, iter_article_documents
from archiver.warc import iter_records

logger = logging.getLogger(__name__)

_CATALOGUED_TYPES = ("request", "response", "revisit", "metadata")


@dataclass(frozen=True)
class ReindexResult:
    """How much the rebuilt catalog holds."""

    warc_files: int
    captures: int
    articles: int


def capture_row_from_record(
    site: str, warc_file: str, offset: int, length: int, record: ArcWarcRecord
) -> CaptureRow:
    """The catalog row of a stored record (the same row the live crawl wrote)."""
    headers = record.rec_headers
    rtype = headers.get_header("WARC-Type")
    http = record.http_headers
    status: int | None = None
    mime: str | None = None
    if rtype in ("response", "revisit") and http is not None:
        status = int(http.get_statuscode())
        mime = mime_of(http.get_header("Content-Type"))
    elif rtype == "metadata":
        mime = mime_of(headers.get_header("Content-Type"))
    return CaptureRow(
        record_id=headers.get_header("WARC-Record-ID"),
        site=site,
        record_type=rtype,
        url=headers.get_header("WARC-Target-URI"),
        date=headers.get_header("WARC-Date"),
        status=status,
        mime=mime,
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        refers_to=headers.get_header("WARC-Refers-To"),
        warc_file=warc_file,
        warc_offset=offset,
        warc_length=length,
    )


def iter_warc_files(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every closed WARC file in the archive."""
    if not layout.warc_root.is_dir():
        return
    for site_dir in sorted(p for p in layout.warc_root.iterdir() if p.is_dir()):
        for path in sorted(site_dir.glob("*.warc.gz")):
            yield site_dir.name, path


def rebuild_catalog(root: Path) -> ReindexResult:
    """Replace the catalog by one rebuilt from warc/ and articles/ (built aside, then swapped)."""
    layout = ArchiveLayout(root)
    target = layout.catalog_path
    tmp = target.with_name(target.name + ".rebuild")
    for stale in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        stale.unlink(missing_ok=True)
    files = captures = articles = 0
    with Catalog(tmp) as catalog:
        for site, path in iter_warc_files(layout):
            files += 1
            rows = [
                capture_row_from_record(site, path.name, offset, length, record)
                for offset, length, record in iter_records(path)
                if record.rec_type in _CATALOGUED_TYPES
            ]
            catalog.add_captures(rows)
            captures += len(rows)
        for doc, rel in iter_article_documents(layout.articles_dir):
            try:
                catalog.add_article(ArticleRow.from_document(doc, rel))
            except (KeyError, TypeError) as exc:
                logger.warning("Skipping article document %s: missing %s", rel, exc)
                continue
            articles += 1
        catalog.commit()
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    return ReindexResult(files, captures, articles)
