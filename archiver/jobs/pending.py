"""The article pages an archive-only crawl (`archiver crawl --no-extract`) left pending, extracted
as that crawl's pipeline would have: same extractor, same body decoding, same document.

Each document is stored through `SiteArchive.store_article`, as a crawl stores it: JSON file,
catalog row, search index, and a WARC metadata record (in a new WARC file of the site whose
warcinfo says the records come from a later extraction).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from archiver.config import ExtractHints
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.pool import ExtractionOutcome, ExtractionPool
from archiver.jobs.archived import Failure, HintsByFile, read_response
from archiver.store.archive import SiteArchive
from archiver.store.rows import PendingExtraction, record_location
from archiver.store.warcinfo import build_warcinfo

logger = logging.getLogger(__name__)

#: Pages read ahead of the extraction workers.
_WINDOW_PER_WORKER = 4


@dataclass
class PendingResult:
    """What extracting the pending pages of one site gave."""

    written: int = 0  # new article documents (or new versions)
    unchanged: int = 0  # equal to the newest stored version: nothing written
    failed: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Page:
    pending: PendingExtraction
    body: bytes
    hints: ExtractHints | None


def later_extraction_warcinfo() -> dict[str, str]:
    """The warcinfo of the WARC file holding documents extracted after an archive-only crawl."""
    description = (
        "article documents extracted from captures of an archive-only crawl "
        "(`archiver crawl --no-extract`, then `archiver reextract`); no fetches"
    )
    return build_warcinfo(user_agent=None, robots=None, extra={"description": description})


def extract_pending(
    archive: SiteArchive,
    pending: list[PendingExtraction],
    hints: HintsByFile,
    pool: ExtractionPool,
) -> PendingResult:
    """Extract and store each pending page of `archive`'s site, in the order the crawl left them.

    A page stored (or found unchanged, or failing extraction as the crawl would have failed it)
    is no longer pending; one whose record cannot be read stays pending, counted as failed.
    """
    result = PendingResult()
    window = max(1, pool.workers * _WINDOW_PER_WORKER)
    queue: deque[tuple[_Page, Future[ExtractionOutcome]]] = deque()
    for page in _pages(archive, pending, hints, result):
        row = page.pending
        queue.append((page, pool.submit(page.body, row.url, row.encoding, page.hints)))
        while len(queue) >= window:
            _store(archive, pool, *queue.popleft(), result)
    while queue:
        _store(archive, pool, *queue.popleft(), result)
    return result


def _pages(
    archive: SiteArchive,
    pending: list[PendingExtraction],
    hints: HintsByFile,
    result: PendingResult,
) -> Iterator[_Page]:
    for row in pending:
        try:
            yield _read(archive, row, hints)
        except Failure as exc:
            logger.warning("Cannot extract the pending capture of %s: %s", row.url, exc)
            result.failed[exc.reason] += 1


def _read(archive: SiteArchive, row: PendingExtraction, hints: HintsByFile) -> _Page:
    capture = archive.catalog.capture(row.record_id)
    if capture is None:
        raise Failure("record-unknown", f"{row.record_id} is not in the catalog")
    warc_path: Path = archive.layout.warc_dir(archive.site) / capture.warc_file
    record = read_response(warc_path, capture.warc_offset, row.record_id)
    return _Page(row, record.payload, hints.for_file(warc_path))


def _store(
    archive: SiteArchive,
    pool: ExtractionPool,
    page: _Page,
    future: Future[ExtractionOutcome],
    result: PendingResult,
) -> None:
    """Store one page's extraction as the crawl's pipeline stores it."""
    row = page.pending
    outcome = pool.wait(future, row.url)
    article = outcome.article
    if article is None and row.keep_unextractable:
        article = ExtractedArticle(is_article=False, title=None, description=None)
    if article is None:
        logger.warning("Extraction failed for %s: %s", row.url, outcome.message)
        result.failed[f"extract/{outcome.failure}"] += 1
        archive.mark_processed(row.requested_url)
    else:
        capture = archive.catalog.capture(row.record_id)
        assert capture is not None  # read above
        stored = archive.store_article(
            article,
            response=record_location(capture),
            url=row.url,
            http_status=row.http_status,
            section=row.section,
            requested_url=row.requested_url,
        )
        if stored.changed:
            result.written += 1
        else:
            result.unchanged += 1
    archive.catalog.drop_pending(row)
    archive.catalog.commit()
