"""Cron expressions (``crawl.schedule``): what is wrong with one, in plain words."""

from __future__ import annotations

import re

from archiver.config.errors import show

__all__ = ["CRON_MACROS", "cron_problem"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (name, lowest, highest, names for values starting at `lowest`)
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 7, _WEEKDAYS),
)
CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_CRON_ITEM_RE = re.compile(r"(?:\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:/([0-9]+))?")
_CRON_HELP = (
    "a cron expression of 5 fields (minute hour day-of-month month day-of-week, "
    "e.g. '*/30 * * * *') or a macro like @hourly or @daily"
)


def cron_problem(expression: str) -> str | None:
    """What is wrong with a cron expression, or None."""
    fields = expression.split()
    if len(fields) == 1 and fields[0] in CRON_MACROS:
        return None
    if len(fields) != 5:
        return f"expected {_CRON_HELP}, got {show(expression)} ({len(fields)} fields)"
    for text, spec in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            problem = _cron_item_problem(item, spec)
            if problem is not None:
                return f"invalid {spec[0]} field {text!r} in {expression!r}: {problem}"
    return None


def _cron_item_problem(item: str, spec: tuple[str, int, int, tuple[str, ...]]) -> str | None:
    """What is wrong with one comma-separated item of a cron field, or None."""
    name, low, high, names = spec
    match = _CRON_ITEM_RE.fullmatch(item)
    if match is None:
        return f"expected '*', a value, a range a-b, each optionally with a step /n, got {item!r}"
    start, end, step = match.groups()
    values = []
    for token in (start, end):
        if token is None:
            continue
        if token.isdigit():
            values.append(int(token))
        elif token.lower() in names:
            values.append(low + names.index(token.lower()))
        else:
            return f"{token!r} is not a {name} value"
    if any(not low <= v <= high for v in values):
        return f"values must be {low}-{high}"
    if len(values) == 2 and values[0] > values[1]:
        return f"range {item!r} runs backwards"
    if step is not None and int(step) < 1:
        return "a step must be at least 1"
    return None
