"""A small local news site whose articles are built by script after load (browser capture tests).

Each article page the server sends is a shell: a title, a script and an empty ``<main>``. The
script fetch()es the article as JSON (`/api/articles/<slug>.json`) once the page has loaded and
inserts its headline, byline, paragraphs, an image and "More stories" links to other articles.
A section page (`/news/`) lists the articles as plain links. It runs in a thread of the test
process; `hits` lists every path asked for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.oneoff_site import PARAGRAPHS, PNG

#: The articles: slug -> (headline, paragraphs).
ARTICLES: dict[str, tuple[str, list[str]]] = {
    "lighthouse-keepers": (
        "Lighthouse keepers return to the point for one last winter",
        [
            "The last two keepers of the Penhallow light climbed the hundred and twelve steps "
            "to the lantern room on Monday for what the trust says will be their final winter.",
            "The light was automated in 1991, but the trust that owns it has kept keepers on "
            "through the storm months to watch the lamp and log the ships that pass the point.",
            "From next year a camera and a radio link will do that work, and the cottages at "
            "the foot of the tower will be let to visitors through the summer season.",
            "Keeper Alan Trebilcock said he would miss the quiet, and the gannets most of all.",
        ],
    ),
    "market-hall-roof": (
        "Market hall roof to be mended before the Christmas fair",
        [
            "Scaffolding went up around the old market hall this week so that roofers can "
            "replace the slates that the October gales stripped from its northern side.",
            "Stallholders had feared that the Christmas fair would have to move to the school "
            "hall, as it did in the winter the roof was last repaired, twelve years ago.",
            "The council says the work will be finished by the second week of December and "
            "that the fair will open in the hall as usual on the Saturday after.",
        ],
    ),
}
#: An article whose HTML holds its text, as most sites send it: `auto` leaves it to Scrapy.
STATIC_SLUG = "ferry-sundays"


def static_page() -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ferries to run on Sundays</title></head>
<body><article><h1>Ferries to run on Sundays</h1><p class="byline">By Ruth Kemp</p>
{body}
</article></body></html>
"""


#: An article no section lists: only the "More stories" links built by script point to it.
UNLISTED = "harbour-gala"


@dataclass
class JsSite:
    base: str
    hits: list[str] = field(default_factory=list)
    #: Called with the slug before an article's JSON is sent (a test's hook).
    on_json: Callable[[str], None] | None = None

    def article_url(self, slug: str) -> str:
        return f"{self.base}/news/2026/11/30/{slug}"

    def json_url(self, slug: str) -> str:
        return f"{self.base}/api/articles/{slug}.json"


def shell_page(slug: str) -> str:
    """The page as the server sends it: no article text, only the script that fetches it."""
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>The Point Gazette</title>
<script src="/static/app.js" defer></script>
</head><body>
<header><a href="/">The Point Gazette</a></header>
<main id="app" data-slug="{slug}"><p class="loading">Loading…</p></main>
<footer>© The Point Gazette</footer>
</body></html>
"""


#: A tracker the script pings once the article is in (a host a crawl's block list names).
TRACKER_HOST = "ads.tracker.invalid"

APP_JS = (
    f"const TRACKER = 'http://{TRACKER_HOST}/pixel';"
    + """
window.addEventListener('load', async () => {
  const main = document.getElementById('app');
  const slug = main.dataset.slug;
  const reply = await fetch('/api/articles/' + slug + '.json');
  const data = await reply.json();
  document.title = data.title + ' | The Point Gazette';
  const article = document.createElement('article');
  const h1 = document.createElement('h1');
  h1.textContent = data.title;
  article.appendChild(h1);
  const byline = document.createElement('p');
  byline.className = 'byline';
  byline.textContent = 'By ' + data.author;
  article.appendChild(byline);
  const img = document.createElement('img');
  img.src = data.image;
  img.alt = data.title;
  article.appendChild(img);
  for (const text of data.paragraphs) {
    const p = document.createElement('p');
    p.textContent = text;
    article.appendChild(p);
  }
  const more = document.createElement('aside');
  more.innerHTML = '<h2>More stories</h2>';
  const list = document.createElement('ul');
  for (const story of data.more) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = story.url;
    link.textContent = story.title;
    link.className = 'more-story';
    item.appendChild(link);
    list.appendChild(item);
  }
  more.appendChild(list);
  article.appendChild(more);
  main.replaceChildren(article);
  fetch(TRACKER + '?article=' + slug).catch(() => {});
});
"""
)


def article_json(slug: str) -> dict[str, Any]:
    title, paragraphs = ARTICLES[slug]
    return {
        "title": title,
        "author": "Morwenna Hale",
        "published": "2026-11-30T07:30:00+00:00",
        "image": f"/static/img/{slug}.png",
        "paragraphs": paragraphs,
        "more": [
            *(
                {"url": f"/news/2026/11/30/{other}", "title": ARTICLES[other][0]}
                for other in ARTICLES
                if other != slug
            ),
            {"url": f"/news/2026/11/30/{UNLISTED}", "title": "Harbour gala moves to Saturday"},
        ],
    }


def section_page() -> str:
    links = "\n".join(
        f'<li><a href="/news/2026/11/30/{slug}">{title}</a></li>'
        for slug, (title, _) in ARTICLES.items()
    )
    links += f'<li><a href="/news/2026/11/30/{STATIC_SLUG}">Ferries to run on Sundays</a></li>'
    return (
        f"<!DOCTYPE html><html><head><title>News</title></head><body><ul>{links}</ul></body></html>"
    )


def _handler(site: JsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits.append(path)
            prefix = "/news/2026/11/30/"
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path in ("/", "/news/"):
                self._send(200, section_page().encode(), "text/html; charset=utf-8")
            elif path.startswith(prefix) and path[len(prefix) :] in ARTICLES:
                self._send(
                    200, shell_page(path[len(prefix) :]).encode(), "text/html; charset=utf-8"
                )
            elif path == prefix + STATIC_SLUG:
                self._send(200, static_page().encode(), "text/html; charset=utf-8")
            elif path == "/static/app.js":
                self._send(200, APP_JS.encode(), "application/javascript")
            elif path.startswith("/api/articles/") and path.endswith(".json"):
                slug = path.removeprefix("/api/articles/").removesuffix(".json")
                if slug not in ARTICLES:
                    self._send(404, b"{}", "application/json")
                    return
                if site.on_json is not None:
                    site.on_json(slug)
                self._send(200, json.dumps(article_json(slug)).encode(), "application/json")
            elif path.startswith("/static/img/"):
                self._send(200, PNG, "image/png")
            else:
                self._send(404, b"<h1>Not found</h1>", "text/html")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def js_site() -> Iterator[JsSite]:
    """Serve the site on 127.0.0.1 (a free port) for the length of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(JsSite(base="")))
    site = JsSite(base=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
