"""Checking one WARC file in one streaming pass, as `warcio check` does and more.

Each gzip member must hold exactly one whole record: its headers parse, its block is as long as
its Content-Length, WARC-Block-Digest and WARC-Payload-Digest match (checked by warcio's own
digest-verifying reader, so revisits are skipped as `warcio check` skips them), and the file
ends after the last member. Members are split here (warcio's reader glosses over a truncated or
broken member), so a problem is placed at the offset of the record it is in. Nothing is read
into memory whole: input comes in slices, a record's block is digested as it streams by.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from warcio.recordloader import ArcWarcRecordLoader

from archiver.jobs.verify_report import Problem

_READ = 1 << 20  # bytes read from the file at a time
_SLICE = 16 << 10  # input handed to the decompressor at a time (what its leftover copies cost)
_INFLATE = 1 << 18  # most decompressed bytes per call
_GZIP_MAGIC = b"\x1f\x8b\x08"
_REQUIRED = ("WARC-Record-ID", "WARC-Type", "WARC-Date", "Content-Length")
_LOADER = ArcWarcRecordLoader(verify_http=False, arc2warc=False)


@dataclass(frozen=True)
class ScannedRecord:
    """A record found in a file: where it is and what the other checks compare."""

    offset: int
    length: int
    record_id: str
    rec_type: str
    target_uri: str | None
    payload_digest: str | None
    content_type: str | None


@dataclass
class WarcScan:
    """One file checked: its whole records, its problems, and how far it could be read."""

    path: str  # relative to the archive root, as found (".open" included)
    size: int = 0
    records: list[ScannedRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    torn_at: int | None = None  # the file ends inside the record starting here
    unreadable_from: int | None = None  # nothing could be read from here to the end
    #: stretches of broken bytes [start, end) with readable records after them
    damaged: list[tuple[int, int]] = field(default_factory=list)

    def checked_up_to(self) -> int | None:
        """Offsets at or past this were not checked (None: the whole file was)."""
        return self.unreadable_from if self.unreadable_from is not None else self.torn_at

    def in_damage(self, offset: int) -> bool:
        """Whether `offset` lies in broken bytes (records after them were checked)."""
        return any(start <= offset < end for start, end in self.damaged)


class _Corrupt(Exception):
    """The gzip data of a member is broken."""


class _Source:
    """A file's bytes, read in large chunks and handed out in slices."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self._buf = memoryview(b"")
        self._pos = 0
        self._base = 0  # file offset of _buf[0]

    @property
    def offset(self) -> int:
        return self._base + self._pos

    def at_eof(self) -> bool:
        if self._pos >= len(self._buf):
            self._fill()
        return self._pos >= len(self._buf)

    def piece(self) -> memoryview:
        """The next slice of input (empty at the end of the file), not yet consumed."""
        if self._pos >= len(self._buf):
            self._fill()
        return self._buf[self._pos : self._pos + _SLICE]

    def consume(self, n: int) -> None:
        self._pos += n

    def give_back(self, n: int) -> None:
        """Un-consume `n` bytes of the current chunk (a member ended before them)."""
        self._pos -= n

    def seek(self, offset: int) -> None:
        self.fh.seek(offset)
        self._buf, self._pos, self._base = memoryview(b""), 0, offset

    def _fill(self) -> None:
        self._base += len(self._buf)
        self._buf, self._pos = memoryview(self.fh.read(_READ)), 0


class _Member:
    """The decompressed bytes of one gzip member, as a stream warcio's parser reads."""

    def __init__(self, src: _Source) -> None:
        self.src = src
        self.start = src.offset
        self._inflater = zlib.decompressobj(31)
        self._tail = b""  # input taken from the source that the inflater has not used yet
        self._buf = b""
        self._pos = 0
        self._told = 0  # bytes handed out
        self.ended = False  # the member's gzip trailer was read
        self.cut = False  # the file ended inside the member

    @property
    def end(self) -> int:
        """Offset just past the member (once ended)."""
        return self.src.offset

    def _inflate(self) -> bool:
        """Decompress more into the buffer; False at the member's (or the file's) end."""
        while not (self.ended or self.cut):
            from_source = not self._tail
            data: bytes | memoryview = self.src.piece() if from_source else self._tail
            if not data:
                self.cut = True
                return False
            try:
                out = self._inflater.decompress(data, _INFLATE)
            except zlib.error as exc:
                raise _Corrupt(str(exc)) from None
            unused = len(self._inflater.unused_data)
            if from_source:
                self.src.consume(len(data) - unused)
            else:
                self.src.give_back(unused)
            self._tail = self._inflater.unconsumed_tail
            self.ended = self._inflater.eof
            if out:
                self._buf, self._pos = out, 0
                return True
        return False

    def read(self, size: int | None = -1) -> bytes:
        parts = []
        want = -1 if size is None else size
        while want != 0:
            if self._pos >= len(self._buf) and not self._inflate():
                break
            end = len(self._buf) if want < 0 else self._pos + want
            part = self._buf[self._pos : end]
            self._pos += len(part)
            if want > 0:
                want -= len(part)
            parts.append(part)
        data = b"".join(parts)
        self._told += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        parts = []
        want = -1 if size is None else size
        while want != 0:
            if self._pos >= len(self._buf) and not self._inflate():
                break
            newline = self._buf.find(b"\n", self._pos)
            end = len(self._buf) if newline < 0 else newline + 1
            if want > 0:
                end = min(end, self._pos + want)
                want -= end - self._pos
            parts.append(self._buf[self._pos : end])
            self._pos = end
            if parts[-1].endswith(b"\n"):
                break
        data = b"".join(parts)
        self._told += len(data)
        return data

    def tell(self) -> int:
        return self._told

    def drain(self, keep: int = 64) -> tuple[bytes, int]:
        """Read to the member's end: (its first `keep` bytes, how many there were)."""
        head = self.read(keep)
        count = len(head)
        while True:
            chunk = self.read(_INFLATE)
            if not chunk:
                return head, count
            count += len(chunk)


