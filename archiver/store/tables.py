"""The catalog's tables, each made from its row dataclass: a field is a column, its type SQL's.

Column lists, DDL, INSERT and SELECT statements all come from `dataclasses.fields`, so a column is
named once: in its row class (archiver.store.rows).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from archiver.store.rows import (
    ArticleRow,
    CaptureRow,
    EventRow,
    PageResourcesRow,
    PendingExtraction,
    SnapshotRow,
    UrlState,
)

R = TypeVar("R")

#: The SQL type of each field type (annotations are strings: postponed evaluation). Lists are
#: kept as JSON text; booleans as 0 and 1.
SQL_TYPES = {
    "str": "TEXT NOT NULL",
    "str | None": "TEXT",
    "int": "INTEGER NOT NULL",
    "int | None": "INTEGER",
    "bool": "INTEGER NOT NULL",
    "list[str]": "TEXT NOT NULL",
}
_JSON_TYPES = frozenset({"list[str]"})
_BOOL_TYPES = frozenset({"bool"})
#: What a column missing from an older catalog reads as (see `Table.select_present`).
_STAND_INS = {"list[str]": "'[]'", "str | None": "NULL", "int | None": "NULL"}


@dataclass(frozen=True)
class Table(Generic[R]):
    """One catalog table: its name, row class, primary key and indexes (name, columns)."""

    name: str
    row: type[R]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def fields(self) -> tuple[dataclasses.Field[Any], ...]:
        """The row class's fields, in column order."""
        row: Any = self.row
        return dataclasses.fields(row)

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        """The column names: the row class's field names, in order."""
        return tuple(f.name for f in self.fields())

    @functools.cached_property
    def select(self) -> str:
        """``SELECT <every column> FROM <table>``, for a WHERE or ORDER BY to follow."""
        return f"SELECT {', '.join(self.columns)} FROM {self.name}"

    def select_present(self, present: Collection[str]) -> str:
        """`select` for a catalog made before some columns existed (`present` are the
        table's columns there): a missing list column reads as [], a nullable one as NULL."""
        parts = []
        for f in self.fields():
            if f.name in present or str(f.type) not in _STAND_INS:
                parts.append(f.name)
            else:
                parts.append(f"{_STAND_INS[str(f.type)]} AS {f.name}")
        return f"SELECT {', '.join(parts)} FROM {self.name}"

    @functools.cached_property
    def insert(self) -> str:
        """``INSERT OR REPLACE`` of one row, its values in column order (see `values`)."""
        marks = ", ".join("?" for _ in self.columns)
        return f"INSERT OR REPLACE INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})"

    def ddl(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` of the table and its indexes."""
        lines = []
        for f in self.fields():
            sql_type = SQL_TYPES.get(str(f.type))
            if sql_type is None:
                raise TypeError(f"{self.row.__name__}.{f.name}: no SQL type for {f.type!r}")
            if self.key == (f.name,):  # declared as it always was: no NOT NULL
                sql_type = sql_type.split()[0] + " PRIMARY KEY"
            lines.append(f"    {f.name} {sql_type}")
        if len(self.key) > 1:
            lines.append(f"    PRIMARY KEY ({', '.join(self.key)})")
        statements = [f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(lines) + "\n);"]
        statements += [
            f"CREATE INDEX IF NOT EXISTS {index} ON {self.name} ({', '.join(columns)});"
            for index, columns in self.indexes
        ]
        return "\n".join(statements) + "\n"

    def values(self, row: R) -> tuple[Any, ...]:
        """A row as the parameters of `insert` (lists as JSON)."""
        values = [getattr(row, column) for column in self.columns]
        for i in self._json_columns:
            values[i] = json.dumps(values[i])
        return tuple(values)

    def read(self, values: Sequence[Any]) -> R:
        """A row read back with `select` (JSON lists decoded, 0 and 1 as booleans)."""
        decoded = list(values)
        for i in self._json_columns:
            decoded[i] = json.loads(decoded[i])
        for i in self._bool_columns:
            decoded[i] = bool(decoded[i])
        row: Any = self.row
        return cast(R, row(*decoded))

    @functools.cached_property
    def _json_columns(self) -> tuple[int, ...]:
        return tuple(i for i, f in enumerate(self.fields()) if f.type in _JSON_TYPES)

    @functools.cached_property
    def _bool_columns(self) -> tuple[int, ...]:
        return tuple(i for i, f in enumerate(self.fields()) if f.type in _BOOL_TYPES)


CAPTURES = Table("captures", CaptureRow, ("record_id",), (("captures_url", ("url", "date")),))
ARTICLES = Table(
    "articles", ArticleRow, ("id", "version"), (("articles_site", ("site", "published")),)
)
URL_STATE = Table("url_state", UrlState, ("url",))
EVENTS = Table("events", EventRow, ("record_id", "kind"), (("events_site", ("site", "date")),))
SNAPSHOTS = Table(
    "snapshots",
    SnapshotRow,
    ("json_path",),
    (("snapshots_site", ("site", "source_url", "fetched_at")),),
)
PAGE_RESOURCES = Table("page_resources", PageResourcesRow, ("record_id",))
PENDING = Table(
    "pending_extractions",
    PendingExtraction,
    ("record_id", "requested_url"),
    (("pending_site", ("site", "date")),),
)

#: The tables migration step 1 creates, in DDL order (a released step never changes).
TABLES: tuple[Table[Any], ...] = (CAPTURES, ARTICLES, URL_STATE, EVENTS, SNAPSHOTS, PAGE_RESOURCES)

#: Every table of the catalog (but the search index: see archiver.store.fulltext).
ALL_TABLES: tuple[Table[Any], ...] = (*TABLES, PENDING)


def schema_ddl() -> str:
    """The DDL of step 1's tables and indexes, each ``IF NOT EXISTS``."""
    return "".join(table.ddl() for table in TABLES)
