"""A written record's place (file, offset, length) and the fields the catalog indexes."""

from __future__ import annotations

from dataclasses import dataclass

from warcio.recordloader import ArcWarcRecord

from archiver.warc.http_headers import mime_type


@dataclass(frozen=True)
class RecordLocation:
    """Where a record was written, and what an index needs to know about it."""

    warc_file: str  # final file name (never ".open"), relative to the writer's directory
    offset: int  # byte offset of the record's gzip member in the file
    length: int  # compressed length of that member
    record_id: str  # "<urn:uuid:...>"
    record_type: str  # "request" | "response" | "metadata" | "warcinfo" | "revisit"
    target_uri: str | None
    date: str  # WARC-Date as written: ISO 8601, UTC, microseconds, "Z"
    payload_digest: str | None  # "sha1:BASE32" as warcio writes it
    status: int | None = None  # HTTP status (response and revisit records)
    mime: str | None = None  # Content-Type without parameters, lower-cased


def location(record: ArcWarcRecord, warc_file: str, offset: int, length: int) -> RecordLocation:
    """A RecordLocation for a record that has been serialised (digests are set)."""
    rec_headers = record.rec_headers
    status: int | None = None
    mime: str | None
    http_headers = record.http_headers
    if record.rec_type in ("response", "revisit") and http_headers:
        status = int(http_headers.get_statuscode())
        mime = mime_type(http_headers.get_header("Content-Type"))
    elif record.rec_type == "request":
        mime = None
    else:
        mime = mime_type(rec_headers.get_header("Content-Type"))
    return RecordLocation(
        warc_file=warc_file,
        offset=offset,
        length=length,
        record_id=rec_headers.get_header("WARC-Record-ID"),
        record_type=record.rec_type,
        target_uri=rec_headers.get_header("WARC-Target-URI"),
        date=rec_headers.get_header("WARC-Date"),
        payload_digest=rec_headers.get_header("WARC-Payload-Digest"),
        status=status,
        mime=mime,
    )
