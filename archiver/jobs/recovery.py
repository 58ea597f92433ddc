"""Finish what a killed run left behind, before anything reads or writes the archive.

A SIGKILL (or a power cut) can leave, for a site:

- a WARC file still named ``.open``, perhaps with a torn last record, and no CDXJ index;
- a closed WARC file without its index (killed between the rename and the index);
- records written but not catalogued, documents written but not catalogued (killed between
  the file and the catalog commit).

`recover_site` repairs all of that for one site, under its lock: open files are cut after
their last complete record, closed and indexed; their records get their catalog rows; and when
the site's lock says its last holder was killed, the documents and snapshots on disk that the
catalog lacks are catalogued. `recover_archive` does it for every site that needs it, skipping
sites another process is writing. Crawl, archive, reindex, export and replay call it first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.store.catalog import Catalog
from archiver.store.cdxj import OPEN_INDEX_SUFFIX, index_path, write_index
from archiver.store.identity import PAGE_RESOURCES_URI, normalise_url
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import LockBusy, SiteLock, acquire_site_lock, holder_of
from archiver.store.page_resources import PageResourceReport
from archiver.store.rows import (
    ArticleRow,
    CaptureRow,
    PageResourcesRow,
    capture_row,
    page_resources_row,
    snapshot_row,
)
from archiver.store.urlstate import observe_processed
from archiver.warc import iter_records
from archiver.warc.location import location
from archiver.warc.writer import WARC_SUFFIX, RecoveredWarc, open_files, recover_open_file

logger = logging.getLogger(__name__)

#: The record types the catalog has a row for (as `archiver reindex` catalogues them).
CATALOGUED_TYPES = ("request", "response", "revisit", "metadata")


@dataclass
class Recovery:
    """What recovery did (empty when there was nothing to do)."""

    warcs: list[RecoveredWarc] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # open files without a complete record
    indexed: list[Path] = field(default_factory=list)  # closed WARC files that had no index
    records: int = 0  # capture rows added for records the killed run wrote
    documents: int = 0  # article documents and snapshots catalogued
    busy: list[str] = field(default_factory=list)  # sites being written by another process

    def __bool__(self) -> bool:
        return bool(self.warcs or self.removed or self.indexed or self.records or self.documents)

    def add(self, other: Recovery) -> None:
        self.warcs += other.warcs
        self.removed += other.removed
        self.indexed += other.indexed
        self.records += other.records
        self.documents += other.documents
        self.busy += other.busy

    def render(self) -> str:
        """One line per kind of repair, for the user."""
        lines = []
        for warc in self.warcs:
            cut = f", {warc.dropped_bytes} bytes of a torn record cut" if warc.dropped_bytes else ""
            lines.append(
                f"recovered {warc.path.name}, left open by a killed run: "
                f"{warc.records} complete records kept{cut}"
            )
        for path in self.removed:
            lines.append(f"removed {path.name}: a killed run left it without a complete record")
        unindexed = [p for p in self.indexed if p not in {w.path for w in self.warcs}]
        if unindexed:
            lines.append(f"indexed {len(unindexed)} WARC file(s) a killed run left unindexed")
        if self.records or self.documents:
            lines.append(
                f"catalogued what a killed run had written but not recorded: {self.records} "
                f"WARC records, {self.documents} documents"
            )
        return "\n".join(lines)


def recover_site(root: Path, site: str, lock: SiteLock) -> Recovery:
    """Repair what a killed run left of `site`; the caller holds the site's `lock`."""
    assert lock.held and lock.site == site
    layout = ArchiveLayout(root)
    result = Recovery()
    warc_dir = layout.warc_dir(site)
    for path in open_files(warc_dir):
        recovered = recover_open_file(path)
        if recovered is not None:
            result.warcs.append(recovered)
        elif not path.exists():
            result.removed.append(path)
    for closed in _unindexed(layout, site):
        write_index(layout, site, closed)
        result.indexed.append(closed)
    _drop_open_indexes(layout, site)
    if not (result.warcs or lock.killed_before):
        return result
    with Catalog(layout.catalog_path) as catalog:
        for warc in result.warcs:
            result.records += _catalogue_records(catalog, site, warc.path)
        if lock.killed_before:
            result.documents += _catalogue_documents(catalog, layout, site)
        catalog.commit()
    return result


def recover_archive(root: Path) -> Recovery:
    """`recover_site` for every site with something to repair that no one is writing now.

    Sites another process holds are left to it (listed in `busy`).
    """
    result = Recovery()
    for site in _sites_to_check(ArchiveLayout(root)):
        try:
            lock = acquire_site_lock(root, site)
        except LockBusy:
            result.busy.append(site)
            continue
        with lock:
            if lock.killed_before or _needs_repair(ArchiveLayout(root), site):
                result.add(recover_site(root, site, lock))
    return result


def being_written(root: Path, site: str | None = None) -> list[Path]:
    """The open WARC files of the archive (of one site): after `recover_archive`, those that
    running commands are writing."""
    layout = ArchiveLayout(root)
    if not layout.warc_root.is_dir():
        return []
    dirs = [layout.warc_dir(site)] if site else sorted(layout.warc_root.iterdir())
    return [path for directory in dirs for path in open_files(directory)]


