"""WARC records as data: one HTTP fetch in, warcio records (WARC/1.1) out.

Pure functions: record ids and dates come in as arguments, so the output is reproducible.
The file side (gzip members, rotation) lives in :mod:`archiver.warc.writer`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from io import BytesIO

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.warc.exchange import HttpExchange
from archiver.warc.http_headers import one_line, request_block, response_block
from archiver.warc.location import RecordLocation

WARC_VERSION = "WARC/1.1"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"

#: Short revisit profile names -> the WARC/1.1 profile URIs written into WARC-Profile.
REVISIT_PROFILES: Mapping[str, str] = {
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}

#: WARC headers the record builders own; callers may not override them.
RESERVED_WARC_HEADERS = frozenset(
    h.lower()
    for h in (
        "WARC-Type",
        "WARC-Record-ID",
        "WARC-Date",
        "WARC-Target-URI",
        "WARC-Concurrent-To",
        "WARC-Payload-Digest",
        "WARC-Block-Digest",
        "Content-Type",
        "Content-Length",
    )
)

_BUILDER = RecordBuilder(warc_version=WARC_VERSION)


def format_warc_date(when: datetime) -> str:
    """WARC-Date in WARC/1.1 form: UTC, always six fractional digits, "Z"."""
    if when.tzinfo is None:
        raise ValueError("a WARC-Date needs a timezone-aware datetime")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _warc_headers(
    record_type: str,
    record_id: str,
    date: str,
    target_uri: str | None,
    extra: Iterable[tuple[str, str]] = (),
) -> StatusAndHeaders:
    headers = [("WARC-Type", record_type), ("WARC-Record-ID", record_id), ("WARC-Date", date)]
    if target_uri:
        headers.append(("WARC-Target-URI", one_line(target_uri)))
    headers.extend((k, one_line(v)) for k, v in extra)
    return StatusAndHeaders("", headers, protocol=WARC_VERSION)


def _ip(exchange: HttpExchange) -> list[tuple[str, str]]:
    return [("WARC-IP-Address", exchange.ip_address)] if exchange.ip_address else []


def check_extra_headers(extra: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """Caller-supplied WARC headers, refusing the ones the builders own."""
    items = list((extra or {}).items())
    reserved = [k for k, _ in items if k.lower() in RESERVED_WARC_HEADERS]
    if reserved:
        raise ValueError(f"reserved WARC header(s) may not be overridden: {reserved}")
    return items


def response_record(
    exchange: HttpExchange, *, record_id: str, extra: Mapping[str, str] | None = None
) -> ArcWarcRecord:
    """The response record: status line, normalised headers, body as received."""
    http_headers = response_block(exchange)
    headers = _warc_headers(
        "response",
        record_id,
        format_warc_date(exchange.fetched_at),
        exchange.url,
        [
            *_ip(exchange),
            *check_extra_headers(extra),
            *_digests(http_headers, exchange.body),
        ],
    )
    return _BUILDER.create_warc_record(
        exchange.url,
        "response",
        payload=BytesIO(exchange.body),
        length=len(exchange.body),
        warc_headers=headers,
        http_headers=http_headers,
    )


def _digests(http_headers: StatusAndHeaders, body: bytes) -> list[tuple[str, str]]:
    """WARC-Payload-Digest and WARC-Block-Digest, as warcio would add them (same order, same
    form), but from one call over the body each rather than warcio's 16 KiB chunks."""
    http_headers.compute_headers_buffer(_BUILDER.header_filter)
    block = hashlib.sha1(http_headers.headers_buff)
    block.update(body)
    return [
        ("WARC-Payload-Digest", _sha1_label(hashlib.sha1(body).digest())),
        ("WARC-Block-Digest", _sha1_label(block.digest())),
    ]


def _sha1_label(digest: bytes) -> str:
    return "sha1:" + base64.b32encode(digest).decode("ascii")


