"""Re-extraction: run the current extractor over archived responses, never the network.

For the newest version of each article document, the response record its provenance names is
read back from the WARC file, its body decoded as the crawl decoded it, and extract() run as
the crawl's pipeline runs it. Where any extracted field differs from the document, a new
version is stored (JSON, catalog row, search index; no WARC record): same capture, same
fetched_at and provenance, the current extractor, and `changes` saying what differs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from archiver.config import ExtractHints
from archiver.extraction.decode import page_encoding
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.pool import ExtractionOutcome, ExtractionPool
from archiver.jobs.archived import (
    Failure,
    HintsByFile,
    last_header,
    load_configs,
    read_response,
    textual,
)
from archiver.jobs.pending import extract_pending, later_extraction_warcinfo
from archiver.jobs.recovery import recover_site
from archiver.store.archive import SiteArchive, store_document
from archiver.store.catalog import Catalog
from archiver.store.changes import VERSIONED_FIELDS, changed_fields
from archiver.store.document import Article
from archiver.store.identity import normalise_url
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import LockBusy, acquire_site_lock
from archiver.store.rows import ArticleRow, PendingExtraction
from archiver.store.urlstate import observe_processed
from archiver.store.versions import PreviousVersion, next_version
from archiver.warc import read_record

logger = logging.getLogger(__name__)

#: The document fields extraction produces, compared one by one (versioned fields first).
EXTRACTED_FIELDS: tuple[str, ...] = (
    *VERSIONED_FIELDS,
    *(
        f.name
        for f in dataclasses.fields(ExtractedArticle)
        if f.name in Article.model_fields and f.name not in VERSIONED_FIELDS
    ),
)

#: What the crawl stores for a page it keeps although it cannot be extracted (`archiver
#: archive` of a PDF, say): re-extracting such a page fails the same way and changes nothing.
_UNEXTRACTABLE = ExtractedArticle(is_article=False, title=None, description=None).to_dict()

#: Pages read ahead of the extraction workers.
_WINDOW_PER_WORKER = 4


@dataclass(frozen=True)
class Reextracted:
    """A new version stored because the current extractor's result differs."""

    id: str
    version: int
    fields: list[str]
    path: str  # relative to the archive root


@dataclass
class ReextractResult:
    """What a re-extraction run found: counts, the new versions, failures by reason."""

    unchanged: int = 0
    changed: list[Reextracted] = field(default_factory=list)
    failed: Counter[str] = field(default_factory=Counter)
    extracted: int = 0  # pages an archive-only crawl left pending, now documents
    pending: int = 0  # pages left pending, this run included

    @property
    def processed(self) -> int:
        return self.unchanged + len(self.changed) + sum(self.failed.values()) + self.extracted

    def render(self) -> str:
        """The one-line report: "reextract: [P extracted from archive-only captures,] N
        unchanged, M changed, K failed (by reason)"."""
        line = "reextract: "
        if self.pending:
            line += f"{self.extracted} of {self.pending} archive-only captures extracted, "
        line += (
            f"{self.unchanged} unchanged, {len(self.changed)} changed, "
            f"{sum(self.failed.values())} failed"
        )
        if self.failed:
            line += " (" + ", ".join(f"{k}: {n}" for k, n in sorted(self.failed.items())) + ")"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "extracted": self.extracted,
            "unchanged": self.unchanged,
            "changed": len(self.changed),
            "failed": sum(self.failed.values()),
            "failures": dict(sorted(self.failed.items())),
            "changed_ids": [c.id for c in self.changed],
            "versions": [dataclasses.asdict(c) for c in self.changed],
        }


@dataclass(frozen=True)
class _Page:
    """An archived page ready for extraction, with the document it was extracted into."""

    row: ArticleRow
    document: dict[str, Any]
    body: bytes
    encoding: str | None
    hints: ExtractHints | None


