"""Archived text made safe to print on a terminal: no control characters, no bidi overrides.

A title, URL or snippet comes from the web; printed raw, ``ESC [ 2 J`` clears the screen, an
OSC sequence retitles the window or forges a link, and U+202E turns the rest of a line around.
Everything the CLI prints from the archive goes through `terminal_text` (plain output) or
`terminal_json` (JSON output).
"""

from __future__ import annotations

import re

__all__ = ["terminal_json", "terminal_text"]

#: C0 controls but TAB, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: In JSON text: the same, but the line breaks JSON itself writes between values.
_UNSAFE_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: object) -> str:
    """`value` as text with each unsafe character written visibly as ``\\xHH`` or ``\\uHHHH``.

    Newlines are escaped too, so one field stays on one line; tabs are kept.
    """
    return _UNSAFE_TEXT.sub(_escaped, str(value))


def terminal_json(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the unsafe
    characters json leaves raw (DEL, C1, bidi) written as ``\\uHHHH``: the same JSON value."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
