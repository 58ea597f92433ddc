"""`archiver export`: the article documents of an archive as one JSONL, CSV, text or Markdown
stream, one line, row or block per article (its newest version, or every version).

Streaming: catalog rows are read one at a time with a cursor and each document is read from
disk, written and dropped, so memory stays flat however large the archive. Each article id (or
id and version, with every version) comes once: the catalog's key makes it so. A document that
cannot be read is logged, counted and left out.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from archiver.store.catalog import Catalog
from archiver.store.filters import ArticleFilter
from archiver.textsafe import terminal_json

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "ExportResult",
    "export_documents",
]

logger = logging.getLogger(__name__)

#: The export formats, as `--format` names them.
FORMATS = ("jsonl", "csv", "txt", "md")

#: The CSV columns, in order: document fields; lists (authors, tags) joined with "; ".
CSV_COLUMNS = (
    "id",
    "version",
    "site",
    "section",
    "url",
    "canonical_url",
    "title",
    "description",
    "authors",
    "published",
    "modified",
    "fetched_at",
    "language",
    "word_count",
    "tags",
    "text",
)

#: What separates two articles in the text format.
TXT_SEPARATOR = "=" * 72
#: Joins the values of a list field in CSV, text and Markdown.
LIST_JOINER = "; "
#: How many unreadable documents the result names (the rest are counted).
NAMED_UNREADABLE = 20


@dataclass
class ExportResult:
    """What an export wrote: articles written, and documents that could not be read."""

    written: int = 0
    unreadable: int = 0
    unreadable_paths: list[str] = field(default_factory=list)  # the first NAMED_UNREADABLE

    def summary(self) -> str:
        """One line for stderr."""
        line = f"{self.written} article(s) exported"
        if self.unreadable:
            named = ", ".join(self.unreadable_paths)
            more = "" if self.unreadable <= NAMED_UNREADABLE else ", ..."
            line += (
                f"; {self.unreadable} document(s) could not be read and are missing from the "
                f"export ({named}{more}); `archiver verify` checks the archive"
            )
        return line


Writer = Callable[[dict[str, Any]], object]


def export_documents(
    catalog: Catalog,
    root: Path,
    out: TextIO,
    fmt: str,
    matching: ArticleFilter | None = None,
    all_versions: bool = False,
) -> ExportResult:
    """Write the documents of the articles the filter lets through to `out`, in id (and
    version) order, as `fmt` (one of FORMATS)."""
    write = _writer(fmt, out)
    result = ExportResult()
    for row in catalog.iter_articles(matching, all_versions=all_versions):
        path = root / row.json_path
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            logger.warning("Skipping unreadable article document %s: %s", path, exc)
            result.unreadable += 1
            if result.unreadable <= NAMED_UNREADABLE:
                result.unreadable_paths.append(row.json_path)
            continue
        write(document)
        result.written += 1
    return result


def _writer(fmt: str, out: TextIO) -> Writer:
    if fmt == "jsonl":
        return lambda doc: out.write(terminal_json(json.dumps(doc, ensure_ascii=False)) + "\n")
    if fmt == "csv":
        rows = csv.writer(out)
        rows.writerow(CSV_COLUMNS)
        return lambda doc: rows.writerow([_cell(doc.get(c)) for c in CSV_COLUMNS])
    if fmt == "txt":
        return lambda doc: out.write(_text_block(doc))
    if fmt == "md":
        return lambda doc: out.write(_markdown_block(doc))
    raise ValueError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")


def _cell(value: Any) -> str:
    """A document value as a CSV cell, text or Markdown value: lists joined, null empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_JOINER.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: The metadata lines of the text and Markdown formats: (label, document field).
_META = (
    ("id", "id"),
    ("version", "version"),
    ("site", "site"),
    ("section", "section"),
    ("url", "url"),
    ("authors", "authors"),
    ("published", "published"),
    ("captured", "fetched_at"),
    ("language", "language"),
    ("words", "word_count"),
)


def _text_block(doc: dict[str, Any]) -> str:
    """Title, metadata lines, a blank line, the text, then the separator line."""
    lines = [_cell(doc.get("title")) or "(no title)"]
    lines += [f"{label}: {_cell(doc.get(field))}" for label, field in _META]
    return "\n".join(lines) + "\n\n" + _cell(doc.get("text")).rstrip() + f"\n\n{TXT_SEPARATOR}\n"


def _markdown_block(doc: dict[str, Any]) -> str:
    """A level-1 heading, the metadata as a list, the text, then a rule."""
    title = " ".join(_cell(doc.get("title")).split()) or "(no title)"
    lines = [f"# {title}", ""]
    lines += [f"- **{label}**: {_cell(doc.get(field))}" for label, field in _META]
    return "\n".join(lines) + "\n\n" + _cell(doc.get("text")).rstrip() + "\n\n---\n\n"
