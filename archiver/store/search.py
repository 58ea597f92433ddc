"""Full-text search over articles: the query syntax, snippet markers and hits (SQL: fulltext.py).

A query is user input, never FTS5 syntax: every word must occur (in the title or the text),
``"two words"`` is an exact phrase, a trailing ``*`` makes a word a prefix (``harb*``), and case
and accents do not matter (``zurich`` finds "Zürich"). Anything else (``AND``, ``NEAR(``,
``title:``, stray quotes) is searched as words, so no query can be a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MARK_CLOSE",
    "MARK_OPEN",
    "QUERY_SYNTAX",
    "RAW_CLOSE",
    "RAW_OPEN",
    "SNIPPET_TOKENS",
    "TEXT_WEIGHT",
    "TITLE_WEIGHT",
    "SearchHit",
    "Term",
    "match_expression",
    "query_terms",
    "snippet_text",
]

#: How the query syntax is explained to users (command help).
QUERY_SYNTAX = (
    'Every word must occur, in the title or the text; "two words" is an exact phrase; a '
    "trailing * searches for words starting with it (harb*). Case and accents are ignored. "
    "There are no operators: AND, OR, NOT, NEAR, title: and stray quotes are searched as plain "
    "words."
)

#: What wraps each match in a snippet.
MARK_OPEN = "["
MARK_CLOSE = "]"

#: What FTS5's snippet() is asked to wrap matches in: characters no extracted text holds (the
#: extractor removes control characters), so literal brackets can be told from markers.
RAW_OPEN = "\x02"
RAW_CLOSE = "\x03"

#: bm25 column weights: a match in the title counts this much more than one in the text.
TITLE_WEIGHT = 5.0
TEXT_WEIGHT = 1.0

#: Tokens in a snippet (FTS5 allows up to 64).
SNIPPET_TOKENS = 20

_TERM_RE = re.compile(r'"([^"]*)"(\*?)|([^\s"]+)')
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")  # a NUL would end the query for SQLite
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchHit:
    """One article found: its newest version, best match first.

    ``snippet`` is plain text (callers escape it) with each match wrapped in ``[`` and ``]``;
    square brackets of the article itself are shown as ``(`` and ``)`` so the markers are
    unambiguous. ``rank`` is the bm25 relevance, higher is better (title matches weigh more).
    """

    id: str
    version: int
    site: str
    title: str | None
    url: str
    published: str | None
    snippet: str
    rank: float


@dataclass(frozen=True)
class Term:
    """One searched term: a word or a phrase, optionally a prefix."""

    text: str
    prefix: bool = False

    def fts(self) -> str:
        """The term as an FTS5 phrase string (quoted, so nothing in it is an operator)."""
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + " *" if self.prefix else quoted


def query_terms(query: str) -> list[Term]:
    """The searchable terms of a user query; terms without a letter or digit are dropped."""
    terms: list[Term] = []
    for match in _TERM_RE.finditer(_CONTROL_RE.sub(" ", query)):
        phrase, star, word = match.groups()
        if word is not None:
            text, prefix = word.rstrip("*"), word.endswith("*")
        else:
            text, prefix = phrase, bool(star)
        if any(ch.isalnum() for ch in text):
            terms.append(Term(text, prefix))
    return terms


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a user query (all terms required), or None when empty."""
    terms = query_terms(query)
    return " ".join(term.fts() for term in terms) if terms else None


def snippet_text(raw: str) -> str:
    """An FTS5 snippet (RAW_OPEN/RAW_CLOSE markers) as one line with ``[`` ``]`` markers."""
    text = raw.replace(MARK_OPEN, "(").replace(MARK_CLOSE, ")")
    text = text.replace(RAW_OPEN, MARK_OPEN).replace(RAW_CLOSE, MARK_CLOSE)
    return _SPACE_RE.sub(" ", text).strip()
