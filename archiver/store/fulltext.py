"""The catalog's full-text index of articles (SQLite FTS5): its table, what goes in, the queries.

One row per article id, holding the newest version of the article (pages that are not articles
are left out); its rowid is the id (see `search_rowid`). The query syntax, snippet markers and
hits are archiver.store.search's.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from archiver.store.filters import ArticleFilter
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

SEARCH_TABLE = "article_search"
SEARCH_DDL = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(
    title, text, id UNINDEXED, version UNINDEXED, site UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""
_HEX_ID_RE = re.compile(r"[0-9a-f]{16}")


def search_rowid(article_id: str) -> int:
    """The search index rowid of an article: its 16 hex digits as a signed 64-bit integer
    (one-to-one), or a hash of any other id."""
    if _HEX_ID_RE.fullmatch(article_id):
        return int(article_id, 16) - (1 << 63)
    digest = hashlib.sha256(article_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def index_document(db: sqlite3.Connection, document: Mapping[str, Any]) -> None:
    """Make this article document (its newest version) the searchable one of its id.

    A page that is not an article (`is_article` false) is taken out of the index.
    """
    rowid = search_rowid(document["id"])
    db.execute(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = ?", (rowid,))
    if not document.get("is_article", True):
        return
    db.execute(
        f"INSERT INTO {SEARCH_TABLE} (rowid, title, text, id, version, site)"
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
    db: sqlite3.Connection,
    query: str,
    site: str | None,
    limit: int,
    offset: int,
    matching: ArticleFilter | None = None,
) -> list[SearchHit]:
    """Articles matching a user query (see archiver.store.search) and the filter, most
    relevant first."""
    match = match_expression(query)
    if match is None or limit <= 0:
        return []
    t = SEARCH_TABLE
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
    sql, params = _filtered(sql, params, matching)
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
        for r in db.execute(sql, params)
    ]


def search_count(
    db: sqlite3.Connection, query: str, site: str | None, matching: ArticleFilter | None = None
) -> int:
    """How many articles match a user query and the filter (all of them, not one page)."""
    match = match_expression(query)
    if match is None:
        return 0
    t = SEARCH_TABLE
    sql = f"SELECT COUNT(*) FROM {t}"
    if matching is not None and not matching.is_empty():
        sql += f" JOIN articles a ON a.id = {t}.id AND a.version = {t}.version"
    sql += f" WHERE {t} MATCH ?"
    params: list[Any] = [match]
    if site:
        sql += f" AND {t}.site = ?"
        params.append(site)
    sql, params = _filtered(sql, params, matching)
    count: int = db.execute(sql, params).fetchone()[0]
    return count


def _filtered(sql: str, params: list[Any], matching: ArticleFilter | None) -> tuple[str, list[Any]]:
    """`sql` (joined to the articles table as ``a``) with the filter's conditions added."""
    if matching is None:
        return sql, params
    conditions, more = matching.where("a")
    for condition in conditions:
        sql += f" AND {condition}"
    return sql, params + more
