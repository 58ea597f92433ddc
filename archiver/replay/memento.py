"""Memento (RFC 7089): datetime negotiation, Link headers and TimeMaps, without sockets.

A capture replayed at ``/<collection>/<timestamp>/<URL>`` is a memento (URI-M) of the original
resource ``<URL>`` (URI-R). ``/<collection>/<URL>`` is the TimeGate of one collection and
``/timegate/<URL>`` the TimeGate of every collection (URI-G);
``/<collection>/timemap/<format>/<URL>`` and ``/timemap/<format>/<URL>`` are TimeMaps (URI-T),
``link`` (application/link-format, as
section 5 of the RFC shows it) or ``json``. Every record the CDXJ index lists under the URL's
key is a memento, as in pywb: responses (of any status) and revisits; the ``urn:`` resource
records of a rendered capture are mementos of their own ``urn:`` URI only.

The JSON TimeMap has the shape of the Memento aggregator's (``original_uri``, ``timegate_uri``,
``timemap_uri``, ``mementos`` with ``first``, ``last`` and ``list``), each memento with its
``collection``, ``status`` and ``mime`` beside ``datetime`` (ISO 8601, UTC) and ``uri``, and an
``article`` field (``{"id", "uri"}``, or null) naming the archived article's page, which lists
its versions. The link format names that page with ``rel="version-history"`` (RFC 5829).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from archiver.store.timestamps import pad_timestamp, parse_timestamp

__all__ = [
    "LINK_FORMAT",
    "BadDatetime",
    "Memento",
    "Resource",
    "http_date",
    "link_header",
    "memento_links",
    "parse_accept_datetime",
    "timemap_json",
    "timemap_link",
    "unique",
]

#: The media type of a TimeMap in link format.
LINK_FORMAT = "application/link-format"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# RFC 1123 (RFC 7089 section 2.1.1): "Thu, 01 Apr 2010 00:00:00 GMT", day of one or two digits.
_RFC1123_RE = re.compile(
    rf"^(?:{'|'.join(_DAYS)}), (\d{{1,2}}) ({'|'.join(_MONTHS)}) (\d{{4}}) "
    r"(\d{2}):(\d{2}):(\d{2}) GMT$"
)


class BadDatetime(ValueError):
    """An Accept-Datetime value that is not an RFC 1123 date (the TimeGate answers 400)."""


@dataclass(frozen=True)
class Memento:
    """One capture as a memento: its URI-M, 14-digit timestamp and what the index says."""

    uri: str
    timestamp: str
    collection: str
    status: int | None = None
    mime: str | None = None


@dataclass(frozen=True)
class Resource:
    """The URIs around one original resource, in one collection or in every one."""

    original: str  # URI-R
    timegate: str  # URI-G
    timemap: str  # URI-T, link format
    timemap_json: str  # the same TimeMap in JSON
    article: tuple[str, str] | None = None  # (article id, URI of its page) when it is one


def parse_accept_datetime(value: str) -> str:
    """The 14-digit UTC timestamp of an Accept-Datetime value; raises BadDatetime."""
    match = _RFC1123_RE.match(value.strip())
    if match is None:
        raise BadDatetime(value)
    day, month, year, hour, minute, second = match.groups()
    try:
        moment = datetime(
            int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second)
        )
    except ValueError as exc:  # 31 Feb, 25:00:00
        raise BadDatetime(value) from exc
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def http_date(timestamp: str) -> str:
    """The RFC 1123 date of a CDX timestamp (4 to 14 digits), as Memento-Datetime has it."""
    return format_datetime(parse_timestamp(pad_timestamp(timestamp)), usegmt=True)


def _iso(timestamp: str) -> str:
    return parse_timestamp(timestamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _link(uri: str, rel: str, **params: str) -> str:
    """One link-value: ``<uri>; rel="..."; name="value"...`` (quotes and ``>`` escaped)."""
    safe = uri.replace(">", "%3E").replace("<", "%3C").replace('"', "%22")
    values = "".join(f'; {name}="{value}"' for name, value in params.items())
    return f'<{safe}>; rel="{rel}"{values}'


def _memento_link(memento: Memento, rels: Sequence[str], collection: bool) -> str:
    params = {"datetime": http_date(memento.timestamp)}
    if collection:
        params["collection"] = memento.collection
    return _link(memento.uri, " ".join([*rels, "memento"]), **params)


def memento_links(
    mementos: Sequence[Memento], current: Memento | None = None
) -> list[tuple[Memento, list[str]]]:
    """The mementos a Link header names, with their relations besides "memento": first and
    last, and, around `current`, prev and next (one memento may be several), then `current`."""
    if not mementos:
        return []
    rels: dict[str, list[str]] = {}
    order: list[Memento] = []

    def add(memento: Memento, rel: str | None) -> None:
        if memento.uri not in rels:
            rels[memento.uri] = []
            order.append(memento)
        if rel is not None:
            rels[memento.uri].append(rel)

    add(mementos[0], "first")
    add(mementos[-1], "last")
    if current is not None:
        at = next((i for i, m in enumerate(mementos) if m.uri == current.uri), None)
        if at is not None and at > 0:
            add(mementos[at - 1], "prev")
        if at is not None and at + 1 < len(mementos):
            add(mementos[at + 1], "next")
        add(current, None)
    return [(m, rels[m.uri]) for m in order]


def link_header(
    resource: Resource, mementos: Sequence[Memento], current: Memento | None = None
) -> str:
    """The Link header of a TimeGate's redirect (`current`: the memento chosen) or of a
    memento (`current`: itself): original, timegate, timemap, then first, last, prev, next."""
    links = [
        _link(resource.original, "original"),
        _link(resource.timegate, "timegate"),
        _link(resource.timemap, "timemap", type=LINK_FORMAT, **_span(mementos)),
    ]
    links += [_memento_link(m, rels, False) for m, rels in memento_links(mementos, current)]
    return ", ".join(links)


def _span(mementos: Sequence[Memento]) -> dict[str, str]:
    if not mementos:
        return {}
    return {"from": http_date(mementos[0].timestamp), "until": http_date(mementos[-1].timestamp)}


def timemap_link(resource: Resource, mementos: Sequence[Memento]) -> str:
    """A TimeMap in application/link-format, laid out as RFC 7089 section 5 shows it: the
    original, the TimeMap itself with from and until, the TimeGate, every memento (first and
    last marked, each naming its collection), then the article's page when there is one."""
    links = [
        _link(resource.original, "original"),
        _link(resource.timemap, "self", type=LINK_FORMAT, **_span(mementos)),
        _link(resource.timegate, "timegate"),
    ]
    last = len(mementos) - 1
    for i, memento in enumerate(mementos):
        rels = [rel for rel, yes in (("first", i == 0), ("last", i == last)) if yes]
        links.append(_memento_link(memento, rels, True))
    if resource.article is not None:
        links.append(_link(resource.article[1], "version-history", type="text/html"))
    return ",\n".join(links) + "\n"


def timemap_json(resource: Resource, mementos: Sequence[Memento]) -> dict[str, Any]:
    """A TimeMap as JSON (see the module's docstring for the shape)."""

    def item(memento: Memento) -> dict[str, Any]:
        return {
            "datetime": _iso(memento.timestamp),
            "uri": memento.uri,
            "collection": memento.collection,
            "status": memento.status,
            "mime": memento.mime,
        }

    listed = [item(m) for m in mementos]
    article = None
    if resource.article is not None:
        article = {"id": resource.article[0], "uri": resource.article[1]}
    return {
        "original_uri": resource.original,
        "timegate_uri": resource.timegate,
        "timemap_uri": {"link_format": resource.timemap, "json_format": resource.timemap_json},
        "mementos": {
            "first": listed[0] if listed else None,
            "last": listed[-1] if listed else None,
            "list": listed,
        },
        "article": article,
    }


def unique(mementos: Iterable[Memento]) -> list[Memento]:
    """Mementos oldest first, one per URI-M (two records of a URL in one second are one)."""
    seen: dict[str, Memento] = {}
    for memento in sorted(mementos, key=lambda m: (m.timestamp, m.collection)):
        seen.setdefault(memento.uri, memento)
    return list(seen.values())
