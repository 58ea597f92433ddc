"""Memento (RFC 7089) in replay: TimeGates, TimeMaps and the Link header of every memento.

The replay server's routes for them (`archiver.replay.app` dispatches here): a TimeGate
(``/<collection>/<URL>``, ``/timegate/<URL>``) answers a 302 to the capture nearest the
request's Accept-Datetime; a TimeMap (``/timemap/<format>/<URL>``, per collection too) lists
every capture. The formats themselves are `archiver.replay.memento`'s.
"""

from __future__ import annotations

import json
from pathlib import Path

from archiver.replay.isolation import CONTENT, SANDBOX_NO_SCRIPTS, Origins
from archiver.replay.memento import (
    LINK_FORMAT,
    BadDatetime,
    Memento,
    Resource,
    link_header,
    parse_accept_datetime,
    timemap_json,
    timemap_link,
    unique,
)
from archiver.replay.replies import (
    COMMON_HEADERS,
    Reply,
    bad_request,
    not_found,
    redirect,
)
from archiver.replay.urls import MementoTarget, replay_path, timegate_path, timemap_path
from archiver.store.catalog import Catalog
from archiver.store.cdxj import CdxjEntry, CdxjIndex
from archiver.store.identity import normalise_url

__all__ = ["TimeTravel"]

_BAD_DATETIME = "Accept-Datetime must be an RFC 1123 date: Thu, 01 Apr 2010 00:00:00 GMT."


class TimeTravel:
    """The Memento answers over one archive's index (and its catalog, for article links)."""

    def __init__(self, index: CdxjIndex, catalog_path: Path) -> None:
        self.index = index
        self.catalog_path = catalog_path

    def timegate(
        self,
        collection: str | None,
        url: str,
        accept_datetime: str | None,
        origins: Origins | None,
    ) -> Reply | None:
        """The capture of `url` nearest the Accept-Datetime (without one, the newest), in one
        collection or (None) in every one: a 302 to it, with Vary and Memento's Link. None when
        `collection` holds no capture of `url` (the caller says where else it is)."""
        wanted = None
        if accept_datetime is not None and accept_datetime.strip():
            try:
                wanted = parse_accept_datetime(accept_datetime)
            except BadDatetime:
                reply = bad_request(_BAD_DATETIME)
                return Reply(400, reply.body, [*reply.headers, ("Vary", "accept-datetime")])
        entries = self.index.captures(url, site=collection)
        if not entries:
            return not_found(f"{url} is not archived.") if collection is None else None
        chosen = entries[-1] if wanted is None else self.index.closest(url, wanted, collection)
        assert chosen is not None
        resource, mementos = self._mementos(collection, url, origins)
        current = _memento(chosen, origins)
        # On the content origin the capture is here: a relative Location, as replay has it.
        here = origins is None or origins.serving == CONTENT
        reply = redirect(
            replay_path(chosen.site, chosen.timestamp, chosen.url) if here else current.uri
        )
        headers = [("Vary", "accept-datetime"), ("Link", link_header(resource, mementos, current))]
        return Reply(reply.status, reply.body, [*reply.headers, *headers])

    def timemap(self, target: MementoTarget, origins: Origins | None) -> Reply:
        """Every capture of a URL (in one collection or in all) as a TimeMap, link or JSON."""
        if not self.index.captures(target.url, site=target.collection):
            return not_found(f"{target.url} is not archived.")
        resource, mementos = self._mementos(target.collection, target.url, origins, article=True)
        if target.timemap == "json":
            text = json.dumps(timemap_json(resource, mementos), indent=1) + "\n"
            content_type = "application/json"
        else:
            text, content_type = timemap_link(resource, mementos), LINK_FORMAT
        headers = [
            ("Content-Type", f"{content_type}; charset=utf-8"),
            ("Content-Security-Policy", f"default-src 'none'; {SANDBOX_NO_SCRIPTS}"),
            ("Cache-Control", "no-cache"),
            *COMMON_HEADERS,
        ]
        return Reply(200, text.encode("utf-8"), headers)

    def with_links(self, reply: Reply, entry: CdxjEntry, origins: Origins | None) -> Reply:
        """A replayed capture (`entry`'s) with Memento's Link header beside its
        Memento-Datetime: its first, last, prev and next in its collection."""
        if not any(name == "Memento-Datetime" for name, _ in reply.headers):
            return reply
        resource, mementos = self._mementos(entry.site, entry.url, origins)
        links = ("Link", link_header(resource, mementos, _memento(entry, origins)))
        return Reply(reply.status, reply.body, [*reply.headers, links])

    def _mementos(
        self, collection: str | None, url: str, origins: Origins | None, article: bool = False
    ) -> tuple[Resource, list[Memento]]:
        """The URIs around `url` and its mementos (in `collection`, or in every one), oldest
        first; with `article`, the page of the article archived at `url`, if it is one."""
        base = origins.pages if origins is not None else ""
        entries = self.index.captures(url, site=collection)
        mementos = unique(_memento(e, origins) for e in entries)
        resource = Resource(
            original=url,
            timegate=base + timegate_path(collection, url),
            timemap=base + timemap_path(collection, url, "link"),
            timemap_json=base + timemap_path(collection, url, "json"),
            article=self._article_of(url, base) if article else None,
        )
        return resource, mementos

    def _article_of(self, url: str, base: str) -> tuple[str, str] | None:
        """(id, page URI) of the article archived at `url`, from the catalog; else None."""
        if not url.startswith(("http://", "https://")) or not self.catalog_path.is_file():
            return None
        try:
            key = normalise_url(url)
        except ValueError:
            return None
        catalog = Catalog(self.catalog_path)
        try:
            state = catalog.url_state(key)
        finally:
            catalog.close()
        if state is None or not state.article_id:
            return None
        return state.article_id, f"{base}/article/{state.article_id}"


def _memento(entry: CdxjEntry, origins: Origins | None) -> Memento:
    """A capture as a memento, its URI-M on the content origin (relative without origins)."""
    base = origins.content if origins is not None else ""
    uri = base + replay_path(entry.site, entry.timestamp, entry.url)
    return Memento(uri, entry.timestamp, entry.site, entry.status, entry.mime)
