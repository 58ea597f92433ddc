"""WARC/1.1 records: building, writing (rotating ``.open`` files), reading. No Scrapy here."""

from __future__ import annotations

from archiver.warc.exchange import HttpExchange
from archiver.warc.http_headers import build_http_headers, build_request_headers, request_target
from archiver.warc.location import RecordLocation
from archiver.warc.reader import StoredRecord, iter_records, iter_stored_records, read_record
from archiver.warc.records import REVISIT_PROFILES, format_warc_date, payload_digest
from archiver.warc.writer import WarcWriter, recover_open_files

__all__ = [
    "REVISIT_PROFILES",
    "HttpExchange",
    "RecordLocation",
    "StoredRecord",
    "WarcWriter",
    "build_http_headers",
    "build_request_headers",
    "format_warc_date",
    "iter_records",
    "iter_stored_records",
    "payload_digest",
    "read_record",
    "recover_open_files",
    "request_target",
]
