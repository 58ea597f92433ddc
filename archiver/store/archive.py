"""One site's slice of the archive opened for writing: WARC records, article JSON, catalog rows."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.extraction.fields import ExtractedArticle
from archiver.fsutil import DiskFull, atomic_write_bytes
from archiver.store.catalog import Catalog
from archiver.store.cdxj import LiveIndex, write_index
from archiver.store.document import Article, SectionSnapshot
from archiver.store.identity import (
    article_id,
    article_metadata_uri,
    normalise_url,
    page_resources_uri,
)
from archiver.store.layout import ArchiveLayout
from archiver.store.page_resources import PageResourceReport
from archiver.store.rows import (
    ArticleRow,
    PendingExtraction,
    UrlState,
    capture_row,
    page_resources_row,
    record_location,
    snapshot_row,
)
from archiver.store.shared import SharedState
from archiver.store.urlstate import Fetch, observe_fetch, observe_processed
from archiver.store.versions import PreviousVersion, next_version
from archiver.warc import HttpExchange, RecordLocation, WarcWriter
from archiver.warc.http_headers import header_value
from archiver.warc.records import payload_digest
from archiver.warc.writer import DEFAULT_GZIP_LEVEL

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    """What recording one fetch wrote."""

    record: RecordLocation  # the response or revisit record
    payload: RecordLocation  # the record holding the body: the original, for a revisit
    revisit: str | None = None  # the revisit profile, when the payload was not stored again
    event: str | None = None  # "takedown" or "restored", when this fetch showed one


def store_document(layout: ArchiveLayout, catalog: Catalog, article: Article) -> Path:
    """Write a new article version (e.g. a re-extraction) and catalog it, with no WARC record.

    The JSON goes atomically to its place by site, id, fetch date and version; an existing file
    is never replaced (FileExistsError). The catalog row and search index follow, committed.
    """
    path = layout.article_path(article.site, article.id, article.fetched_at, article.version)
    if path.exists():
        raise FileExistsError(f"{path} exists already")
    atomic_write_bytes(path, article.to_json_bytes())
    document = article.to_json_dict()
    rel = path.relative_to(layout.root).as_posix()
    catalog.add_article(ArticleRow.from_document(document, rel))
    catalog.index_for_search(document)
    catalog.commit()
    return path


def _capture_fields(
    extracted: ExtractedArticle,
    *,
    art_id: str,
    site: str,
    response: RecordLocation,
    url: str,
    http_status: int,
    section: str | None,
    requested_url: str | None,
    rendering: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The fields of an article document made from one capture (all but its version data)."""
    return {
        "rendering": dict(rendering) if rendering else None,
        "id": art_id,
        "url": url,
        "requested_url": requested_url if requested_url != url else None,
        "canonical_url": extracted.canonical_url,
        "site": site,
        "section": section,
        "is_article": extracted.is_article,
        "title": extracted.title,
        "description": extracted.description,
        "authors": list(extracted.authors),
        "published": extracted.published,
        "published_raw": extracted.published_raw,
        "modified": extracted.modified,
        "modified_raw": extracted.modified_raw,
        "language": extracted.language,
        "text": extracted.text,
        "tags": list(extracted.tags),
        "image": extracted.image,
        "paywalled": extracted.paywalled,
        "word_count": extracted.word_count,
        "fetched_at": response.date,
        "http_status": http_status,
        "provenance": {
            "warc_file": response.warc_file,
            "warc_offset": response.offset,
            "warc_record_id": response.record_id,
            "payload_digest": response.payload_digest,
        },
    }


@dataclass(frozen=True)
class _ArticlePlan:
    """A new article version to store: its document, the JSON bytes and where they go."""

    article: Article
    payload: bytes
    path: Path
    response: RecordLocation
    state_url: str  # the article URL whose state records the extraction
    published: str | None


class ArchiveClosedError(RuntimeError):
    """A write reached a site archive after it was closed (e.g. during a forced shutdown)."""


