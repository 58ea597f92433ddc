"""Checking the CDXJ indexes: one per closed WARC file, none for a file that is not there, and
each listing exactly the file's response, revisit and resource records (offsets and lengths)."""

from __future__ import annotations

import json
from pathlib import Path

from archiver.jobs.verify_files import CLOSED, ScannedArchive, ScannedFile
from archiver.jobs.verify_report import Checked, Problem
from archiver.jobs.verify_warc import ScannedRecord
from archiver.store.cdxj import INDEX_SUFFIX, INDEXED_TYPES, index_path, iter_index_files
from archiver.store.layout import ArchiveLayout


def indexed(record: ScannedRecord) -> bool:
    """Whether an index lists the record (as cdxj-indexer and archiver.store.cdxj decide)."""
    if record.rec_type not in INDEXED_TYPES:
        return False
    return not (record.rec_type == "resource" and record.content_type == "application/warc-fields")


def check_indexes(
    layout: ArchiveLayout, archive: ScannedArchive, problems: list[Problem], checked: Checked
) -> None:
    """Every index against its WARC file, and every closed WARC file against its index."""
    for site, path in iter_index_files(layout):
        checked.index_files += 1
        rel = path.relative_to(layout.root).as_posix()
        name = path.name[: -len(INDEX_SUFFIX)]
        scanned = archive.get(site, name)
        if scanned is None:
            reason = f"it indexes {name}, which is not there (if it was deleted, its records "
            reason += "are lost: restore it from a copy before --repair drops the index)"
            problems.append(Problem("dangling-index", rel, reason))
            continue
        if scanned.state != CLOSED:
            reason = f"it indexes {name}, which is still .open"
            problems.append(Problem("dangling-index", rel, reason))
            continue
        mismatch = _mismatch(path, scanned)
        if mismatch:
            problems.append(Problem("index-mismatch", rel, mismatch))
    for scanned in archive.closed():
        if not index_path(layout, scanned.site, scanned.name).is_file():
            problems.append(Problem("missing-index", scanned.scan.path, "it has no CDXJ index"))


def _mismatch(path: Path, scanned: ScannedFile) -> str | None:
    """How the index's entries differ from the file's records (None: they do not)."""
    expected = {r.offset: r.length for r in scanned.scan.records if indexed(r)}
    entries: dict[int, int] = {}
    bad = others = 0
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read: {exc}"
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            fields = json.loads(line.split(" ", 2)[2])
            offset, length = int(fields["offset"]), int(fields["length"])
        except (IndexError, ValueError, KeyError, TypeError):
            bad += 1
            continue
        if fields.get("filename") != scanned.name:
            others += 1
        entries[offset] = length
    unlisted = [o for o in expected if o not in entries]
    strays = [o for o in entries if o not in expected and scanned.checked(o)]
    lengths = [o for o, n in entries.items() if o in expected and expected[o] != n]
    if not (unlisted or strays or lengths or bad or others):
        return None
    parts = [f"{len(entries)} entries for {len(expected)} indexable records"]
    if unlisted:
        parts.append(f"{len(unlisted)} records not listed (first at offset {min(unlisted)})")
    if strays:
        parts.append(f"{len(strays)} entries at no record's offset (first {min(strays)})")
    if lengths:
        parts.append(f"{len(lengths)} wrong lengths")
    if others:
        parts.append(f"{others} entries naming another file")
    if bad:
        parts.append(f"{bad} lines that do not parse")
    return "; ".join(parts)
