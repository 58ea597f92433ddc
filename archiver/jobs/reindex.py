"""Rebuild the catalog from the WARC files and article documents alone."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from archiver.jobs.recovery import (
    Recovery,
    catalogued_records,
    page_resources_of,
    recover_archive,
)
from archiver.store.catalog import Catalog, iter_article_documents, iter_json_documents
from archiver.store.cdxj import iter_index_files, write_index
from archiver.store.fulltext import SEARCH_TABLE
from archiver.store.identity import normalise_url
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import acquire_archive_lock
from archiver.store.rows import (
    ArticleRow,
    CaptureRow,
    PendingExtraction,
    UrlState,
    snapshot_row,
)
from archiver.store.tables import ALL_TABLES
from archiver.store.urlstate import Fetch, is_home_redirect, observe_fetch, observe_processed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReindexResult:
    """How much the rebuilt catalog holds."""

    warc_files: int
    captures: int
    articles: int
    snapshots: int = 0
    url_states: int = 0
    #: Documents catalogued under another version number than their own (see `number_versions`)
    renumbered: tuple[Renumbered, ...] = ()


@dataclass(frozen=True)
class Renumbered:
    """An article document catalogued under another version than the one it names: archives
    merged from workers without shared state can hold two documents of one id and version."""

    id: str
    json_path: str
    own_version: int
    version: int  # in the catalog


def iter_warc_files(layout: ArchiveLayout) -> Iterator[tuple[str, Path]]:
    """(site, path) of every closed WARC file in the archive."""
    if not layout.warc_root.is_dir():
        return
    for site_dir in sorted(p for p in layout.warc_root.iterdir() if p.is_dir()):
        for path in sorted(site_dir.glob("*.warc.gz")):
            yield site_dir.name, path


def reindex_archive(root: Path) -> tuple[Recovery, ReindexResult]:
    """`archiver reindex`: take the archive for this process alone (ArchiveBusy while anything
    writes into it), finish what killed runs left open, then `rebuild_catalog`."""
    with acquire_archive_lock(root, exclusive=True):
        recovered = recover_archive(root)
        return recovered, rebuild_catalog(root)


def rebuild_catalog(root: Path, extra_pending: Iterable[PendingExtraction] = ()) -> ReindexResult:
    """Replace the catalog's contents by those rebuilt from warc/ and articles/ (built aside,
    then put in place in one transaction: readers see the old catalog or the new, never half).

    Every CDXJ index file is rewritten too, and those of WARC files no longer there removed.
    The caller keeps writers out (`reindex_archive` does). `extra_pending` are pages other
    archives' crawls left to extract (merged in: see archiver.jobs.merge).
    """
    layout = ArchiveLayout(root)
    target = layout.catalog_path
    tmp = target.with_name(target.name + ".rebuild")
    for stale in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        stale.unlink(missing_ok=True)
    pending = [*_pending_of(target), *extra_pending]
    files = captures = articles = snapshots = 0
    headers: dict[str, tuple[str | None, str | None, str | None]] = {}
    documents: list[dict[str, Any]] = []
    indexes: set[Path] = set()
    with Catalog(tmp) as catalog:
        for site, path in iter_warc_files(layout):
            files += 1
            rows = []
            for row, record in catalogued_records(site, path):
                rows.append(row)
                account = page_resources_of(site, row, record)
                if account is not None:
                    catalog.put_page_resources(account)
                if record.http_headers is not None and record.rec_type in ("response", "revisit"):
                    get = record.http_headers.get_header
                    headers[row.record_id] = (get("ETag"), get("Last-Modified"), get("Location"))
            catalog.add_captures(rows)
            captures += len(rows)
            indexes.add(write_index(layout, site, path))
        readable: list[tuple[dict[str, Any], ArticleRow]] = []
        for doc, rel in iter_article_documents(layout.articles_dir):
            try:
                readable.append((doc, ArticleRow.from_document(doc, rel)))
            except (KeyError, TypeError) as exc:
                logger.warning("Skipping article document %s: missing %s", rel, exc)
        numbered, renumbered = number_versions(readable)
        for doc, article in numbered:
            catalog.add_article(article)
            documents.append(doc)
            articles += 1
        for doc, rel in iter_json_documents(layout.sections_dir, "section snapshot"):
            try:
                catalog.add_snapshot(snapshot_row(doc, rel))
            except (KeyError, TypeError) as exc:
                logger.warning("Skipping section snapshot %s: missing %s", rel, exc)
                continue
            snapshots += 1
        known = {row.record_id for row in catalog.captures()}
        for waiting in pending:
            if waiting.record_id in known:
                catalog.add_pending(waiting)
        states = rebuild_url_state(catalog, documents, headers)
        index_for_search(catalog, documents)
        catalog.commit()
    install_catalog(tmp, target)
    for _, stale in iter_index_files(layout):
        if stale not in indexes:
            stale.unlink()
    return ReindexResult(files, captures, articles, snapshots, states, tuple(renumbered))


def number_versions(
    readable: list[tuple[dict[str, Any], ArticleRow]],
) -> tuple[list[tuple[dict[str, Any], ArticleRow]], list[Renumbered]]:
    """The documents with the version each is catalogued under, and those renumbered.

    An article whose documents name distinct versions keeps them. One with two documents of
    the same version (workers that shared no state each wrote version 1, say) has all its
    documents numbered 1, 2, ... in the order they were fetched (fetched_at, then their own
    version, then path): every document catalogued, the newest capture the newest version.
    The documents are not changed; the document handed on (to the URL state and the search
    index) carries the catalogue's version.
    """
    by_id: dict[str, list[tuple[dict[str, Any], ArticleRow]]] = {}
    for pair in readable:
        by_id.setdefault(pair[1].id, []).append(pair)
    numbered: list[tuple[dict[str, Any], ArticleRow]] = []
    renumbered: list[Renumbered] = []
    for versions in by_id.values():
        if len({row.version for _, row in versions}) == len(versions):
            numbered += versions
            continue
        versions.sort(key=lambda p: (p[1].fetched_at, p[1].version, p[1].json_path))
        for n, (doc, row) in enumerate(versions, 1):
            if row.version != n:
                renumbered.append(Renumbered(row.id, row.json_path, row.version, n))
                doc, row = {**doc, "version": n}, dataclasses.replace(row, version=n)
            numbered.append((doc, row))
    if renumbered:
        logger.info(
            "%d article document(s) share an id and version with another: catalogued under "
            "new version numbers in the order fetched",
            len(renumbered),
        )
    return numbered, renumbered


def install_catalog(built: Path, target: Path) -> None:
    """Put the catalog at `built` in the place of `target`.

    The rows are copied into the existing catalog in one transaction, so that a reader with it
    open (replay) goes from the old contents to the new at once, and no WAL file of the old
    database can meet the new one. A missing or unreadable target is replaced by the file.
    """
    if target.exists():
        try:
            Catalog(target).close()  # brought up to the current schema
            _copy_rows(built, target)
        except sqlite3.DatabaseError as exc:
            logger.warning("Replacing the unreadable catalog %s: %s", target, exc)
        else:
            for path in (built, *(built.with_name(built.name + s) for s in ("-wal", "-shm"))):
                path.unlink(missing_ok=True)
            return
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    built.replace(target)


def _copy_rows(built: Path, target: Path) -> None:
    db = sqlite3.connect(str(target), timeout=30.0)
    try:
        db.execute("ATTACH DATABASE ? AS built", (str(built),))
        with db:  # one transaction
            for table in (*(t.name for t in ALL_TABLES), SEARCH_TABLE):
                columns = [r[1] for r in db.execute(f"PRAGMA built.table_info({table})")]
                if table == SEARCH_TABLE:
                    columns.insert(0, "rowid")
                names = ", ".join(columns)
                db.execute(f"DELETE FROM main.{table}")
                db.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM built.{table}")
        db.execute("DETACH DATABASE built")
    finally:
        db.close()


def _pending_of(catalog_path: Path) -> list[PendingExtraction]:
    """The pages an archive-only crawl left to extract, from the catalog being replaced: not
    in the archive's files, so carried over (those whose capture is still there)."""
    if not catalog_path.exists():
        return []
    try:
        with Catalog(catalog_path) as old:
            return old.pending()
    except sqlite3.DatabaseError as exc:
        logger.warning("Cannot read pending extractions from %s: %s", catalog_path, exc)
        return []


