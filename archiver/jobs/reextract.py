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

from archiver.config import ExtractHints, SiteConfig, load_site_config
from archiver.extraction.decode import page_encoding
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.pool import ExtractionOutcome, ExtractionPool
from archiver.store.archive import store_document
from archiver.store.catalog import Catalog
from archiver.store.changes import VERSIONED_FIELDS, changed_fields
from archiver.store.document import Article
from archiver.store.identity import normalise_url
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import SiteLocked, acquire_site_lock
from archiver.store.rows import ArticleRow
from archiver.store.urlstate import observe_processed
from archiver.store.versions import PreviousVersion, next_version
from archiver.warc import StoredRecord, read_record

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

    @property
    def processed(self) -> int:
        return self.unchanged + len(self.changed) + sum(self.failed.values())

    def render(self) -> str:
        """The one-line report: "reextract: N unchanged, M changed, K failed (by reason)"."""
        line = (
            f"reextract: {self.unchanged} unchanged, {len(self.changed)} changed, "
            f"{sum(self.failed.values())} failed"
        )
        if self.failed:
            line += " (" + ", ".join(f"{k}: {n}" for k, n in sorted(self.failed.items())) + ")"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "unchanged": self.unchanged,
            "changed": len(self.changed),
            "failed": sum(self.failed.values()),
            "failures": dict(sorted(self.failed.items())),
            "changed_ids": [c.id for c in self.changed],
            "versions": [dataclasses.asdict(c) for c in self.changed],
        }


class Failure(Exception):
    """One article could not be re-extracted; ``reason`` is the counter's name."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class _Page:
    """An archived page ready for extraction, with the document it was extracted into."""

    row: ArticleRow
    document: dict[str, Any]
    body: bytes
    encoding: str | None
    hints: ExtractHints | None


def _textual(mime: str | None) -> bool:
    """Whether Scrapy makes a TextResponse (which has an encoding) of this media type."""
    if mime is None:
        return True
    return mime.startswith("text/") or any(
        part in mime for part in ("html", "xml", "json", "javascript")
    )


class _Hints:
    """Extraction hints per WARC file: a site config's when its warcinfo says a config crawl
    wrote it (`archiver-config-name`), none for one-off archiving."""

    def __init__(self, configs: dict[str, SiteConfig]) -> None:
        self._configs = configs
        self._by_file: dict[Path, ExtractHints | None] = {}
        self._warned: set[tuple[str, str]] = set()

    def for_file(self, warc_path: Path) -> ExtractHints | None:
        if warc_path not in self._by_file:
            self._by_file[warc_path] = self._read(warc_path)
        return self._by_file[warc_path]

    def _read(self, warc_path: Path) -> ExtractHints | None:
        info = _warcinfo(warc_path)
        name = info.get("archiver-config-name")
        if not name:
            return None
        config = self._configs.get(name)
        if config is None:
            self._warn(name, "crawled with config %r, which is not at hand: no extraction hints")
            return None
        if info.get("archiver-config-sha256") not in (None, config.config_hash):
            self._warn(name, "the config of %r changed since the crawl: using its current hints")
        return config.extract

    def _warn(self, name: str, message: str) -> None:
        if (name, message) not in self._warned:
            self._warned.add((name, message))
            logger.warning(message, name)


def _warcinfo(warc_path: Path) -> dict[str, str]:
    """The fields of the warcinfo record opening a WARC file (empty when there is none)."""
    try:
        record = read_record(warc_path, 0)
    except Exception as exc:  # the page's own record is read (and its failure counted) later
        logger.debug("No warcinfo in %s: %s", warc_path, exc)
        return {}
    if record.rec_type != "warcinfo":
        return {}
    fields: dict[str, str] = {}
    for line in record.payload.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    return fields


def load_configs(config_dir: Path | None, sites: set[str]) -> dict[str, SiteConfig]:
    """The site configs at ``config_dir/<site>.yaml`` that exist (ConfigError if one is bad)."""
    configs: dict[str, SiteConfig] = {}
    for site in sorted(sites):
        path = config_dir / f"{site}.yaml" if config_dir is not None else None
        if path is None or not path.is_file():
            continue
        config = load_site_config(path)
        if config.site == site:
            configs[site] = config
        else:
            logger.warning("%s is the config of %r, not of %r: not used", path, config.site, site)
    return configs


def reextract_archive(
    root: Path,
    *,
    site: str | None = None,
    since: datetime | None = None,
    config_dir: Path | None = Path("configs"),
    workers: int | None = None,
) -> ReextractResult:
    """Re-extract the newest version of every article (of `site`, fetched at or after `since`).

    Each site is locked while it is processed (a crawl of it cannot run meanwhile); a site
    being crawled is skipped, its articles counted as failed ("site-locked"). Raises
    ConfigError for a bad site config (before anything is written).
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
        hints = _Hints(load_configs(config_dir, {r.site for r in rows}))
        count = (os.cpu_count() or 1) if workers is None else workers
        pool = ExtractionPool(min(count, len(rows)))
        try:
            for site_key in sorted({r.site for r in rows}):
                site_rows = [r for r in rows if r.site == site_key]
                try:
                    lock = acquire_site_lock(root, site_key)
                except SiteLocked as exc:
                    logger.warning("Skipping %s: %s", site_key, exc)
                    result.failed["site-locked"] += len(site_rows)
                    continue
                with lock:
                    _reextract_site(layout, catalog, site_rows, hints, pool, result)
        finally:
            pool.shutdown()
    return result


