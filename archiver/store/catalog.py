"""The SQLite catalog: a derived, rebuildable index of captures and article documents."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.store.search import (
    RAW_CLOSE,
    RAW_OPEN,
    SNIPPET_TOKENS,
    TEXT_WEIGHT,
    TITLE_WEIGHT,
    SearchHit,
    match_expression,
    snippet_text,
)

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    record_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    record_type TEXT NOT NULL,
    url TEXT,
    date TEXT NOT NULL,
    status INTEGER,
    mime TEXT,
    payload_digest TEXT,
    refers_to TEXT,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS captures_url ON captures (url, date);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    site TEXT NOT NULL,
    section TEXT,
    url TEXT NOT NULL,
    canonical_url TEXT,
    title TEXT,
    published TEXT,
    fetched_at TEXT NOT NULL,
    language TEXT,
    word_count INTEGER NOT NULL,
    is_article INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    json_path TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX IF NOT EXISTS articles_site ON articles (site, published);
CREATE TABLE IF NOT EXISTS url_state (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    article_id TEXT,
    published TEXT,
    first_captured TEXT,
    last_fetched TEXT,
    last_status INTEGER,
    processed INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    record_id TEXT,
    gone_since TEXT
);
CREATE TABLE IF NOT EXISTS events (
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    article_id TEXT,
    date TEXT NOT NULL,
    status INTEGER,
    detail TEXT,
    PRIMARY KEY (record_id, kind)
);
CREATE INDEX IF NOT EXISTS events_site ON events (site, date);
CREATE TABLE IF NOT EXISTS snapshots (
    json_path TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_url TEXT NOT NULL,
    section TEXT,
    fetched_at TEXT NOT NULL,
    record_id TEXT NOT NULL,
    urls TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_site ON snapshots (site, source_url, fetched_at);
CREATE TABLE IF NOT EXISTS page_resources (
    record_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    needed INTEGER NOT NULL,
    archived INTEGER NOT NULL,
    report TEXT NOT NULL
);
"""

