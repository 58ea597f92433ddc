"""Which articles a user asked for: `ArticleFilter` (dates, language, section, site, author,
changed, taken down) and the SQL WHERE fragment it makes over the catalog's ``articles`` table.

`archiver list`, `search`, `export` and the replay server's article list share it. Dates are
compared in UTC, to the millisecond, as SQLite's ``strftime`` normalises ISO 8601 with offsets.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

__all__ = [
    "AUTHOR_MATCH_SQL",
    "DATE_BASES",
    "FILTER_PARAMS",
    "WHEN_SYNTAX",
    "ArticleFilter",
    "BadWhen",
    "author_matches",
    "filter_from_params",
    "fold",
    "parse_when",
]

#: What `--since`/`--until` compare: the article's published date (its capture date when it has
#: none), or the date the version was captured (``fetched_at``).
DATE_BASES = ("published", "captured")
DateBase = Literal["published", "captured"]

#: How a date or time is explained to users (command help, errors).
WHEN_SYNTAX = (
    "an ISO date or time (2026-11-27, 2026-11-27T09:30, UTC unless it has an offset), "
    "today, yesterday, or an age: 24h, 7d, 2w"
)

#: The SQL function (registered on the catalog's connection) `author_matches` is.
AUTHOR_MATCH_SQL = "archiver_author_matches"

_AGE_RE = re.compile(r"(\d{1,6})\s*([hdw])")
_AGE_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
#: SQLite's normal form of a moment (UTC, milliseconds): comparable as text.
_SQL_MOMENT = "%Y-%m-%dT%H:%M:%fZ"


class BadWhen(ValueError):
    """A date or time a user gave that is none of `WHEN_SYNTAX`."""


def parse_when(text: str, *, end: bool = False, now: datetime | None = None) -> datetime:
    """A user's date or time as an aware UTC datetime.

    A day (``2026-11-27``, ``today``, ``yesterday``) is its first moment, or with ``end`` its
    last (so ``--until 2026-11-27`` includes that day); an age (``7d``) is that long before
    `now`. Raises `BadWhen` for anything else.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    value = text.strip().lower()
    day: datetime | None = None
    if value in ("today", "yesterday"):
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if value == "yesterday":
            day -= timedelta(days=1)
    elif (age := _AGE_RE.fullmatch(value)) is not None:
        return now - int(age.group(1)) * _AGE_UNITS[age.group(2)]
    elif len(value) == 10:
        try:
            day = datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError as exc:
            raise BadWhen(f"expected {WHEN_SYNTAX}; got {text!r}") from exc
    if day is not None:
        return day + timedelta(days=1, milliseconds=-1) if end else day
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise BadWhen(f"expected {WHEN_SYNTAX}; got {text!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def fold(text: str) -> str:
    """Text for matching as users expect: case and accents ignored ("Müller" is "muller")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def author_matches(authors_json: str | None, wanted: str) -> int:
    """1 when one of the authors (a JSON list) contains `wanted` (already `fold`ed), else 0."""
    try:
        authors = json.loads(authors_json or "[]")
    except ValueError:
        return 0
    if not isinstance(authors, list):
        return 0
    return int(any(isinstance(a, str) and wanted in fold(a) for a in authors))


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles: every condition given must hold; a tuple of values means any of them.

    ``since``/``until`` bound the date named by ``by`` (both ends included). ``lang`` matches
    the language code or its region variants (``en`` finds ``en-GB``), case ignored;
    ``section`` and ``site`` match exactly; ``author`` is part of one author's name, case and
    accents ignored. ``changed``: articles with more than one version. ``takedowns``: articles
    that were ever taken down (a takedown event, restored since or not).
    """

    since: datetime | None = None
    until: datetime | None = None
    by: DateBase = "published"
    lang: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    site: tuple[str, ...] = ()
    author: str | None = None
    changed: bool = False
    takedowns: bool = False

    def is_empty(self) -> bool:
        """Whether it lets every article through."""
        return self == ArticleFilter(by=self.by)

    def where(self, table: str = "articles") -> tuple[list[str], list[Any]]:
        """SQL conditions (to be joined with AND) over the articles table named `table` (its
        name or alias), with their parameters."""
        t = table
        conditions: list[str] = []
        params: list[Any] = []
        if self.since is not None or self.until is not None:
            column = (
                f"{t}.fetched_at"
                if self.by == "captured"
                else f"COALESCE({t}.published, {t}.fetched_at)"
            )
            moment = f"strftime('{_SQL_MOMENT}', {column})"
            if self.since is not None:
                conditions.append(f"{moment} >= ?")
                params.append(_sql_moment(self.since))
            if self.until is not None:
                conditions.append(f"{moment} <= ?")
                params.append(_sql_moment(self.until))
        if self.lang:
            alternatives = []
            for code in self.lang:
                alternatives.append(
                    f"(lower({t}.language) = ? OR substr(lower({t}.language), 1, ?) = ?)"
                )
                params += [code.lower(), len(code) + 1, code.lower() + "-"]
            conditions.append("(" + " OR ".join(alternatives) + ")")
        for column, values in (("section", self.section), ("site", self.site)):
            if values:
                conditions.append(f"{t}.{column} IN ({', '.join('?' for _ in values)})")
                params += list(values)
        if self.author:
            conditions.append(f"{AUTHOR_MATCH_SQL}({t}.authors, ?) = 1")
            params.append(fold(self.author.strip()))
        if self.changed:
            conditions.append(
                f"EXISTS (SELECT 1 FROM articles v WHERE v.id = {t}.id AND v.version > 1)"
            )
        if self.takedowns:
            conditions.append(
                "EXISTS (SELECT 1 FROM events e WHERE e.article_id = "
                f"{t}.id AND e.kind = 'takedown')"
            )
        return conditions, params


#: The filter's query parameters in the replay server's article list (``/?since=7d&lang=de``).
FILTER_PARAMS = ("since", "until", "by", "lang", "section", "author", "changed", "takedowns")
#: At most this many characters of a filter parameter are read.
_MAX_PARAM = 200


def filter_from_params(
    params: Mapping[str, str], site: str | None = None, now: datetime | None = None
) -> ArticleFilter:
    """The filter a web form asked for (FILTER_PARAMS, each a string, "" for not given; the
    checkboxes ``changed`` and ``takedowns`` on when not empty). Raises `BadWhen` naming the
    parameter for a bad date."""
    value = {name: params.get(name, "").strip()[:_MAX_PARAM] for name in FILTER_PARAMS}
    moments: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        try:
            moments[name] = (
                parse_when(value[name], end=name == "until", now=now) if value[name] else None
            )
        except BadWhen as exc:
            raise BadWhen(f"{name}: {exc}") from exc
    return ArticleFilter(
        since=moments["since"],
        until=moments["until"],
        by="captured" if value["by"] == "captured" else "published",
        lang=(value["lang"],) if value["lang"] else (),
        section=(value["section"],) if value["section"] else (),
        site=(site,) if site else (),
        author=value["author"] or None,
        changed=bool(value["changed"]),
        takedowns=bool(value["takedowns"]),
    )


def _sql_moment(moment: datetime) -> str:
    """A datetime in SQLite's normal form (see `_SQL_MOMENT`)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