def rebuild_url_state(
    catalog: Catalog,
    documents: list[dict[str, Any]],
    headers: dict[str, tuple[str | None, str | None, str | None]],
) -> int:
    """Replay each article URL's captures (following redirects) to rebuild state and events.

    The article URLs are those the documents name. A URL listed only under another address
    (a tracking query, say) has no document of its own and is fetched once more next run. A
    revisit whose original is lost does not count as a capture: the next run fetches the page
    whole again.
    """
    captures = catalog.captures()
    listed = {row.record_id for row in captures}
    by_url: dict[str, list[CaptureRow]] = {}
    for row in captures:
        if row.record_type not in ("response", "revisit") or not row.url:
            continue
        if row.refers_to and row.refers_to not in listed:
            continue  # a revisit of a record that is lost (its WARC file gone): no payload
        by_url.setdefault(row.url, []).append(row)
    for rows in by_url.values():
        rows.sort(key=lambda r: r.date)
    newest: dict[str, dict[str, Any]] = {}
    for doc in documents:
        for url in {doc["url"], doc.get("requested_url") or doc["url"]}:
            known = newest.get(url)
            if known is None or doc["version"] > known["version"]:
                newest[url] = doc
    waiting = {
        url: p.site
        for p in catalog.pending()
        for url in {p.url, p.requested_url}
        if url not in newest
    }
    for url, site in sorted(waiting.items()):  # captured by an archive-only crawl
        state = _replay(catalog, UrlState(normalise_url(url), site), url, by_url, headers)
        catalog.put_url_state(state)
    for url, doc in sorted(newest.items()):
        state = UrlState(url=normalise_url(url), site=doc["site"], article_id=doc["id"])
        state = _replay(catalog, state, url, by_url, headers)
        state = observe_processed(state, doc["id"], doc.get("published"))
        catalog.put_url_state(state)
    return len(newest) + len(waiting)


