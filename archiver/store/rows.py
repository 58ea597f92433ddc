"""The catalog's rows (one dataclass per table: its fields are the columns, see tables.py) and
how WARC records, snapshots and resource accounts become them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.store.page_resources import PageResourceReport
from archiver.warc import RecordLocation


@dataclass(frozen=True)
class PageResourcesRow:
    """What became of the resources of one captured page (its response record's id).

    ``report`` is the JSON of `archiver.store.page_resources.PageResourceReport`, as kept in the
    WARC metadata record it came from.
    """

    record_id: str
    site: str
    url: str
    needed: int
    archived: int
    report: str

    @property
    def missing(self) -> int:
        return self.needed - self.archived


@dataclass(frozen=True)
class CaptureRow:
    """One WARC record as the catalog knows it."""

    record_id: str
    site: str
    record_type: str
    url: str | None
    date: str
    status: int | None
    mime: str | None
    payload_digest: str | None
    refers_to: str | None
    warc_file: str
    warc_offset: int
    warc_length: int


@dataclass(frozen=True)
class ArticleRow:
    """One article document version as the catalog knows it."""

    id: str
    version: int
    site: str
    section: str | None
    url: str
    canonical_url: str | None
    title: str | None
    published: str | None
    fetched_at: str
    language: str | None
    word_count: int
    is_article: bool
    record_id: str
    json_path: str
    authors: list[str]  # as in the document; added by migration step 4 (a column at the end)

    @classmethod
    def from_document(cls, doc: dict[str, Any], json_path: str) -> ArticleRow:
        """The row for an article document (as written to disk) stored at `json_path`."""
        return cls(
            id=doc["id"],
            version=doc["version"],
            site=doc["site"],
            section=doc.get("section"),
            url=doc["url"],
            canonical_url=doc.get("canonical_url"),
            title=doc.get("title"),
            published=doc.get("published"),
            fetched_at=doc["fetched_at"],
            language=doc.get("language"),
            word_count=doc.get("word_count", 0),
            is_article=bool(doc.get("is_article", True)),
            record_id=doc["provenance"]["warc_record_id"],
            json_path=json_path,
            authors=[a for a in doc.get("authors") or [] if isinstance(a, str)],
        )


@dataclass(frozen=True)
class UrlState:
    """The incremental state of one article URL (key: the normalised URL that was requested)."""

    url: str
    site: str
    article_id: str | None = None
    published: str | None = None  # ISO, from the page, a feed or a sitemap
    first_captured: str | None = None  # first 200 response
    last_fetched: str | None = None  # last response of any status
    last_status: int | None = None
    processed: bool = False  # the newest 200 capture went through extraction
    etag: str | None = None  # validators of the newest 200 capture
    last_modified: str | None = None
    record_id: str | None = None  # the newest 200 response record (revisits refer to it)
    gone_since: str | None = None  # set by a takedown, cleared when the page is back


@dataclass(frozen=True)
class EventRow:
    """Something that happened to an archived article: "takedown" or "restored"."""

    record_id: str  # the capture that showed it
    kind: str
    site: str
    url: str
    article_id: str | None
    date: str
    status: int | None
    detail: str | None


@dataclass(frozen=True)
class SnapshotRow:
    """One fetch of a section page, feed or sitemap, and the article URLs it showed."""

    json_path: str
    site: str
    kind: str
    source_url: str
    section: str | None
    fetched_at: str
    record_id: str
    urls: list[str]


@dataclass(frozen=True)
class PendingExtraction:
    """A captured article page an archive-only crawl left for `archiver reextract` to extract:
    what the crawl's pipeline would have needed besides the record itself."""

    record_id: str  # the response record holding the page (a capture row); with requested_url,
    # the key: one body can answer several article URLs (a redirect, an identical page)
    site: str
    date: str  # WARC-Date of that record (`archiver reextract --since` compares it)
    url: str  # the URL that answered (after redirects)
    requested_url: str  # the article URL the crawl requested
    http_status: int
    section: str | None
    encoding: str | None  # as the crawl decoded the body
    keep_unextractable: bool  # keep a document even when the page cannot be extracted


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
