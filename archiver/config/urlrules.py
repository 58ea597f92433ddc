"""URL rules (``articles.allow`` / ``deny``) compiled with RE2, so matching runs in linear time.

Python's ``re`` backtracks: ``/a/(\\w+)+\\.html$`` against a long link that does not match
takes exponential time. RE2 never backtracks; it lacks lookarounds and backreferences, and a
pattern using them is refused with a message naming the key. Python's Unicode meaning of
``\\w``, ``\\W``, ``\\d``, ``\\D``, ``\\s`` and ``\\S`` is kept by rewriting them into Unicode
classes (RE2's own are ASCII-only); ``\\b`` and ``\\B`` keep RE2's ASCII meaning.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Protocol

import re2

__all__ = ["UrlRule", "compile_url_rule", "url_rule_problem"]

# Python's str.isspace(): \t-\r, \x1c-\x1f, space, \x85 and the Unicode separators.
_SPACE = r"\t-\r\x{1c}-\x{20}\x{85}\p{Z}"
_WORD = r"\p{L}\p{N}_"
_OUTSIDE = {
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "Z": r"\z",
}
_INSIDE = {"w": _WORD, "d": r"\p{Nd}", "D": r"\P{Nd}", "s": _SPACE}
_HEX_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")
_OPEN_MIN = re.compile(r"\{,([0-9]+)\}")

_UNSUPPORTED = (
    "URL rules run in linear time (RE2 syntax), so lookarounds ((?=, (?!, (?<=, (?<!), "
    "backreferences (\\1, (?P=name)) and atomic or possessive groups are not available"
)


class UrlRule(Protocol):
    """A compiled URL rule: ``search`` as in ``re``, on the UTF-8 bytes of a URL."""

    def search(self, text: bytes) -> Any:
        """The first match in ``text``, or None."""


def _translate(pattern: str) -> str:
    """``pattern`` with Python's escapes rewritten into their RE2 equivalents."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0  # index where the current class's members begin
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            hex_escape = _HEX_ESCAPE.match(pattern, i)
            if hex_escape:
                out.append(f"\\x{{{hex_escape.group(1) or hex_escape.group(2)}}}")
                i = hex_escape.end()
                continue
            if in_class and nxt in "WS":
                raise ValueError(
                    f"\\{nxt} inside [...] is not supported in URL rules; write a negated "
                    f"class [^...] instead"
                )
            table = _INSIDE if in_class else _OUTSIDE
            out.append(table.get(nxt, ch + nxt))
            i += 2
            continue
        if in_class:
            if ch == "]" and i > class_start:
                in_class = False
        elif ch == "[":
            in_class = True
            class_start = i + 1
            if class_start < n and pattern[class_start] == "^":
                class_start += 1
            out.append(ch)
            i += 1
            continue
        elif ch == "{":
            open_min = _OPEN_MIN.match(pattern, i)
            if open_min and out:
                out.append(f"{{0,{open_min.group(1)}}}")
                i = open_min.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the error goes into the ConfigError, not onto stderr
    return options


@functools.lru_cache(maxsize=1024)
def compile_url_rule(pattern: str) -> UrlRule:
    """Compile a URL rule for linear-time matching; ValueError says why one cannot be."""
    try:
        re.compile(pattern)
    except re.error as err:
        raise ValueError(f"invalid regular expression: {err}") from None
    translated = _translate(pattern)
    try:
        compiled: UrlRule = re2.compile(translated, _options())
    except re2.error as err:
        reason = err.args[0] if err.args else err
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(f"{reason}; {_UNSUPPORTED}") from None
    return compiled


def url_rule_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a URL rule, or None if it can."""
    try:
        compile_url_rule(pattern)
    except ValueError as err:
        return str(err)
    return None
