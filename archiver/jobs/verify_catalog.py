"""Checking the catalog against the files: every row's file and record there, every record,
document and snapshot listed. The catalog is opened read-only (an archive on read-only media
can be verified)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from archiver.jobs.verify_files import BEING_WRITTEN, ScannedArchive
from archiver.jobs.verify_report import Checked, Problem
from archiver.store.layout import CATALOG_NAME, ArchiveLayout
from archiver.store.rows import ArticleRow, CaptureRow, SnapshotRow
from archiver.store.tables import ARTICLES, CAPTURES, SNAPSHOTS, Table

R = TypeVar("R")

#: The record types that have a capture row (as the crawl and `archiver reindex` make them).
CATALOGUED_TYPES = frozenset({"request", "response", "revisit", "metadata"})

#: Tables whose rows name a record by its id, which must then be a capture row. (Not
#: page_resources: its rows come from metadata records, which name their page by its id even
#: where the page's WARC file is lost; that loss is reported as such.)
_REFERRING = (
    ("url_state", "record_id"),
    ("events", "record_id"),
    ("pending_extractions", "record_id"),
)


@dataclass
class CatalogRows:
    """The rows of the catalog the checks compare with the files."""

    captures: list[CaptureRow] = field(default_factory=list)
    articles: list[ArticleRow] = field(default_factory=list)
    snapshots: list[SnapshotRow] = field(default_factory=list)
    references: dict[str, list[str]] = field(default_factory=dict)  # table -> record ids

    def count(self) -> int:
        refs = sum(len(ids) for ids in self.references.values())
        return len(self.captures) + len(self.articles) + len(self.snapshots) + refs


def read_catalog(path: Path) -> CatalogRows:
    """Every row the checks need, read without writing (raises sqlite3.Error).

    Opened as usual but query-only, so that closing it removes the -wal and -shm files a
    read-only connection to a WAL database would leave behind; read-only where it must be.
    """
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, timeout=30.0)
        db.execute("PRAGMA query_only = ON")
    except sqlite3.OperationalError:  # read-only media or permissions
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30.0)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        result = CatalogRows(
            captures=_rows(db, tables, CAPTURES),
            articles=_rows(db, tables, ARTICLES),
            snapshots=_rows(db, tables, SNAPSHOTS),
        )
        for table, column in _REFERRING:
            if table in tables:
                sql = f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
                result.references[table] = [r[0] for r in db.execute(sql)]
        return result
    finally:
        db.close()


def _rows(db: sqlite3.Connection, tables: set[str], table: Table[R]) -> list[R]:
    if table.name not in tables:
        return []
    present = {r[1] for r in db.execute(f"PRAGMA table_info({table.name})")}
    return [table.read(r) for r in db.execute(table.select_present(present))]


def check_catalog(
    layout: ArchiveLayout,
    archive: ScannedArchive,
    rows: CatalogRows,
    problems: list[Problem],
    checked: Checked,
) -> None:
    """Rows against files, both ways."""
    checked.catalog_rows += rows.count()
    _check_captures(layout, archive, rows.captures, problems)
    known = {r.record_id for r in rows.captures}
    for scanned in archive.files.values():
        if scanned.state == BEING_WRITTEN:
            continue
        unlisted = [
            r
            for r in scanned.scan.records
            if r.rec_type in CATALOGUED_TYPES and r.record_id not in known
        ]
        if unlisted:
            first = unlisted[0]
            reason = (
                f"{len(unlisted)} record{'s' if len(unlisted) != 1 else ''} without a catalog "
                f"row (first: {first.rec_type} {first.record_id} at offset {first.offset})"
            )
            problems.append(Problem("missing-row", scanned.scan.path, reason))
    for what, listed in (("article document", rows.articles), ("snapshot", rows.snapshots)):
        for row in listed:
            if not (layout.root / row.json_path).is_file():
                reason = f"the catalog lists this {what}, which is not there"
                problems.append(Problem("dangling-row", row.json_path, reason))
    for table, ids in rows.references.items():
        strays = [i for i in ids if i not in known]
        if strays:
            reason = (
                f"{len(strays)} {table} row{'s' if len(strays) != 1 else ''} name records the "
                f"catalog does not list (first: {strays[0]})"
            )
            problems.append(Problem("dangling-row", CATALOG_NAME, reason, table))


def _check_captures(
    layout: ArchiveLayout,
    archive: ScannedArchive,
    captures: list[CaptureRow],
    problems: list[Problem],
) -> None:
    by_file: dict[tuple[str, str], list[CaptureRow]] = defaultdict(list)
    for row in captures:
        by_file[(row.site, row.warc_file)].append(row)
    for (site, name), file_rows in sorted(by_file.items()):
        scanned = archive.get(site, name)
        if scanned is None:
            path = (layout.warc_dir(site) / name).relative_to(layout.root).as_posix()
            n = len(file_rows)
            reason = (
                f"{n} capture row{'s' if n != 1 else ''} name this file, which is not there "
                "(if it was deleted, its records are lost: restore it from a copy before "
                "--repair drops the rows)"
            )
            problems.append(Problem("dangling-row", path, reason))
            continue
        for row in file_rows:
            if not scanned.checked(row.warc_offset):
                continue
            record = scanned.by_offset.get(row.warc_offset)
            if record is not None and record.record_id == row.record_id:
                continue
            there = f"{record.record_id} is there" if record else "no record starts there"
            reason = f"the catalog's {row.record_type} record is not there ({there})"
            where = f"offset {row.warc_offset} {row.record_id}"
            problems.append(Problem("dangling-row", scanned.scan.path, reason, where))