def _sites_to_check(layout: ArchiveLayout) -> list[str]:
    """Sites with open WARC files, unindexed WARC files, or a lock a killed run held."""
    sites = set()
    if layout.warc_root.is_dir():
        for site_dir in layout.warc_root.iterdir():
            if site_dir.is_dir() and _needs_repair(layout, site_dir.name):
                sites.add(site_dir.name)
    locks = layout.state_dir / "locks"
    if locks.is_dir():
        for path in locks.glob("*.lock"):
            if path.name != "archive.lock" and holder_of(path):
                sites.add(path.stem)  # a killed holder (or a live one: then it is busy)
    return sorted(sites)


def _needs_repair(layout: ArchiveLayout, site: str) -> bool:
    if open_files(layout.warc_dir(site)):
        return True
    return next(_unindexed(layout, site), None) is not None


def _unindexed(layout: ArchiveLayout, site: str) -> Iterator[Path]:
    """Closed WARC files of a site without their CDXJ index (or with a stale open one)."""
    warc_dir = layout.warc_dir(site)
    if not warc_dir.is_dir():
        return
    for warc in sorted(warc_dir.glob(f"*{WARC_SUFFIX}")):
        index = index_path(layout, site, warc.name)
        if not index.exists() or index.with_name(index.name + ".open").exists():
            yield warc


def _drop_open_indexes(layout: ArchiveLayout, site: str) -> None:
    """Remove the growing indexes of WARC files no longer being written."""
    directory = layout.indexes_dir / site
    if not directory.is_dir():
        return
    writing = {p.name for p in open_files(layout.warc_dir(site))}
    for index in directory.glob(f"*{OPEN_INDEX_SUFFIX}"):
        warc_name = index.name[: -len(OPEN_INDEX_SUFFIX)]
        if f"{warc_name}.open" not in writing:
            index.unlink(missing_ok=True)


def catalogued_records(site: str, path: Path) -> Iterator[tuple[CaptureRow, Any]]:
    """Each record of a WARC file that the catalog has a row for, with that row (read the
    record before asking for the next)."""
    for offset, length, record in iter_records(path):
        if record.rec_type in CATALOGUED_TYPES:
            loc = location(record, path.name, offset, length)
            refers_to = record.rec_headers.get_header("WARC-Refers-To")
            yield capture_row(site, loc, refers_to=refers_to), record


def page_resources_of(site: str, row: CaptureRow, record: Any) -> PageResourcesRow | None:
    """The resource account of a captured page, from the metadata record it was kept in (None
    for any other record, or one that cannot be read)."""
    if row.record_type != "metadata" or not (row.url or "").startswith(PAGE_RESOURCES_URI):
        return None
    try:
        report = PageResourceReport.from_dict(json.loads(record.content_stream().read()))
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("Skipping a page-resources record for %s: %s", row.refers_to, exc)
        return None
    return page_resources_row(site, row.refers_to, report) if row.refers_to else None


def _catalogue_records(catalog: Catalog, site: str, path: Path) -> int:
    """Add the capture rows a killed run did not commit for the records of `path`."""
    rows = []
    accounts = []
    for row, record in catalogued_records(site, path):
        rows.append(row)
        account = page_resources_of(site, row, record)
        if account is not None:
            accounts.append((row.record_id, account))
    known = catalog.known_records(row.record_id for row in rows)
    missing = [row for row in rows if row.record_id not in known]
    catalog.add_captures(missing)
    for record_id, account in accounts:
        if record_id not in known:
            catalog.put_page_resources(account)
    return len(missing)


def _catalogue_documents(catalog: Catalog, layout: ArchiveLayout, site: str) -> int:
    """Catalog the site's article documents and snapshots the catalog lacks."""
    known = catalog.document_paths(site)
    added = 0
    for kind, directory in (("article", layout.articles_dir), ("snapshot", layout.sections_dir)):
        base = directory / site
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.json")):
            rel = path.relative_to(layout.root).as_posix()
            if rel in known:
                continue
            doc = _read(path)
            if doc is None:
                continue
            try:
                if kind == "article":
                    _catalogue_article(catalog, doc, rel)
                else:
                    catalog.add_snapshot(snapshot_row(doc, rel))
            except (KeyError, TypeError) as exc:
                logger.warning("Cannot catalog %s: missing %s", rel, exc)
                continue
            added += 1
    return added


def _catalogue_article(catalog: Catalog, doc: dict[str, Any], rel: str) -> None:
    catalog.add_article(ArticleRow.from_document(doc, rel))
    latest = catalog.latest_version(doc["id"])
    if latest is not None and latest.version == doc["version"]:
        catalog.index_for_search(doc)
    for url in {doc.get("requested_url") or doc["url"], doc["url"]}:
        state = catalog.url_state(normalise_url(url))
        if state is not None and not state.processed:
            catalog.put_url_state(observe_processed(state, doc["id"], doc.get("published")))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("Cannot read %s: %s", path, exc)
        return None
    return doc if isinstance(doc, dict) else None
