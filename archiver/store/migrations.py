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


#: Step N is MIGRATIONS[N - 1]. A new step goes at the end; a step never changes once released.
MIGRATIONS: tuple[Migration, ...] = (create_tables, add_search_index, add_pending_extractions)


def migrate(db: sqlite3.Connection, root: Path) -> None:
    """Run every step in order; each does nothing where what it adds is there already."""
    for step in MIGRATIONS:
        step(db, root)


def has_table(db: sqlite3.Connection, name: str) -> bool:
    """Whether the database has a table (or index, or view) of this name."""
    sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
    return db.execute(sql, (name,)).fetchone() is not None


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
