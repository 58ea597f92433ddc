"""`archiver reindex --from DIR...`: bring other archives' files into one, then reindex it.

What is brought over is what `rebuild_catalog` reads: the closed WARC files (warc/<site>/),
the article documents (articles/) and the section snapshots (sections/), each under the same
relative path; and the pages an archive-only crawl left to extract (rows of the source's
catalog). Indexes and the catalog are not copied: they are rebuilt. A source is only read.

Each file is hard-linked when source and target share a filesystem, else copied to a temp
name and linked into place; a file is never put where another already is. The same name
with the same bytes is already there; the same name with other bytes is a conflict: the
incoming file is kept beside under ``<name>~<hash>`` (hash of its bytes, so merging again
finds it). Documents naming a WARC file so renamed are brought over with their provenance
pointing at the new name. WARC files still named ``.open`` are left out, with the documents
and snapshots made from them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.fsutil import fsync_directory
from archiver.jobs.recovery import Recovery, recover_archive
from archiver.jobs.reindex import ReindexResult, iter_warc_files, rebuild_catalog
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import acquire_archive_lock
from archiver.store.rows import PendingExtraction
from archiver.store.tables import PENDING
from archiver.warc.writer import OPEN_SUFFIX, WARC_SUFFIX, open_files

logger = logging.getLogger(__name__)

#: Between a conflicting file's name and the hash of its bytes.
CONFLICT_MARK = "~"


class NotAnArchive(ValueError):
    """A --from directory that is missing or holds no archive."""


@dataclass(frozen=True)
class Conflict:
    """A file of a source whose name the target holds with other bytes."""

    source: Path  # the incoming file
    existing: str  # its name in the target (relative), holding other bytes
    kept_as: str  # where the incoming one is (relative to the target)


@dataclass
class SourceMerge:
    """What was brought over from one source archive."""

    root: Path
    linked: int = 0
    copied: int = 0
    present: int = 0  # already in the target, the same bytes
    conflicts: list[Conflict] = field(default_factory=list)
    left_out: list[Path] = field(default_factory=list)  # .open WARC files
    left_out_documents: list[Path] = field(default_factory=list)  # made from those
    rewritten: int = 0  # documents whose provenance names a WARC file kept under a new name
    pending: list[PendingExtraction] = field(default_factory=list)

    def render(self) -> str:
        """Lines for the user."""
        new = self.linked + self.copied
        lines = [
            f"from {self.root}: {new} file(s) brought over ({self.linked} hard-linked, "
            f"{self.copied} copied), {self.present} already there"
        ]
        for c in self.conflicts:
            lines.append(
                f"  conflict: {c.existing} is in the archive with other bytes than "
                f"{c.source}; both kept, the incoming one as {c.kept_as}"
            )
        if self.rewritten:
            lines.append(
                f"  {self.rewritten} document(s) brought over with their provenance naming "
                "the renamed WARC file"
            )
        for path in self.left_out:
            lines.append(
                f"  left out {path}: still being written or left by a killed run; run "
                f"`archiver reindex` in that directory first"
            )
        if self.left_out_documents:
            lines.append(
                f"  left out {len(self.left_out_documents)} document(s) made from those files"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class MergeResult:
    """What `merge_archives` did: per source, the target's recovery, the rebuilt catalog."""

    sources: list[SourceMerge]
    recovered: Recovery
    reindexed: ReindexResult

    @property
    def left_out(self) -> int:
        return sum(len(s.left_out) for s in self.sources)

    @property
    def conflicts(self) -> int:
        return sum(len(s.conflicts) for s in self.sources)


def check_source(root: Path) -> None:
    """Raise NotAnArchive unless `root` is a directory holding an archive."""
    layout = ArchiveLayout(root)
    if not root.is_dir():
        raise NotAnArchive(f"{root}: no such directory")
    if not (layout.warc_root.is_dir() or layout.articles_dir.is_dir()):
        raise NotAnArchive(f"{root}: not an archive (no warc/ or articles/ in it)")


def merge_archives(target: Path, sources: list[Path]) -> MergeResult:
    """Bring every source's files into `target` (created if need be), then rebuild its catalog
    and indexes, all under the target's archive lock (ArchiveBusy while anything writes)."""
    for source in sources:
        check_source(source)
    target.mkdir(parents=True, exist_ok=True)
    with acquire_archive_lock(target, exclusive=True):
        recovered = recover_archive(target)
        merged = [merge_source(target, source) for source in sources]
        pending = [p for m in merged for p in m.pending]
        result = rebuild_catalog(target, extra_pending=pending)
    return MergeResult(merged, recovered, result)


def merge_source(target: Path, source: Path) -> SourceMerge:
    """Bring one source's closed WARC files, documents and snapshots into `target`."""
    result = SourceMerge(source)
    if source.resolve() == target.resolve():
        return result
    src, dst = ArchiveLayout(source), ArchiveLayout(target)
    renamed: dict[tuple[str, str], str] = {}  # (site, WARC name) -> its name in the target
    skipped: set[tuple[str, str]] = set()  # (site, WARC name) of files left out
    if src.warc_root.is_dir():
        for site_dir in sorted(p for p in src.warc_root.iterdir() if p.is_dir()):
            for path in open_files(site_dir):
                result.left_out.append(path)
                skipped.add((site_dir.name, path.name[: -len(OPEN_SUFFIX)]))
    for site, path in iter_warc_files(src):
        kept = _bring(path, dst.warc_dir(site) / path.name, None, result, target)
        if kept.name != path.name:
            renamed[(site, path.name)] = kept.name
    for directory, target_dir in (
        (src.articles_dir, dst.articles_dir),
        (src.sections_dir, dst.sections_dir),
    ):
        for path in _json_files(directory):
            rel = path.relative_to(directory)
            warc = _warc_file_of(path) if _names_any(rel.parts[0], renamed, skipped) else None
            if warc is not None and (rel.parts[0], warc) in skipped:
                result.left_out_documents.append(path)
                continue
            data = None
            if warc is not None and (rel.parts[0], warc) in renamed:
                data = _renaming(path, renamed[(rel.parts[0], warc)])
                result.rewritten += 1
            _bring(path, target_dir / rel, data, result, target)
    result.pending = _pending_rows(src.catalog_path)
    return result


