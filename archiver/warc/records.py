"""WARC records as data: one HTTP fetch in, warcio records (WARC/1.1) out.

Pure functions: record ids and dates come in as arguments, so the output is reproducible.
The file side (gzip members, rotation) lives in :mod:`archiver.warc.writer`.
"""

from __future__ import annotations

import http
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

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


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP fetch as plain data (built by the Scrapy adapter from a Request/Response).

    Header names and values are ``str``; decode wire bytes as ISO-8859-1 (latin-1) so that
    every byte round-trips: headers are written back in latin-1 (UTF-8 only for characters
    outside latin-1). CR and LF inside names or values are replaced by spaces.
    """

    url: str  # full URL including the query string; WARC-Target-URI
    method: str  # "GET"
    request_headers: list[tuple[str, str]]  # as sent (names as given)
    request_body: bytes
    protocol: str  # "HTTP/1.1": used in the request line and the status line
    status: int
    reason: str | None  # None -> the http.HTTPStatus phrase, or "" for an unknown code
    response_headers: list[tuple[str, str]]  # as received (may repeat names; order kept)
    body: bytes  # as received: still Content-Encoded, already de-chunked
    body_is_decoded: bool = False  # True when only the decoded body is available
    ip_address: str | None = None  # WARC-IP-Address when known
    fetched_at: datetime = field(default_factory=_utcnow)  # tz-aware; WARC-Date (UTC, µs)

    def __post_init__(self) -> None:
        if self.fetched_at.tzinfo is None:
            raise ValueError("HttpExchange.fetched_at must be timezone-aware")


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


class HttpHeaderBlock(StatusAndHeaders):
    """warcio's StatusAndHeaders, serialised as latin-1 instead of %-encoded ASCII.

    warcio percent-encodes non-ASCII header values; we keep the bytes as received instead.
    """

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        lines = [f"{self.protocol} {self.statusline}", *(f"{k}: {v}" for k, v in self.headers)]
        self.headers_buff = b"".join(_encode_line(line) for line in lines) + b"\r\n"


def _encode_line(line: str) -> bytes:
    try:
        return line.encode("latin-1") + b"\r\n"
    except UnicodeEncodeError:
        return line.encode("utf-8") + b"\r\n"


def _clean(value: str) -> str:
    """No CR/LF inside a header line (it would end the line)."""
    return value.replace("\r", " ").replace("\n", " ")


def _clean_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_clean(name), _clean(value)) for name, value in headers]


def format_warc_date(when: datetime) -> str:
    """WARC-Date in WARC/1.1 form: UTC, always six fractional digits, "Z"."""
    if when.tzinfo is None:
        raise ValueError("a WARC-Date needs a timezone-aware datetime")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def mime_type(content_type: str | None) -> str | None:
    """Media type without parameters, lower-cased (``None`` when absent or empty)."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """First value of a header, by case-insensitive name."""
    lname = name.lower()
    return next((v for k, v in headers if k.lower() == lname), None)


def request_target(url: str) -> str:
    """The request-target of a request line: path plus query string ("/a?b=1")."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query or url.split("#", 1)[0].endswith("?"):
        target += "?" + parts.query
    return target


def status_line(exchange: HttpExchange) -> str:
    """ "200 OK"; an unknown code with no reason keeps the trailing space ("599 ")."""
    reason = exchange.reason
    if reason is None:
        try:
            reason = http.HTTPStatus(exchange.status).phrase
        except ValueError:
            reason = ""
    return f"{exchange.status} {_clean(reason)}"


def _keeps_content_length(exchange: HttpExchange) -> bool:
    """Responses that carry no body by definition keep Content-Length as received."""
    if exchange.body:
        return False
    return (
        exchange.method.upper() == "HEAD"
        or exchange.status in (204, 304)
        or (100 <= exchange.status < 200)
    )


def build_http_headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    """Response headers normalised to match the body we store.

    Drops Transfer-Encoding (the body is de-chunked), and Content-Encoding when the body is
    decoded; sets Content-Length to len(body), in place of the first one or appended. HEAD,
    1xx, 204 and 304 responses with an empty body keep their Content-Length as received.
    Everything else is kept in order, names as given.
    """
    keep_length = _keeps_content_length(exchange)
    length = str(len(exchange.body))
    out: list[tuple[str, str]] = []
    length_set = False
    for name, value in _clean_headers(exchange.response_headers):
        lname = name.strip().lower()
        if lname == "transfer-encoding":
            continue
        if lname == "content-encoding" and exchange.body_is_decoded:
            continue
        if lname == "content-length" and not keep_length:
            if not length_set:
                out.append((name, length))
                length_set = True
            continue
        out.append((name, value))
    if not length_set and not keep_length:
        out.append(("Content-Length", length))
    return out


def build_request_headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    """Request headers as sent, with a Host header (netloc of the URL) first if none."""
    headers = _clean_headers(exchange.request_headers)
    if header_value(headers, "Host") is None:
        headers.insert(0, ("Host", urlsplit(exchange.url).netloc))
    return headers


def response_block(exchange: HttpExchange) -> HttpHeaderBlock:
    """Status line and normalised headers of a response (or revisit) record."""
    return HttpHeaderBlock(
        status_line(exchange), build_http_headers(exchange), protocol=_protocol(exchange)
    )


def request_block(exchange: HttpExchange) -> HttpHeaderBlock:
    """Request line ("GET /path?query HTTP/1.1") and headers of a request record."""
    line = f"{request_target(exchange.url)} {_protocol(exchange)}"
    return HttpHeaderBlock(line, build_request_headers(exchange), protocol=exchange.method)


def _protocol(exchange: HttpExchange) -> str:
    return exchange.protocol or "HTTP/1.1"


def _warc_headers(
    record_type: str,
    record_id: str,
    date: str,
    target_uri: str | None,
    extra: Iterable[tuple[str, str]] = (),
) -> StatusAndHeaders:
    headers = [("WARC-Type", record_type), ("WARC-Record-ID", record_id), ("WARC-Date", date)]
    if target_uri:
        headers.append(("WARC-Target-URI", _clean(target_uri)))
    headers.extend((k, _clean(v)) for k, v in extra)
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
    headers = _warc_headers(
        "response",
        record_id,
        format_warc_date(exchange.fetched_at),
        exchange.url,
        [*_ip(exchange), *check_extra_headers(extra)],
    )
    return _BUILDER.create_warc_record(
        exchange.url,
        "response",
        payload=BytesIO(exchange.body),
        length=len(exchange.body),
        warc_headers=headers,
        http_headers=response_block(exchange),
    )


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
    digester = Digester("sha1")
    digester.update(data)
    return str(digester)


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
    headers = _warc_headers("metadata", record_id, date, target_uri, extra)
    return _BUILDER.create_warc_record(
        target_uri,
        "metadata",
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
            ("WARC-Filename", _clean(filename)),
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
    return f"{_clean(name)}: {_clean(value)}\r\n".encode()


def serialize(record: ArcWarcRecord) -> bytes:
    """The record's bytes, uncompressed (warcio fills in digests and Content-Length)."""
    out = BytesIO()
    WARCWriter(out, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return out.getvalue()


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
