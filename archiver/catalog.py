"""The SQLite catalog: a derived, rebuildable index of captures and article documents."""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CATALOG_NAME = "catalog.sqlite"

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
"""

_CAPTURE_COLUMNS = (
    "record_id", "site", "record_type", "url", "date", "status", "mime",
    "payload_digest", "refers_to", "warc_file", "warc_offset", "warc_length",
)  # fmt: skip
_ARTICLE_COLUMNS = (
    "id", "version", "site", "section", "url", "canonical_url", "title", "published",
    "fetched_at", "language", "word_count", "is_article", "record_id", "json_path",
)  # fmt: skip


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


class Catalog:
    """Captures and articles in SQLite; everything here can be rebuilt from the archive."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

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

    def all_articles(self) -> list[ArticleRow]:
        """Every article version, ordered by id and version."""
        return self._articles("ORDER BY id, version", ())

    def counts(self) -> dict[str, int]:
        """Row counts per table."""
        return {
            t: self._db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("captures", "articles")
        }

    def _articles(self, tail: str, params: tuple[Any, ...]) -> list[ArticleRow]:
        sql = "SELECT " + ", ".join(_ARTICLE_COLUMNS) + " FROM articles " + tail
        rows = [ArticleRow(*r) for r in self._db.execute(sql, params)]
        return [dataclasses.replace(r, is_article=bool(r.is_article)) for r in rows]


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def iter_article_documents(articles_dir: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """Every article JSON under `articles_dir`, with its path relative to the archive root."""
    root = articles_dir.parent
    for path in sorted(articles_dir.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Skipping unreadable article document %s: %s", path, exc)
            continue
        yield doc, path.relative_to(root).as_posix()
