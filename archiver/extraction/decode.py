"""Bytes to text for HTML pages whose declared charset may be wrong."""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_html"]

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET_RE.search(data[:8192])
    return _codec(m.group(1).decode("ascii", "replace")) if m else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode page bytes: BOM, then ``encoding`` (HTTP), then ``<meta charset>``, then UTF-8.

    A declared charset that is not UTF-8 is overruled when the bytes are valid UTF-8 with
    non-ASCII content: legacy single-byte charsets almost never produce valid multi-byte
    UTF-8 by accident, whereas pages declaring the wrong charset are common.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    utf8_ok = _is_utf8(data)
    for declared in (_codec(encoding), _declared_charset(data)):
        if declared is None:
            continue
        if declared == "utf-8":
            return _utf8_or_legacy(data)
        if utf8_ok and not data.isascii():
            return data.decode("utf-8")
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            continue
    return _utf8_or_legacy(data)


def _utf8_or_legacy(data: bytes) -> str:
    """UTF-8, tolerating a few bad bytes; cp1252 when most non-ASCII bytes are not UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("ascii", errors="ignore").count("\ufffd")
    high = sum(1 for b in data if b >= 0x80)
    if bad and bad * 2 > high / 2:  # an invalid UTF-8 sequence is 1 byte; valid ones are 2+
        return data.decode("cp1252", errors="replace")
    return text
