"""CDXJ indexes in pywb's format: one file per closed WARC file, and lookups over all of them.

A WARC file being written has an open index beside (`open_index_path`): its lines, unsorted,
appended as its records are written, so replay serves what a crawl has written so far.

Lines are made by cdxj-indexer itself (``<urlkey> <timestamp> <json>``), for response, revisit
and resource records only. Metadata records (article documents) are not captures; where one
has the article URL as WARC-Target-URI, its line would shadow the page in replay (same key, same
second, "application/json" sorted before "text/html").
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdxj_indexer import CDXJIndexer
from warcio.recordloader import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_timestamp

from archiver.fsutil import atomic_write_text
from archiver.store.layout import ArchiveLayout
from archiver.store.timestamps import parse_timestamp
from archiver.warc import RecordLocation, read_record

logger = logging.getLogger(__name__)

#: The WARC record types an index lists.
INDEXED_TYPES = ("response", "revisit", "resource")
INDEX_SUFFIX = ".cdxj"
#: The suffix of an open index (see `open_index_path`).
OPEN_INDEX_SUFFIX = ".cdxj.open"


@dataclass(frozen=True)
class CdxjEntry:
    """One index line: where a capture of a URL is, and what it holds."""

    urlkey: str  # SURT key as pywb/cdxj-indexer make it, e.g. "org,example)/news/a?x=1"
    timestamp: str  # 14 digits (UTC) from WARC-Date
    url: str  # WARC-Target-URI
    mime: str | None  # Content-Type without parameters; "warc/revisit" for revisits
    status: int | None  # HTTP status (response and revisit records)
    digest: str | None  # WARC-Payload-Digest as written, e.g. "sha1:PDMN..."
    length: int  # bytes of the record (its gzip member) in the file
    offset: int  # byte offset of the record in the file
    filename: str  # WARC file name (no directory)
    site: str  # the collection: warc/<site>/
    record_type: str  # "response" | "revisit" | "resource"

    def line(self) -> str:
        """The CDXJ line, byte for byte as cdxj-indexer writes it (field order and strings)."""
        fields: dict[str, str] = {"url": self.url}
        if self.mime is not None:
            fields["mime"] = self.mime
        if self.status is not None:
            fields["status"] = str(self.status)
        if self.digest is not None:
            fields["digest"] = self.digest
        fields["length"] = str(self.length)
        fields["offset"] = str(self.offset)
        fields["filename"] = self.filename
        return f"{self.urlkey} {self.timestamp} {json.dumps(fields)}"

    @classmethod
    def from_line(cls, line: str, site: str) -> CdxjEntry:
        """Parse a CDXJ line of collection `site`.

        The line does not name the record type: "warc/revisit" means a revisit, a status a
        response, neither a resource (as pywb reads it). Unknown fields are ignored.
        """
        urlkey, timestamp, data = line.rstrip("\r\n").split(" ", 2)
        fields = json.loads(data)
        return cls._make(urlkey, timestamp, fields, site, None)

    @classmethod
    def _make(
        cls, urlkey: str, timestamp: str, fields: dict[str, Any], site: str, rec_type: str | None
    ) -> CdxjEntry:
        mime, status = fields.get("mime"), _int_or_none(fields.get("status"))
        if rec_type is None:
            rec_type = _record_type(mime, status)
        return cls(
            urlkey=urlkey,
            timestamp=timestamp,
            url=fields.get("url") or "",
            mime=mime,
            status=status,
            digest=fields.get("digest"),
            length=int(fields["length"]),
            offset=int(fields["offset"]),
            filename=fields["filename"],
            site=site,
            record_type=rec_type,
        )


def _record_type(mime: str | None, status: int | None) -> str:
    """What pywb takes a line for: a revisit by its mime, a response by its status."""
    if mime == "warc/revisit":
        return "revisit"
    return "resource" if status is None else "response"


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _CollectingIndexer(CDXJIndexer):
    """cdxj-indexer's indexer, keeping (urlkey, timestamp, fields, record type) per record."""

    def __init__(self) -> None:
        super().__init__(None, [], records=",".join(INDEXED_TYPES))
        self.rows: list[tuple[str, str, dict[str, Any], str]] = []
        self._rec_type = ""

    def filter_record(self, record: Any) -> bool:
        # As cdxj-indexer's default: no resource records holding WARC fields.
        if (
            record.rec_type == "resource"
            and record.rec_headers.get_header("Content-Type") == "application/warc-fields"
        ):
            return False
        return bool(super().filter_record(record))

    def _write_line(self, out: Any, index: Any, record: Any, filename: str) -> None:
        self._rec_type = record.rec_type
        super()._write_line(out, index, record, filename)

    def _do_write(self, urlkey: str, ts: str, index: Any, out: Any) -> None:
        self.rows.append((urlkey, ts, dict(index), self._rec_type))


