"""Edit tracking: which fields of an article changed between two versions, with a short diff."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Fields whose change makes a new version of an article, in the order diffs list them.
VERSIONED_FIELDS = ("title", "text", "authors", "published", "modified")

#: A diff longer than this is cut, with a note of how much was left out.
MAX_DIFF_LINES = 60
MAX_DIFF_CHARS = 6000


@dataclass(frozen=True)
class ChangeSet:
    """The fields that differ (in VERSIONED_FIELDS order) and a unified diff of them."""

    fields: list[str]
    diff: str


def _lines(value: Any) -> list[str]:
    """A field as diffable lines: text by paragraph line, lists one item a line."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [line for line in str(value).splitlines() if line.strip()]


def changed_fields(
    previous: Mapping[str, Any], current: Mapping[str, Any], fields: Sequence[str]
) -> list[str]:
    """The fields whose values differ, in the order given."""
    return [f for f in fields if previous.get(f) != current.get(f)]


def _field_diff(name: str, old: Any, new: Any, old_label: str, new_label: str) -> list[str]:
    lines = difflib.unified_diff(
        _lines(old), _lines(new), f"{old_label} {name}", f"{new_label} {name}", n=1, lineterm=""
    )
    return list(lines)


def _cut(lines: list[str]) -> str:
    kept: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        if i >= MAX_DIFF_LINES or size + len(line) > MAX_DIFF_CHARS:
            kept.append(f"[... {len(lines) - i} more diff lines]")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def compare(
    previous: Mapping[str, Any],
    current: Mapping[str, Any],
    *,
    old_label: str = "previous",
    new_label: str = "current",
    fields: Sequence[str] = VERSIONED_FIELDS,
) -> ChangeSet | None:
    """The changes from `previous` to `current`, or None when the versioned fields are equal."""
    names = changed_fields(previous, current, fields)
    if not names:
        return None
    lines: list[str] = []
    for name in names:
        lines.extend(_field_diff(name, previous.get(name), current.get(name), old_label, new_label))
    return ChangeSet(names, _cut(lines))
