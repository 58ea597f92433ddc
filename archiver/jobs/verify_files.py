"""Every WARC file of an archive checked (see verify_warc), and its records looked up by place."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archiver.jobs.verify_report import Problem, VerifyReport
from archiver.jobs.verify_warc import ScannedRecord, WarcScan, scan_warc
from archiver.store.layout import ArchiveLayout
from archiver.warc.writer import OPEN_SUFFIX, WARC_SUFFIX

CLOSED, LEFT_OPEN, BEING_WRITTEN = "closed", "left-open", "being-written"


@dataclass
class ScannedFile:
    """One WARC file as found: its site, final name, state and records."""

    site: str
    name: str  # the final name (never ".open"), as catalog rows and documents name it
    path: Path
    state: str  # CLOSED, LEFT_OPEN (a killed run's .open file) or BEING_WRITTEN
    scan: WarcScan
    by_offset: dict[int, ScannedRecord] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def checked(self, offset: int) -> bool:
        """Whether a record starting at `offset` would have been seen (if it were there)."""
        if self.scan.in_damage(offset):
            return False
        limit = self.scan.checked_up_to()
        if limit is None and self.state == BEING_WRITTEN:
            last = self.scan.records[-1] if self.scan.records else None
            limit = last.offset + last.length if last else 0
        return limit is None or offset < limit

    def lost(self, offset: int) -> bool:
        """Whether `offset` is in a part of the file that cannot be read (broken or cut off)."""
        return self.state != BEING_WRITTEN and not self.checked(offset)


@dataclass
class ScannedArchive:
    """The WARC files of an archive, checked, by (site, final name)."""

    files: dict[tuple[str, str], ScannedFile] = field(default_factory=dict)

    def get(self, site: str, name: str) -> ScannedFile | None:
        return self.files.get((site, name))

    def closed(self) -> Iterator[ScannedFile]:
        return (f for f in self.files.values() if f.state == CLOSED)


def writer_alive(path: Path) -> bool:
    """Whether a live writer holds the flock of a `.open` file (as the WARC writer takes it)."""
    try:
        with open(path, "rb") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except FileNotFoundError:  # closed (renamed) since it was listed
        return False
    return False


def iter_warc_paths(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every WARC file, closed or .open, sorted."""
    root = layout.warc_root
    sites = [e for e in os.scandir(root) if e.is_dir()] if root.is_dir() else []
    for site in sorted(sites, key=lambda e: e.name):
        for entry in sorted(os.scandir(site.path), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith((WARC_SUFFIX, WARC_SUFFIX + OPEN_SUFFIX)):
                yield site.name, Path(entry.path)


def scan_archive(layout: ArchiveLayout, report: VerifyReport) -> ScannedArchive:
    """Check every WARC file of the archive, reporting into `report`."""
    archive = ScannedArchive()
    problems, checked = report.problems, report.checked
    for site, path in iter_warc_paths(layout):
        rel = path.relative_to(layout.root).as_posix()
        is_open = path.name.endswith(OPEN_SUFFIX)
        live = is_open and writer_alive(path)
        try:
            scan = scan_warc(path, rel, live=live)
        except FileNotFoundError:  # an .open file closed meanwhile: its final name follows
            continue
        except OSError as exc:
            problems.append(Problem("corrupt", rel, f"the file cannot be read: {exc}"))
            continue
        state = BEING_WRITTEN if live else LEFT_OPEN if is_open else CLOSED
        name = path.name[: -len(OPEN_SUFFIX)] if is_open else path.name
        scanned = ScannedFile(site, name, path, state, scan)
        for record in scan.records:
            scanned.by_offset[record.offset] = record
            scanned.ids.add(record.record_id)
        if (site, name) in archive.files:  # both X and X.open: the closed file counts
            problems.append(
                Problem("left-open", rel, f"{name} exists too: this is a leftover copy of it")
            )
            continue
        archive.files[(site, name)] = scanned
        if live:
            checked.being_written += 1
            report.being_written.append(rel)
            continue
        checked.warc_files += 1
        checked.warc_bytes += scan.size
        checked.records += len(scan.records)
        problems += scan.problems
        if is_open:
            problems.append(Problem("left-open", rel, _left_open_reason(scan)))
            if scan.damaged:  # closing it after its last whole record would cut good ones
                report.keep_open.append(rel)
    return archive


def _left_open_reason(scan: WarcScan) -> str:
    whole = len(scan.records)
    reason = f"left open by a killed run: {whole} whole record{'s' if whole != 1 else ''}"
    if scan.torn_at is not None:
        reason += f", then {scan.size - scan.torn_at} bytes of a torn one"
    return reason + " (--repair closes it after its last whole record)"
