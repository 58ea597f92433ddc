"""A hostile news site: good articles, and beside them one URL per fault a crawler meets.

Connection reset mid-answer, a slow drip, 500, 503 with Retry-After, a redirect loop,
redirects and refreshes off the web, binary data as text/html, wrong and unknown charsets,
truncated HTML, a gzip bomb, an invalid feed and sitemap, a garbage robots.txt and an endless
pagination trap. It runs in a thread of the test process (as ``tests/resource_site.py``) and
records every path asked for.

Every page is one row of `ROUTES` (path -> how to answer); the home page links every path of
`LINKED`. A new fault (the same article under ``utm_*`` and AMP URLs, say) is one function, one
row, and its path in `LINKED` if the home page should list it.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from archiver.demo_site.content import Story, all_stories
from archiver.demo_site.markup import is_paragraph, plain_text
from tests.oneoff_site import send

DAY = "/news/2026/11/30/"
#: The article rule of the site's config: the good articles and every fault page match it, and
#: so do their variants with a query string or fragment (so only URL cleaning folds them).
ARTICLE_RULE = r"/news/\d{4}/\d{2}/\d{2}/[\w-]+(?:$|[?#])"
GOOD_ARTICLES = 6
#: Seconds between two bytes of the slow drip (the test's DOWNLOAD_TIMEOUT is far shorter
#: than the drip's whole body takes).
DRIP_INTERVAL = 0.5
DRIP_BYTES = 400
RETRY_AFTER = "120"
TRAP = "/archive/"
AMP_PREFIX = "/amp"  # /amp/news/...: the AMP version of a good article

# Fault pages: each is linked from the home page and matches the article rule.
RESET = DAY + "connection-reset"
SLOW = DAY + "slow-drip"
ERROR_500 = DAY + "server-error"
UNAVAILABLE = DAY + "unavailable-retry-after"
LOOP = DAY + "redirect-loop"
TO_JAVASCRIPT = DAY + "redirect-to-javascript"
REFRESH_MAILTO = DAY + "refresh-to-mailto"
BINARY = DAY + "binary-as-html"
LATIN1_SAYS = DAY + "utf8-declared-latin1"  # UTF-8 bytes, Content-Type says ISO-8859-1
UTF8_SAYS = DAY + "cp1252-declared-utf8"  # windows-1252 bytes, Content-Type says UTF-8
BOGUS_CHARSET = DAY + "unknown-charset"  # charset=x-bogus
TRUNCATED = DAY + "truncated-html"
BOMB = DAY + "gzip-bomb"

#: Articles served with a charset that lies or is unknown, and the story each one is.
CHARSET_STORIES = {LATIN1_SAYS: 13, UTF8_SAYS: 18, BOGUS_CHARSET: 27}
CHARSET_PAGES = tuple(CHARSET_STORIES)
READABLE_FAULTS = (*CHARSET_PAGES, TRUNCATED, REFRESH_MAILTO)


def stories() -> list[Story]:
    """The demo site's stories (fiction, with pound signs, accents and curly quotes)."""
    return all_stories()


def paragraphs(story: Story) -> list[str]:
    return [plain_text(b) for b in story.body if is_paragraph(b)]


def article_html(story: Story, charset: str = "utf-8", extra_head: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs(story))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">{extra_head}
<title>{story.title} | The Hostile Herald</title></head><body>
<header><a href="/">The Hostile Herald</a></header>
<article><h1>{story.title}</h1><p class="byline">By {", ".join(story.authors)}</p>
{body}</article></body></html>"""


@dataclass
class HostileSite:
    """The running site: its base URL, and every path asked for (with its query)."""

    base: str = ""
    hits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    bomb: bytes = b""  # a gzip bomb's bytes, if the caller built one (tests/test_size_limits)

    def good_paths(self) -> list[str]:
        return [good_path(i) for i in range(GOOD_ARTICLES)]

    def hit_count(self, path: str) -> int:
        with self.lock:
            return sum(1 for p in self.hits if urlsplit(p).path == path)

    def config(self, directory: Path, trap_pages: int = 5) -> Path:
        """A site config: the home page, the pagination trap (walked `trap_pages` deep), the
        feed and the sitemap; robots.txt obeyed."""
        path = directory / "hostile.yaml"
        path.write_text(
            f"""site: hostile
name: The Hostile Herald
allowed_domains: [127.0.0.1]
sections:
  - url: {self.base}/
  - url: {self.base}{TRAP}?page=1
    name: archive
    max_pages: {trap_pages}
