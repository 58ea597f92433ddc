"""Cron expressions (``crawl.schedule``): the macros, and what is wrong with one, in plain words.

croniter, which `archiver schedule` runs them with, reads every value. On top of it, only
classic 5-field cron is allowed: none of croniter's extensions (``?``, ``L``, ``W``, ``#``,
``H``, a seconds field) and no range that wraps around (``17-9``).
"""

from __future__ import annotations

import re

from croniter import CroniterError, croniter

from archiver.config.errors import show

__all__ = ["CRON_MACROS", "cron_problem"]

# What each macro stands for; croniter knows the same ones.
CRON_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# (name, lowest, highest) of each field, for the messages: croniter decides what is in range.
_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 0, 7),
)
_ITEM_RE = re.compile(r"(?:\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:/([0-9]+))?")
_HELP = (
    "a cron expression of 5 fields (minute hour day-of-month month day-of-week, "
    "e.g. '*/30 * * * *') or a macro like @hourly or @daily"
)


def cron_problem(expression: str) -> str | None:
    """What is wrong with a cron expression, or None."""
    fields = expression.split()
    if len(fields) == 1 and fields[0] in CRON_MACROS:
        return None
    if len(fields) != len(_FIELDS):
        return f"expected {_HELP}, got {show(expression)} ({len(fields)} fields)"
    for index, text in enumerate(fields):
        for item in text.split(","):
            problem = _item_problem(item, index)
            if problem is not None:
                return f"invalid {_FIELDS[index][0]} field {text!r} in {expression!r}: {problem}"
    return None


def _item_problem(item: str, index: int) -> str | None:
    """What is wrong with one comma-separated item of the field at ``index``, or None."""
    name, low, high = _FIELDS[index]
    match = _ITEM_RE.fullmatch(item)
    if match is None:
        return f"expected '*', a value, a range a-b, each optionally with a step /n, got {item!r}"
    start, end, step = match.groups()
    tokens = [token for token in (start, end) if token is not None]
    read = [_value(token, index) for token in tokens]
    for token, value in zip(tokens, read, strict=True):
        if value is None and not token.isdigit():
            return f"{token!r} is not a {name} value"
    values = [value for value in read if value is not None]
    if len(values) < len(read):  # a number croniter does not take
        return f"values must be {low}-{high}"
    if len(values) == 2 and values[0] > values[1]:
        return f"range {item!r} runs backwards"
    if step is not None and int(step) < 1:
        return "a step must be at least 1"
    return None


def _value(token: str, index: int) -> int | None:
    """The number croniter reads ``token`` as in the field at ``index``, or None if none."""
    alone = " ".join(token if i == index else "*" for i in range(len(_FIELDS)))
    try:
        read = croniter.expand(alone)[0][index]
    except CroniterError:
        return None
    if token.isdigit():
        return int(token)  # croniter reads day-of-week 7 as 0, which would turn 5-7 around
    # A name (mon, jan); croniter's 'l' (last day) and '1w' (nearest weekday) are no values.
    return read[0] if token.isalpha() and isinstance(read[0], int) else None