def _replay(
    catalog: Catalog,
    state: UrlState,
    url: str,
    by_url: dict[str, list[CaptureRow]],
    headers: dict[str, tuple[str | None, str | None, str | None]],
) -> UrlState:
    """A URL's state after its captures, its takedown events added to the catalog."""
    for row in _fetch_history(url, by_url, headers):
        etag, modified, where = headers.get(row.record_id, (None, None, None))
        fetch = Fetch(
            date=row.date,
            status=row.status or 0,
            record_id=row.record_id,
            payload_record_id=row.refers_to or row.record_id,
            full_response=row.record_type == "response",
            etag=etag,
            last_modified=modified,
            location=where,
            url=row.url or url,
        )
        state, event = observe_fetch(state, fetch)
        if event is not None:
            catalog.add_event(event)
    return state


def _fetch_history(
    url: str,
    by_url: dict[str, list[CaptureRow]],
    headers: dict[str, tuple[str | None, str | None, str | None]],
) -> list[CaptureRow]:
    """The captures of `url`, each redirect followed by the target's next capture."""
    history: list[CaptureRow] = []
    for row in by_url.get(url, []):
        history.append(row)
        status = row.status or 0
        where = headers.get(row.record_id, (None, None, None))[2]
        target = urljoin(url, where) if where else None
        if 300 <= status < 400 and target and not is_home_redirect(url, where):
            following = [r for r in by_url.get(target, []) if r.date >= row.date]
            history.extend(following[:1])
    return history


def index_for_search(catalog: Catalog, documents: list[dict[str, Any]]) -> int:
    """Put the newest version of each article into the search index; return how many."""
    newest: dict[str, dict[str, Any]] = {}
    for doc in documents:
        known = newest.get(doc["id"])
        if known is None or doc["version"] > known["version"]:
            newest[doc["id"]] = doc
    for doc in newest.values():
        catalog.index_for_search(doc)
    return len(newest)
