"""The SQLite catalog: a derived, rebuildable index of captures and article documents.

Its tables are made from the row classes (archiver.store.tables, archiver.store.rows), its
schema brought up to date by archiver.store.migrations, and its full-text search index kept by
archiver.store.fulltext.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.fsutil import as_disk_full
from archiver.store import fulltext
from archiver.store.filters import AUTHOR_MATCH_SQL, ArticleFilter, author_matches
from archiver.store.migrations import migrate
from archiver.store.rows import (
    ArticleRow,
    CaptureRow,
    EventRow,
    PageResourcesRow,
    PendingExtraction,
    SnapshotRow,
    UrlState,
)
from archiver.store.search import SearchHit
from archiver.store.tables import (
    ARTICLES,
    CAPTURES,
    EVENTS,
    PAGE_RESOURCES,
    PENDING,
    SNAPSHOTS,
    URL_STATE,
)

logger = logging.getLogger(__name__)


class _Connection(sqlite3.Connection):
    """A connection whose writes, out of space, roll the transaction back and raise
    `archiver.fsutil.DiskFull` naming the database file (not "database or disk is full")."""

    path = Path("catalog.sqlite")

    def execute(self, *args: Any) -> sqlite3.Cursor:
        try:
            return super().execute(*args)
        except sqlite3.Error as exc:
            self._raise_if_disk_full(exc)
            raise

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        try:
            return super().executemany(*args)
        except sqlite3.Error as exc:
            self._raise_if_disk_full(exc)
            raise

    def executescript(self, *args: Any) -> sqlite3.Cursor:
        try:
            return super().executescript(*args)
        except sqlite3.Error as exc:
            self._raise_if_disk_full(exc)
            raise

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.Error as exc:
            self._raise_if_disk_full(exc)
            raise

    def _raise_if_disk_full(self, exc: sqlite3.Error) -> None:
        full = as_disk_full(exc, self.path)
        if full is not None:
            with suppress(sqlite3.Error):
                self.rollback()
            raise full from exc


class Catalog:
    """Captures and articles in SQLite; everything here can be rebuilt from the archive.

    Out of space, a write raises `archiver.fsutil.DiskFull` and its transaction is rolled back.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30.0, factory=_Connection)
        self._db.path = path
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.create_function(AUTHOR_MATCH_SQL, 2, author_matches, deterministic=True)
        migrate(self._db, path.parent)

    def close(self) -> None:
        """Commit and close the database (closed even when the commit fails)."""
        try:
            self._db.commit()
        finally:
            self._db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def commit(self) -> None:
        """Make what was added so far durable."""
        self._db.commit()

    def add_captures(self, rows: Iterable[CaptureRow]) -> None:
        """Insert (or replace) capture rows."""
        self._db.executemany(CAPTURES.insert, [CAPTURES.values(r) for r in rows])

    def put_page_resources(self, row: PageResourcesRow) -> None:
        """Insert (or replace) the resource account of one captured page."""
        self._db.execute(PAGE_RESOURCES.insert, PAGE_RESOURCES.values(row))

    def page_resources(self, record_id: str) -> PageResourcesRow | None:
        """The resource account of the page captured in response record `record_id`."""
        sql = PAGE_RESOURCES.select + " WHERE record_id = ?"
        row = self._db.execute(sql, (record_id,)).fetchone()
        return PAGE_RESOURCES.read(row) if row else None

    def add_pending(self, row: PendingExtraction) -> None:
        """Leave a captured page for later extraction (an archive-only crawl)."""
        self._db.execute(PENDING.insert, PENDING.values(row))

    def is_pending(self, record_id: str) -> bool:
        """Whether the page in response record `record_id` awaits extraction."""
        sql = "SELECT 1 FROM pending_extractions WHERE record_id = ?"
        return self._db.execute(sql, (record_id,)).fetchone() is not None

    def pending(self, site: str | None = None) -> list[PendingExtraction]:
        """The pages awaiting extraction (of one site), in the order the crawl left them."""
        sql, params = _filters(site=site)
        sql = PENDING.select + sql + " ORDER BY site, rowid"
        return [PENDING.read(r) for r in self._db.execute(sql, params)]

    def drop_pending(self, row: PendingExtraction) -> None:
        """A pending page went through extraction: no longer pending."""
        sql = "DELETE FROM pending_extractions WHERE record_id = ? AND requested_url = ?"
        self._db.execute(sql, (row.record_id, row.requested_url))

    def add_article(self, row: ArticleRow) -> None:
        """Insert (or replace) one article version."""
        self._db.execute(ARTICLES.insert, ARTICLES.values(row))

    def latest_version(self, article_id: str) -> ArticleRow | None:
        """The newest stored version of an article, if any."""
        rows = self._articles("WHERE id = ? ORDER BY version DESC LIMIT 1", (article_id,))
        return rows[0] if rows else None

    def article(self, article_id: str, version: int | None = None) -> ArticleRow | None:
        """One version of an article (the newest when `version` is None)."""
        if version is None:
            return self.latest_version(article_id)
        rows = self._articles("WHERE id = ? AND version = ?", (article_id, version))
        return rows[0] if rows else None

    def list_articles(
        self,
        site: str | None = None,
        limit: int | None = None,
        only_articles: bool = True,
        matching: ArticleFilter | None = None,
        offset: int = 0,
    ) -> list[ArticleRow]:
        """Newest version of each article (that the filter lets through), newest published
        first; `limit` and `offset` give one page of them."""
        where, params = _newest(site, only_articles, matching)
        sql = where + " ORDER BY COALESCE(published, fetched_at) DESC, id"
        if limit:
            sql += f" LIMIT {int(limit)} OFFSET {max(0, int(offset))}"
        return self._articles(sql, tuple(params))

    def count_articles(
        self,
        site: str | None = None,
        only_articles: bool = True,
        matching: ArticleFilter | None = None,
    ) -> int:
        """How many articles `list_articles` would list without a limit."""
        where, params = _newest(site, only_articles, matching)
        count: int = self._db.execute(
            f"SELECT COUNT(*) FROM {ARTICLES.name} {where}", params
        ).fetchone()[0]
        return count

    def iter_articles(
        self,
        matching: ArticleFilter | None = None,
        all_versions: bool = False,
        only_articles: bool = True,
    ) -> Iterator[ArticleRow]:
        """The articles the filter lets through (their newest version, or every version), in id
        and version order, read one at a time: the catalog is never held in memory."""
        if all_versions:
            conditions, params = matching.where() if matching else ([], [])
            if only_articles:
                conditions.append("is_article = 1")
            where = " WHERE " + " AND ".join(conditions) if conditions else ""
        else:
            where, params = _newest(None, only_articles, matching)
        cursor = self._db.execute(f"{ARTICLES.select} {where} ORDER BY id, version", params)
        try:
            for values in cursor:
                yield ARTICLES.read(values)
        finally:
            cursor.close()

    def article_marks(self, article_ids: Iterable[str]) -> dict[str, ArticleMarks]:
        """How many versions each article has and its newest takedown or restored event (for
        a page of listed articles)."""
        marks: dict[str, ArticleMarks] = {}
        for article_id in dict.fromkeys(article_ids):
            versions = self._db.execute(
                "SELECT COUNT(*) FROM articles WHERE id = ?", (article_id,)
            ).fetchone()[0]
            event = self._db.execute(
                "SELECT kind, date FROM events WHERE article_id = ? ORDER BY date DESC, rowid DESC"
                " LIMIT 1",
                (article_id,),
            ).fetchone()
            marks[article_id] = ArticleMarks(
                versions=int(versions),
                event=event[0] if event else None,
                event_date=event[1] if event else None,
            )
        return marks

    def sites(self) -> list[str]:
        """The sites that have articles, sorted."""
        return [r[0] for r in self._db.execute("SELECT DISTINCT site FROM articles ORDER BY site")]

    def captures(self, site: str | None = None) -> list[CaptureRow]:
        """All capture rows, in file and offset order."""
        sql = CAPTURES.select
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE site = ?"
            params = (site,)
        sql += " ORDER BY warc_file, warc_offset"
        return [CAPTURES.read(r) for r in self._db.execute(sql, params)]

    def last_response(self, url: str, status: int | None = None) -> CaptureRow | None:
        """The newest response record of exactly this URL (with this status, if given)."""
        sql = CAPTURES.select + " WHERE url = ? AND record_type = 'response'"
        params: tuple[Any, ...] = (url,)
        if status is not None:
            sql += " AND status = ?"
            params = (url, status)
        row = self._db.execute(sql + " ORDER BY date DESC, rowid DESC LIMIT 1", params).fetchone()
        return CAPTURES.read(row) if row else None

    def capture(self, record_id: str) -> CaptureRow | None:
        """One capture row by its WARC-Record-ID."""
        row = self._db.execute(CAPTURES.select + " WHERE record_id = ?", (record_id,)).fetchone()
        return CAPTURES.read(row) if row else None

    def known_records(self, record_ids: Iterable[str]) -> set[str]:
        """Those of `record_ids` that have a capture row."""
        ids = list(record_ids)
        known: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT record_id FROM captures WHERE record_id IN ({marks})"
            known.update(row[0] for row in self._db.execute(sql, chunk))
        return known

    def document_paths(self, site: str) -> set[str]:
        """The JSON paths (relative to the archive) of a site's article and snapshot rows."""
        sql = "SELECT json_path FROM articles WHERE site = ? UNION SELECT json_path FROM snapshots"
        return {row[0] for row in self._db.execute(sql + " WHERE site = ?", (site, site))}

    def url_state(self, url: str) -> UrlState | None:
        """The incremental state of an article URL (normalised), if it was ever requested."""
        row = self._db.execute(URL_STATE.select + " WHERE url = ?", (url,)).fetchone()
        return URL_STATE.read(row) if row else None

    def put_url_state(self, state: UrlState) -> None:
        """Insert or replace the state of one URL."""
        self._db.execute(URL_STATE.insert, URL_STATE.values(state))

    def url_states(self, site: str | None = None) -> list[UrlState]:
        """Every URL state (of one site), ordered by URL."""
        sql = URL_STATE.select
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE site = ?"
            params = (site,)
        return [URL_STATE.read(r) for r in self._db.execute(sql + " ORDER BY url", params)]

    def add_event(self, event: EventRow) -> None:
        """Record a takedown (or restoration) of an archived article."""
        self._db.execute(EVENTS.insert, EVENTS.values(event))

    def events(self, site: str | None = None, article_id: str | None = None) -> list[EventRow]:
        """Events in date order, optionally of one site or one article."""
        where, params = _filters(site=site, article_id=article_id)
        sql = EVENTS.select + where + " ORDER BY date, url"
        return [EVENTS.read(r) for r in self._db.execute(sql, params)]

    def add_snapshot(self, row: SnapshotRow) -> None:
        """Record one fetch of a section page, feed or sitemap."""
        self._db.execute(SNAPSHOTS.insert, SNAPSHOTS.values(row))

    def snapshots_at(
        self, site: str, at: str, kind: str | None = None, section: str | None = None
    ) -> list[SnapshotRow]:
        """For each source of a site, its newest snapshot fetched at or before `at` (ISO UTC)."""
        where, params = _filters(site=site, kind=kind, section=section)
        sql = (
            SNAPSHOTS.select
            + " s"
            + where
            + (" AND" if where else " WHERE")
            + " fetched_at <= ? AND fetched_at = ("
            "SELECT MAX(fetched_at) FROM snapshots s2 WHERE s2.site = s.site"
            " AND s2.source_url = s.source_url AND s2.fetched_at <= ?)"
            " ORDER BY kind, section, source_url"
        )
        rows = self._db.execute(sql, (*params, at, at)).fetchall()
        return [SNAPSHOTS.read(r) for r in rows]

    def snapshots(self, site: str | None = None) -> list[SnapshotRow]:
        """Every snapshot (of one site), in fetch order."""
        where, params = _filters(site=site)
        sql = SNAPSHOTS.select + where + " ORDER BY fetched_at"
        return [SNAPSHOTS.read(r) for r in self._db.execute(sql, params)]

    def versions(self, article_id: str) -> list[ArticleRow]:
        """Every stored version of one article, oldest first."""
        return self._articles("WHERE id = ? ORDER BY version", (article_id,))

    def urls_of(self, article_id: str) -> list[str]:
        """The (normalised) URLs under which an article was requested."""
        sql = "SELECT url FROM url_state WHERE article_id = ? ORDER BY url"
        return [r[0] for r in self._db.execute(sql, (article_id,))]

    def fetches(self, url: str) -> list[CaptureRow]:
        """Response and revisit records of exactly this URL, oldest first."""
        sql = CAPTURES.select + " WHERE url = ?"
        sql += " AND record_type IN ('response', 'revisit') ORDER BY date, rowid"
        return [CAPTURES.read(r) for r in self._db.execute(sql, (url,))]

    def all_articles(self) -> list[ArticleRow]:
        """Every article version, ordered by id and version."""
        return self._articles("ORDER BY id, version", ())

    def counts(self) -> dict[str, int]:
        """Row counts per table."""
        return {
            t: self._db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in (CAPTURES.name, ARTICLES.name, URL_STATE.name, EVENTS.name, SNAPSHOTS.name)
        }

    def index_for_search(self, document: Mapping[str, Any]) -> None:
        """Make this article document (its newest version) the searchable one of its id.

        A page that is not an article (`is_article` false) is taken out of the index.
        """
        fulltext.index_document(self._db, document)

    def search(
        self,
        query: str,
        site: str | None = None,
        limit: int = 20,
        offset: int = 0,
        matching: ArticleFilter | None = None,
    ) -> list[SearchHit]:
        """Articles matching a user query (see archiver.store.search) and the filter, most
        relevant first."""
        return fulltext.search(self._db, query, site, limit, offset, matching)

    def search_count(
        self, query: str, site: str | None = None, matching: ArticleFilter | None = None
    ) -> int:
        """How many articles match a user query and the filter (all, not one page of hits)."""
        return fulltext.search_count(self._db, query, site, matching)

    def _articles(self, tail: str, params: tuple[Any, ...]) -> list[ArticleRow]:
        sql = ARTICLES.select + " " + tail
        return [ARTICLES.read(r) for r in self._db.execute(sql, params)]


