"""Rotating WARC/1.1 files: one gzip member per record, ``.open`` while written.

Files are named ``<prefix>-<UTC yyyymmddHHMMSS>-<seq:05d>.warc.gz`` (the time the file was
opened), written as ``<name>.open`` under an exclusive ``flock`` and renamed when closed.
:func:`recover_open_files` finishes the files a killed process left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from isal import isal_zlib
from warcio.recordloader import ArcWarcRecord

from archiver.fsutil import as_disk_full, fsync_directory, naming_disk_full
from archiver.warc import records
from archiver.warc.exchange import HttpExchange
from archiver.warc.location import RecordLocation, location

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"


#: The default gzip level: ISA-L's level 1, about zlib level 1's size at a quarter of its
#: time (on the corpus pages: 0.9 ms a page against zlib's 3.2 at level 1 and 8.2 at level 6,
#: files 17% larger than at level 6; `benchmarks/PROFILING.md`).
DEFAULT_GZIP_LEVEL = 1


def gzip_member(data: bytes, level: int = DEFAULT_GZIP_LEVEL) -> bytes:
    """``data`` as one complete gzip member. Levels 1-3 use ISA-L (`isal`), much faster than
    zlib at those levels for the same size; 0 (stored) and 4-9 use zlib."""
    module: Any = isal_zlib if 1 <= level <= 3 else zlib
    compressor = module.compressobj(level, module.DEFLATED, 31)
    return bytes(compressor.compress(data) + compressor.flush())


class WarcWriter:
    """Writes WARC/1.1 records into rotating files, each starting with a warcinfo record.

    A file is opened lazily on the first write (so writing after :meth:`close` starts a new
    file) and rolled over, before a record or a request/response pair, once it holds
    ``max_size`` bytes or, if ``max_age`` (seconds) is not 0, once it was opened that long ago
    (by ``_utcnow``; an idle file stays open until its next record). Each write is flushed, so
    a crash loses at most the record in progress.
    ``on_close(final_path)`` runs synchronously after each rename (hand slow work to a thread);
    ``on_record(record, location)`` after each record is written (warcinfo records aside). The
    hooks' exceptions are logged, not raised. Thread-safe.
    """

    def __init__(
        self,
        directory: Path,
        prefix: str,
        *,
        warcinfo: Mapping[str, str],
        max_size: int = 1_000_000_000,
        max_age: float = 0,
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        on_close: Callable[[Path], None] | None = None,
        on_record: Callable[[ArcWarcRecord, RecordLocation], None] | None = None,
    ) -> None:
        if not prefix or "/" in prefix or os.sep in prefix:
            raise ValueError(f"invalid WARC file prefix {prefix!r}")
        if max_size <= 0:
            raise ValueError("max_size must be positive")
        if not max_age >= 0:
            raise ValueError("max_age must be 0 (no limit) or positive")
        if not 0 <= gzip_level <= 9:
            raise ValueError("gzip_level must be between 0 and 9")
        self.directory = Path(directory)
        self.prefix = prefix
        self.warcinfo = dict(warcinfo)
        self.max_size = max_size
        self.max_age = max_age
        self.gzip_level = gzip_level
        self.on_close = on_close
        self.on_record = on_record
        self._lock = threading.RLock()
        self._file: BinaryIO | None = None
        self._name = ""  # final name of the file being written
        self._size = 0  # bytes in the file being written
        self._opened = datetime.min.replace(tzinfo=UTC)  # when the file being written was opened
        self._seq = 0
        self._closed_files: list[Path] = []
        self._bytes_written = 0
        self._records_written = 0

    # -- hooks (tests override these for byte-exact output) --------------------------------

    def _make_record_id(self) -> str:
        return f"<urn:uuid:{uuid.uuid4()}>"

    def _utcnow(self) -> datetime:
        return datetime.now(UTC)

    # -- public API -------------------------------------------------------------------------

    @property
    def closed_files(self) -> list[Path]:
        """Every file this writer has closed (renamed to its final name), in order."""
        return list(self._closed_files)

    @property
    def bytes_written(self) -> int:
        """Compressed bytes written to all files, warcinfo records included."""
        return self._bytes_written

    @property
    def records_written(self) -> int:
        """Records written to all files, warcinfo records included."""
        return self._records_written

    @property
    def current_file(self) -> Path | None:
        """Final path of the file being written (it exists as ``<path>.open``), if any."""
        return self.directory / self._name if self._file is not None else None

    def write_exchange(
        self, exchange: HttpExchange, *, warc_headers: Mapping[str, str] | None = None
    ) -> tuple[RecordLocation, RecordLocation]:
        """Write a response record then its request record (WARC-Concurrent-To -> response).

        ``warc_headers`` are extra WARC headers for the response record. Both records always
        land in the same file. Returns ``(request, response)`` locations.
        """
        with self._lock:
            self._prepare_file()
            response_id = self._make_record_id()
            response = records.response_record(exchange, record_id=response_id, extra=warc_headers)
            request = records.request_record(
                exchange, record_id=self._make_record_id(), concurrent_to=response_id
            )
            resp_loc, req_loc = self._write([response, request])
            return req_loc, resp_loc

    def write_revisit(
        self,
        exchange: HttpExchange,
        *,
        refers_to: RecordLocation,
        profile: str,
        with_request: bool = True,
    ) -> RecordLocation:
        """Write a revisit record (headers only) pointing at ``refers_to``; return its place.

        ``profile`` is "identical-payload-digest" or "server-not-modified". The request record
        is written too (linked by WARC-Concurrent-To) unless ``with_request`` is False.
        """
        return self._revisit(exchange, refers_to, profile, with_request)[0]

    def write_revisit_exchange(
        self, exchange: HttpExchange, *, refers_to: RecordLocation, profile: str
    ) -> tuple[RecordLocation, RecordLocation]:
        """Write a revisit record then its request record; return ``(request, revisit)``."""
        revisit, request = self._revisit(exchange, refers_to, profile, True)
        return request, revisit

    def _revisit(
        self, exchange: HttpExchange, refers_to: RecordLocation, profile: str, with_request: bool
    ) -> list[RecordLocation]:
        with self._lock:
            self._prepare_file()
            revisit_id = self._make_record_id()
            revisit = records.revisit_record(
                exchange, record_id=revisit_id, profile=profile, refers_to=refers_to
            )
            batch = [revisit]
            if with_request:
                batch.append(
                    records.request_record(
                        exchange, record_id=self._make_record_id(), concurrent_to=revisit_id
                    )
                )
            return self._write(batch)

    def write_metadata(
        self,
        target_uri: str,
        payload: bytes,
        *,
        refers_to: str,
        content_type: str = "application/json",
        date: datetime | None = None,
        refers_to_target: str | None = None,
        refers_to_date: str | None = None,
    ) -> RecordLocation:
        """Write a metadata record whose WARC-Refers-To is ``refers_to`` (a response's id)."""
        with self._lock:
            self._prepare_file()
            record = records.metadata_record(
                target_uri,
                payload,
                record_id=self._make_record_id(),
                date=records.format_warc_date(date or self._utcnow()),
                refers_to=refers_to,
                content_type=content_type,
                refers_to_target=refers_to_target,
                refers_to_date=refers_to_date,
            )
            return self._write([record])[0]

    def write_resource(
        self,
        target_uri: str,
        payload: bytes,
        *,
        content_type: str,
        concurrent_to: str | None = None,
        date: str | None = None,
    ) -> RecordLocation:
        """Write a resource record (e.g. a rendered page's DOM or screenshot) linked to the
        response it was made from by WARC-Concurrent-To; ``date`` is a WARC-Date as written
        (that response's, so replay finds them together), else now."""
        with self._lock:
            self._prepare_file()
            record = records.resource_record(
                target_uri,
                payload,
                record_id=self._make_record_id(),
                date=date or records.format_warc_date(self._utcnow()),
                content_type=content_type,
                concurrent_to=concurrent_to,
            )
            return self._write([record])[0]

    def close(self) -> list[Path]:
        """Close the current file (fsync, rename ``.open`` away); safe to call repeatedly.

        Returns every file this writer has closed so far.
        """
        with self._lock:
            fh = self._file
            if fh is None:
                return self.closed_files
            self._file = None
            final = self.directory / self._name
            with naming_disk_full(self._open_path(final)):  # then the .open file stays
                try:
                    fh.flush()
                    os.fsync(fh.fileno())
                finally:
                    fh.close()
                os.replace(self._open_path(final), final)
            fsync_directory(self.directory)
            self._closed_files.append(final)
            logger.info("Closed WARC file %s (%d bytes)", final, self._size)
            if self.on_close is not None:
                try:
                    self.on_close(final)
                except Exception:
                    # The file is complete and renamed; a failing hook must not lose records.
                    logger.exception("on_close hook failed for %s", final)
            return self.closed_files

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------

    @staticmethod
    def _open_path(final: Path) -> Path:
        return final.with_name(final.name + OPEN_SUFFIX)

    def _prepare_file(self) -> None:
        """Roll over a full or old file; open one if none is open (before any record id is
        made)."""
        if self._file is not None and (self._size >= self.max_size or self._too_old()):
            self.close()
        if self._file is None:
            self._open_next()

    def _too_old(self) -> bool:
        """Whether the file being written is older than ``max_age`` (never when it is 0)."""
        if not self.max_age:
            return False
        return (self._utcnow() - self._opened).total_seconds() >= self.max_age

    def _write(self, batch: list[ArcWarcRecord]) -> list[RecordLocation]:
        """Write records back to back into one file; return their locations."""
        members = [gzip_member(records.serialize(rec), self.gzip_level) for rec in batch]
        offset = self._size
        self._append(b"".join(members))
        locations = []
        for rec, member in zip(batch, members, strict=True):
            loc = location(rec, self._name, offset, len(member))
            locations.append(loc)
            offset += len(member)
            if self.on_record is not None:
                try:
                    self.on_record(rec, loc)
                except Exception:
                    logger.exception("on_record hook failed for a record in %s", self._name)
        self._records_written += len(batch)
        return locations

    def _append(self, data: bytes) -> None:
        """Append to the current file; on failure cut it back so it stays valid.

        Out of space (or at the file size limit), raises `DiskFull` naming the file.
        """
        fh = self._file
        assert fh is not None
        start = self._size
        try:
            view = memoryview(data)
            while view:
                written = fh.write(view)
                view = view[written or 0 :]
            fh.flush()
        except BaseException as exc:
            open_path = self._open_path(self.directory / self._name)
            self._truncate_or_abandon(start)
            full = as_disk_full(exc, open_path)
            if full is not None and full is not exc:
                raise full from exc
            raise
        self._size += len(data)
        self._bytes_written += len(data)

    def _truncate_or_abandon(self, size: int) -> None:
        fh = self._file
        assert fh is not None
        try:
            fh.truncate(size)
            fh.seek(size)
        except OSError:
            logger.exception("Cannot cut %s back after a failed write; abandoning it", self._name)
            self._file = None
            with contextlib.suppress(OSError):
                fh.close()

    def _open_next(self) -> None:
        """Open the next file (a new, unused name) and write its warcinfo record."""
        self.directory.mkdir(parents=True, exist_ok=True)
        opened = self._utcnow()
        stamp = opened.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self._seq += 1
            name = f"{self.prefix}-{stamp}-{self._seq:05d}{WARC_SUFFIX}"
            final = self.directory / name
            if final.exists():
                continue
            open_path = self._open_path(final)
            try:
                with naming_disk_full(open_path):
                    fd = os.open(open_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            break
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file = os.fdopen(fd, "wb", buffering=0)
        self._name = name
        self._size = 0
        self._opened = opened
        logger.info("Opened WARC file %s", self._open_path(final))
        warcinfo = records.warcinfo_record(
            name,
            self.warcinfo,
            record_id=self._make_record_id(),
            date=records.format_warc_date(opened),
        )
        try:
            self._append(gzip_member(records.serialize(warcinfo), self.gzip_level))
        except BaseException:
            self._discard_open_file(final)  # without its warcinfo record it is no WARC file
            raise
        self._records_written += 1

    def _discard_open_file(self, final: Path) -> None:
        fh, self._file = self._file, None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
        with contextlib.suppress(OSError):
            self._open_path(final).unlink()


def complete_members_end(fh: BinaryIO, chunk_size: int = 1 << 20) -> tuple[int, int]:
    """Scan concatenated gzip members; return (end offset of the last complete one, count)."""
    decompressor = zlib.decompressobj(31)
    good_end = count = pos = 0
    pending = b""
    at_eof = False
    while True:
        if not pending and not at_eof:
            pending = fh.read(chunk_size)
            at_eof = not pending
        try:
            out = decompressor.decompress(pending, chunk_size)
        except zlib.error:
            break
        if decompressor.eof:
            pos += len(pending) - len(decompressor.unused_data)
            good_end, count = pos, count + 1
            pending = decompressor.unused_data
            decompressor = zlib.decompressobj(31)
            if at_eof and not pending:
                break
            continue
        pos += len(pending) - len(decompressor.unconsumed_tail)
        pending = decompressor.unconsumed_tail
        if at_eof and not pending and not out:
            break
    return good_end, count


@dataclass(frozen=True)
class RecoveredWarc:
    """A WARC file a killed writer left open, now closed: its final path, its complete
    records (warcinfo included) and the bytes of a torn last record that were cut off."""

    path: Path
    records: int
    dropped_bytes: int


def recover_open_file(path: Path) -> RecoveredWarc | None:
    """Finish one ``*.warc.gz.open`` file a killed writer left: cut it after its last complete
    gzip member (= record), fsync, rename it to its final name.

    None when it is still locked by a live writer, has no complete record (then it is
    deleted), or its final name is taken (logged).
    """
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    with open(path, "r+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("Skipping %s: still being written", path)
            return None
        end, count = complete_members_end(fh)
        size = os.fstat(fh.fileno()).st_size
        if end < size:
            logger.warning("Recovering %s: dropping %d trailing bytes", path, size - end)
            fh.truncate(end)
        fh.flush()
        os.fsync(fh.fileno())
        if count == 0:
            logger.warning("Removing %s: no complete record", path)
            path.unlink()
            fsync_directory(path.parent)
            return None
        if final.exists():
            logger.error("Cannot recover %s: %s already exists", path, final.name)
            return None
        os.replace(path, final)
    fsync_directory(final.parent)
    logger.info("Recovered %s (%d records)", final, count)
    return RecoveredWarc(final, count, size - end)


def open_files(directory: Path) -> list[Path]:
    """The ``*.warc.gz.open`` files of a directory, sorted."""
    return sorted(Path(directory).glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}"))


def recover_open_files(directory: Path) -> list[Path]:
    """Finish ``*.warc.gz.open`` files left by a killed process; return the final paths.

    Each file is cut after its last complete gzip member (= record) and renamed. Files still
    locked by a live writer are skipped; files without one complete record are deleted.
    """
    recovered = (recover_open_file(path) for path in open_files(directory))
    return [r.path for r in recovered if r is not None]
