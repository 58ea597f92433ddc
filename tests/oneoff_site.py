"""A small local site for one-off archiving tests: an article with every kind of requisite,
a redirect chain, a 404, a 500, a slow page, a PDF, a non-article page and robots.txt.

It runs in a thread of the test process; `hits` lists every path asked for, per host name.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: The site, and its "CDN" on another loopback address (Linux routes all of 127/8 to lo).
LOOPBACKS = ("127.0.0.1", "127.0.0.2")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

PARAGRAPHS = [
    "The harbour commissioners voted on Tuesday evening to extend the winter ferry timetable to "
    "Sundays, after a petition signed by more than two thousand islanders asked them to.",
    "Until now the last crossing of the week left the mainland on Saturday afternoon, leaving "
    "families who work weekends with no way home until Monday morning.",
    "The extra sailings will cost the ferry company about forty thousand pounds a season, which "
    "the council has agreed to meet from its transport budget for the next two years.",
    "Commissioner Ruth Penrose said the decision showed that the island's voice had been heard, "
    "and that the trial would be reviewed in the spring with passenger numbers in hand.",
    "The first Sunday crossing is due to leave the quay at ten o'clock on the sixth of December.",
]


def article_page(base: str, other_host: str, title: str, paragraphs: list[str]) -> str:
    """An article page needing a stylesheet, icons, scripts, images, a frame, a CDN image."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{title} | The Island Times</title>
<link rel="canonical" href="{base}/news/2026/11/27/ferry-sundays">
<link rel="stylesheet" href="/css/site.css">
<link rel="icon" href="/favicon.ico">
<script src="/js/app.js"></script>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",
 "datePublished": "2026-11-27T08:00:00+00:00",
 "author": {{"@type": "Person", "name": "Ruth Kemp"}}}}
</script>
</head><body>
<header><a href="/">The Island Times</a></header>
<article>
<h1>{title}</h1>
<p class="byline">By Ruth Kemp</p>
<img src="/img/lead-800.png" srcset="/img/lead-400.png 400w, /img/lead-800.png 800w" alt="">
{body}
<img class="lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/lazy.png"
     data-srcset="/img/lazy-2x.png 2x" alt="">
<img src="{other_host}/cdn/photo.png" alt="">
<img src="/private/chart.png" alt="">
<iframe src="/embed/map.html"></iframe>
</article>
</body></html>
"""


FRAME = """<!DOCTYPE html><html><head><title>Map</title></head><body>
<img src="/img/map.png" alt=""><iframe src="/embed/nested.html"></iframe></body></html>"""
SITE_CSS = """@import url("fonts.css");
body { background: url(/img/bg.png) no-repeat; }
.promo { background-image: url('../img/pattern.png'); }
"""
FONTS_CSS = """@font-face { font-family: Serif;
  src: url(/fonts/serif.woff2) format("woff2"), url("/fonts/serif.woff") format("woff"); }
"""
ABOUT = """<!DOCTYPE html><html><head><title>About us | The Island Times</title></head><body>
<h1>About us</h1><ul><li><a href="/contact">Contact</a></li><li><a href="/jobs">Jobs</a></li>
</ul></body></html>"""


@dataclass
class OneOffSite:
    """The running site: its base URL, the same site under another host name, what was asked."""

    base: str
    other_host: str
    hits: list[tuple[str, str]] = field(default_factory=list)  # (host, path)
    title: str = "Sunday ferries for the island from December"
    paragraphs: list[str] = field(default_factory=lambda: list(PARAGRAPHS))
    gone: set[str] = field(default_factory=set)  # paths that answer 404 for now

    def paths(self) -> set[str]:
        return {path for _, path in self.hits}


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
    """Answer with `body` and its length; a client that went away is not an error."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        handler.wfile.write(body)


def _handler(site: OneOffSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            host = self.headers.get("Host", "").split(":")[0]
            path = self.path.split("?")[0]
            site.hits.append((host, path))
            if path in site.gone:
                self._send(404, b"<h1>This story has been removed</h1>", "text/html")
            elif path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path in ("/story", "/private/page"):
                html = article_page(site.base, site.other_host, site.title, site.paragraphs)
                self._send(200, html.encode(), "text/html; charset=utf-8")
            elif path == "/r1":
                self._redirect(302, "/r2")
            elif path == "/r2":
                self._redirect(301, f"{site.base}/story")
            elif path == "/about":
                self._send(200, ABOUT.encode(), "text/html; charset=utf-8")
            elif path == "/embed/map.html" or path == "/embed/nested.html":
                self._send(200, FRAME.encode(), "text/html; charset=utf-8")
            elif path == "/css/site.css":
                self._send(200, SITE_CSS.encode(), "text/css")
            elif path == "/css/fonts.css":
                self._send(200, FONTS_CSS.encode(), "text/css")
            elif path.startswith("/fonts/"):
                self._send(200, b"wOF2" + path.encode(), "font/woff2")
            elif path == "/js/app.js":
                self._send(200, b"document.documentElement.className='js';", "text/javascript")
            elif path.endswith((".png", ".ico")):
                self._send(200, PNG, "image/png")
            elif path == "/paper.pdf":
                self._send(200, PDF, "application/pdf")
            elif path == "/broken":
                self._send(500, b"<h1>Internal error</h1>", "text/html")
            elif path == "/slow":
                time.sleep(4)
                self._send(200, b"<p>late</p>", "text/html")
            else:
                self._send(404, b"<h1>Not found</h1>", "text/html")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            send(self, status, body, content_type)

        def _redirect(self, status: int, location: str) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@contextmanager
def oneoff_site() -> Iterator[OneOffSite]:
    """Serve the site on 127.0.0.1, and the same on 127.0.0.2 as the "other host" (a CDN)."""
    site = OneOffSite(base="", other_host="")
    servers = [ThreadingHTTPServer((host, 0), _handler(site)) for host in LOOPBACKS]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    site.base, site.other_host = (
        f"http://{host}:{server.server_address[1]}"
        for host, server in zip(LOOPBACKS, servers, strict=True)
    )
    try:
        yield site
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