def _reextract_site(
    layout: ArchiveLayout,
    catalog: Catalog,
    rows: list[ArticleRow],
    hints: _Hints,
    pool: ExtractionPool,
    result: ReextractResult,
) -> None:
    window = max(1, pool.workers * _WINDOW_PER_WORKER)
    pending: deque[tuple[_Page, Future[ExtractionOutcome]]] = deque()
    for page in _pages(layout, rows, hints, result):
        pending.append((page, pool.submit(page.body, page.row.url, page.encoding, page.hints)))
        while len(pending) >= window:
            _settle(layout, catalog, *pending.popleft(), result)
    while pending:
        _settle(layout, catalog, *pending.popleft(), result)


def _pages(
    layout: ArchiveLayout, rows: list[ArticleRow], hints: _Hints, result: ReextractResult
) -> Iterator[_Page]:
    """Each row's archived page; failures are counted and logged, not yielded."""
    for row in rows:
        try:
            yield _read_page(layout, row, hints)
        except Failure as exc:
            logger.warning("Cannot re-extract %s (%s): %s", row.id, row.json_path, exc)
            result.failed[exc.reason] += 1


def _read_page(layout: ArchiveLayout, row: ArticleRow, hints: _Hints) -> _Page:
    document = _read_document(layout.root / row.json_path)
    if document.get("id") != row.id or document.get("version") != row.version:
        raise Failure("document-mismatch", "the catalog is stale (run `archiver reindex`)")
    provenance = document.get("provenance") or {}
    warc_file, offset = provenance.get("warc_file"), provenance.get("warc_offset")
    if not isinstance(warc_file, str) or not isinstance(offset, int):
        raise Failure("no-provenance", "the document names no WARC record")
    warc_path = layout.warc_dir(row.site) / warc_file
    record = _read_response(warc_path, offset, provenance.get("warc_record_id"))
    content_type = _last_header(record, "Content-Type")
    encoding = page_encoding(content_type, record.payload) if _textual(record.mime) else None
    return _Page(row, document, record.payload, encoding, hints.for_file(warc_path))


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Failure("document-unreadable", str(exc)) from exc
    if not isinstance(document, dict):
        raise Failure("document-unreadable", "not a JSON object")
    return document


def _read_response(path: Path, offset: int, record_id: str | None) -> StoredRecord:
    """The response record at `offset`, its body with any Content-Encoding removed."""
    try:
        record = read_record(path, offset)
    except FileNotFoundError as exc:
        raise Failure("warc-missing", str(exc)) from exc
    except Exception as exc:  # OSError, warcio's ArchiveLoadFailed, a truncated gzip member
        raise Failure("record-unreadable", f"{path}@{offset}: {exc}") from exc
    if record.rec_type != "response" or record.http_headers is None:
        raise Failure("record-mismatch", f"{path}@{offset} is a {record.rec_type} record")
    if record_id is not None and record.record_id != record_id:
        raise Failure("record-mismatch", f"{path}@{offset} is {record.record_id}, not {record_id}")
    return record


def _last_header(record: StoredRecord, name: str) -> str | None:
    """The last value of an HTTP header (as Scrapy's ``Headers.get`` gives it)."""
    values = [v for k, v in record.http_headers.headers if k.lower() == name.lower()]
    return values[-1] if values else None


def _settle(
    layout: ArchiveLayout,
    catalog: Catalog,
    page: _Page,
    future: Future[ExtractionOutcome],
    result: ReextractResult,
) -> None:
    """Compare one extraction with its document; store a new version where it differs."""
    try:
        outcome = future.result()
    except Exception as exc:  # a worker died under this page
        outcome = ExtractionOutcome(None, "worker-died", str(exc))
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
