"""`archiver verify`: check a whole archive, and repair what can be rebuilt.

Checks (each problem has a kind, see archiver.jobs.verify_report.KINDS): every WARC file record
by record (verify_warc), every article and snapshot document (verify_docs), the catalog against
the files (verify_catalog), the CDXJ indexes against the files (verify_index). Read-only.

The repair recovers the .open files of killed runs (cut after their last whole record, as
`recover_open_files` does) and rebuilds the catalog and the indexes from the files
(`rebuild_catalog`); it never rewrites a closed WARC file or a document.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import zlib
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from archiver.jobs.reindex import rebuild_catalog
from archiver.jobs.verify_catalog import CatalogRows, check_catalog, read_catalog
from archiver.jobs.verify_docs import Findings, check_articles, check_snapshots
from archiver.jobs.verify_files import scan_archive
from archiver.jobs.verify_index import check_indexes
from archiver.jobs.verify_report import KINDS, REPAIRABLE, Problem, RepairReport, VerifyReport
from archiver.store.layout import CATALOG_NAME, ArchiveLayout
from archiver.store.locking import acquire_archive_lock
from archiver.warc.writer import OPEN_SUFFIX, recover_open_files

logger = logging.getLogger(__name__)

#: Problems that stop `rebuild_catalog` reading a file through (warcio gives up on it).
_UNREADABLE = ("corrupt", "bad-record")


def is_archive(root: Path) -> bool:
    """Whether `root` looks like an archive: a catalog, warc/ or articles/ in it."""
    layout = ArchiveLayout(Path(root))
    return root.is_dir() and (
        layout.catalog_path.exists() or layout.warc_root.is_dir() or layout.articles_dir.is_dir()
    )


def verify_archive(root: Path) -> VerifyReport:
    """Check everything in the archive at `root`; read-only."""
    started = time.monotonic()
    layout = ArchiveLayout(Path(root))
    report = VerifyReport(str(root))
    archive = scan_archive(layout, report)
    rows = _catalog_rows(layout, report.problems)
    findings = Findings(report.problems)
    check_articles(layout, archive, rows.articles if rows else None, findings, report.checked)
    check_snapshots(layout, archive, rows.snapshots if rows else None, findings, report.checked)
    if rows is not None:
        check_catalog(layout, archive, rows, report.problems, report.checked)
    check_indexes(layout, archive, report.problems, report.checked)
    for path, namers in sorted(findings.missing_warcs.items()):
        n = len(namers)
        reason = f"named by {n} file{'s' if n != 1 else ''} (first: {namers[0]}), but not there"
        report.problems.append(Problem("missing-warc", path, reason))
    order = {kind: i for i, kind in enumerate(KINDS)}
    report.problems.sort(key=lambda p: order[p.kind])
    report.seconds = time.monotonic() - started
    return report


def _catalog_rows(layout: ArchiveLayout, problems: list[Problem]) -> CatalogRows | None:
    path = layout.catalog_path
    if not path.is_file():
        problems.append(Problem("catalog", CATALOG_NAME, "there is no catalog"))
        return None
    try:
        return read_catalog(path)
    except sqlite3.Error as exc:
        problems.append(Problem("catalog", CATALOG_NAME, f"the catalog cannot be read: {exc}"))
        return None


def repair_archive(root: Path) -> RepairReport:
    """Verify, fix what can be rebuilt, verify again, with the archive to itself (raises
    ArchiveBusy while anything writes into it): recover the .open files of killed runs, then
    rebuild the catalog and the CDXJ indexes from the files."""
    root = Path(root)
    layout = ArchiveLayout(root)
    with acquire_archive_lock(root, exclusive=True):
        before = verify_archive(root)
        result = RepairReport(before, before)
        kinds = set(before.counts())
        if not kinds & REPAIRABLE:
            return result
        if "left-open" in kinds:
            _recover(layout, before, result)
        _rebuild(root, before, result)
        result.after = verify_archive(root)
    return result


def _recover(layout: ArchiveLayout, before: VerifyReport, result: RepairReport) -> None:
    left = [p.path for p in before.problems if p.kind == "left-open"]
    unsafe = {(layout.root / p).parent: p for p in before.keep_open}
    for site_dir in sorted({(layout.root / p).parent for p in left}):
        if site_dir in unsafe:
            result.failures.append(
                f"the .open files of {site_dir.relative_to(layout.root).as_posix()}/ were not "
                f"closed: {unsafe[site_dir]} holds readable records after broken bytes, which "
                "closing it would cut off; copy it aside first"
            )
            continue
        for final in recover_open_files(site_dir):
            rel = final.relative_to(layout.root).as_posix()
            result.actions.append(f"closed {rel}{OPEN_SUFFIX} after its last whole record")
    for rel in left:
        path = layout.root / rel
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        if rel.endswith(OPEN_SUFFIX) and not path.exists() and not final.exists():
            result.actions.append(f"removed {rel}: it held no whole record")


def _rebuild(root: Path, before: VerifyReport, result: RepairReport) -> None:
    dropped = sorted(  # rows of a whole file that is not there
        p.path
        for p in before.problems
        if p.kind == "dangling-row" and p.where is None and p.path.startswith("warc/")
    )
    try:
        done = rebuild_catalog(root)
    except (ArchiveLoadFailed, OSError, sqlite3.Error, zlib.error, ValueError, EOFError) as exc:
        logger.debug("rebuild_catalog failed", exc_info=True)
        damaged = sorted({p.path for p in before.problems if p.kind in _UNREADABLE})
        if damaged:  # warcio's message quotes the broken bytes: name the files instead
            cause = f"warcio cannot read {', '.join(damaged)} through: restore it from a copy, "
            cause += "or move it out of warc/, and repair again"
        else:
            text = str(exc).strip().splitlines()
            cause = f"{type(exc).__name__}: {text[0][:100] if text else ''}"
        result.failures.append(f"the catalog and indexes were not rebuilt ({cause})")
        return
    result.actions.append(
        f"rebuilt the catalog and the CDXJ indexes from {done.warc_files} WARC files "
        f"({done.captures} records, {done.articles} article documents, {done.snapshots} "
        "section snapshots)"
    )
    for path in dropped:
        result.actions.append(
            f"dropped the catalog rows of {path}, which is not there (its records are lost "
            "unless a copy is restored)"
        )