def scan_warc(path: Path, rel: str, *, live: bool = False) -> WarcScan:
    """Check every record of a WARC file in one pass.

    `live`: the file is being written; a record cut off at its end is the one in progress,
    not a problem, and is not checked.
    """
    scan = WarcScan(rel)
    with open(path, "rb") as fh:
        scan.size = os.fstat(fh.fileno()).st_size
        src = _Source(fh)
        while not src.at_eof():
            member = _Member(src)
            try:
                _check_member(member, scan)
            except _Corrupt as exc:
                if live:  # the writer may be mid-member; stop at the last whole record
                    scan.torn_at = member.start
                    break
                if not _skip_damage(src, member.start, scan, str(exc)):
                    break
                continue
            if member.cut:
                scan.torn_at = member.start
                break
    if live or rel.endswith(".open"):  # reported as being written or as left open
        return scan
    if scan.size == 0:
        scan.problems.append(Problem("bad-record", rel, "the file is empty: it holds no record"))
    if scan.torn_at is not None:
        cut = scan.size - scan.torn_at
        scan.problems.append(
            Problem(
                "truncated",
                rel,
                f"the file ends {cut} bytes into this record: it was cut short",
                f"offset {scan.torn_at}",
            )
        )
    return scan


def _check_member(member: _Member, scan: WarcScan) -> None:
    """Parse, digest and account for the record in one gzip member."""
    rel, start = scan.path, member.start
    try:
        record = _LOADER.parse_record_stream(member, known_format="warc", check_digests=True)
    except _Corrupt:
        raise
    except Exception as exc:  # warcio's parser raises many kinds on garbage
        member.drain()
        if not member.cut:
            reason = f"the record's headers do not parse: {str(exc).strip()[:120]}"
            scan.problems.append(Problem("bad-record", rel, reason, f"offset {start}"))
        return
    block = record.raw_stream
    while block.read(_INFLATE):
        pass
    short = getattr(block, "limit", 0)
    rest, rest_count = member.drain()
    if member.cut:
        return
    headers = record.rec_headers
    where = f"offset {start}"
    missing = [name for name in _REQUIRED if not headers.get_header(name)]
    if missing:
        reason = f"the record lacks {', '.join(missing)}"
        scan.problems.append(Problem("bad-record", rel, reason, where))
    elif short:
        reason = f"the record is {short} bytes shorter than its Content-Length"
        scan.problems.append(Problem("bad-record", rel, reason, where))
    elif rest.strip(b"\r\n"):
        if rest.lstrip(b"\r\n").startswith((b"WARC/1.", b"WARC/0.")):
            reason = "this gzip member holds more than one record (`warcio recompress` fixes it)"
        else:
            reason = f"{rest_count} bytes follow the record's end inside its gzip member"
        scan.problems.append(Problem("bad-record", rel, reason, where))
    record_id = headers.get_header("WARC-Record-ID") or ""
    if record.digest_checker.passed is False:
        for message in record.digest_checker.problems:
            scan.problems.append(
                Problem("digest", rel, _digest_reason(message), f"offset {start} {record_id}")
            )
    scan.records.append(_scanned(record, start, member.end - start))


def _scanned(record: Any, offset: int, length: int) -> ScannedRecord:
    get = record.rec_headers.get_header
    return ScannedRecord(
        offset=offset,
        length=length,
        record_id=get("WARC-Record-ID") or "",
        rec_type=record.rec_type or "",
        target_uri=get("WARC-Target-URI"),
        payload_digest=get("WARC-Payload-Digest"),
        content_type=get("Content-Type"),
    )


def _digest_reason(message: str) -> str:
    """warcio's "payload digest failed: sha1:X" as a sentence."""
    what, _, digest = message.partition(" failed")
    return f"the {what} does not match the record's bytes (header says {digest.strip(': ')})"


def _skip_damage(src: _Source, start: int, scan: WarcScan, error: str) -> bool:
    """Report broken gzip data at `start`; carry on at the next member that holds a record.

    False when no later record was found (the rest of the file is unreadable).
    """
    resume = _next_member(src.fh, start + 1)
    if resume is None:
        scan.unreadable_from = start
        lost = scan.size - start
        reason = f"the gzip data is broken ({error}); the {lost} bytes from here to the end of "
        reason += "the file cannot be read"
        scan.problems.append(Problem("corrupt", scan.path, reason, f"offset {start}"))
        return False
    reason = f"the gzip data is broken ({error}); bytes {start} to {resume} cannot be read "
    reason += "(a record is lost), the records after them can"
    scan.problems.append(Problem("corrupt", scan.path, reason, f"offset {start}"))
    scan.damaged.append((start, resume))
    src.seek(resume)
    return True


def _next_member(fh: BinaryIO, offset: int) -> int | None:
    """The offset of the next gzip member at or after `offset` that starts with a WARC record."""
    overlap = len(_GZIP_MAGIC) - 1
    while True:
        fh.seek(offset)
        chunk = fh.read(_READ)
        if len(chunk) <= overlap:
            return None
        at = chunk.find(_GZIP_MAGIC)
        while at >= 0:
            if _starts_record(fh, offset + at):
                return offset + at
            at = chunk.find(_GZIP_MAGIC, at + 1)
        offset += len(chunk) - overlap


def _starts_record(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(31).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith((b"WARC/1.", b"WARC/0."))