@dataclass(frozen=True)
class StoredArticle:
    """What storing an extracted page produced."""

    article_id: str
    version: int
    path: Path
    changed: bool  # False when the content equals the stored newest version (nothing written)
    document: dict[str, Any]


class SiteArchive:
    """One site's slice of an archive, open for writing: WARC files, article JSON, catalog."""

    def __init__(
        self,
        root: Path,
        site: str,
        *,
        warcinfo: Mapping[str, str],
        max_warc_size: int = 1_000_000_000,
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        max_warc_age: float = 0,
        shared: SharedState | None = None,
        warc_prefix: str | None = None,
    ) -> None:
        self.layout = ArchiveLayout(root)
        self.site = site
        self.catalog = Catalog(self.layout.catalog_path)
        # In a distributed crawl, what decides what to fetch (URL state, newest versions) is
        # read from and written to the workers' shared state too (the catalog keeps its copy).
        self.shared = shared
        # Each WARC file's index is made as its records are written, and written (in the
        # background) when the file closes; close() waits for it. Until then replay reads the
        # lines from the file's open index, written as the records are.
        self._live_index = LiveIndex(site, self.layout)
        self._indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"cdxj-{site}")
        self.writer = WarcWriter(
            self.layout.warc_dir(site),
            warc_prefix or site,
            warcinfo=warcinfo,
            max_size=max_warc_size,
            max_age=max_warc_age,
            gzip_level=gzip_level,
            on_close=self._warc_closed,
            on_record=self._live_index.add,
        )
        self.articles_written = 0
        self.articles_unchanged = 0
        self._closed = False
        # store_article_async writes JSON files here (fsync off the event loop).
        self._file_writer = ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"files-{site}")
        self._article_turns: dict[str, asyncio.Lock] = {}

    def record_fetch(self, exchange: HttpExchange, *, state_url: str | None = None) -> Capture:
        """Record one fetch, as a revisit when its payload is already archived.

        A 304 becomes a server-not-modified revisit of the newest 200 response of the URL; a
        2xx whose body hashes to that of the newest response with the same status becomes an
        identical-payload-digest revisit. `state_url` (the article URL that was requested, for
        article fetches) gets its incremental state updated, and any takedown recorded.
        """
        self._check_open()
        original = self._revisit_original(exchange)
        if original is None:
            request, record = self.writer.write_exchange(exchange)
            rows = [capture_row(self.site, request), capture_row(self.site, record)]
            capture = Capture(record, record)
        else:
            profile = (
                "server-not-modified" if exchange.status == 304 else "identical-payload-digest"
            )
            request, record = self.writer.write_revisit_exchange(
                exchange, refers_to=original, profile=profile
            )
            rows = [
                capture_row(self.site, request),
                capture_row(self.site, record, refers_to=original.record_id),
            ]
            capture = Capture(record, original, revisit=profile)
        self.catalog.add_captures(rows)
        if state_url is not None:
            capture = self._observe(state_url, exchange, capture)
        self.catalog.commit()
        return capture

    def _revisit_original(self, exchange: HttpExchange) -> RecordLocation | None:
        if exchange.status == 304:
            row = self.catalog.last_response(exchange.url, status=200)
        elif 200 <= exchange.status < 300:
            row = self.catalog.last_response(exchange.url, status=exchange.status)
            if row is not None and row.payload_digest != payload_digest(exchange.body):
                row = None
        else:
            row = None
        return record_location(row) if row is not None else None

    def url_state(self, key: str) -> UrlState | None:
        """The incremental state of a (normalised) article URL: the workers' shared one in a
        distributed crawl, else the catalog's."""
        if self.shared is not None:
            return self.shared.url_state(key)
        return self.catalog.url_state(key)

    def put_url_state(self, state: UrlState) -> None:
        """Keep a URL's state (in the catalog, committed with the next write; and shared)."""
        self.catalog.put_url_state(state)
        if self.shared is not None:
            self.shared.put_url_state(state)

    def _observe(self, state_url: str, exchange: HttpExchange, capture: Capture) -> Capture:
        key = normalise_url(state_url)
        state = self.url_state(key) or UrlState(url=key, site=self.site)
        headers = exchange.response_headers
        fetch = Fetch(
            date=capture.record.date,
            status=exchange.status,
            record_id=capture.record.record_id,
            payload_record_id=capture.payload.record_id,
            full_response=capture.revisit is None,
            etag=header_value(headers, "ETag"),
            last_modified=header_value(headers, "Last-Modified"),
            location=header_value(headers, "Location"),
            url=exchange.url,
        )
        new_state, event = observe_fetch(state, fetch)
        self.put_url_state(new_state)
        if event is None:
            return capture
        self.catalog.add_event(event)
        logger.warning("Article %s: %s (%s)", event.url, event.kind, event.detail)
        return dataclasses.replace(capture, event=event.kind)

    def is_processed(self, state_url: str) -> bool:
        """Whether the newest 200 capture of an article URL went through extraction."""
        state = self.url_state(normalise_url(state_url))
        return state is not None and state.processed

    def mark_processed(
        self, state_url: str, article_id: str | None = None, published: str | None = None
    ) -> None:
        """The newest capture of an article URL went through extraction (whatever came of it)."""
        key = normalise_url(state_url)
        state = self.url_state(key)
        if state is None:
            return
        self.put_url_state(observe_processed(state, article_id, published))
        self.catalog.commit()

    def defer_extraction(
        self,
        *,
        response: RecordLocation,
        url: str,
        requested_url: str,
        http_status: int,
        section: str | None = None,
        encoding: str | None = None,
        keep_unextractable: bool = False,
    ) -> None:
        """Leave a captured article page for `archiver reextract` (an archive-only crawl): what
        `store_article` would need besides the extraction, kept in the catalog."""
        self._check_open()
        self.catalog.add_pending(
            PendingExtraction(
                record_id=response.record_id,
                site=self.site,
                date=response.date,
                url=url,
                requested_url=requested_url,
                http_status=http_status,
                section=section,
                encoding=encoding,
                keep_unextractable=keep_unextractable,
            )
        )
        self.catalog.commit()

    def record_snapshot(
        self,
        *,
        kind: str,
        source_url: str,
        capture: RecordLocation,
        articles: Sequence[Mapping[str, Any]],
        section: str | None = None,
        page: int | None = None,
    ) -> Path:
        """Keep the ordered article URLs a section page, feed or sitemap showed when fetched."""
        self._check_open()
        path = self.layout.snapshot_path(self.site, kind, capture.date, capture.record_id)
        snapshot = SectionSnapshot.model_validate(
            {
                "site": self.site,
                "kind": kind,
                "section": section,
                "page": page,
                "url": source_url,
                "fetched_at": capture.date,
                "warc_file": capture.warc_file,
                "warc_record_id": capture.record_id,
                "articles": [dict(a) for a in articles],
            }
        )
        atomic_write_bytes(path, snapshot.to_json_bytes())
        document = snapshot.model_dump(by_alias=True, mode="json")
        self.catalog.add_snapshot(snapshot_row(document, path.relative_to(self.layout.root)))
        self.catalog.commit()
        return path

    def store_article(
        self,
        extracted: ExtractedArticle,
        *,
        response: RecordLocation,
        url: str,
        http_status: int,
        section: str | None = None,
        requested_url: str | None = None,
        rendering: Mapping[str, Any] | None = None,
    ) -> StoredArticle:
        """Write the article document (JSON file + WARC metadata record + catalog row).

        Nothing new is written when the versioned fields equal the newest stored version; when
        they differ, the new version says which fields changed, with a short diff.
        """
        plan = self._plan_article(
            extracted,
            response=response,
            url=url,
            http_status=http_status,
            section=section,
            requested_url=requested_url,
            rendering=rendering,
        )
        if isinstance(plan, StoredArticle):
            return plan
        atomic_write_bytes(plan.path, plan.payload)
        return self._record_article(plan)

    async def store_article_async(
        self,
        extracted: ExtractedArticle,
        *,
        response: RecordLocation,
        url: str,
        http_status: int,
        section: str | None = None,
        requested_url: str | None = None,
        rendering: Mapping[str, Any] | None = None,
    ) -> StoredArticle:
        """`store_article` for an event loop: the JSON file is written and made durable (its
        fsyncs) in a thread while the loop runs on. Stores of one article take turns."""
        art_id = article_id(url, extracted.canonical_url)
        turn = self._article_turns.setdefault(art_id, asyncio.Lock())
        try:
            async with turn:
                plan = self._plan_article(
                    extracted,
                    response=response,
                    url=url,
                    http_status=http_status,
                    section=section,
                    requested_url=requested_url,
                    rendering=rendering,
                )
                if isinstance(plan, StoredArticle):
                    return plan
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(
                    self._file_writer, atomic_write_bytes, plan.path, plan.payload
                )
                return self._record_article(plan)
        finally:
            if not turn.locked():
                self._article_turns.pop(art_id, None)

    def _plan_article(
        self,
        extracted: ExtractedArticle,
        *,
        response: RecordLocation,
        url: str,
        http_status: int,
        section: str | None,
        requested_url: str | None,
        rendering: Mapping[str, Any] | None = None,
    ) -> _ArticlePlan | StoredArticle:
        """The new version to write, or the stored one when nothing changed (then done)."""
        self._check_open()
        art_id = article_id(url, extracted.canonical_url)
        latest = self._latest(art_id)
        stored: dict[str, Any] | None = None
        previous: PreviousVersion | None = None
        if latest is not None:
            stored = latest[1]
            previous = PreviousVersion(latest[0].version, latest[0].fetched_at, stored)
        fields = _capture_fields(
            extracted,
            art_id=art_id,
            site=self.site,
            response=response,
            url=url,
            http_status=http_status,
            section=section,
            requested_url=requested_url,
            rendering=rendering,
        )
        article = next_version(fields, previous)
        if article is None:
            assert latest is not None and stored is not None  # unchanged from a stored version
            self.articles_unchanged += 1
            self._processed(requested_url or url, art_id, extracted.published)
            row = latest[0]
            return StoredArticle(
                art_id, row.version, self.layout.root / row.json_path, False, stored
            )
        path = self.layout.article_path(self.site, art_id, response.date, article.version)
        state_url = requested_url or url
        return _ArticlePlan(
            article, article.to_json_bytes(), path, response, state_url, extracted.published
        )

    def _latest(self, art_id: str) -> tuple[ArticleRow, dict[str, Any] | None] | None:
        """The newest stored version of an article (its row, its document): in a distributed
        crawl the newest any worker stored (its row as this archive would file it)."""
        if self.shared is not None:
            document = self.shared.latest_document(art_id)
            if document is not None:
                path = self.layout.article_path(
                    self.site, art_id, document["fetched_at"], int(document["version"])
                )
                rel = path.relative_to(self.layout.root).as_posix()
                return ArticleRow.from_document(document, rel), document
        row = self.catalog.latest_version(art_id)
        return (row, self._read_document(row.json_path)) if row is not None else None

    def _record_article(self, plan: _ArticlePlan) -> StoredArticle:
        """The written document's WARC metadata record and catalog rows; out of space
        (`DiskFull`), the document is removed again, as the catalog does not know it."""
        try:
            return self._record_written_article(plan)
        except DiskFull:
            with contextlib.suppress(OSError):
                plan.path.unlink()
            raise

    def _record_written_article(self, plan: _ArticlePlan) -> StoredArticle:
        self._check_open()
        article, response = plan.article, plan.response
        # Not the page's URL: replay tools would take the JSON for the page (pywb does).
        meta = self.writer.write_metadata(
            article_metadata_uri(article.id),
            plan.payload,
            refers_to=response.record_id,
            refers_to_target=response.target_uri,
            refers_to_date=response.date,
        )
        document = article.to_json_dict()
        rel = plan.path.relative_to(self.layout.root).as_posix()
        self.catalog.add_captures([capture_row(self.site, meta, refers_to=response.record_id)])
        self.catalog.add_article(ArticleRow.from_document(document, rel))
        self.catalog.index_for_search(document)
        self._processed(plan.state_url, article.id, plan.published)
        self.catalog.commit()
        if self.shared is not None:
            self.shared.put_latest_document(document)
        self.articles_written += 1
        return StoredArticle(article.id, article.version, plan.path, True, document)

    def _processed(self, state_url: str, art_id: str, published: str | None) -> None:
        key = normalise_url(state_url)
        state = self.url_state(key)
        if state is not None:
            self.put_url_state(observe_processed(state, art_id, published))

    def record_page_resources(self, page: RecordLocation, report: PageResourceReport) -> None:
        """Keep what became of a captured page's resources: a metadata record linked to the
        page's response (so a rebuilt catalog has it too) and a catalog row."""
        self._check_open()
        meta = self.writer.write_metadata(
            page_resources_uri(page.record_id),
            report.to_json_bytes(),
            refers_to=page.record_id,
            refers_to_target=page.target_uri,
            refers_to_date=page.date,
        )
        self.catalog.add_captures([capture_row(self.site, meta, refers_to=page.record_id)])
        self.catalog.put_page_resources(page_resources_row(self.site, page.record_id, report))
        self.catalog.commit()

    def record_resource(
        self, target_uri: str, payload: bytes, *, content_type: str, page: RecordLocation
    ) -> RecordLocation:
        """Keep something made from a captured page (a rendered DOM, a screenshot) as a WARC
        resource record linked to the page's response and dated like it, and catalog it."""
        self._check_open()
        loc = self.writer.write_resource(
            target_uri,
            payload,
            content_type=content_type,
            concurrent_to=page.record_id,
            date=page.date,
        )
        self.catalog.add_captures([capture_row(self.site, loc, refers_to=page.record_id)])
        self.catalog.commit()
        return loc

    @property
    def closed(self) -> bool:
        """Whether `close` has run (nothing more can be written)."""
        return self._closed

    def close(self) -> list[Path]:
        """Close the WARC file(s) and the catalog; safe to call twice."""
        if self._closed:
            return self.writer.closed_files
        self._closed = True
        self._file_writer.shutdown(wait=True)
        try:  # out of space, the WARC file may stay .open: sound up to its last record
            files = self.writer.close()
        finally:
            self._indexer.shutdown(wait=True)
            self._live_index.close()
            self.catalog.close()
        return files

    def _warc_closed(self, path: Path) -> None:
        """WarcWriter's on_close: have the file's CDXJ index written."""
        try:
            self._indexer.submit(self._write_index, path)
        except RuntimeError:  # the executor is shut down already
            self._write_index(path)

    def _write_index(self, path: Path) -> None:
        try:
            write_index(self.layout, self.site, path, self._live_index.take(path.name))
        except DiskFull as exc:
            logger.error("Cannot index %s: %s (`archiver reindex` will)", path.name, exc)
        except Exception:
            logger.exception("Cannot index %s (`archiver reindex` will)", path)

    def _check_open(self) -> None:
        if self._closed:
            raise ArchiveClosedError(f"the archive of {self.site} is closed")

    def _read_document(self, rel_path: str) -> dict[str, Any] | None:
        try:
            doc: dict[str, Any] = json.loads((self.layout.root / rel_path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Cannot read stored article %s: %s", rel_path, exc)
            return None
        return doc