# Full-text search over the newest version of each article (pages that are not articles are
# left out). One row per article id: its rowid is the id (see _search_rowid).
_SEARCH_TABLE = "article_search"
_SEARCH_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {_SEARCH_TABLE} USING fts5(
    title, text, id UNINDEXED, version UNINDEXED, site UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""
_HEX_ID_RE = re.compile(r"[0-9a-f]{16}")

_CAPTURE_COLUMNS = (
    "record_id", "site", "record_type", "url", "date", "status", "mime",
    "payload_digest", "refers_to", "warc_file", "warc_offset", "warc_length",
)  # fmt: skip
_STATE_COLUMNS = (
    "url", "site", "article_id", "published", "first_captured", "last_fetched", "last_status",
    "processed", "etag", "last_modified", "record_id", "gone_since",
)  # fmt: skip
_EVENT_COLUMNS = ("record_id", "kind", "site", "url", "article_id", "date", "status", "detail")
_SNAPSHOT_COLUMNS = (
    "json_path", "site", "kind", "source_url", "section", "fetched_at", "record_id", "urls",
)  # fmt: skip
_PAGE_RESOURCES_COLUMNS = ("record_id", "site", "url", "needed", "archived", "report")
_ARTICLE_COLUMNS = (
    "id", "version", "site", "section", "url", "canonical_url", "title", "published",
    "fetched_at", "language", "word_count", "is_article", "record_id", "json_path",
)  # fmt: skip


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


class Catalog:
    """Captures and articles in SQLite; everything here can be rebuilt from the archive."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        had_search = self._has_table(_SEARCH_TABLE)
        self._db.executescript(_SEARCH_SCHEMA)
        if not had_search:
            self._fill_search_index()

    def close(self) -> None:
        """Commit and close the database."""
        self._db.commit()
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
        sql = _insert_sql("captures", _CAPTURE_COLUMNS)
        self._db.executemany(sql, [tuple(getattr(r, c) for c in _CAPTURE_COLUMNS) for r in rows])

    def put_page_resources(self, row: PageResourcesRow) -> None:
        """Insert (or replace) the resource account of one captured page."""
        sql = _insert_sql("page_resources", _PAGE_RESOURCES_COLUMNS)
        self._db.execute(sql, tuple(getattr(row, c) for c in _PAGE_RESOURCES_COLUMNS))

    def page_resources(self, record_id: str) -> PageResourcesRow | None:
        """The resource account of the page captured in response record `record_id`."""
        sql = "SELECT " + ", ".join(_PAGE_RESOURCES_COLUMNS) + " FROM page_resources "
        row = self._db.execute(sql + "WHERE record_id = ?", (record_id,)).fetchone()
        return PageResourcesRow(*row) if row else None

    def add_article(self, row: ArticleRow) -> None:
        """Insert (or replace) one article version."""
        sql = _insert_sql("articles", _ARTICLE_COLUMNS)
        self._db.execute(sql, tuple(getattr(row, c) for c in _ARTICLE_COLUMNS))

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
        self, site: str | None = None, limit: int | None = None, only_articles: bool = True
    ) -> list[ArticleRow]:
        """Newest version of each article, newest published first."""
        where = ["version = (SELECT MAX(version) FROM articles a2 WHERE a2.id = articles.id)"]
        params: list[Any] = []
        if site:
            where.append("site = ?")
            params.append(site)
        if only_articles:
            where.append("is_article = 1")
        sql = "WHERE " + " AND ".join(where)
        sql += " ORDER BY COALESCE(published, fetched_at) DESC, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self._articles(sql, tuple(params))

    def captures(self, site: str | None = None) -> list[CaptureRow]:
        """All capture rows, in file and offset order."""
        sql = "SELECT " + ", ".join(_CAPTURE_COLUMNS) + " FROM captures"
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE site = ?"
            params = (site,)
        sql += " ORDER BY warc_file, warc_offset"
        return [CaptureRow(*r) for r in self._db.execute(sql, params)]

    def last_response(self, url: str, status: int | None = None) -> CaptureRow | None:
        """The newest response record of exactly this URL (with this status, if given)."""
        sql = "SELECT " + ", ".join(_CAPTURE_COLUMNS) + " FROM captures "
        sql += "WHERE url = ? AND record_type = 'response'"
        params: tuple[Any, ...] = (url,)
        if status is not None:
            sql += " AND status = ?"
            params = (url, status)
        row = self._db.execute(sql + " ORDER BY date DESC, rowid DESC LIMIT 1", params).fetchone()
        return CaptureRow(*row) if row else None

    def capture(self, record_id: str) -> CaptureRow | None:
        """One capture row by its WARC-Record-ID."""
        sql = "SELECT " + ", ".join(_CAPTURE_COLUMNS) + " FROM captures WHERE record_id = ?"
        row = self._db.execute(sql, (record_id,)).fetchone()
        return CaptureRow(*row) if row else None

    def url_state(self, url: str) -> UrlState | None:
        """The incremental state of an article URL (normalised), if it was ever requested."""
        sql = "SELECT " + ", ".join(_STATE_COLUMNS) + " FROM url_state WHERE url = ?"
        row = self._db.execute(sql, (url,)).fetchone()
        if row is None:
            return None
        state = UrlState(*row)
        return dataclasses.replace(state, processed=bool(state.processed))

    def put_url_state(self, state: UrlState) -> None:
        """Insert or replace the state of one URL."""
        sql = _insert_sql("url_state", _STATE_COLUMNS)
        self._db.execute(sql, tuple(getattr(state, c) for c in _STATE_COLUMNS))

    def url_states(self, site: str | None = None) -> list[UrlState]:
        """Every URL state (of one site), ordered by URL."""
        sql = "SELECT " + ", ".join(_STATE_COLUMNS) + " FROM url_state"
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE site = ?"
            params = (site,)
        rows = [UrlState(*r) for r in self._db.execute(sql + " ORDER BY url", params)]
        return [dataclasses.replace(r, processed=bool(r.processed)) for r in rows]

    def add_event(self, event: EventRow) -> None:
        """Record a takedown (or restoration) of an archived article."""
        sql = _insert_sql("events", _EVENT_COLUMNS)
        self._db.execute(sql, tuple(getattr(event, c) for c in _EVENT_COLUMNS))

    def events(self, site: str | None = None, article_id: str | None = None) -> list[EventRow]:
        """Events in date order, optionally of one site or one article."""
        where, params = _filters(site=site, article_id=article_id)
        sql = "SELECT " + ", ".join(_EVENT_COLUMNS) + " FROM events" + where
        return [EventRow(*r) for r in self._db.execute(sql + " ORDER BY date, url", params)]

    def add_snapshot(self, row: SnapshotRow) -> None:
        """Record one fetch of a section page, feed or sitemap."""
        values = [getattr(row, c) for c in _SNAPSHOT_COLUMNS]
        values[_SNAPSHOT_COLUMNS.index("urls")] = json.dumps(row.urls)
        self._db.execute(_insert_sql("snapshots", _SNAPSHOT_COLUMNS), values)

    def snapshots_at(
        self, site: str, at: str, kind: str | None = None, section: str | None = None
    ) -> list[SnapshotRow]:
        """For each source of a site, its newest snapshot fetched at or before `at` (ISO UTC)."""
        where, params = _filters(site=site, kind=kind, section=section)
        sql = (
            "SELECT "
            + ", ".join(_SNAPSHOT_COLUMNS)
            + " FROM snapshots s"
            + where
            + (" AND" if where else " WHERE")
            + " fetched_at <= ? AND fetched_at = ("
            "SELECT MAX(fetched_at) FROM snapshots s2 WHERE s2.site = s.site"
            " AND s2.source_url = s.source_url AND s2.fetched_at <= ?)"
            " ORDER BY kind, section, source_url"
        )
        rows = self._db.execute(sql, (*params, at, at)).fetchall()
        return [self._snapshot(r) for r in rows]

    def snapshots(self, site: str | None = None) -> list[SnapshotRow]:
        """Every snapshot (of one site), in fetch order."""
        where, params = _filters(site=site)
        sql = "SELECT " + ", ".join(_SNAPSHOT_COLUMNS) + " FROM snapshots" + where
        return [self._snapshot(r) for r in self._db.execute(sql + " ORDER BY fetched_at", params)]

    @staticmethod
    def _snapshot(row: tuple[Any, ...]) -> SnapshotRow:
        values = list(row)
        index = _SNAPSHOT_COLUMNS.index("urls")
        values[index] = json.loads(values[index])
        return SnapshotRow(*values)

    def versions(self, article_id: str) -> list[ArticleRow]:
        """Every stored version of one article, oldest first."""
        return self._articles("WHERE id = ? ORDER BY version", (article_id,))

    def urls_of(self, article_id: str) -> list[str]:
        """The (normalised) URLs under which an article was requested."""
        sql = "SELECT url FROM url_state WHERE article_id = ? ORDER BY url"
        return [r[0] for r in self._db.execute(sql, (article_id,))]

    def fetches(self, url: str) -> list[CaptureRow]:
        """Response and revisit records of exactly this URL, oldest first."""
        sql = "SELECT " + ", ".join(_CAPTURE_COLUMNS) + " FROM captures WHERE url = ?"
        sql += " AND record_type IN ('response', 'revisit') ORDER BY date, rowid"
        return [CaptureRow(*r) for r in self._db.execute(sql, (url,))]

    def all_articles(self) -> list[ArticleRow]:
        """Every article version, ordered by id and version."""
        return self._articles("ORDER BY id, version", ())

    def counts(self) -> dict[str, int]:
        """Row counts per table."""
        return {
            t: self._db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("captures", "articles", "url_state", "events", "snapshots")
        }

    def index_for_search(self, document: Mapping[str, Any]) -> None:
        """Make this article document (its newest version) the searchable one of its id.

        A page that is not an article (`is_article` false) is taken out of the index.
        """
        rowid = _search_rowid(document["id"])
        self._db.execute(f"DELETE FROM {_SEARCH_TABLE} WHERE rowid = ?", (rowid,))
        if not document.get("is_article", True):
            return
        self._db.execute(
            f"INSERT INTO {_SEARCH_TABLE} (rowid, title, text, id, version, site)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                rowid,
                document.get("title") or "",
                document.get("text") or "",
                document["id"],
                document["version"],
                document["site"],
            ),
        )

    def search(
        self, query: str, site: str | None = None, limit: int = 20, offset: int = 0
    ) -> list[SearchHit]:
        """Articles matching a user query (see archiver.store.search), most relevant first."""
        match = match_expression(query)
        if match is None or limit <= 0:
            return []
        t = _SEARCH_TABLE
        marks = f"'{RAW_OPEN}', '{RAW_CLOSE}', '…', {SNIPPET_TOKENS}"
        sql = (
            f"SELECT {t}.id, {t}.version, {t}.site, a.title, a.url, a.published,"
            f" CASE WHEN {t}.text = '' THEN snippet({t}, 0, {marks})"
            f" ELSE snippet({t}, 1, {marks}) END,"
            f" bm25({t}, {TITLE_WEIGHT}, {TEXT_WEIGHT}) AS score"
            f" FROM {t} JOIN articles a ON a.id = {t}.id AND a.version = {t}.version"
            f" WHERE {t} MATCH ?"
        )
        params: list[Any] = [match]
        if site:
            sql += f" AND {t}.site = ?"
            params.append(site)
        sql += f" ORDER BY score, {t}.id LIMIT ? OFFSET ?"
        params += [int(limit), max(0, int(offset))]
        return [
            SearchHit(
                id=r[0],
                version=int(r[1]),
                site=r[2],
                title=r[3],
                url=r[4],
                published=r[5],
                snippet=snippet_text(r[6] or ""),
                rank=-float(r[7]),
            )
            for r in self._db.execute(sql, params)
        ]

    def search_count(self, query: str, site: str | None = None) -> int:
        """How many articles match a user query (all of them, not one page of hits)."""
        match = match_expression(query)
        if match is None:
            return 0
        sql = f"SELECT COUNT(*) FROM {_SEARCH_TABLE} WHERE {_SEARCH_TABLE} MATCH ?"
        params: list[Any] = [match]
        if site:
            sql += " AND site = ?"
            params.append(site)
        count: int = self._db.execute(sql, params).fetchone()[0]
        return count

    def _has_table(self, name: str) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
        return self._db.execute(sql, (name,)).fetchone() is not None

    def _fill_search_index(self) -> None:
        """Index the newest version of every article of a catalog made before search existed."""
        rows = self.list_articles(only_articles=True)
        if not rows:
            return
        logger.warning("Building the search index of %d articles (once)", len(rows))
        for row in rows:
            path = self.path.parent / row.json_path
            try:
                self.index_for_search(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("Cannot index %s for search: %s", path, exc)
        self._db.commit()

    def _articles(self, tail: str, params: tuple[Any, ...]) -> list[ArticleRow]:
        sql = "SELECT " + ", ".join(_ARTICLE_COLUMNS) + " FROM articles " + tail
        rows = [ArticleRow(*r) for r in self._db.execute(sql, params)]
        return [dataclasses.replace(r, is_article=bool(r.is_article)) for r in rows]


def _filters(**equal: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (or "") for the given column = value pairs that are not None."""
    used = {k: v for k, v in equal.items() if v is not None}
    if not used:
        return "", ()
    return " WHERE " + " AND ".join(f"{k} = ?" for k in used), tuple(used.values())


def _search_rowid(article_id: str) -> int:
    """The search index rowid of an article: its 16 hex digits as a signed 64-bit integer
    (one-to-one), or a hash of any other id."""
    if _HEX_ID_RE.fullmatch(article_id):
        return int(article_id, 16) - (1 << 63)
    digest = hashlib.sha256(article_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})"


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
