"""A local news site whose articles need resources on the site, on hosts that do not resolve
(names under the reserved ``.invalid`` domain), on a host that refuses connections, and on ad
and tracker hosts a block list names. It runs in a thread of the test process and records the
order of every path asked for.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.oneoff_site import PARAGRAPHS, PNG, send

DEAD_HOSTS = {"cdn-a.dead.invalid": 6, "cdn-b.dead.invalid": 5}  # resources per article
REFUSED_PER_ARTICLE = 3
#: Blocked three ways: a `block:` host, a `block:` adblock filter, a hosts-format list file.
BLOCKED_PER_ARTICLE = 3
#: Resources each article gets from the site itself: its stylesheet (shared), the font and
#: image the stylesheet names (shared), and a lead image of its own.
OWN_PER_ARTICLE = 4
SITE_CSS = "@font-face { font-family: S; src: url(/fonts/serif.woff2); }\n"
SITE_CSS += "body { background: url(/img/bg.png); }\n"


@dataclass
class ResourceSite:
    base: str = ""
    refused: str = ""  # http://127.0.0.3:PORT: nothing listens there
    silent: str = ""  # http://127.0.0.4:PORT, if set: connections accepted, never answered
    redirect_to_ad: bool = False  # if set, each page has an image redirecting to an ad host
    articles: int = 12
    hits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def article_path(self, i: int) -> str:
        return f"/news/2026/11/{10 + i % 18:02d}/story-{i}"

    def article_paths(self) -> list[str]:
        return [self.article_path(i) for i in range(self.articles)]

    @property
    def needed_per_article(self) -> int:
        dead = sum(DEAD_HOSTS.values())
        return OWN_PER_ARTICLE + dead + REFUSED_PER_ARTICLE + BLOCKED_PER_ARTICLE

    def page(self, i: int) -> str:
        dead = "".join(
            f'<img src="http://{host}/img/{i}-{k}.png" alt="">'
            for host, count in DEAD_HOSTS.items()
            for k in range(count)
        )
        refused = "".join(
            f'<img src="{self.refused}/r/{i}-{k}.png" alt="">' for k in range(REFUSED_PER_ARTICLE)
        )
        if self.silent:
            refused += "".join(f'<img src="{self.silent}/s/{i}-{k}.png" alt="">' for k in range(4))
        if self.redirect_to_ad:
            refused += '<img src="/go/ad.png" alt="">'
        text = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Story {i} | The Resource Times</title>
<link rel="stylesheet" href="/css/site.css">
<script src="http://ads.blocked.invalid/ad-{i}.js"></script>
</head><body><article><h1>Story number {i} of the ferry timetable</h1>
<img src="/img/lead-{i}.png" alt="">{dead}{refused}
<img src="http://pixel.tracker.invalid/t.gif?story={i}" alt="">
<img src="/banners/b-{i}.png" alt="">
{text}</article></body></html>"""

    def config(self, directory: Path, **requisites: Any) -> Path:
        """A site config for this site (with a block list file beside it)."""
        (directory / "hosts.txt").write_text(
            "# a hosts-format block list\n0.0.0.0 pixel.tracker.invalid\n", encoding="utf-8"
        )
        rules = {
            "block": ["ads.blocked.invalid", "/banners/*"],
            "block_lists": ["hosts.txt"],
            **requisites,
        }
        lines = [f"  {key}: {value!r}" for key, value in rules.items()]
        path = directory / "res.yaml"
        path.write_text(
            f"""site: res
name: The Resource Times
allowed_domains: [127.0.0.1]
sections: [{{url: '{self.base}/news/'}}]
articles: {{allow: ['/news/\\d{{4}}/\\d{{2}}/\\d{{2}}/story-\\d+$']}}
crawl: {{download_delay: 0, concurrency: 4}}
requisites:
"""
            + "\n".join(lines).replace("'", '"')
            + "\n",
            encoding="utf-8",
        )
        return path


def _handler(site: ResourceSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with site.lock:
                site.hits.append(path)
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path == "/news/":
                links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in site.article_paths())
                self._send(200, f"<html><body><ul>{links}</ul></body></html>".encode(), "text/html")
            elif path.startswith("/news/") and path.rsplit("-", 1)[-1].isdigit():
                html = site.page(int(path.rsplit("-", 1)[-1]))
                self._send(200, html.encode(), "text/html; charset=utf-8")
            elif path == "/go/ad.png":
                self.send_response(302)
                self.send_header("Location", "http://ads.blocked.invalid/banner.png")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/css/site.css":
                self._send(200, SITE_CSS.encode(), "text/css")
            elif path.startswith("/fonts/"):
                self._send(200, b"wOF2 font", "font/woff2")
            elif path.endswith(".png"):
                self._send(200, PNG, "image/png")
            else:
                self._send(404, b"<h1>Not found</h1>", "text/html")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            send(self, status, body, content_type)

    return Handler


def closed_port(host: str) -> int:
    """A port on `host` that nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def silent_host(host: str = "127.0.0.4") -> Iterator[str]:
    """``http://HOST:PORT`` where connections are accepted and never answered."""
    with socket.socket() as listener:
        listener.bind((host, 0))
        listener.listen(64)
        yield f"http://{host}:{listener.getsockname()[1]}"


@contextmanager
def resource_site(articles: int = 12) -> Iterator[ResourceSite]:
    site = ResourceSite(articles=articles)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.refused = f"http://127.0.0.3:{closed_port('127.0.0.3')}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