@dataclass(frozen=True)
class ArticleMarks:
    """What the article list marks an article with: its versions (more than one: it was
    edited) and its newest takedown or restored event, if any."""

    versions: int
    event: str | None  # "takedown" or "restored"
    event_date: str | None


def _newest(
    site: str | None, only_articles: bool, matching: ArticleFilter | None
) -> tuple[str, list[Any]]:
    """The WHERE clause of the newest version of each article (of a site, articles only,
    through a filter), and its parameters."""
    conditions = ["version = (SELECT MAX(version) FROM articles a2 WHERE a2.id = articles.id)"]
    params: list[Any] = []
    if site:
        conditions.append("site = ?")
        params.append(site)
    if only_articles:
        conditions.append("is_article = 1")
    if matching is not None:
        more, more_params = matching.where()
        conditions += more
        params += more_params
    return "WHERE " + " AND ".join(conditions), params


def _filters(**equal: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (or "") for the given column = value pairs that are not None."""
    used = {k: v for k, v in equal.items() if v is not None}
    if not used:
        return "", ()
    return " WHERE " + " AND ".join(f"{k} = ?" for k in used), tuple(used.values())


def iter_json_documents(directory: Path, what: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every JSON document under `directory` (e.g. articles/), with its path relative to the
    archive root; an unreadable one is logged as an unreadable `what` and skipped."""
    root = directory.parent
    for path in sorted(directory.rglob("*.json")) if directory.is_dir() else []:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Skipping unreadable %s %s: %s", what, path, exc)
            continue
        yield doc, path.relative_to(root).as_posix()


def iter_article_documents(articles_dir: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """Every article JSON under `articles_dir`, with its path relative to the archive root."""
    return iter_json_documents(articles_dir, "article document")
