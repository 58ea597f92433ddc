"""The archive's own HTML: article list and search, reader view, capture lists, errors, banner.

Every value that comes from an archived page or document (titles, authors, text, snippets,
URLs) goes through `html.escape`; links are built only from the archive's own paths.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from archiver.replay.urls import captures_path, replay_path, timestamp14
from archiver.store.catalog import ArticleMarks
from archiver.store.cdxj import CdxjEntry
from archiver.store.page_resources import missing_sentence
from archiver.store.rows import ArticleRow, CaptureRow, EventRow
from archiver.store.search import MARK_CLOSE, MARK_OPEN, SearchHit
from archiver.warc.reader import MAX_DECODED_SIZE

__all__ = [
    "PAGE_SIZE",
    "ArticleView",
    "Listing",
    "Rendered",
    "Screenshots",
    "article_page",
    "banner",
    "captures_page",
    "error_page",
    "list_page",
    "not_archived_page",
    "search_page",
]

#: Articles (or search hits) per page.
PAGE_SIZE = 50
#: The banner's element id: unique enough that no archived page styles it.
BANNER_ID = "archiver-replay-banner-7f3c"

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem;
  color: #1d2733; }
a { color: #1f4e79; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd;
  vertical-align: top; }
td.when { white-space: nowrap; font-size: 14px; }
mark { background: #ffe98a; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.meta { color: #555; font-size: 14px; }
.see { display: inline-block; margin: .5rem 0; padding: .4rem .8rem; background: #1f4e79;
  color: #fff; text-decoration: none; border-radius: 4px; }
.text p { max-width: 42rem; }
nav.pages a { margin-right: 1rem; }
figure.shot { float: right; width: 40%; margin: 0 0 1rem 1.5rem; font-size: 14px; color: #555; }
figure.shot img { width: 100%; height: auto; border: 1px solid #ccc; }
form { margin: 1rem 0; }
"""
_MARK_RE = re.compile(re.escape(MARK_OPEN) + r"(.*?)" + re.escape(MARK_CLOSE))


def _e(value: object) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _link(path: str, text: str, attributes: str = "") -> str:
    """A link to one of the archive's own paths (never to the live web)."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not an archive path: {path!r}")
    return f'<a href="{_e(path)}"{attributes}>{_e(text)}</a>'


def _when(date: str | None) -> str:
    """A WARC date as "2026-11-27 21:12:11 UTC"; other values as they are."""
    if not date:
        return "-"
    stamp = timestamp14(date)
    if len(stamp) == 14 and date.endswith("Z"):
        return _stamp(stamp)
    return date


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · archiver</title><style>{_STYLE}</style></head>\n"
        f'<body><p class="meta">{_link("/", "archiver: archived articles")}</p>\n{body}\n'
        "</body></html>\n"
    )


def _query(**params: object) -> str:
    """``/?...`` with the parameters that have a value."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "", 1)}
    return "/?" + urlencode(kept) if kept else "/"


@dataclass(frozen=True)
class Listing:
    """What the front page was asked for: a site, a search, a page number, and the article
    filter's parameters as given (name, value: see archiver.store.filters.FILTER_PARAMS)."""

    site: str | None
    query: str
    page: int
    sites: Sequence[str]
    filters: Sequence[tuple[str, str]] = ()

    def path(self, page: int) -> str:
        return _query(site=self.site, q=self.query, **dict(self.filters), page=page)

    def given(self, name: str) -> str:
        """The value given for one filter parameter ("" when none)."""
        return dict(self.filters).get(name, "")


def _filters(listing: Listing) -> str:
    """The search and filter form (plain GET: the archive's pages run no script)."""
    options = ['<option value="">all sites</option>'] + [
        f'<option value="{_e(s)}"{" selected" if s == listing.site else ""}>{_e(s)}</option>'
        for s in listing.sites
    ]
    by = listing.given("by") or "published"
    bases = "".join(
        f'<option value="{b}"{" selected" if b == by else ""}>{b}</option>'
        for b in ("published", "captured")
    )

    def text(name: str, label: str, placeholder: str, size: int = 10) -> str:
        return (
            f'<label>{label} <input type="text" name="{name}" size="{size}" '
            f'value="{_e(listing.given(name))}" placeholder="{placeholder}"></label> '
        )

    def box(name: str, label: str) -> str:
        checked = " checked" if listing.given(name) else ""
        return f'<label><input type="checkbox" name="{name}" value="1"{checked}> {label}</label> '

    return (
        '<form method="get" action="/">'
        f'<input type="search" name="q" value="{_e(listing.query)}" placeholder="search text"> '
        f'<select name="site">{"".join(options)}</select> <button>show</button><br>'
        + text("since", "from", "2026-11-01 or 7d")
        + text("until", "to", "2026-11-30 or today")
        + f'<label>by <select name="by">{bases}</select></label> '
        + text("lang", "language", "en", 4)
        + text("section", "section", "news", 8)
        + text("author", "author", "name", 12)
        + box("changed", "changed")
        + box("takedowns", "taken down")
        + "</form>"
    )


