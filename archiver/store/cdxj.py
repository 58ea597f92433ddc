"""CDXJ indexes in pywb's format: one file per closed WARC file, and lookups over all of them.

Lines are made by cdxj-indexer itself (``<urlkey> <timestamp> <json>``), for response, revisit
and resource records only. Metadata records (article documents) are not captures; where one
has the article URL as WARC-Target-URI, its line would shadow the page in replay (same key, same
second, "application/json" sorted before "text/html").
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
    each record as it is written (the file is not read back when it closes). Thread-safe."""

    def __init__(self, site: str) -> None:
        self.site = site
        self._indexer = _CollectingIndexer()
        self._entries: dict[str, list[CdxjEntry]] = {}
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

    def take(self, warc_name: str) -> list[CdxjEntry] | None:
        """The entries of a closed file (None: index the file itself, none or not all of its
        records went through `add`)."""
        with self._lock:
            entries = self._entries.pop(warc_name, None)
        return None if entries is _UNUSABLE else entries


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


def cdxj_text(entries: Iterable[CdxjEntry]) -> str:
    """Entries as the text of a CDXJ file: lines sorted (as `cdxj-indexer -s` sorts them)."""
    return "".join(f"{line}\n" for line in sorted({e.line() for e in entries}))


def write_index(
    layout: ArchiveLayout, site: str, warc_path: Path, entries: list[CdxjEntry] | None = None
) -> Path:
    """Write (atomically) the sorted CDXJ index of one closed WARC file; return its path.

    `entries` are the file's, made as it was written (`LiveIndex`); without them the file is
    read and indexed.
    """
    path = index_path(layout, site, warc_path.name)
    if entries is None:
        entries = index_warc(warc_path, site)
    atomic_write_text(path, cdxj_text(entries))
    return path


def iter_index_files(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every index file: indexes/<site>/*.cdxj."""
    root = layout.indexes_dir
    sites = [e for e in os.scandir(root) if e.is_dir()] if root.is_dir() else []
    for site in sorted(sites, key=lambda e: e.name):
        for entry in sorted(os.scandir(site.path), key=lambda e: e.name):
            if entry.name.endswith(INDEX_SUFFIX) and entry.is_file():
                yield site.name, Path(entry.path)


_Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): an atomic rename changes the inode


class CdxjIndex:
    """Lookups over every index file of an archive (indexes/*/*.cdxj), kept in memory.

    Each query first lists the index directories and compares mtimes, sizes and inodes, and
    re-reads only the files that were added or changed. Thread-safe.
    """

    def __init__(self, root: Path) -> None:
        self.layout = ArchiveLayout(Path(root))
        self._lock = threading.Lock()
        self._files: dict[Path, tuple[_Stamp, list[CdxjEntry]]] = {}
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
        stamps: dict[Path, tuple[str, _Stamp]] = {}
        for site, path in iter_index_files(self.layout):
            try:
                st = path.stat()
            except OSError:  # removed since listed
                continue
            stamps[path] = (site, (st.st_mtime_ns, st.st_size, st.st_ino))
        with self._lock:
            unchanged = stamps.keys() == self._files.keys() and all(
                self._files[p][0] == stamp for p, (_, stamp) in stamps.items()
            )
            if not unchanged:
                self._reload(stamps)
            return self._by_key

    def _reload(self, stamps: dict[Path, tuple[str, _Stamp]]) -> None:
        files: dict[Path, tuple[_Stamp, list[CdxjEntry]]] = {}
        for path, (site, stamp) in stamps.items():
            cached = self._files.get(path)
            if cached is not None and cached[0] == stamp:
                files[path] = cached
                continue
            entries = _read_index(path, site)
            if entries is not None:
                files[path] = (stamp, entries)
        by_key: dict[str, list[CdxjEntry]] = {}
        for _, entries in files.values():
            for e in entries:
                by_key.setdefault(e.urlkey, []).append(e)
        for group in by_key.values():
            group.sort(key=lambda e: (e.timestamp, e.site, e.filename, e.offset))
        self._files, self._by_key = files, by_key


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
