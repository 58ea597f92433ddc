"""A news site behind a login, another host for its images, and a forwarding proxy.

The site (127.0.0.1) answers its front page and articles only to a request carrying the
session cookie: without it the front page redirects to /login and an article is 403 (its
public feed lists the articles all the same). Each article names an image on a second host
(``localhost``, another port: not one of the site's hosts) and one on the site that redirects
there. Every server records what each request carried, so a test can tell which host got the
cookie and the header. Nothing ever echoes a cookie or a header back. All three run in
threads of the test process.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.hostile_site import article_html, stories
from tests.oneoff_site import send

#: The session cookie the site wants, and the library card header it records.
COOKIE_NAME = "libsession"
SESSION = "s3ss10n-7f0c2a9e1b4d4e2f8a6c"
CARD_HEADER = "X-Library-Card"
CARD = "card-5521-0098-7766"
ARTICLES = 3
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@dataclass
class Seen:
    """One request a server got: its host header, path, and the headers that matter here."""

    host: str
    path: str
    cookie: str | None
    card: str | None
    authorization: str | None
    browser: bool = False  # sent by Chromium (it names Sec-Fetch-Dest), not by Scrapy


@dataclass
class LoginSite:
    base: str = ""  # http://127.0.0.1:PORT
    cdn: str = ""  # http://localhost:PORT
    proxy: str = ""  # http://127.0.0.1:PORT
    seen: list[Seen] = field(default_factory=list)  # the site's and the CDN's requests
    proxied: list[str] = field(default_factory=list)  # absolute URLs the proxy forwarded
    proxy_auth: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def article_paths(self) -> list[str]:
        return [f"/news/2026/11/{20 + i}/{stories()[i].slug}" for i in range(ARTICLES)]

    def config(self, directory: Path, request: str = "", render: str = "never") -> Path:
        """A site config for the site's front page; ``request`` is YAML added at the end."""
        name = "login.yaml"
        path = directory / name
        path.write_text(
            f"""site: login
name: The Subscribers' Gazette
allowed_domains: [127.0.0.1]
sections:
  - url: {self.base}/
feeds: [{self.base}/feed.xml]
articles: {{allow: ['/news/']}}
crawl: {{download_delay: 0, obey_robots: true, render: {render}}}
requisites: {{default_blocklist: false}}
{request}""",
            encoding="utf-8",
        )
        return path

    def seen_on(self, host: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.host == host]


def _logged_in(handler: BaseHTTPRequestHandler) -> bool:
    cookies = handler.headers.get_all("Cookie") or []
    pairs = [p.strip() for c in cookies for p in c.split(";")]
    return f"{COOKIE_NAME}={SESSION}" in pairs


def _site_handler(site: LoginSite, *, cdn: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            host = "localhost" if cdn else "127.0.0.1"
            with site.lock:
                site.seen.append(
                    Seen(
                        host,
                        path,
                        self.headers.get("Cookie"),
                        self.headers.get(CARD_HEADER),
                        self.headers.get("Authorization"),
                        "Sec-Fetch-Dest" in self.headers,
                    )
                )
            if cdn:
                send(self, 200, PNG, "image/png")
            elif path == "/robots.txt":
                send(self, 200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path == "/feed.xml":  # public: lists the articles, logged in or not
                items = "".join(
                    f"<item><title>story</title><link>{site.base}{p}</link></item>"
                    for p in site.article_paths()
                )
                feed = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
                send(self, 200, feed.encode(), "application/rss+xml")
            elif path == "/login":
                send(self, 200, b"<h1>Please log in</h1><form></form>", "text/html")
            elif path == "/img/moved.png":
                self.send_response(302)
                self.send_header("Location", f"{site.cdn}/img/moved.png")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/img/local.png":
                send(self, 200, PNG, "image/png")
            elif not _logged_in(self):
                if path == "/":
                    self.send_response(302)
                    self.send_header("Location", "/login")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    send(self, 403, b"<h1>Subscribers only</h1>", "text/html")
            elif path == "/":
                links = "".join(f'<li><a href="{p}">story</a></li>' for p in site.article_paths())
                send(self, 200, f"<html><body><ul>{links}</ul></body></html>".encode(), "text/html")
            elif path in site.article_paths():
                story = stories()[site.article_paths().index(path)]
                images = (
                    f'<img src="{site.cdn}/img/{story.slug}.png">'
                    '<img src="/img/moved.png"><img src="/img/local.png">'
                )
                page = article_html(story).replace("</body>", images + "</body>")
                send(self, 200, page.encode(), "text/html; charset=utf-8")
            else:
                send(self, 404, b"<h1>Not found</h1>", "text/html")

    return Handler


def _proxy_handler(site: LoginSite) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        """A plain forwarding HTTP proxy (absolute-form GETs only): records, then relays."""

        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with site.lock:
                site.proxied.append(self.path)
                site.proxy_auth.append(self.headers.get("Proxy-Authorization"))
            target = urlsplit(self.path)
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
            }
            conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
            try:
                path = target.path + (f"?{target.query}" if target.query else "")
                conn.request("GET", path, headers=headers)
                answer = conn.getresponse()
                body = answer.read()
            finally:
                conn.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Proxy


def _serve(host: str, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def login_site() -> Iterator[LoginSite]:
    """The site, its image host and the proxy on free ports of 127.0.0.1."""
    site = LoginSite()
    servers = [
        _serve("127.0.0.1", _site_handler(site, cdn=False)),
        _serve("127.0.0.1", _site_handler(site, cdn=True)),
        _serve("127.0.0.1", _proxy_handler(site)),
    ]
    site.base = f"http://127.0.0.1:{servers[0].server_address[1]}"
    site.cdn = f"http://localhost:{servers[1].server_address[1]}"
    site.proxy = f"http://127.0.0.1:{servers[2].server_address[1]}"
    try:
        yield site
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
