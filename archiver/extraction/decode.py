"""Bytes to text for HTML pages: as a browser reads them, or repaired where the declared
charset lies; and the encoding Scrapy reports for a page."""

from __future__ import annotations

import codecs
import re
from typing import Any

import webencodings

__all__ = ["decode_html", "page_encoding", "whatwg_encoding"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers know no UTF-32: to them FF FE 00 00 starts with the UTF-16LE BOM.
_BROWSER_BOMS = tuple((bom, name) for bom, name in _BOMS if not name.startswith("utf-32"))
# ``<meta charset=...>`` or ``<meta http-equiv=... content="...; charset=...">`` in the first
# bytes of the page; a browser's prescan takes the first charset in the tag.
_META_CHARSET = (
    re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE),
    8192,
)
_BROWSER_META_CHARSET = (
    re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.IGNORECASE),
    4096,
)


def decode_html(data: bytes, encoding: str | None = None, *, as_browser: bool = False) -> str:
    """Decode page bytes: BOM, then ``encoding`` (HTTP), then ``<meta charset>``, then UTF-8.

    For extraction (the default), a declared charset that is not UTF-8 is overruled when the
    bytes are valid UTF-8 with non-ASCII content: legacy single-byte charsets almost never
    produce valid multi-byte UTF-8 by accident, whereas pages declaring the wrong charset are
    common. Bytes a charset cannot decode pass to the next one; mostly-invalid UTF-8 is cp1252.

    ``as_browser`` reads the page as a browser does instead, lies and all: WHATWG labels
    (``iso-8859-1`` is windows-1252), the first known declaration wins, a ``<meta>`` saying
    UTF-16 means UTF-8, bad bytes become U+FFFD. Replay serves that text and the page's
    requisites are the URLs in it, so both must see what the browser saw.
    """
    for bom, name in _BROWSER_BOMS if as_browser else _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    if as_browser:
        found = whatwg_encoding(encoding) or _not_utf16(whatwg_encoding(_meta_label(data, True)))
        if found is None:
            return data.decode("utf-8", errors="replace")
        return str(found.codec_info.decode(data, "replace")[0])
    utf8_ok = _is_utf8(data)
    for declared in (_codec(encoding), _codec(_meta_label(data, False))):
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


def whatwg_encoding(label: str | None) -> Any:
    """The `webencodings.Encoding` for a WHATWG label or a Python codec name, or None.

    Scrapy reports Python names (``iso8859-1``, ``euc_jp``), which are not all WHATWG labels.
    """
    if not label:
        return None
    try:
        found = webencodings.lookup(label)
        if found is None:
            name = codecs.lookup(label).name
            found = webencodings.lookup(name) or webencodings.lookup(name.replace("_", "-"))
    except (LookupError, ValueError):  # unknown codec, or a label that is not text
        return None
    return found


def page_encoding(content_type: str | None, body: bytes) -> str:
    """The encoding Scrapy's ``TextResponse.encoding`` gives a page, which the crawl passes to
    extract(): BOM, Content-Type charset, ``<meta>`` charset, else detected from the bytes."""
    from w3lib.encoding import (
        html_body_declared_encoding,
        http_content_type_encoding,
        read_bom,
        resolve_encoding,
    )

    declared = (
        read_bom(body)[0]
        or http_content_type_encoding(content_type)
        or html_body_declared_encoding(body)
    )
    if declared:
        return declared
    detected: str | None = None
    for candidate in ("ascii", "utf-8"):
        try:
            body.decode(candidate)
        except UnicodeError:
            continue
        detected = resolve_encoding(candidate)
        break
    else:
        detected = _detect_encoding(body)
    if detected in ("utf-16", "utf-32"):
        detected += "-be"
    return detected or "ascii"


def _detect_encoding(body: bytes) -> str | None:
    """charset_normalizer's guess, as Scrapy makes it for bytes neither ASCII nor UTF-8."""
    from charset_normalizer import from_bytes
    from w3lib.encoding import resolve_encoding

    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def _meta_label(data: bytes, as_browser: bool) -> str | None:
    """The charset label of the first ``<meta>`` declaring one near the start of the page."""
    pattern, size = _BROWSER_META_CHARSET if as_browser else _META_CHARSET
    match = pattern.search(data, 0, size)
    return match.group(1).decode("ascii", "replace") if match else None


def _not_utf16(found: Any) -> Any:
    """A ``<meta>`` saying UTF-16 is read as UTF-8 (the HTML spec): no encoding from it."""
    return None if found is not None and found.name.startswith("utf-16") else found


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_or_legacy(data: bytes) -> str:
    """UTF-8, tolerating a few bad bytes; cp1252 when most non-ASCII bytes are not UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("ascii", errors="ignore").count("\ufffd")
    high = sum(1 for b in data if b >= 0x80)
    if bad and bad * 2 > high / 2:  # an invalid UTF-8 sequence is 1 byte; valid ones are 2+
        return data.decode("cp1252", errors="replace")
    return text
