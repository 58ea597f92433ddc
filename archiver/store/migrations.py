"""Bringing a catalog's schema up to date: numbered steps, run in order each time one is opened.

No version number is stored: each step reads the schema itself (``IF NOT EXISTS``, whether a
table is there), so it does nothing where it ran before, and a catalog made by any earlier
release (or missing a table) is completed. The catalog is derived data: a step may rebuild what
it adds from the archive's files.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from archiver.store.fulltext import SEARCH_DDL, SEARCH_TABLE, index_document
from archiver.store.tables import PENDING, schema_ddl

logger = logging.getLogger(__name__)

#: A step: the open database and the archive root (where article paths are relative to).
Migration = Callable[[sqlite3.Connection, Path], None]


def create_tables(db: sqlite3.Connection, root: Path) -> None:
    """Step 1: the tables of captures, articles, URL state, events, snapshots, page resources."""
    db.executescript(schema_ddl())


def add_search_index(db: sqlite3.Connection, root: Path) -> None:
    """Step 2: the full-text index, filled from the article documents where it was missing."""
    had_search = has_table(db, SEARCH_TABLE)
    db.executescript(SEARCH_DDL)
    if not had_search:
        fill_search_index(db, root)


def add_pending_extractions(db: sqlite3.Connection, root: Path) -> None:
    """Step 3: the pages an archive-only crawl (`archiver crawl --no-extract`) left to extract."""
    db.executescript(PENDING.ddl())


def add_article_authors(db: sqlite3.Connection, root: Path) -> None:
    """Step 4: the articles' authors (for `--author`), filled from the documents where missing.

    (Step 1 makes the column in a new catalog: its DDL comes from `ArticleRow`.)
    """
    if "authors" in table_columns(db, "articles"):
        return
    if not db.in_transaction:  # the column and its values together, or neither
        db.execute("BEGIN")
    db.execute("ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '[]'")
    fill_authors(db, root)


#: Step N is MIGRATIONS[N - 1]. A new step goes at the end; a step never changes once released.
MIGRATIONS: tuple[Migration, ...] = (
    create_tables,
    add_search_index,
    add_pending_extractions,
    add_article_authors,
)


def migrate(db: sqlite3.Connection, root: Path) -> None:
    """Run every step in order; each does nothing where what it adds is there already."""
    for step in MIGRATIONS:
        step(db, root)


def has_table(db: sqlite3.Connection, name: str) -> bool:
    """Whether the database has a table (or index, or view) of this name."""
    sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
    return db.execute(sql, (name,)).fetchone() is not None


def table_columns(db: sqlite3.Connection, table: str) -> list[str]:
    """The column names of a table, in order ([] when there is no such table)."""
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


#: The JSON path of the newest version of each article (pages that are not articles left out).
_NEWEST_ARTICLES = (
    "SELECT json_path FROM articles"
    " WHERE version = (SELECT MAX(version) FROM articles a2 WHERE a2.id = articles.id)"
    " AND is_article = 1 ORDER BY COALESCE(published, fetched_at) DESC, id"
)


def fill_search_index(db: sqlite3.Connection, root: Path) -> None:
    """Index the newest version of every article of a catalog made before search existed."""
    paths = [row[0] for row in db.execute(_NEWEST_ARTICLES)]
    if not paths:
        return
    logger.warning("Building the search index of %d articles (once)", len(paths))
    for json_path in paths:
        path = root / json_path
        try:
            index_document(db, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("Cannot index %s for search: %s", path, exc)
    db.commit()


def fill_authors(db: sqlite3.Connection, root: Path) -> None:
    """Copy every article version's authors from its document into the catalog."""
    paths = [row[0] for row in db.execute("SELECT json_path FROM articles")]
    if not paths:
        db.commit()
        return
    logger.warning("Adding the authors of %d article versions to the catalog (once)", len(paths))
    for json_path in paths:
        path = root / json_path
        try:
            authors = json.loads(path.read_text(encoding="utf-8")).get("authors") or []
        except (OSError, ValueError, AttributeError) as exc:
            logger.warning("Cannot read the authors of %s: %s", path, exc)
            continue
        names = [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else []
        sql = "UPDATE articles SET authors = ? WHERE json_path = ?"
        db.execute(sql, (json.dumps(names), json_path))
    db.commit()
