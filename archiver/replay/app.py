"""What the replay server answers: a request target in, a `Reply` out (no sockets here).

Routes: ``/`` (articles, ``?site=``, ``?page=``, ``?q=`` search), ``/article/<id>``
(``?version=N``), its rendered capture's screenshots ``/article/<id>/screenshot.png`` and
``/article/<id>/screenshot-full.png`` (``?version=N``), the replay forms of
`archiver.replay.urls`, and Memento's TimeGates and TimeMaps (`archiver.replay.memento`). A
page with a rendered capture is shown as the browser rendered it.
Nothing is ever fetched from the live web; files are opened only through `Resources`.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from archiver.config import SITE_KEY_RE
from archiver.extraction.decode import decode_html
from archiver.replay import pages
from archiver.replay.css import decode_css, rewrite_css
from archiver.replay.isolation import (
    CONTENT,
    PAGES,
    PRELUDE,
    Origins,
)
from archiver.replay.memento import http_date
from archiver.replay.rendered import find_rendered, is_screenshot, split_rendered
from archiver.replay.replies import (
    COMMON_HEADERS,
    RAW_CSP,
    RENDERED_CSP,
    REPLAY_CSP,
    SCREENSHOT_CSP,
    Reply,
    bad_request,
    not_found,
    page_reply,
    redirect,
    sandboxed,
)
from archiver.replay.resources import Capture, NotArchived, Resources, replay_headers
from archiver.replay.rewrite import rewrite_html
from archiver.replay.timetravel import TimeTravel
from archiver.replay.urls import (
    FRAME,
    PAGE,
    RAW,
    RAW_MODIFIERS,
    BadPath,
    ReplayTarget,
    ReplayUrls,
    check_own_path,
    parse_memento_path,
    parse_replay_path,
    replay_path,
    timestamp14,
)
from archiver.store.catalog import Catalog
from archiver.store.cdxj import CdxjEntry, CdxjIndex
from archiver.store.filters import FILTER_PARAMS, BadWhen, filter_from_params
from archiver.store.identity import (
    FULL_PAGE_SCREENSHOT_URI,
    RENDERED_DOM_URI,
    SCREENSHOT_URI,
    normalise_url,
)
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow
from archiver.store.timestamps import pad_timestamp
from archiver.textsafe import terminal_text

__all__ = ["ReplayApp"]

logger = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ARTICLE_RE = re.compile(r"^/article/([0-9a-f]{16})$")
_SCREENSHOT_RE = re.compile(r"^/article/([0-9a-f]{16})/(screenshot|screenshot-full)\.png$")
_SCREENSHOT_PREFIX = {"screenshot": SCREENSHOT_URI, "screenshot-full": FULL_PAGE_SCREENSHOT_URI}
_NO_BODY = frozenset({204, 304})
_MAX_QUERY = 200


class ReplayApp:
    """The archive's pages and the replay of its captures, for one archive directory."""

    def __init__(self, root: Path, index: CdxjIndex) -> None:
        self.layout = ArchiveLayout(root)
        self.index = index
        self.resources = Resources(root, index)
        self.time = TimeTravel(index, self.layout.catalog_path)

    def answer(
        self, target: str, origins: Origins | None = None, accept_datetime: str | None = None
    ) -> Reply:
        """The reply to a GET of `target` (the raw request target, query included).

        With `origins`, the archive's pages (and TimeMaps) are answered on the pages origin only
        and captures on the content origin only: each is redirected to the other, and everything
        the content origin sends is sandboxed. TimeGates answer on both, sending to the capture
        on the content origin. Without, everything is answered here, with relative links.
        `accept_datetime` is the request's Accept-Datetime header (Memento), if it has one.
        """
        reply = self._route(target, origins, accept_datetime)
        if origins is not None and origins.serving == CONTENT:
            reply = sandboxed(reply)
        return reply

    def _route(self, target: str, origins: Origins | None, accept_datetime: str | None) -> Reply:
        if not target.startswith("/") or target.startswith("//"):
            return bad_request("Not a path.")
        try:
            path, _, query = target.partition("?")
            article = _ARTICLE_RE.match(path)
            shot = _SCREENSHOT_RE.match(path)
            own = path == "/" or article is not None or shot is not None
            memento = None if own else parse_memento_path(target)
            replay = None if own or memento is not None else parse_replay_path(target)
            if not own and replay is None and memento is None:
                check_own_path(path)
                return not_found()
            if memento is not None and memento.timemap is None:
                gate = self.time.timegate(memento.collection, memento.url, accept_datetime, origins)
                if gate is None:
                    assert memento.collection is not None
                    return self._not_archived(
                        ReplayTarget(memento.collection, None, PAGE, memento.url)
                    )
                return gate
            if replay is not None and replay.timestamp is None and not replay.listing:
                gate = self.time.timegate(replay.collection, replay.url, accept_datetime, origins)
                return gate or self._not_archived(replay)
            role = CONTENT if replay is not None and not replay.listing else PAGES
            if origins is not None and origins.serving != role:
                return redirect(origins.base(role) + target)
            if path == "/":
                return self._front(parse_qs(query))
            if article is not None:
                return self._article(article.group(1), parse_qs(query))
            if shot is not None:
                return self._screenshot(shot.group(1), shot.group(2), parse_qs(query))
            if memento is not None:
                return self.time.timemap(memento, origins)
            assert replay is not None
            return self._replay(replay, origins)
        except BadPath:
            return bad_request("This path is not allowed.")

    # -- the archive's own pages ------------------------------------------------------------

    @contextmanager
    def _catalog(self) -> Iterator[Catalog | None]:
        """The catalog, opened for one request (sqlite connections stay in their thread)."""
        if not self.layout.catalog_path.is_file():
            yield None
            return
        catalog = Catalog(self.layout.catalog_path)
        try:
            yield catalog
        finally:
            catalog.close()

    def _front(self, params: dict[str, list[str]]) -> Reply:
        chosen_site = _param(params, "site")
        site = chosen_site if SITE_KEY_RE.fullmatch(chosen_site) else None
        query = _text_param(params, "q")
        page = max(1, min(_int(_param(params, "page"), 1), 1_000_000))
        given = {name: _text_param(params, name) for name in FILTER_PARAMS}
        filters = tuple((name, value) for name, value in given.items() if value)
        try:
            matching = filter_from_params(given, site=site)
        except BadWhen as exc:
            return bad_request(str(exc))
        with self._catalog() as catalog:
            if catalog is None:
                return not_found("This archive has no catalog yet (run `archiver reindex`).")
            listing = pages.Listing(site, query, page, catalog.sites(), filters)
            offset = (page - 1) * pages.PAGE_SIZE
            if query:
                try:
                    total = catalog.search_count(query, matching=matching)
                    hits = catalog.search(
                        query, limit=pages.PAGE_SIZE, offset=offset, matching=matching
                    )
                except sqlite3.Error as exc:
                    logger.warning("Search for %r failed: %s", query, exc)
                    total, hits = 0, []
                return page_reply(200, pages.search_page(listing, hits, total))
            total = catalog.count_articles(matching=matching)
            shown = catalog.list_articles(limit=pages.PAGE_SIZE, offset=offset, matching=matching)
            marks = catalog.article_marks(r.id for r in shown)
        return page_reply(200, pages.list_page(listing, shown, total, marks))

    def _article(self, article_id: str, params: dict[str, list[str]]) -> Reply:
        version = _int(_param(params, "version"), 0) or None
        with self._catalog() as catalog:
            row = catalog.article(article_id, version) if catalog is not None else None
            if catalog is None or row is None:
                return not_found(f"No article {article_id} (version {version or 'newest'}).")
            document = self.resources.article_document(row.json_path)
            if document is None:
                return not_found(f"The document of article {article_id} cannot be read.")
            versions = [
                (v, self.resources.article_document(v.json_path) if v.version > 1 else None)
                for v in catalog.versions(article_id)
            ]
            urls = sorted({*catalog.urls_of(article_id), *(v.url for v, _ in versions)})
            fetches = sorted((f for u in urls for f in catalog.fetches(u)), key=lambda f: f.date)
            events = catalog.events(article_id=article_id)
        rendered = self._rendered_capture(row, document)
        shots = self._screenshots(row, rendered)
        stamp = rendered[1] if rendered is not None else None
        view = pages.ArticleView(row, document, versions, fetches, events, shots, stamp)
        return page_reply(200, pages.article_page(view))

    def _rendered_capture(
        self, row: ArticleRow, document: dict[str, Any] | None
    ) -> tuple[str, str] | None:
        """(page URL, timestamp) of the browser capture a rendered version was extracted from
        (its DOM record, named in the document), or None. With ``render: auto`` it is not the
        first capture of the page, which held no article text."""
        info = (document or {}).get("rendering") or {}
        if not isinstance(info, dict) or not info.get("rendered") or not info.get("dom_warc_file"):
            return None
        for url in dict.fromkeys([str((document or {}).get("url") or row.url), row.url]):
            for entry in self.index.captures(RENDERED_DOM_URI + url, site=row.site):
                if (entry.filename, entry.offset) == (
                    info["dom_warc_file"],
                    info["dom_warc_offset"],
                ):
                    return url, entry.timestamp
        return None

    def _rendered_entry(
        self, row: ArticleRow, prefix: str, rendered: tuple[str, str] | None = None
    ) -> CdxjEntry | None:
        """The `prefix` record of the rendered capture an article version comes from."""
        if rendered is not None:
            return find_rendered(self.resources, prefix, rendered[0], rendered[1], row.site)
        page = self.index.closest(row.url, pad_timestamp(timestamp14(row.fetched_at)), row.site)
        if page is None:
            return None
        return find_rendered(
            self.resources, prefix, page.url, page.timestamp, row.site, row.record_id
        )

    def _screenshots(
        self, row: ArticleRow, rendered: tuple[str, str] | None
    ) -> pages.Screenshots | None:
        """Paths of the screenshots of the version shown, when it was rendered."""
        query = f"?version={row.version}"
        found = {
            name: f"/article/{row.id}/{name}.png{query}"
            for name, prefix in _SCREENSHOT_PREFIX.items()
            if self._rendered_entry(row, prefix, rendered) is not None
        }
        if not found:
            return None
        return pages.Screenshots(found.get("screenshot"), found.get("screenshot-full"))

    def _screenshot(self, article_id: str, name: str, params: dict[str, list[str]]) -> Reply:
        """A screenshot of an article's rendered capture: PNG from our resource records only."""
        version = _int(_param(params, "version"), 0) or None
        with self._catalog() as catalog:
            row = catalog.article(article_id, version) if catalog is not None else None
        entry = None
        if row is not None:
            rendered = self._rendered_capture(row, self.resources.article_document(row.json_path))
            entry = self._rendered_entry(row, _SCREENSHOT_PREFIX[name], rendered)
        if entry is None:
            return not_found(f"No screenshot of article {article_id}.")
        try:
            record = self.resources.read(entry)
        except NotArchived as exc:
            logger.warning("Cannot read a screenshot of %s: %s", article_id, terminal_text(exc))
            return not_found(f"The screenshot of article {article_id} cannot be read.")
        if not is_screenshot(record):
            return not_found(f"No screenshot of article {article_id}.")
        headers = [
            ("Content-Type", "image/png"),
            ("Content-Disposition", f'inline; filename="{article_id}-{name}.png"'),
            ("Content-Security-Policy", SCREENSHOT_CSP),
            ("Cache-Control", "no-cache"),
            *COMMON_HEADERS,
        ]
        return Reply(200, record.payload, headers)

    # -- replay -------------------------------------------------------------------------------

    def _replay(self, target: ReplayTarget, origins: Origins | None) -> Reply:
        collection, url = target.collection, target.url
        if target.listing or target.timestamp is None:
            entries = self.index.captures(url, site=collection)
            if not entries:
                return self._not_archived(target)
            return page_reply(200, pages.captures_page(collection, url, entries))
        entry = self.index.closest(url, pad_timestamp(target.timestamp), site=collection)
        if entry is None:
            return self._not_archived(target)
        if entry.timestamp != target.timestamp:
            return redirect(replay_path(collection, entry.timestamp, entry.url, target.modifier))
        try:
            capture = self.resources.capture(entry)
        except NotArchived as exc:
            logger.warning("Cannot replay %s: %s", terminal_text(url), terminal_text(exc))
            return self._not_archived(target)
        rendered = self._rendered(capture, target.modifier)
        reply = rendered if rendered is not None else self._serve(capture, target.modifier)
        return self.time.with_links(reply, entry, origins)

    # -- rendered captures --------------------------------------------------------------------

    def _rendered(self, capture: Capture, modifier: str) -> Reply | None:
        """The page as the browser rendered it, when `capture` is a page (modifier "") with a
        rendered DOM record, or that record itself (any modifier but the raw ones); else None."""
        if modifier in RAW_MODIFIERS or capture.too_large:
            return None
        named = split_rendered(capture.url)
        if named is not None:
            prefix, page_url = named
            if prefix != RENDERED_DOM_URI or capture.record_type != "resource":
                return None
            page_entry = self.index.closest(page_url, capture.timestamp, capture.collection)
            page = None
            if page_entry is not None and page_entry.timestamp == capture.timestamp:
                try:
                    page = self.resources.capture(page_entry)
                except NotArchived:
                    page = None
            return self._serve_rendered(capture, page_url, page, modifier)
        if modifier != PAGE or capture.mime not in _HTML_TYPES or 300 <= capture.status < 400:
            return None  # a redirect is followed, not shown
        entry = find_rendered(
            self.resources,
            RENDERED_DOM_URI,
            capture.url,
            capture.timestamp,
            capture.collection,
            capture.record_id,
        )
        if entry is None:
            return None
        try:
            dom = self.resources.capture(entry)
        except NotArchived as exc:
            logger.warning("Cannot read the rendered DOM of %s: %s", capture.url, exc)
            return None
        return None if dom.too_large else self._serve_rendered(dom, capture.url, capture, modifier)

    def _serve_rendered(
        self, dom: Capture, page_url: str, page: Capture | None, modifier: str
    ) -> Reply:
        """The rendered DOM, rewritten as pages are, its scripts inert (the DOM already holds
        what they built); the banner links to the HTML the server sent."""
        timestamp = page.timestamp if page is not None else dom.timestamp
        urls = ReplayUrls(dom.collection, timestamp)
        banner = None
        if modifier == PAGE:
            sent = replay_path(dom.collection, timestamp, page_url, RAW)
            scripted = replay_path(dom.collection, timestamp, page_url, FRAME)
            note = pages.Rendered(dom.date, sent, scripted if page is not None else None)
            banner = self._banner(page or dom, page_url, note)
        text = decode_html(dom.body, dom.charset or "utf-8", as_browser=True)
        body = rewrite_html(text, page_url, urls, banner, inert=True).encode("utf-8")
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            *(replay_headers(page, urls) if page is not None else []),
            ("Memento-Datetime", http_date(timestamp)),
            ("Content-Security-Policy", RENDERED_CSP),
            ("Cache-Control", "no-cache"),
            *COMMON_HEADERS,
        ]
        status = page.status if page is not None and not 300 <= page.status < 400 else 200
        return Reply(status, body, headers)

    def _not_archived(self, target: ReplayTarget) -> Reply:
        elsewhere = sorted({e.site for e in self.index.captures(target.url)} - {target.collection})
        return page_reply(404, pages.not_archived_page(target.collection, target.url, elsewhere))

    def _serve(self, capture: Capture, modifier: str) -> Reply:
        urls = ReplayUrls(capture.collection, capture.timestamp)
        body, mime = capture.body, capture.mime
        content_type = capture.content_type or "application/octet-stream"
        stored_encoding: list[tuple[str, str]] = []
        rewritten = modifier not in RAW_MODIFIERS and (mime in _HTML_TYPES or mime == "text/css")
        if capture.too_large and rewritten:
            raw = replay_path(capture.collection, capture.timestamp, capture.url, RAW)
            return page_reply(200, pages.too_large_page(capture.url, raw))
        if capture.too_large:  # nothing to rewrite: the bytes as the site sent them, encoded
            stored_encoding = [h for h in capture.headers if h[0].lower() == "content-encoding"]
        if modifier not in RAW_MODIFIERS and mime in _HTML_TYPES:
            banner = self._banner(capture) if modifier == PAGE else None
            text = decode_html(body, capture.charset, as_browser=True)
            body = rewrite_html(text, capture.url, urls, banner, PRELUDE).encode("utf-8")
            content_type = f"{mime}; charset=utf-8"
        elif modifier not in RAW_MODIFIERS and mime == "text/css":
            text = rewrite_css(decode_css(body, capture.charset), capture.url, urls)
            body, content_type = text.encode("utf-8"), "text/css; charset=utf-8"
        if capture.status in _NO_BODY or capture.status < 200:
            body = b""
        headers = [
            ("Content-Type", content_type),
            *stored_encoding,
            *replay_headers(capture, urls),
            ("Memento-Datetime", http_date(capture.timestamp)),
            ("Content-Security-Policy", RAW_CSP if modifier in RAW_MODIFIERS else REPLAY_CSP),
            ("Cache-Control", "no-cache"),
            *COMMON_HEADERS,
        ]
        return Reply(capture.status, body, headers)

    def _banner(
        self, capture: Capture, url: str | None = None, rendered: pages.Rendered | None = None
    ) -> str:
        url = url or capture.url
        article_id, resources = None, None
        with self._catalog() as catalog:
            state = catalog.url_state(normalise_url(url)) if catalog else None
            article_id = state.article_id if state is not None else None
            if catalog and capture.record_id:
                resources = catalog.page_resources(capture.record_id)
        missing = None
        if resources is not None and resources.missing > 0:
            missing = (resources.missing, resources.needed)
        return pages.banner(
            capture.collection,
            url,
            capture.date,
            article_id=article_id,
            original_date=capture.original_date,
            missing_resources=missing,
            rendered=rendered,
        )


def _param(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name)
    return values[0] if values else ""


def _text_param(params: dict[str, list[str]], name: str) -> str:
    """A text parameter as typed: printable characters only, at most `_MAX_QUERY`, trimmed."""
    return "".join(c for c in _param(params, name) if c.isprintable())[:_MAX_QUERY].strip()


def _int(text: str, default: int) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else default
