"""Rebuild the catalog from the WARC files and article documents alone."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.archive import ArchiveLayout, capture_row
from archiver.catalog import ArticleRow, Catalog, iter_article_documents
from archiver.warc import iter_records
from archiver.warc.records import location

logger = logging.getLogger(__name__)

_CATALOGUED_TYPES = ("request", "response", "revisit", "metadata")


@dataclass(frozen=True)
class ReindexResult:
    """How much the rebuilt catalog holds."""

    warc_files: int
    captures: int
    articles: int


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
                capture_row(
                    site,
                    location(record, path.name, offset, length),
                    refers_to=record.rec_headers.get_header("WARC-Refers-To"),
                )
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