def _pager(listing: Listing, total: int) -> str:
    pages = max(1, -(-total // PAGE_SIZE))
    back, forward = ("« previous", "next »") if listing.query else ("« newer", "older »")
    links = []
    if listing.page > 1:
        links.append(_link(listing.path(listing.page - 1), back))
    links.append(f"<span>page {listing.page} of {pages}</span>")
    if listing.page < pages:
        links.append(_link(listing.path(listing.page + 1), forward))
    return f'<nav class="pages">{" ".join(links)}</nav>'


def list_page(
    listing: Listing,
    rows: Sequence[ArticleRow],
    total: int,
    marks: Mapping[str, ArticleMarks] | None = None,
) -> str:
    """The archived articles, newest first: one page of `rows` out of `total`, each with its
    published and captured dates, its versions and any takedown (`marks`)."""
    body = [f"<h1>Archived articles</h1>{_filters(listing)}"]
    body.append(f'<p class="meta">{total} article(s){_site_note(listing.site)}</p>')
    body.append(
        "<table><tr><th>site</th><th>section</th><th>published</th><th>captured</th>"
        "<th>title</th><th>versions</th><th>takedown</th></tr>"
    )
    for row in rows:
        mark = (marks or {}).get(row.id)
        versions = mark.versions if mark else 1
        edited = f"{versions} (edited)" if versions > 1 else str(versions)
        body.append(
            f"<tr><td>{_e(row.site)}</td><td>{_e(row.section or '')}</td>"
            f'<td class="when">{_e((row.published or "")[:16])}</td>'
            f'<td class="when">{_e(_when(row.fetched_at))}</td>'
            f"<td>{_link(f'/article/{row.id}', row.title or row.url)}</td>"
            f'<td class="versions">{_e(edited)}</td>'
            f'<td class="takedown">{_takedown(mark)}</td></tr>'
        )
    body.append("</table>")
    body.append(_pager(listing, total))
    return _document("Archived articles", "\n".join(body))


def _takedown(mark: ArticleMarks | None) -> str:
    """The takedown cell: the newest takedown or restored event, or nothing."""
    if mark is None or mark.event is None:
        return ""
    what = "taken down" if mark.event == "takedown" else "restored"
    return f"<strong>{_e(what)}</strong> {_e(_when(mark.event_date))}"


def _site_note(site: str | None) -> str:
    return f" from {_e(site)}" if site else ""


def marked(snippet: str) -> str:
    """A search snippet escaped, its ``[match]`` markers turned into ``<mark>``."""
    return _MARK_RE.sub(r"<mark>\1</mark>", html.escape(snippet, quote=True))


def search_page(listing: Listing, hits: Sequence[SearchHit], total: int) -> str:
    """Search results, most relevant first, with marked snippets."""
    body = [f"<h1>Search: {_e(listing.query)}</h1>{_filters(listing)}"]
    body.append(
        f'<p class="meta">{total} article(s) match{_site_note(listing.site)}. '
        f"{_link(_query(site=listing.site, **dict(listing.filters)), 'all articles')}</p>"
    )
    body.append("<ol>")
    for hit in hits:
        body.append(
            f"<li>{_link(f'/article/{hit.id}', hit.title or hit.url)} "
            f'<span class="meta">{_e(hit.site)} · {_e((hit.published or "")[:10])}</span>'
            f"<br>{marked(hit.snippet)}</li>"
        )
    body.append("</ol>")
    body.append(_pager(listing, total))
    return _document(f"Search: {listing.query}", "\n".join(body))


@dataclass(frozen=True)
class Screenshots:
    """The archive paths of a rendered capture's screenshots (viewport, whole page), if any."""

    viewport: str | None
    full_page: str | None


@dataclass(frozen=True)
class ArticleView:
    """Everything the reader view shows of one article."""

    row: ArticleRow  # the version shown
    document: dict[str, Any]  # its article document
    versions: Sequence[tuple[ArticleRow, dict[str, Any] | None]]  # every version, oldest first
    fetches: Sequence[CaptureRow]  # captures of its URLs, oldest first
    events: Sequence[EventRow]
    screenshots: Screenshots | None = None  # of the version shown, when it was rendered
    # The timestamp of the capture it was extracted from, when that is not the one its fetch
    # date names (a page loaded again in a browser by `render: auto`).
    capture_timestamp: str | None = None


def article_page(view: ArticleView) -> str:
    """The reader view: metadata, the clean text, versions with diffs, captures, takedowns."""
    doc, row = view.document, view.row
    title = doc.get("title") or row.url
    stamp = view.capture_timestamp or timestamp14(row.fetched_at)
    capture = replay_path(row.site, stamp, row.url)
    names = doc.get("authors")
    authors = ", ".join(str(a) for a in names) if isinstance(names, list) and names else "-"
    facts = [
        ("authors", _e(authors)),
        ("published", _e(doc.get("published") or "-")),
        ("modified", _e(doc.get("modified") or "-")),
        ("section", _e(doc.get("section") or "-")),
        ("site", _e(row.site)),
        ("URL", _e(doc.get("url") or row.url)),
        ("canonical", _e(doc.get("canonical_url") or "-")),
        ("version", f"{row.version} of {len(view.versions)}, fetched {_e(_when(row.fetched_at))}"),
    ]
    body = [f"<h1>{_e(title)}</h1>"]
    if doc.get("description"):
        body.append(f'<p class="meta"><em>{_e(doc["description"])}</em></p>')
    see = _link(capture, "view the page as captured", ' class="see"')
    body.append(f"<p>{see}</p>")
    body.append("<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts))
    body.append("</table>")
    body.append(_screenshot(view.screenshots))
    paragraphs = [p.strip() for p in str(doc.get("text") or "").split("\n\n") if p.strip()]
    body.append('<div class="text">' + "".join(f"<p>{_e(p)}</p>" for p in paragraphs) + "</div>")
    body.append(_versions(view))
    body.append(_fetches(view.fetches))
    body.append(_events(view.events))
    return _document(str(title), "\n".join(body))


def _screenshot(shots: Screenshots | None) -> str:
    """The viewport screenshot of a rendered capture, floated beside the text; whole page linked."""
    if shots is None or (shots.viewport is None and shots.full_page is None):
        return ""
    full = _link(shots.full_page, "the whole page") if shots.full_page else ""
    if shots.viewport is None:
        return f'<p class="meta">Screenshot of {full}, as the browser rendered it.</p>'
    image = (
        f'<img src="{_e(shots.viewport)}" alt="Screenshot of the page as the browser rendered it">'
    )
    if shots.full_page:
        image = f'<a href="{_e(shots.full_page)}">{image}</a>'
    caption = "The page as the browser rendered it (what the window showed)"
    caption += f"; {full}." if full else "."
    return f'<figure class="shot">{image}<figcaption>{caption}</figcaption></figure>'


def _versions(view: ArticleView) -> str:
    out = ["<h2>Versions</h2><ol>"]
    for version, document in view.versions:
        changes = (document or {}).get("changes")
        changes = changes if isinstance(changes, dict) else {}
        fields = changes.get("fields")
        fields = ", ".join(str(f) for f in fields) if isinstance(fields, list) else "first capture"
        current = " (shown)" if version.version == view.row.version else ""
        number = version.version
        out.append(
            f"<li>{_link(f'/article/{version.id}?version={number}', f'v{number}')}{current}"
            f" fetched {_e(_when(version.fetched_at))}: {_e(fields)}"
        )
        if changes.get("diff"):
            out.append(f"<pre>{_e(changes['diff'])}</pre>")
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of cells that are HTML already (headings are plain words)."""
    heading = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{heading}</tr>{body}</table>"


def _fetches(fetches: Sequence[CaptureRow]) -> str:
    rows = [
        (
            _link(replay_path(f.site, timestamp14(f.date), f.url), _when(f.date)),
            _e(f.status),
            _e(f.record_type) + (" (unchanged)" if f.record_type == "revisit" else ""),
            _e(f.url),
        )
        for f in fetches
        if f.url
    ]
    if not rows:
        return "<h2>Captures</h2><p>none</p>"
    return "<h2>Captures</h2>" + _table(("captured", "status", "record", "URL"), rows)


def _events(events: Sequence[EventRow]) -> str:
    if not events:
        return "<h2>Takedowns</h2><p>none recorded</p>"
    items = "".join(
        f"<li>{_e(e.kind)} {_e(_when(e.date))}: {_e(e.detail or '')} "
        f"(HTTP {_e(e.status)}) {_e(e.url)}</li>"
        for e in events
    )
    return f"<h2>Takedowns</h2><ul>{items}</ul>"


def captures_page(collection: str, url: str, entries: Sequence[CdxjEntry]) -> str:
    """Every capture of a URL in a collection, oldest first."""
    rows = [
        (
            _link(replay_path(collection, e.timestamp, e.url), _stamp(e.timestamp)),
            _e("-" if e.status is None else e.status),
            _e(e.record_type),
            _e(e.mime or "-"),
        )
        for e in entries
    ]
    body = (
        f'<h1>Captures of {_e(url)}</h1><p class="meta">collection {_e(collection)}: '
        f"{len(entries)} capture(s)</p>" + _table(("captured", "status", "record", "type"), rows)
    )
    return _document(f"Captures of {url}", body)


def _stamp(stamp: str) -> str:
    """A 14-digit timestamp as "2026-11-27 21:12:11 UTC"."""
    day, time = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}", f"{stamp[8:10]}:{stamp[10:12]}"
    return f"{day} {time}:{stamp[12:14]} UTC"


def not_archived_page(collection: str, url: str, elsewhere: Sequence[str]) -> str:
    """A URL with no capture in the collection; `elsewhere` names collections that have it."""
    links = "".join(f"<li>{_link(captures_path(c, url), f'in {c}')}</li>" for c in elsewhere)
    more = f"<p>It was archived in other collections:</p><ul>{links}</ul>" if links else ""
    body = (
        f"<h1>Not archived</h1><p>{_e(url)} is not in the collection {_e(collection)}; "
        f"nothing is fetched from the live web.</p>{more}"
    )
    return _document("Not archived", body)


def too_large_page(url: str, raw_path: str) -> str:
    """A capture whose body inflates past MAX_DECODED_SIZE: not rewritten; its raw bytes link."""
    body = (
        f"<h1>Too large to replay</h1><p>The archived body of {_e(url)} inflates to more than "
        f"{MAX_DECODED_SIZE} bytes, so it is not rewritten here. The bytes as the site sent them "
        f"(still encoded) are at {_link(raw_path, 'the raw capture')}.</p>"
    )
    return _document("Too large to replay", body)


def error_page(status: int, title: str, message: str) -> str:
    """A plain error page (`message` is escaped)."""
    return _document(title, f"<h1>{_e(title)}</h1><p>{_e(message)} (HTTP {status})</p>")


_BANNER_STYLE = (
    "all:initial;display:block;box-sizing:border-box;width:100%;margin:0;padding:6px 12px;"
    "background:#1d2733;color:#fbfaf6;font:13px/1.4 system-ui,sans-serif;text-align:left;"
    "position:relative;z-index:2147483647;border-bottom:3px solid #e8b923"
)
_BANNER_TEXT = "all:initial;color:inherit;font:inherit;"
_BANNER_LINK = "all:initial;color:#ffd866;font:inherit;text-decoration:underline;cursor:pointer;"


@dataclass(frozen=True)
class Rendered:
    """What the banner says of a page shown as a browser rendered it during the crawl."""

    date: str  # WARC-Date of the rendered DOM record
    sent: str  # the replay path (id_) of the HTML the server sent
    scripted: str | None  # the replay path (if_) of that HTML rewritten, its scripts run


def banner(
    collection: str,
    url: str,
    date: str,
    *,
    article_id: str | None = None,
    original_date: str | None = None,
    missing_resources: tuple[int, int] | None = None,
    rendered: Rendered | None = None,
) -> str:
    """The slim bar on top of a replayed page: what it is, from where, when; its own styles.

    `missing_resources` is (missing, needed) when some of the page's resources (stylesheets,
    images, ...) were not archived: the page may look broken, and the bar says why.
    `rendered` when the page shown is the DOM a browser built: the bar says so and links to
    the HTML the server sent.
    """

    def link(path: str, text: str) -> str:
        return _link(path, text, f' style="{_BANNER_LINK}"')

    when = _when(date)
    if original_date and original_date != date:
        when += f" (unchanged since {_when(original_date)})"
    parts = [
        f'<strong style="{_BANNER_TEXT}font-weight:bold;">Archived page</strong>',
        f'<span style="{_BANNER_TEXT}">{_e(url)}</span>',
        f'<span style="{_BANNER_TEXT}">captured {_e(when)}</span>',
        f'<span style="{_BANNER_TEXT}">collection {_e(collection)}</span>',
    ]
    if rendered is not None:
        said = (
            f"the page as the browser rendered it on {_when(rendered.date)} "
            "(its scripts do not run here); the HTML the server sent: "
        )
        sent = link(rendered.sent, "as archived")
        if rendered.scripted:
            sent += f'<span style="{_BANNER_TEXT}">, or </span>'
            sent += link(rendered.scripted, "replayed with its scripts")
        parts.append(f'<span style="{_BANNER_TEXT}">{_e(said)}</span>{sent}')
    if missing_resources is not None:
        note = missing_sentence(*missing_resources)
        parts.append(f'<strong style="{_BANNER_TEXT}color:#ffb4a2;">{_e(note)}</strong>')
    if article_id:
        parts.append(link(f"/article/{article_id}", "reader view"))
    parts.append(link(captures_path(collection, url), "all captures"))
    parts.append(link("/", "archive"))
    separator = f'<span style="{_BANNER_TEXT}"> · </span>'
    return f'<div id="{BANNER_ID}" style="{_BANNER_STYLE}">{separator.join(parts)}</div>'
