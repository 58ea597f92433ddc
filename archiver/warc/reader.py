"""Reading WARC files back: iterate with offsets, or load one record by offset."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archiver.warc.http_headers import mime_type

logger = logging.getLogger(__name__)

#: Most bytes a stored body is inflated to for reading (extraction, replay): 64 MiB, the
#: crawl's default DOWNLOAD_MAXSIZE. Past it the body is left as stored.
MAX_DECODED_SIZE = 64 << 20
_READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class StoredRecord:
    """One WARC record read back, its payload loaded into memory.

    ``raw_payload`` is the payload as stored (still Content-Encoded when the server encoded
    it); ``payload`` is the same bytes decoded for reading (gzip, deflate, br undone by
    warcio's ``content_stream()``; equal to ``raw_payload`` when nothing needed decoding or
    decoding failed). A body that inflates past MAX_DECODED_SIZE (and past its stored size) is
    not decoded: ``payload`` is then ``raw_payload`` and ``too_large`` is set (a gzip bomb
    costs no giant allocation).
    """

    offset: int  # byte offset of the record in its file
    length: int  # length of the record in the file (its gzip member)
    rec_type: str  # WARC-Type
    rec_headers: Any  # warcio StatusAndHeaders: the WARC headers
    http_headers: Any  # warcio StatusAndHeaders of the HTTP message, or None
    raw_payload: bytes
    payload: bytes
    too_large: bool = False  # the decoded body would pass MAX_DECODED_SIZE

    @property
    def record_id(self) -> str | None:
        return self._warc("WARC-Record-ID")

    @property
    def target_uri(self) -> str | None:
        return self._warc("WARC-Target-URI")

    @property
    def date(self) -> str | None:
        return self._warc("WARC-Date")

    @property
    def status(self) -> int | None:
        """HTTP status code of a response or revisit record."""
        if self.http_headers is None or self.rec_type == "request":
            return None
        try:
            return int(self.http_headers.get_statuscode())
        except ValueError:
            return None

    @property
    def mime(self) -> str | None:
        """Media type of the payload (the HTTP Content-Type for HTTP records)."""
        if self.http_headers is not None:
            return mime_type(self.http_headers.get_header("Content-Type"))
        return mime_type(self._warc("Content-Type"))

    def _warc(self, name: str) -> str | None:
        value: str | None = self.rec_headers.get_header(name)
        return value


def _load(record: ArcWarcRecord) -> bytes:
    """Read the record's payload, and leave a re-readable copy as its raw stream."""
    data: bytes = record.raw_stream.read()
    record.raw_stream = BytesIO(data)
    return data


def _decode(record: ArcWarcRecord, raw: bytes) -> tuple[bytes, bool]:
    """The decoded payload, read a chunk at a time; (raw, True) when it grows past both
    MAX_DECODED_SIZE and the stored size (a large body stored unencoded is decoded whole)."""
    record.raw_stream = BytesIO(raw)
    too_large = False
    limit = max(MAX_DECODED_SIZE, len(raw))
    try:
        stream = record.content_stream()
        chunks, size = [], 0  # joined once at the end: no doubling buffer on the way
        while chunk := stream.read(_READ_CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                too_large = True
                break
        decoded: bytes = raw if too_large else b"".join(chunks)
        del chunks
    except Exception as exc:  # zlib.error, brotli.error: a body that lies about its encoding
        logger.warning(
            "Cannot decode payload of %s: %s", record.rec_headers.get_header("WARC-Record-ID"), exc
        )
        decoded = raw
    if too_large:
        logger.warning(
            "Payload of %s inflates past %d bytes: left as stored",
            record.rec_headers.get_header("WARC-Record-ID"),
            limit,
        )
    record.raw_stream = BytesIO(raw)
    return decoded, too_large


def _existing(path: Path) -> Path:
    """``path``, or its ``.open`` twin while the file is still being written."""
    path = Path(path)
    if not path.exists():
        open_path = path.with_name(path.name + ".open")
        if open_path.exists():
            return open_path
    return path


def iter_records(path: Path) -> Iterator[tuple[int, int, ArcWarcRecord]]:
    """Yield ``(offset, length, record)`` for every record of a WARC file.

    Each record's payload is buffered in memory, so its ``raw_stream`` and
    ``content_stream()`` stay readable after the iterator has moved past it.
    """
    with open(_existing(path), "rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            data = record.raw_stream.read()
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            record.raw_stream = BytesIO(data)
            yield offset, length, record


def iter_stored_records(path: Path) -> Iterator[StoredRecord]:
    """Every record of a WARC file as a :class:`StoredRecord`."""
    for offset, length, record in iter_records(path):
        yield _stored(record, offset, length)


def read_record(path: Path, offset: int) -> StoredRecord:
    """Load the record starting at ``offset`` (e.g. a RecordLocation's) in a WARC file."""
    with open(_existing(path), "rb") as fh:
        fh.seek(offset)
        iterator = ArchiveIterator(fh)
        record = next(iterator)
        data = record.raw_stream.read()
        length = iterator.get_record_length()
        record.raw_stream = BytesIO(data)
        return _stored(record, offset, length)


def _stored(record: ArcWarcRecord, offset: int, length: int) -> StoredRecord:
    raw = _load(record)
    payload, too_large = _decode(record, raw)
    return StoredRecord(
        offset=offset,
        length=length,
        rec_type=record.rec_type,
        rec_headers=record.rec_headers,
        http_headers=record.http_headers,
        raw_payload=raw,
        payload=payload,
        too_large=too_large,
    )