_KEYER = CDXJIndexer(None, [])


class _Position:
    """Where a record just written lies, as cdxj-indexer asks its record iterator."""

    def __init__(self, offset: int, length: int) -> None:
        self._offset, self._length = offset, length

    def get_record_offset(self) -> int:
        return self._offset

    def get_record_length(self) -> int:
        return self._length


_UNUSABLE: list[CdxjEntry] = []  # a file some record of which could not be indexed live


class LiveIndex:
    """The index entries of WARC files being written, made by cdxj-indexer's own code from
    each record as it is written (the file is not read back when it closes). Thread-safe.

    Given the archive's `layout`, each record's lines are also appended to the file's open
    index (`open_index_path`) as soon as `add` is called (after the record is in the file).
    """

    def __init__(self, site: str, layout: ArchiveLayout | None = None) -> None:
        self.site = site
        self.layout = layout
        self._indexer = _CollectingIndexer()
        self._entries: dict[str, list[CdxjEntry]] = {}
        self._open_files: dict[str, int] = {}  # WARC file name -> descriptor of its open index
        self._given_up: set[str] = set()  # WARC files whose open index could not be written
        self._lock = threading.Lock()

    def add(self, record: Any, loc: RecordLocation) -> None:
        """Index one record written at `loc` (warcio's record object, before it is discarded)."""
        indexer = self._indexer
        with self._lock:
            entries = self._entries.setdefault(loc.warc_file, [])
            if entries is _UNUSABLE:
                return
            try:
                if not indexer.filter_record(record):
                    return
                indexer.curr_filename = loc.warc_file
                indexer.rows.clear()
                indexer.process_index_entry(_Position(loc.offset, loc.length), record, "", None)
                rows = [CdxjEntry._make(k, ts, f, self.site, t) for k, ts, f, t in indexer.rows]
            except Exception:
                logger.exception("Cannot index a record of %s as written", loc.warc_file)
                self._entries[loc.warc_file] = _UNUSABLE  # the closed file will be read
                return
            entries += rows
            if rows and self.layout is not None:
                self._append_open_index(loc.warc_file, rows)

    def take(self, warc_name: str) -> list[CdxjEntry] | None:
        """The entries of a closed file (None: index the file itself, none or not all of its
        records went through `add`). Its open index is closed, not removed: `write_index`
        removes it once the sorted index is written."""
        with self._lock:
            entries = self._entries.pop(warc_name, None)
            self._close_open_index(warc_name)
            self._given_up.discard(warc_name)
        return None if entries is _UNUSABLE else entries

    def close(self) -> None:
        """Close the open indexes still held (of files never closed: they stay on disk)."""
        with self._lock:
            for name in list(self._open_files):
                self._close_open_index(name)

    def _append_open_index(self, warc_name: str, rows: list[CdxjEntry]) -> None:
        """One write of the lines to the file's open index; on an error, no more of them (a
        torn last line is ignored by readers)."""
        if warc_name in self._given_up:
            return
        assert self.layout is not None
        path = open_index_path(self.layout, self.site, warc_name)
        data = "".join(f"{e.line()}\n" for e in rows).encode("utf-8")
        try:
            fd = self._open_files.get(warc_name)
            if fd is None:
                path.parent.mkdir(parents=True, exist_ok=True)
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND | os.O_CLOEXEC
                fd = self._open_files[warc_name] = os.open(path, flags, 0o666)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                if not written:
                    raise OSError(f"nothing written to {path}")
                view = view[written:]
        except OSError as exc:
            logger.warning(
                "Cannot write %s (%s): replay sees no more of %s until it is closed",
                path,
                exc,
                warc_name,
            )
            self._close_open_index(warc_name)
            self._given_up.add(warc_name)

    def _close_open_index(self, warc_name: str) -> None:
        fd = self._open_files.pop(warc_name, None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError as exc:
                logger.warning("Cannot close the open index of %s: %s", warc_name, exc)


def surt_key(url: str) -> str:
    """The SURT key of a URL, made by cdxj-indexer's own code (as pywb makes it)."""
    return str(_KEYER.get_url_key(url))


def index_warc(path: Path, site: str) -> list[CdxjEntry]:
    """The entries of a WARC file's response, revisit and resource records, in file order."""
    indexer = _CollectingIndexer()
    with open(path, "rb") as fh:
        indexer.process_one(fh, None, str(path))
    return [CdxjEntry._make(k, ts, f, site, rt) for k, ts, f, rt in indexer.rows]


def index_path(layout: ArchiveLayout, site: str, warc_name: str) -> Path:
    """indexes/<site>/<WARC file name>.cdxj"""
    return layout.indexes_dir / site / f"{warc_name}{INDEX_SUFFIX}"


def open_index_path(layout: ArchiveLayout, site: str, warc_name: str) -> Path:
    """indexes/<site>/<WARC file name>.cdxj.open: the open index of a WARC file being written.

    `warc_name` is the file's final name (without ".open"), as its lines name it. The lines are
    those of its final index (`CdxjEntry.line`), unsorted, in the order the records were
    written, each ending in "\n" and appended only once its record is wholly in the WARC file;
    a last line without "\n" is torn (the writer died in mid-line) and is ignored. Replay reads
    it while `index_path` does not exist, the records from ``<warc_name>.open`` or, once
    renamed, ``<warc_name>``. `write_index` removes it once the sorted index is written; one
    left by a killed crawl goes the same way when its recovered file is indexed.
    """
    return layout.indexes_dir / site / f"{warc_name}{OPEN_INDEX_SUFFIX}"


def cdxj_text(entries: Iterable[CdxjEntry]) -> str:
    """Entries as the text of a CDXJ file: lines sorted (as `cdxj-indexer -s` sorts them)."""
    return "".join(f"{line}\n" for line in sorted({e.line() for e in entries}))


def write_index(
    layout: ArchiveLayout, site: str, warc_path: Path, entries: list[CdxjEntry] | None = None
) -> Path:
    """Write (atomically) the sorted CDXJ index of one closed WARC file; return its path.

    `entries` are the file's, made as it was written (`LiveIndex`); without them the file is
    read and indexed. The file's open index (`open_index_path`), now superseded, is removed.
    """
    path = index_path(layout, site, warc_path.name)
    if entries is None:
        entries = index_warc(warc_path, site)
    atomic_write_text(path, cdxj_text(entries))
    open_index_path(layout, site, warc_path.name).unlink(missing_ok=True)
    return path


def iter_index_files(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every index file: indexes/<site>/*.cdxj."""
    for site, path in _index_dir_files(layout):
        if path.name.endswith(INDEX_SUFFIX):
            yield site, path


def iter_open_index_files(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every open index: indexes/<site>/*.cdxj.open (see `open_index_path`)."""
    for site, path in _index_dir_files(layout):
        if path.name.endswith(OPEN_INDEX_SUFFIX):
            yield site, path


def _index_dir_files(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every file under indexes/<site>/, in order."""
    root = layout.indexes_dir
    sites = [e for e in os.scandir(root) if e.is_dir()] if root.is_dir() else []
    for site in sorted(sites, key=lambda e: e.name):
        try:
            entries = sorted(os.scandir(site.path), key=lambda e: e.name)
        except OSError:  # removed since listed
            continue
        for entry in entries:
            if entry.is_file():
                yield site.name, Path(entry.path)


def _final_index(open_path: Path) -> Path:
    """indexes/<site>/<name>.cdxj of indexes/<site>/<name>.cdxj.open"""
    return open_path.with_name(open_path.name[: -len(OPEN_INDEX_SUFFIX)] + INDEX_SUFFIX)


_Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): an atomic rename changes the inode
_Listing = dict[Path, tuple[str, _Stamp]]  # path -> (site, stamp)


@dataclass
class _OpenIndex:
    """What has been read of an open index: its entries, and how far (complete lines only)."""

    site: str
    stamp: _Stamp  # as it was when last read
    read: int = 0  # bytes
    entries: list[CdxjEntry] = field(default_factory=list)


def _stamp(path: Path) -> _Stamp | None:
    try:
        st = path.stat()
    except OSError:  # removed since listed
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _order(entry: CdxjEntry) -> tuple[str, str, str, int]:
    return entry.timestamp, entry.site, entry.filename, entry.offset


class CdxjIndex:
    """Lookups over every index file of an archive (indexes/*/*.cdxj), kept in memory, and
    over the open indexes of WARC files being written (indexes/*/*.cdxj.open).

    Each query first lists the index directories and compares mtimes, sizes and inodes, and
    re-reads only the files that were added or changed; of an open index that grew, only the
    lines added since. An open index whose final index exists is not read. Thread-safe.
    """

    def __init__(self, root: Path) -> None:
        self.layout = ArchiveLayout(Path(root))
        self._lock = threading.Lock()
        self._files: dict[Path, tuple[_Stamp, list[CdxjEntry]]] = {}
        self._open: dict[Path, _OpenIndex] = {}
        self._by_key: dict[str, list[CdxjEntry]] = {}

    def captures(self, url: str, site: str | None = None) -> list[CdxjEntry]:
        """Every capture of the URL (all entries of its SURT key), oldest first."""
        entries = self._entries().get(surt_key(url), [])
        return [e for e in entries if site is None or e.site == site]

    def closest(self, url: str, timestamp: str, site: str | None = None) -> CdxjEntry | None:
        """The capture nearest in time to `timestamp` (4 to 14 digits), or None.

        Of captures equally near, one with a status below 400 (or none) wins over an error,
        then the earlier one. Revisits count as captures: see :meth:`original`.
        """
        target = parse_timestamp(timestamp)

        def rank(entry: CdxjEntry) -> tuple[float, bool, str]:
            distance = abs((parse_timestamp(entry.timestamp) - target).total_seconds())
            return distance, (entry.status or 0) >= 400, entry.timestamp

        candidates = self.captures(url, site)
        return min(candidates, key=rank) if candidates else None

    def original(self, entry: CdxjEntry) -> CdxjEntry | None:
        """The response holding the payload of `entry`: itself unless it is a revisit.

        For a revisit, the latest response of the same key and digest at or before it (any
        collection); failing that, the response its record names in WARC-Refers-To-Target-URI
        and WARC-Refers-To-Date. None when the original is not indexed.
        """
        if entry.record_type != "revisit":
            return entry
        found = self._latest_response(entry.urlkey, entry.digest, entry.timestamp)
        return found if found is not None else self._refers_to(entry)

    def warc_path(self, entry: CdxjEntry) -> Path:
        """root/warc/<site>/<filename>"""
        return self.layout.warc_dir(entry.site) / entry.filename

    # -- internals ------------------------------------------------------------------------

    def _latest_response(
        self, urlkey: str, digest: str | None, before: str, exact: bool = False
    ) -> CdxjEntry | None:
        found = None
        for e in self._entries().get(urlkey, []):
            if e.record_type != "response" or (digest is not None and e.digest != digest):
                continue
            if e.timestamp == before or (not exact and e.timestamp < before):
                found = e
        return found

    def _refers_to(self, entry: CdxjEntry) -> CdxjEntry | None:
        try:
            try:
                headers = read_record(self.warc_path(entry), entry.offset).rec_headers
            except FileNotFoundError:  # found as <name>.open, renamed before it was opened
                headers = read_record(self.warc_path(entry), entry.offset).rec_headers
        except (OSError, StopIteration, ValueError, ArchiveLoadFailed) as exc:
            logger.warning("Cannot read revisit %s@%d: %s", entry.filename, entry.offset, exc)
            return None
        uri = headers.get_header("WARC-Refers-To-Target-URI")
        date = headers.get_header("WARC-Refers-To-Date")
        if not uri or not date:
            return None
        key, stamp = surt_key(uri), iso_date_to_timestamp(date)
        return self._latest_response(key, entry.digest, stamp, exact=True) or (
            self._latest_response(key, None, stamp, exact=True)
        )

    def _entries(self) -> dict[str, list[CdxjEntry]]:
        """The entries by key, after re-reading the index files that changed."""
        stamps, open_stamps = self._list()
        with self._lock:
            unchanged = stamps.keys() == self._files.keys() and all(
                self._files[p][0] == stamp for p, (_, stamp) in stamps.items()
            )
            if not (unchanged and self._grow(open_stamps)):
                self._reload(stamps, open_stamps)
            return self._by_key

    def _list(self) -> tuple[_Listing, _Listing]:
        """The index files and the open indexes to read, with their stamps."""
        stamps: _Listing = {}
        open_stamps: _Listing = {}
        for site, path in _index_dir_files(self.layout):
            if path.name.endswith(INDEX_SUFFIX):
                listing = stamps
            elif path.name.endswith(OPEN_INDEX_SUFFIX):
                listing = open_stamps
            else:
                continue
            stamp = _stamp(path)
            if stamp is not None:
                listing[path] = (site, stamp)
        # An open index read before and gone now was (most likely) replaced by its final index
        # while the directory was listed: look for that one by name.
        for path, known in list(self._open.items()):
            final = _final_index(path)
            if path not in open_stamps and final not in stamps:
                stamp = _stamp(final)
                if stamp is not None:
                    stamps[final] = (known.site, stamp)
        for path in [p for p in open_stamps if _final_index(p) in stamps]:
            del open_stamps[path]  # superseded (until write_index removes it)
        return stamps, open_stamps

    def _grow(self, open_stamps: _Listing) -> bool:
        """Read the lines added to the open indexes; False when that is not all that changed
        (one came or went, or was replaced): then everything is gathered anew."""
        if open_stamps.keys() != self._open.keys():
            return False
        added: list[CdxjEntry] = []
        for path, (_, stamp) in open_stamps.items():
            known = self._open[path]
            if known.stamp == stamp:
                continue
            if not _read_more(path, known, stamp, added):
                return False
        for entry in added:
            group = list(self._by_key.get(entry.urlkey, ()))  # a new list: readers hold the old
            bisect.insort(group, entry, key=_order)
            self._by_key[entry.urlkey] = group
        return True

    def _reload(self, stamps: _Listing, open_stamps: _Listing) -> None:
        files: dict[Path, tuple[_Stamp, list[CdxjEntry]]] = {}
        for path, (site, stamp) in stamps.items():
            cached = self._files.get(path)
            if cached is not None and cached[0] == stamp:
                files[path] = cached
                continue
            entries = _read_index(path, site)
            if entries is not None:
                files[path] = (stamp, entries)
        open_files: dict[Path, _OpenIndex] = {}
        for path, (site, stamp) in open_stamps.items():
            known = self._open.get(path)
            if known is None or not _read_more(path, known, stamp, []):
                known = _OpenIndex(site, (0, 0, stamp[2]))  # nothing read yet
                if not _read_more(path, known, stamp, []):
                    continue
            open_files[path] = known
        by_key: dict[str, list[CdxjEntry]] = {}
        every = [entries for _, entries in files.values()]
        every += [known.entries for known in open_files.values()]
        for entries in every:
            for e in entries:
                by_key.setdefault(e.urlkey, []).append(e)
        for group in by_key.values():
            group.sort(key=_order)
        self._files, self._open, self._by_key = files, open_files, by_key


def _read_more(path: Path, known: _OpenIndex, stamp: _Stamp, added: list[CdxjEntry]) -> bool:
    """Read the complete lines added to an open index since `known` (updated, and the new
    entries put in `added` too); False when it was replaced, cut or cannot be read."""
    if stamp == known.stamp:
        return True
    if stamp[2] != known.stamp[2] or stamp[1] < known.read:
        return False  # another file now, or a shorter one: not what was read
    try:
        with open(path, "rb") as fh:
            fh.seek(known.read)
            data = fh.read()
    except OSError as exc:
        logger.warning("Cannot read open index %s: %s", path, exc)
        return False
    end = data.rfind(b"\n") + 1  # a last line without its newline is still being written
    for line in data[:end].decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        try:
            entry = CdxjEntry.from_line(line, known.site)
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("Skipping bad line of %s: %s", path, exc)
            continue
        known.entries.append(entry)
        added.append(entry)
    known.read += end
    known.stamp = stamp
    return True


def _read_index(path: Path, site: str) -> list[CdxjEntry] | None:
    """The entries of an index file (bad lines logged and skipped); None if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        logger.warning("Cannot read index %s: %s", path, exc)
        return None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(CdxjEntry.from_line(line, site))
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("Skipping bad line %d of %s: %s", number, path, exc)
    return entries