def reextract_archive(
    root: Path,
    *,
    site: str | None = None,
    since: datetime | None = None,
    config_dir: Path | None = Path("configs"),
    workers: int | None = None,
) -> ReextractResult:
    """Re-extract the newest version of every article (of `site`, fetched at or after `since`).

    First, the pages an archive-only crawl left pending (captured at or after `since`) become
    article documents, exactly as that crawl would have stored them. Each site is locked while
    it is processed (a crawl of it cannot run meanwhile); a site being crawled is skipped, its
    articles counted as failed ("site-locked"). Raises ConfigError for a bad site config
    (before anything is written).
    """
    layout = ArchiveLayout(root)
    result = ReextractResult()
    with Catalog(layout.catalog_path) as catalog:
        rows = [
            row
            for row in catalog.list_articles(site=site, only_articles=False)
            if since is None or _parse_time(row.fetched_at) >= since
        ]
        rows.sort(key=lambda r: (r.site, r.fetched_at, r.id))
        pending = [
            p for p in catalog.pending(site) if since is None or _parse_time(p.date) >= since
        ]
        result.pending = len(pending)
        sites = sorted({r.site for r in rows} | {p.site for p in pending})
        hints = HintsByFile(load_configs(config_dir, set(sites)))
        count = (os.cpu_count() or 1) if workers is None else workers
        pool = ExtractionPool(min(count, len(rows) + len(pending)))
        try:
            for site_key in sites:
                site_rows = [r for r in rows if r.site == site_key]
                site_pending = [p for p in pending if p.site == site_key]
                try:
                    lock = acquire_site_lock(root, site_key)
                except LockBusy as exc:
                    logger.warning("Skipping %s: %s", site_key, exc)
                    result.failed["site-locked"] += len(site_rows) + len(site_pending)
                    continue
                with lock:
                    recovered = recover_site(root, site_key, lock)
                    if recovered:
                        logger.warning("%s", recovered.render())
                    if site_pending:
                        _extract_pending(root, site_key, site_pending, hints, pool, result)
                    _reextract_site(layout, catalog, site_rows, hints, pool, result)
        finally:
            pool.shutdown()
    return result


def _extract_pending(
    root: Path,
    site: str,
    pending: list[PendingExtraction],
    hints: HintsByFile,
    pool: ExtractionPool,
    result: ReextractResult,
) -> None:
    archive = SiteArchive(root, site, warcinfo=later_extraction_warcinfo())
    try:
        done = extract_pending(archive, pending, hints, pool)
    finally:
        archive.close()
    result.extracted += done.written + done.unchanged
    result.failed.update(done.failed)
    logger.info(
        "%s: %d archive-only captures extracted (%d new documents)",
        site,
        done.written + done.unchanged,
        done.written,
    )


def _reextract_site(
    layout: ArchiveLayout,
    catalog: Catalog,
    rows: list[ArticleRow],
    hints: HintsByFile,
    pool: ExtractionPool,
    result: ReextractResult,
) -> None:
    window = max(1, pool.workers * _WINDOW_PER_WORKER)
    pending: deque[tuple[_Page, Future[ExtractionOutcome]]] = deque()
    for page in _pages(layout, rows, hints, result):
        pending.append((page, pool.submit(page.body, page.row.url, page.encoding, page.hints)))
        while len(pending) >= window:
            _settle(layout, catalog, pool, *pending.popleft(), result)
    while pending:
        _settle(layout, catalog, pool, *pending.popleft(), result)


def _pages(
    layout: ArchiveLayout, rows: list[ArticleRow], hints: HintsByFile, result: ReextractResult
) -> Iterator[_Page]:
    """Each row's archived page; failures are counted and logged, not yielded."""
    for row in rows:
        try:
            yield _read_page(layout, row, hints)
        except Failure as exc:
            logger.warning("Cannot re-extract %s (%s): %s", row.id, row.json_path, exc)
            result.failed[exc.reason] += 1