def _json_files(directory: Path) -> Iterator[Path]:
    if directory.is_dir():
        yield from sorted(p for p in directory.rglob("*.json") if p.is_file())


def _names_any(site: str, *warcs: dict[tuple[str, str], str] | set[tuple[str, str]]) -> bool:
    """Whether any of the (site, WARC name) collections has a file of `site`."""
    return any(s == site for names in warcs for s, _ in names)


def _load(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None  # brought as it is: reindex and verify say what is wrong with it
    return doc if isinstance(doc, dict) else None


def _holder(doc: dict[str, Any]) -> dict[str, Any]:
    """Where a document names its WARC file: an article's provenance, a snapshot itself."""
    provenance = doc.get("provenance")
    return provenance if isinstance(provenance, dict) else doc


def _warc_file_of(path: Path) -> str | None:
    """The WARC file an article document or section snapshot was made from."""
    doc = _load(path)
    name = _holder(doc).get("warc_file") if doc is not None else None
    return name if isinstance(name, str) else None


def _renaming(path: Path, new_name: str) -> bytes:
    """The document with its WARC file's new name (written as the archive writes documents)."""
    doc = _load(path)
    assert doc is not None  # its WARC file name was read from it
    _holder(doc)["warc_file"] = new_name
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _bring(source: Path, dest: Path, data: bytes | None, result: SourceMerge, target: Path) -> Path:
    """Put `source` (or `data` in its place) at `dest` in the archive at `target`, or beside it
    on a conflict (counted in `result`); return where it is."""
    if dest.exists():
        if _same(source, dest, data):
            result.present += 1
            return dest
        other = _conflict_name(dest, source, data)
        conflict = Conflict(source, _rel(dest, target), _rel(other, target))
        if other.exists():
            if not _same(source, other, data):
                raise FileExistsError(errno.EEXIST, "a different file is already there", other)
            result.present += 1  # kept so by an earlier merge
            return other
        result.conflicts.append(conflict)
        dest = other
    dest.parent.mkdir(parents=True, exist_ok=True)
    if data is None and _link(source, dest):
        result.linked += 1
    else:
        _copy(source, dest, data)
        result.copied += 1
    return dest


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _same(source: Path, dest: Path, data: bytes | None) -> bool:
    """Whether `dest` holds the bytes of `source` (or `data`)."""
    if data is None:
        with contextlib.suppress(OSError):
            if os.path.samefile(source, dest):
                return True
        if source.stat().st_size != dest.stat().st_size:
            return False
        return _digest(source) == _digest(dest)
    return dest.stat().st_size == len(data) and dest.read_bytes() == data


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _conflict_name(dest: Path, source: Path, data: bytes | None) -> Path:
    """``<stem>~<hash12><suffix>`` beside `dest`: the same for the same bytes."""
    digest = hashlib.sha256(data).hexdigest() if data is not None else _digest(source)
    for suffix in (WARC_SUFFIX, ".json"):
        if dest.name.endswith(suffix):
            stem = dest.name[: -len(suffix)]
            return dest.with_name(f"{stem}{CONFLICT_MARK}{digest[:12]}{suffix}")
    return dest.with_name(f"{dest.name}{CONFLICT_MARK}{digest[:12]}")


def _link(source: Path, dest: Path) -> bool:
    """Hard-link `source` at `dest` (atomic; fails rather than replace). False where links
    cannot be made (another filesystem, a filesystem without them, not permitted)."""
    try:
        os.link(source, dest)
    except FileExistsError:
        raise
    except OSError as exc:
        logger.debug("Cannot hard-link %s: %s; copying", source, exc)
        return False
    fsync_directory(dest.parent)
    return True


def _copy(source: Path, dest: Path, data: bytes | None) -> None:
    """Copy `source` (or write `data`) to a temp name beside `dest`, fsync, and link it into
    place (fails rather than replace a file that is there)."""
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.merging")
    try:
        with open(tmp, "xb") as out:
            if data is None:
                with open(source, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
            else:
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if data is None:
            shutil.copystat(source, tmp)
        os.link(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_directory(dest.parent)


def _pending_rows(catalog: Path) -> list[PendingExtraction]:
    """The pages the source's archive-only crawls left to extract, read without writing."""
    if not catalog.exists():
        return []
    # Without a WAL file (closed cleanly), as an immutable file: nothing is written beside it
    # (a read-only connection would leave -wal and -shm files in the source).
    wal = catalog.with_name(catalog.name + "-wal").exists()
    mode = "?mode=ro" if wal else "?immutable=1"
    try:
        db = sqlite3.connect(catalog.resolve().as_uri() + mode, uri=True, timeout=30.0)
    except sqlite3.Error as exc:
        logger.warning("Cannot read %s: %s", catalog, exc)
        return []
    try:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (PENDING.name,))
        if found.fetchone() is None:
            return []
        return [PENDING.read(r) for r in db.execute(PENDING.select)]
    except sqlite3.Error as exc:
        logger.warning("Cannot read pending extractions from %s: %s", catalog, exc)
        return []
    finally:
        db.close()
