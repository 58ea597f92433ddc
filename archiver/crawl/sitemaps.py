"""Sitemaps (urlset, sitemap index, Google News) and the Sitemap: lines of robots.txt."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

from archiver.crawl.listing import (
    BadDates,
    SourceEntry,
    SourceError,
    SourceListing,
    absolute_url,
    clean_text,
    plural,
    read_body,
    unique_entries,
)

__all__ = ["parse_sitemap", "parse_w3c_datetime", "sitemaps_in_robots"]

_W3C_RE = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)


def parse_sitemap(body: bytes, url: str) -> SourceListing:
    """A sitemaps.org ``urlset`` (with Google News fields) or ``sitemapindex``, maybe gzipped.

    Elements match by local name, so a missing or wrong namespace still works. Entities are
    never expanded; malformed XML returns what lxml recovered, with a problem noted.
    """
    data = read_body(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        raise SourceError("not-xml", f"not XML: {exc}") from None
    if root is None:
        raise SourceError("not-xml", "not XML: nothing could be parsed")
    name = _local(root)
    if name not in ("urlset", "sitemapindex"):
        raise SourceError("not-a-sitemap", f"root element is <{name}>, not urlset/sitemapindex")

    problems: list[str] = []
    bad_dates = BadDates()
    if name == "urlset":
        listing = _urlset(root, url, problems, bad_dates)
    else:
        listing = _sitemapindex(root, url, problems, bad_dates)
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        found = len(listing.entries) + len(listing.sitemaps)
        problems.insert(
            0,
            f"sitemap is not well-formed: {errors[0].message.strip()}; "
            f"{plural(found, 'entry')} recovered",
        )
    bad_dates.report(problems)
    return listing


def _urlset(
    root: etree._Element, url: str, problems: list[str], bad_dates: BadDates
) -> SourceListing:
    missing: Counter[str] = Counter()
    entries: list[SourceEntry] = []
    for node in _children(root, "url"):
        fields = _fields(node)
        loc = absolute_url(url, fields.get("loc"))
        if loc is None:
            missing["without <loc>" if not fields.get("loc") else "with a non-http(s) <loc>"] += 1
            continue
        news = next(_children(node, "news"), None)
        news_fields = _fields(news) if news is not None else {}
        entries.append(
            SourceEntry(
                url=loc,
                published=_date(news_fields.get("publication_date"), bad_dates),
                title=clean_text(news_fields.get("title")),
                modified=_date(fields.get("lastmod"), bad_dates),
            )
        )
    for what, n in missing.items():
        problems.append(f"{n} <url> {'entry' if n == 1 else 'entries'} {what}")
    return SourceListing("sitemap", unique_entries(entries, problems), [], problems)


def _sitemapindex(
    root: etree._Element, url: str, problems: list[str], bad_dates: BadDates
) -> SourceListing:
    missing = 0
    sitemaps: list[SourceEntry] = []
    for node in _children(root, "sitemap"):
        fields = _fields(node)
        loc = absolute_url(url, fields.get("loc"))
        if loc is None:
            missing += 1
            continue
        sitemaps.append(SourceEntry(url=loc, modified=_date(fields.get("lastmod"), bad_dates)))
    if missing:
        problems.append(f"{plural(missing, '<sitemap> entry')} without an http(s) <loc>")
    return SourceListing("sitemap-index", [], unique_entries(sitemaps, problems), problems)


def _local(node: etree._Element) -> str:
    """The element's name without namespace ("" for comments, entities and PIs)."""
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _children(node: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in node if _local(child) == name)


def _fields(node: etree._Element) -> dict[str, str]:
    """The stripped text of each child element by local name (the first of each wins)."""
    fields: dict[str, str] = {}
    for child in node:
        name = _local(child)
        if name and name not in fields:
            fields[name] = _text(child).strip()
    return fields


def _text(node: etree._Element) -> str:
    """Text content, leaving out unexpanded entity references, comments and PIs."""
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _date(raw: str | None, bad_dates: BadDates) -> datetime | None:
    if not raw:
        return None
    value = parse_w3c_datetime(raw)
    if value is None:
        bad_dates.add(raw)
    return value


# --------------------------------------------------------------------------- dates


def parse_w3c_datetime(raw: str | None) -> datetime | None:
    """A W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, with time, seconds, fraction and Z/offset).

    The result is aware UTC; a date alone is midnight UTC, and a time without offset is taken
    as UTC. RFC 2822 dates are accepted too. None when ``raw`` cannot be read.
    """
    s = (raw or "").strip()
    if not s:
        return None
    m = _W3C_RE.fullmatch(s)
    if m is None:
        return _rfc2822(s)
    try:
        micro = int((m["f"] or "0")[:6].ljust(6, "0"))
        value = datetime(
            int(m["y"]),
            int(m["mo"] or 1),
            int(m["d"] or 1),
            int(m["h"] or 0),
            int(m["mi"] or 0),
            int(m["s"] or 0),
            micro,
            tzinfo=_offset(m["tz"]),
        )
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _offset(tz: str | None) -> timezone:
    if not tz or tz in ("Z", "z"):
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if minutes >= 60:
        raise ValueError(f"bad offset {tz!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _rfc2822(s: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(s)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# --------------------------------------------------------------------------- robots.txt


def sitemaps_in_robots(body: bytes, url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, resolved against its URL, each once in order."""
    found: list[str] = []
    for line in body.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines():
        key, sep, value = line.split("#", 1)[0].partition(":")
        if not sep or key.strip().lower() != "sitemap":
            continue
        resolved = absolute_url(url, value)
        if resolved:
            found.append(resolved)
    return list(dict.fromkeys(found))