def request_record(exchange: HttpExchange, *, record_id: str, concurrent_to: str) -> ArcWarcRecord:
    """The request record, linked to its response by WARC-Concurrent-To."""
    headers = _warc_headers(
        "request",
        record_id,
        format_warc_date(exchange.fetched_at),
        exchange.url,
        [*_ip(exchange), ("WARC-Concurrent-To", concurrent_to)],
    )
    return _BUILDER.create_warc_record(
        exchange.url,
        "request",
        payload=BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        warc_headers=headers,
        http_headers=request_block(exchange),
    )


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest warcio would write for ``data`` ("sha1:BASE32")."""
    return _sha1_label(hashlib.sha1(data).digest())


def revisit_record(
    exchange: HttpExchange,
    *,
    record_id: str,
    profile: str,
    refers_to: RecordLocation,
    concurrent_to: str | None = None,
) -> ArcWarcRecord:
    """A revisit record: status line and headers only, pointing at the original response.

    ``identical-payload-digest`` requires the body to hash to the original's payload digest;
    ``server-not-modified`` (a 304) carries the original's digest when it is known.
    """
    if profile not in REVISIT_PROFILES:
        raise ValueError(
            f"unknown revisit profile {profile!r}; use one of {list(REVISIT_PROFILES)}"
        )
    if refers_to.target_uri is None:
        raise ValueError("a revisit must refer to a record with a target URI")
    digest: str | None
    if profile == "identical-payload-digest":
        digest = payload_digest(exchange.body)
        if refers_to.payload_digest is not None and digest != refers_to.payload_digest:
            raise ValueError(
                f"payload digest {digest} differs from the original's {refers_to.payload_digest}"
            )
    else:
        digest = refers_to.payload_digest
    extra = [
        *_ip(exchange),
        ("WARC-Profile", REVISIT_PROFILES[profile]),
        ("WARC-Refers-To", refers_to.record_id),
        ("WARC-Refers-To-Target-URI", refers_to.target_uri),
        ("WARC-Refers-To-Date", refers_to.date),
    ]
    if concurrent_to:
        extra.append(("WARC-Concurrent-To", concurrent_to))
    if digest:
        extra.append(("WARC-Payload-Digest", digest))
    headers = _warc_headers(
        "revisit", record_id, format_warc_date(exchange.fetched_at), exchange.url, extra
    )
    return _BUILDER.create_warc_record(
        exchange.url, "revisit", warc_headers=headers, http_headers=response_block(exchange)
    )


def metadata_record(
    target_uri: str,
    payload: bytes,
    *,
    record_id: str,
    date: str,
    refers_to: str,
    content_type: str = "application/json",
    refers_to_target: str | None = None,
    refers_to_date: str | None = None,
) -> ArcWarcRecord:
    """A metadata record (e.g. the article JSON) linked to a response by WARC-Refers-To.

    `refers_to_target` and `refers_to_date` name the response's URI and date, so a record whose
    own target URI is not the page's (ours are `urn:archiver:article:<id>`) still says which
    capture it is about.
    """
    extra = [("WARC-Refers-To", refers_to)]
    if refers_to_target:
        extra.append(("WARC-Refers-To-Target-URI", refers_to_target))
    if refers_to_date:
        extra.append(("WARC-Refers-To-Date", refers_to_date))
    return _made_record("metadata", target_uri, payload, record_id, date, content_type, extra)


def resource_record(
    target_uri: str,
    payload: bytes,
    *,
    record_id: str,
    date: str,
    content_type: str,
    concurrent_to: str | None = None,
) -> ArcWarcRecord:
    """A resource record: content made here rather than fetched (a rendered page's DOM, a
    screenshot), linked to the capture it was made from by WARC-Concurrent-To."""
    extra = [("WARC-Concurrent-To", concurrent_to)] if concurrent_to else []
    extra.append(("WARC-Payload-Digest", payload_digest(payload)))
    return _made_record("resource", target_uri, payload, record_id, date, content_type, extra)


def _made_record(
    kind: str,
    target_uri: str,
    payload: bytes,
    record_id: str,
    date: str,
    content_type: str,
    extra: list[tuple[str, str]],
) -> ArcWarcRecord:
    """A metadata or resource record: a payload made here, not an HTTP exchange."""
    headers = _warc_headers(kind, record_id, date, target_uri, extra)
    return _BUILDER.create_warc_record(
        target_uri,
        kind,
        payload=BytesIO(payload),
        length=len(payload),
        warc_content_type=content_type,
        warc_headers=headers,
    )


def warcinfo_record(
    filename: str, info: Mapping[str, str], *, record_id: str, date: str
) -> ArcWarcRecord:
    """The warcinfo record opening every file: the caller's fields plus format/conformsTo."""
    fields = {k: v for k, v in info.items() if v not in (None, "")}
    fields.setdefault("format", "WARC File Format 1.1")
    fields.setdefault("conformsTo", CONFORMS_TO)
    body = b"".join(_encode_field(k, str(v)) for k, v in fields.items())
    headers = StatusAndHeaders(
        "",
        [
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", record_id),
            ("WARC-Filename", one_line(filename)),
            ("WARC-Date", date),
        ],
        protocol=WARC_VERSION,
    )
    return _BUILDER.create_warc_record(
        "",
        "warcinfo",
        payload=BytesIO(body),
        length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers=headers,
    )


def _encode_field(name: str, value: str) -> bytes:
    return f"{one_line(name)}: {one_line(value)}\r\n".encode()


def serialize(record: ArcWarcRecord) -> bytes:
    """The record's bytes, uncompressed (warcio fills in digests and Content-Length)."""
    out = BytesIO()
    WARCWriter(out, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return out.getvalue()