def _read_page(layout: ArchiveLayout, row: ArticleRow, hints: HintsByFile) -> _Page:
    document = _read_document(layout.root / row.json_path)
    if document.get("id") != row.id or document.get("version") != row.version:
        raise Failure("document-mismatch", "the catalog is stale (run `archiver reindex`)")
    provenance = document.get("provenance") or {}
    warc_file, offset = provenance.get("warc_file"), provenance.get("warc_offset")
    if not isinstance(warc_file, str) or not isinstance(offset, int):
        raise Failure("no-provenance", "the document names no WARC record")
    warc_path = layout.warc_dir(row.site) / warc_file
    dom = _rendered_dom(layout, row, document)
    if dom is not None:  # loaded in a browser: extracted from the DOM it built
        return _Page(row, document, dom, "utf-8", hints.for_file(warc_path))
    record = read_response(warc_path, offset, provenance.get("warc_record_id"))
    content_type = last_header(record, "Content-Type")
    encoding = page_encoding(content_type, record.payload) if textual(record.mime) else None
    return _Page(row, document, record.payload, encoding, hints.for_file(warc_path))


def _rendered_dom(layout: ArchiveLayout, row: ArticleRow, document: dict[str, Any]) -> bytes | None:
    """The DOM a browser built, for a document extracted from one (its resource record)."""
    rendering = document.get("rendering") or {}
    warc_file, offset = rendering.get("dom_warc_file"), rendering.get("dom_warc_offset")
    if (
        not rendering.get("rendered")
        or not isinstance(warc_file, str)
        or not isinstance(offset, int)
    ):
        return None
    try:
        record = read_record(layout.warc_dir(row.site) / warc_file, offset)
    except Exception as exc:  # OSError, warcio's ArchiveLoadFailed, a truncated gzip member
        raise Failure("record-unreadable", f"{warc_file}@{offset}: {exc}") from exc
    if record.rec_type != "resource" or record.record_id != rendering.get("dom_record_id"):
        raise Failure("record-mismatch", f"{warc_file}@{offset} is not the rendered DOM")
    return record.payload


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Failure("document-unreadable", str(exc)) from exc
    if not isinstance(document, dict):
        raise Failure("document-unreadable", "not a JSON object")
    return document


def _settle(
    layout: ArchiveLayout,
    catalog: Catalog,
    pool: ExtractionPool,
    page: _Page,
    future: Future[ExtractionOutcome],
    result: ReextractResult,
) -> None:
    """Compare one extraction with its document; store a new version where it differs."""
    outcome = pool.wait(future, page.row.url)
    current = outcome.article.to_dict() if outcome.article is not None else None
    if current is None and changed_fields(page.document, _UNEXTRACTABLE, EXTRACTED_FIELDS):
        logger.warning("Extraction failed for %s: %s", page.row.url, outcome.message)
        result.failed[f"extract/{outcome.failure}"] += 1
        return
    if current is None or not changed_fields(page.document, current, EXTRACTED_FIELDS):
        result.unchanged += 1
        return
    try:
        result.changed.append(_store(layout, catalog, page.document, current))
    except Failure as exc:
        logger.warning("Cannot store a new version of %s: %s", page.row.id, exc)
        result.failed[exc.reason] += 1


def _store(
    layout: ArchiveLayout, catalog: Catalog, previous: dict[str, Any], current: dict[str, Any]
) -> Reextracted:
    fields = {**previous, **{name: current[name] for name in EXTRACTED_FIELDS}}
    stored = PreviousVersion(previous["version"], previous["fetched_at"], previous)
    try:
        article = next_version(fields, stored, compared=EXTRACTED_FIELDS)
    except ValidationError as exc:
        raise Failure("invalid-document", str(exc).splitlines()[0]) from exc
    assert article is not None and article.changes is not None  # _settle saw a difference
    version, changed = article.version, article.changes.fields
    try:
        path = store_document(layout, catalog, article)
    except FileExistsError as exc:
        raise Failure("version-exists", f"{exc} (run `archiver reindex`)") from exc
    for url in {article.url, article.requested_url or article.url}:
        state = catalog.url_state(normalise_url(url))
        if state is not None:
            catalog.put_url_state(observe_processed(state, article.id, article.published))
    catalog.commit()
    rel = path.relative_to(layout.root).as_posix()
    logger.info("%s v%d: %s changed", article.id, version, ", ".join(changed))
    return Reextracted(article.id, version, changed, rel)


def _parse_time(value: str) -> datetime:
    """A document's fetched_at (ISO, UTC) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