feeds: [{self.base}/feed.xml]
sitemaps: [{self.base}/sitemap.xml]
articles: {{allow: ['{ARTICLE_RULE}']}}
crawl: {{download_delay: 0, concurrency: 8, obey_robots: true}}
""",
            encoding="utf-8",
        )
        return path


def good_path(i: int) -> str:
    return f"/news/2026/11/{20 + i}/{stories()[i].slug}"


Answer = Callable[["Handler", HostileSite], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: HostileSite

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        with self.site.lock:
            self.site.hits.append(self.path)
        path = urlsplit(self.path).path
        answer = ROUTES.get(path)
        if answer is None and path in self.site.good_paths():
            answer = good_article
        if answer is None and path.removeprefix(AMP_PREFIX) in self.site.good_paths():
            answer = amp_article
        if answer is None:
            send(self, 404, b"<h1>Not found</h1>", "text/html; charset=utf-8")
        else:
            answer(self, self.site)

    def head(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()

    def redirect(self, status: int, location: str) -> None:
        self.head(status, [("Location", location), ("Content-Length", "0")])


def html(status: int, text: str, charset: str = "utf-8") -> Answer:
    def answer(handler: Handler, site: HostileSite) -> None:
        send(handler, status, text.encode(charset), f"text/html; charset={charset}")

    return answer


def variants() -> list[str]:
    """Good articles linked again under tracking parameters, a fragment and AMP addresses."""
    return [
        f"{good_path(0)}?utm_source=twitter&utm_medium=social",
        f"{good_path(0)}#comments",
        f"{good_path(1)}?fbclid=IwAR0x2b",
        f"{AMP_PREFIX}{good_path(1)}",
        f"{good_path(2)}?amp=1",
        f"{good_path(2)}?utm_campaign=newsletter#top",
    ]


def home(handler: Handler, site: HostileSite) -> None:
    listed = [*site.good_paths(), *variants(), *LINKED]
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in listed)
    page = (
        "<!DOCTYPE html><html><head><title>The Hostile Herald</title></head><body>"
        f'<ul>{links}</ul><a href="{TRAP}?page=1">Archive</a></body></html>'
    )
    send(handler, 200, page.encode(), "text/html; charset=utf-8")


def good_article(handler: Handler, site: HostileSite) -> None:
    i = site.good_paths().index(urlsplit(handler.path).path)
    send(handler, 200, article_html(stories()[i]).encode(), "text/html; charset=utf-8")


def amp_article(handler: Handler, site: HostileSite) -> None:
    """The AMP version of a good article: marked as AMP, its canonical link the article."""
    path = urlsplit(handler.path).path.removeprefix(AMP_PREFIX)
    canonical = f'<link rel="canonical" href="{site.base}{path}">'
    page = article_html(stories()[site.good_paths().index(path)], extra_head=canonical)
    page = page.replace('<html lang="en">', '<html amp lang="en">', 1)
    send(handler, 200, page.encode(), "text/html; charset=utf-8")


def trap(handler: Handler, site: HostileSite) -> None:
    """An archive page whose "next" link never ends (and a calendar that never does either);
    each lists the first good article again."""
    page = int((parse_qs(urlsplit(handler.path).query).get("page") or ["1"])[0])
    text = (
        f"<!DOCTYPE html><html><head><title>Archive, page {page}</title>"
        f'<link rel="next" href="{TRAP}?page={page + 1}"></head><body>'
        f'<a href="{good_path(0)}">{stories()[0].title}</a>'
        f'<a href="/archive/{2026 + page // 12}/{page % 12 + 1:02d}/">Next month</a>'
        f'<a class="next" rel="next" href="{TRAP}?page={page + 1}">Older</a></body></html>'
    )
    send(handler, 200, text.encode(), "text/html; charset=utf-8")


def connection_reset(handler: Handler, site: HostileSite) -> None:
    """Headers promising 20,000 bytes, 500 of them, then a TCP reset."""
    handler.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "20000")])
    handler.wfile.write(article_html(stories()[6]).encode()[:500])
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def slow_drip(handler: Handler, site: HostileSite) -> None:
    """One byte every DRIP_INTERVAL seconds, until the client hangs up."""
    body = article_html(stories()[7]).encode()[:DRIP_BYTES]
    handler.head(200, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
    with contextlib.suppress(OSError):
        for i in range(len(body)):
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()
            time.sleep(DRIP_INTERVAL)
    handler.close_connection = True


def unavailable(handler: Handler, site: HostileSite) -> None:
    body = b"<h1>Down for maintenance</h1>"
    headers = [("Retry-After", RETRY_AFTER), ("Content-Type", "text/html")]
    handler.head(503, [*headers, ("Content-Length", str(len(body)))])
    handler.wfile.write(body)


def binary(handler: Handler, site: HostileSite) -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(20_000))
    send(handler, 200, noise, "text/html")


def served_as(declared: str, actual: str, index: int) -> Answer:
    """An article whose bytes are `actual` while its Content-Type says `declared`."""

    def answer(handler: Handler, site: HostileSite) -> None:
        page = article_html(stories()[index], charset=declared).encode(actual)
        send(handler, 200, page, f"text/html; charset={declared}")

    return answer


def truncated(handler: Handler, site: HostileSite) -> None:
    """An article cut off in the middle of its last paragraph's tag (Content-Length is right)."""
    page = article_html(stories()[9]).encode()
    send(handler, 200, page[: page.rindex(b"</p>") + 3], "text/html; charset=utf-8")


