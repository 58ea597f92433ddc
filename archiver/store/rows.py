"""Catalog rows made from what the archive holds: WARC records, snapshots, resource accounts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from archiver.store.catalog import CaptureRow, PageResourcesRow, SnapshotRow
from archiver.store.page_resources import PageResourceReport
from archiver.warc import RecordLocation


def capture_row(site: str, loc: RecordLocation, *, refers_to: str | None = None) -> CaptureRow:
    """The catalog row of a record, written just now or read back from a WARC file."""
    return CaptureRow(
        record_id=loc.record_id,
        site=site,
        record_type=loc.record_type,
        url=loc.target_uri,
        date=loc.date,
        status=loc.status,
        mime=loc.mime,
        payload_digest=loc.payload_digest,
        refers_to=refers_to,
        warc_file=loc.warc_file,
        warc_offset=loc.offset,
        warc_length=loc.length,
    )


def record_location(row: CaptureRow) -> RecordLocation:
    """A catalog capture row as the location of its WARC record."""
    return RecordLocation(
        warc_file=row.warc_file,
        offset=row.warc_offset,
        length=row.warc_length,
        record_id=row.record_id,
        record_type=row.record_type,
        target_uri=row.url,
        date=row.date,
        payload_digest=row.payload_digest,
        status=row.status,
        mime=row.mime,
    )


def snapshot_row(document: Mapping[str, Any], rel_path: Path | str) -> SnapshotRow:
    """The catalog row of a section snapshot document stored at `rel_path`."""
    return SnapshotRow(
        json_path=Path(rel_path).as_posix(),
        site=document["site"],
        kind=document["kind"],
        source_url=document["url"],
        section=document.get("section"),
        fetched_at=document["fetched_at"],
        record_id=document["warc_record_id"],
        urls=[a["url"] for a in document["articles"]],
    )


def page_resources_row(site: str, record_id: str, report: PageResourceReport) -> PageResourcesRow:
    """The catalog row of a page's resource account."""
    return PageResourcesRow(
        record_id=record_id,
        site=site,
        url=report.page_url,
        needed=report.needed,
        archived=report.archived,
        report=report.to_json_bytes().decode("utf-8"),
    )
