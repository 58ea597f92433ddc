"""Pages that redirect off the web (javascript:, mailto:), redirect loops, refused ports and
unresolvable hosts: archived as what they are, failures named in words, one User-Agent."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.crawl.errors import error_kind
from tests.crawling import crawl_config
from tests.oneoff_site import PARAGRAPHS
from tests.support import article_documents, run_archiver, serving, warc_files

ARTICLE = "/news/2026/11/27/ferry-sundays"
JS_REDIRECT = "/news/2026/11/27/js-redirect"
MAILTO_REDIRECT = "/news/2026/11/27/mailto-redirect"
JS_REFRESH = "/news/2026/11/27/js-refresh"
LOOP = "/news/2026/11/27/loop"
BIG = "/news/2026/11/27/big"
OFF_THE_WEB = (JS_REDIRECT, MAILTO_REDIRECT, JS_REFRESH)


def article(title: str, head: str = "") -> bytes:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        f'<p class="byline">By Ruth Kemp</p>{paragraphs}</article></body></html>'
    ).encode()


class HostileSite:
    """The site, and the User-Agent of every request it got."""

    def __init__(self) -> None:
        self.user_agents: list[str] = []
        self.paths: list[str] = []
        self.base = ""

    def sitemap(self, paths: Sequence[str] = (ARTICLE, *OFF_THE_WEB)) -> bytes:
        urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in paths)
        return (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>"
        ).encode()


def handler_for(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            site.user_agents.append(self.headers.get("User-Agent", ""))
            site.paths.append(self.path)
            if self.path == JS_REDIRECT:
                self.answer(302, b"<p>Moved</p>", location="javascript:alert(1)")
            elif self.path == MAILTO_REDIRECT:
                self.answer(301, b"<p>Write to us</p>", location="mailto:x@y")
            elif self.path == LOOP:
                self.answer(302, b"", location=LOOP)
            elif self.path == JS_REFRESH:
                refresh = '<meta http-equiv="refresh" content="0; url=javascript:go()">'
                self.answer(200, article("Sunday ferries, refreshed", refresh))
            elif self.path == BIG:
                self.answer(200, article("Big") + b" " * 100_000)
            elif self.path == ARTICLE:
                self.answer(200, article("Sunday ferries"))
            elif self.path == "/sitemap.xml":
                self.answer(200, site.sitemap(), "application/xml")
            elif self.path == "/loop-sitemap.xml":
                self.answer(200, site.sitemap([LOOP]), "application/xml")
            else:
                self.answer(404, b"not here")

        def answer(
            self,
            status: int,
            body: bytes,
            content_type: str = "text/html; charset=utf-8",
            location: str | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if location is not None:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture(scope="module")
def site() -> Iterator[HostileSite]:
    hostile = HostileSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(hostile))
    hostile.base = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server):
        yield hostile


def refused_url() -> str:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def response_statuses(archive: Path) -> dict[str, int]:
    """Target URI -> HTTP status of every response record."""
    found = {}
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    found[uri] = int(record.http_headers.get_statuscode())
    return found


def archive_json(archive: Path, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    done = run_archiver(
        "archive", "--archive", str(archive), "--ignore-robots", "--timeout", "10", "--json", *args
    )
    outcomes = json.loads(done.stdout) if done.stdout.strip() else []
    return done.returncode, outcomes, done.stderr


def test_redirects_and_refreshes_off_the_web_are_archived_as_what_they_are(
    site: HostileSite, tmp_path: Path
) -> None:
    urls = [site.base + p for p in OFF_THE_WEB]
    code, outcomes, stderr = archive_json(tmp_path / "archive", *urls)
    assert code == 0, stderr
    by_url = {o["url"]: o for o in outcomes}
    assert [by_url[u]["status"] for u in urls] == [302, 301, 200]
    assert all(by_url[u]["ok"] and by_url[u]["error"] is None for u in urls)
    assert all(by_url[u]["final_url"] == u for u in urls)  # nothing followed
    where = [by_url[u]["redirect_not_followed"] for u in urls]
    assert where == ["javascript:alert(1)", "mailto:x@y", "javascript:go()"]
    statuses = response_statuses(tmp_path / "archive")
    assert [statuses[u] for u in urls] == [302, 301, 200]
    # Each is a document: the refreshing page is the article it is; the redirects are not.
    assert [by_url[u]["is_article"] for u in urls] == [False, False, True]
    assert "not an article" in stderr and "ValueError" not in stderr


def test_failures_are_named_in_words(site: HostileSite, tmp_path: Path) -> None:
    loop, refused, unknown = site.base + LOOP, refused_url(), "http://nonexistent.invalid/"
    code, outcomes, stderr = archive_json(tmp_path / "archive", loop, refused, unknown)
    assert code == 1
    errors = {o["url"]: o["error"] for o in outcomes}
    assert errors == {loop: "redirect-loop", refused: "refused", unknown: "dns"}
    for kind in ("redirect-loop", "refused", "dns"):
        assert f"FAILED ({kind})" in stderr
    # Every hop of the loop is in the WARC all the same.
    assert response_statuses(tmp_path / "archive")[loop] == 302


def test_a_page_over_the_size_limit_is_too_large(site: HostileSite, tmp_path: Path) -> None:
    big = site.base + BIG
    code, outcomes, stderr = archive_json(tmp_path / "archive", big, "-s", "DOWNLOAD_MAXSIZE=20000")
    assert code == 1
    assert [o["error"] for o in outcomes] == ["too-large"]
    assert "FAILED (too-large)" in stderr


def test_a_crawl_does_not_retry_pages_that_redirect_off_the_web(
    site: HostileSite, tmp_path: Path
) -> None:
    config = tmp_path / "hostile.yaml"
    config.write_text(
        "site: hostile\nname: Hostile\nallowed_domains: [127.0.0.1]\n"
        f"sitemaps: [{site.base}/sitemap.xml]\n"
        "articles:\n  allow: ['/news/\\d{4}/']\n"
        "crawl: {download_delay: 0, concurrency: 8, obey_robots: false}\n",
        encoding="utf-8",
    )
    archive = tmp_path / "archive"
    first = crawl_config(config, archive)
    assert first.failure() is None, first.render()
    statuses = response_statuses(archive)
    assert [statuses[site.base + p] for p in OFF_THE_WEB] == [302, 301, 200]
    urls = {d["url"] for d in article_documents(archive)}
    assert {site.base + ARTICLE, site.base + JS_REFRESH} <= urls
    second = crawl_config(config, archive).to_dict()
    assert "article-retry" not in second["requests_by_kind"], second["requests_by_kind"]


def test_a_redirect_loop_in_a_crawl_is_counted_in_words(site: HostileSite, tmp_path: Path) -> None:
    config = tmp_path / "loop.yaml"
    config.write_text(
        "site: loop\nname: Loop\nallowed_domains: [127.0.0.1]\n"
        f"sitemaps: [{site.base}/loop-sitemap.xml]\n"
        "articles:\n  allow: ['/news/\\d{4}/']\n"
        "crawl: {download_delay: 0, concurrency: 8, obey_robots: false}\n",
        encoding="utf-8",
    )
    summary = crawl_config(config, tmp_path / "archive")
    assert summary.fetch_errors == {"redirect-loop": 1}
    assert "fetch errors (no response): redirect-loop: 1" in summary.render()


def test_archive_and_crawl_send_the_same_user_agent(site: HostileSite, tmp_path: Path) -> None:
    site.user_agents.clear()
    archive_json(tmp_path / "a", site.base + ARTICLE)
    from_archive = set(site.user_agents)
    site.user_agents.clear()
    config = tmp_path / "ua.yaml"
    config.write_text(
        "site: ua\nname: UA\nallowed_domains: [127.0.0.1]\n"
        f"sitemaps: [{site.base}/sitemap.xml]\n"
        "articles:\n  allow: ['/news/\\d{4}/']\n"
        "crawl: {download_delay: 0, concurrency: 8, obey_robots: false}\n",
        encoding="utf-8",
    )
    crawl_config(config, tmp_path / "c")
    from_crawl = set(site.user_agents)
    assert len(from_archive) == 1 and from_archive == from_crawl
    assert next(iter(from_archive)).startswith("archiver/")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://user:pass@127.0.0.1/", "user name or password"),
        ("http://127.0.0.1/" + "a" * 2100, "longer than 2,083 characters"),
    ],
)
def test_urls_with_credentials_or_too_long_exit_2(
    site: HostileSite, tmp_path: Path, url: str, says: str
) -> None:
    before = len(site.paths)
    done = run_archiver("archive", "--archive", str(tmp_path / "archive"), url)
    assert done.returncode == 2
    assert says in done.stderr
    assert "pass" not in done.stderr.replace("password", "")  # the password is not echoed
    assert len(site.paths) == before


def test_the_kinds_table_is_in_words() -> None:
    from scrapy.exceptions import DownloadCancelledError, IgnoreRequest

    from archiver.middlewares import TooManyRedirects

    assert error_kind(DownloadCancelledError("over DOWNLOAD_MAXSIZE")) == "too-large"
    assert error_kind(TooManyRedirects("max redirections reached")) == "redirect-loop"
    assert error_kind(IgnoreRequest("Forbidden by robots.txt")) == "robots"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "mailto:x@y", "tel:+4412345", "data:,x"])
def test_the_redirect_middlewares_leave_non_http_targets_alone(target: str) -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from archiver.middlewares import HeadMetaRefreshMiddleware, HttpRedirectMiddleware

    crawler = get_crawler()
    url = "https://news.example/a/story"
    request = Request(url)
    moved = HtmlResponse(url, status=302, headers={"Location": target}, request=request)
    assert HttpRedirectMiddleware.from_crawler(crawler).process_response(request, moved) is moved
    assert moved.status in request.meta["handle_httpstatus_list"]  # the spider gets it
    refresh = f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head></html>'
    request = Request(url)
    page = HtmlResponse(url, body=refresh.encode(), request=request)
    middleware = HeadMetaRefreshMiddleware.from_crawler(crawler)
    assert middleware.process_response(request, page) is page
    # An http(s) redirect is followed as before.
    request = Request(url)
    moved = HtmlResponse(url, status=301, headers={"Location": "/b"}, request=request)
    followed = HttpRedirectMiddleware.from_crawler(crawler).process_response(request, moved)
    assert isinstance(followed, Request) and followed.url == "https://news.example/b"


def test_a_url_never_fetched_says_so() -> None:
    from archiver.spiders.urls import UrlArchiveSpider

    spider = UrlArchiveSpider(urls=["http://127.0.0.1/a", "http://127.0.0.1/b"])
    spider.__dict__["resources"] = None  # no page-resource account: requisites are off
    spider.outcomes["http://127.0.0.1/a"].status = 200
    spider.closed("shutdown")
    assert [o.error for o in spider.outcomes.values()] == [None, "not-fetched"]