def gzip_bomb(handler: Handler, site: HostileSite) -> None:
    handler.head(
        200,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(site.bomb))),
        ],
    )
    with contextlib.suppress(OSError):
        handler.wfile.write(site.bomb)


def feed(handler: Handler, site: HostileSite) -> None:
    """An RSS feed that is not XML: an HTML error page where the feed should be."""
    page = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</body></html>"
    send(handler, 200, page, "application/rss+xml")


def sitemap(handler: Handler, site: HostileSite) -> None:
    """A sitemap cut off mid-element (lxml recovers the URLs before the cut)."""
    urls = "".join(f"<url><loc>{site.base}{p}</loc></url>" for p in site.good_paths()[:3])
    text = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    text += f"{urls}<url><loc>{site.base}/news/20"
    send(handler, 200, text.encode(), "application/xml")


#: Binary bytes and lines that are no robots.txt rule (none of them forbids anything).
GARBAGE_ROBOTS = (
    b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x00garbage\n"
    b"User-agent *\n:::: ::::\nCrawl-delay: forever\nNoindex-please: /news/\n"
    b"\xc3\x28\xa0\xa1 \xf0\x28\x8c\xbc\n"
    + bytes(range(256))
    + b"\n<html><body>404</body></html>\n"
)


def robots(handler: Handler, site: HostileSite) -> None:
    send(handler, 200, GARBAGE_ROBOTS, "text/plain")


#: Faults the home page links to, as an article would be.
LINKED = (
    RESET,
    SLOW,
    ERROR_500,
    UNAVAILABLE,
    LOOP,
    TO_JAVASCRIPT,
    REFRESH_MAILTO,
    BINARY,
    *CHARSET_PAGES,
    TRUNCATED,
    BOMB,
)

#: Every path the site answers (besides the good articles and their AMP versions under
#: AMP_PREFIX), whatever its query: a good article's `utm_*` variants answer as it does.
ROUTES: dict[str, Answer] = {
    "/": home,
    "/robots.txt": robots,
    "/feed.xml": feed,
    "/sitemap.xml": sitemap,
    TRAP: trap,
    RESET: connection_reset,
    SLOW: slow_drip,
    ERROR_500: html(500, "<h1>Internal Server Error</h1>"),
    UNAVAILABLE: unavailable,
    LOOP: lambda handler, site: handler.redirect(302, LOOP),
    TO_JAVASCRIPT: lambda handler, site: handler.redirect(302, "javascript:alert(1)"),
    REFRESH_MAILTO: lambda handler, site: send(
        handler,
        200,
        article_html(
            stories()[12], extra_head='<meta http-equiv="refresh" content="0; url=mailto:x@y">'
        ).encode(),
        "text/html; charset=utf-8",
    ),
    BINARY: binary,
    LATIN1_SAYS: served_as("iso-8859-1", "utf-8", CHARSET_STORIES[LATIN1_SAYS]),
    UTF8_SAYS: served_as("utf-8", "windows-1252", CHARSET_STORIES[UTF8_SAYS]),
    BOGUS_CHARSET: served_as("x-bogus", "utf-8", CHARSET_STORIES[BOGUS_CHARSET]),
    TRUNCATED: truncated,
    BOMB: gzip_bomb,
}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the crawler hangs up on the drip and the bomb: expected here


@contextmanager
def hostile_site(bomb: bytes = b"") -> Iterator[HostileSite]:
    """Serve the site on 127.0.0.1 (a free port) in a thread; `bomb` is what BOMB answers."""
    site = HostileSite(bomb=bomb)
    server = _QuietServer(("127.0.0.1", 0), type("Handler", (Handler,), {"site": site}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
