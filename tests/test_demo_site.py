"""The demo site and its server: what they promise the crawl tests, checked over real HTTP."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree

import pytest

from archiver.config import load_site_config
from archiver.demo_site import build, load_manifest, running, serve

REPO = Path(__file__).resolve().parent.parent
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}


# --------------------------------------------------------------------------- helpers


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes  # as sent (still gzip-encoded if it was)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def body(self) -> bytes:
        """The payload, decoded from gzip if it was sent so."""
        return gzip.decompress(self.raw) if self.header("Content-Encoding") == "gzip" else self.raw

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    base_url: str, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Reply:
    """One request on its own connection; redirects are not followed, bodies not decoded."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


class _PageParser(HTMLParser):
    """Text, links, <h1>, canonical, JSON-LD and <html lang> of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.h1: list[str] = []
        self.canonical: str | None = None
        self.lang: str | None = None
        self.jsonld: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag in ("a", "link") and values.get("href"):
            self.links.append(values["href"] or "")
            if tag == "link" and values.get("rel") == "canonical":
                self.canonical = values["href"]
        if tag in ("img", "script") and values.get("src"):
            self.links.append(values["src"] or "")
        if tag == "script" and values.get("type") == "application/ld+json":
            self.jsonld.append("")
        if tag not in ("meta", "link", "img", "input", "br"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "script" in self._stack:
            if self.jsonld and self._stack[-1] == "script":
                self.jsonld[-1] += data
            return
        if "style" in self._stack:
            return
        self.text.append(data)
        if "h1" in self._stack:
            self.h1.append(data)


@dataclass
class Page:
    text: str
    links: list[str]
    h1: str
    canonical: str | None
    lang: str | None
    jsonld: list[Any]


def parse(html: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return Page(
        text=" ".join(" ".join(parser.text).split()),
        links=parser.links,
        h1=" ".join("".join(parser.h1).split()),
        canonical=parser.canonical,
        lang=parser.lang,
        jsonld=[json.loads(block) for block in parser.jsonld],
    )


def news_articles(jsonld: list[Any]) -> list[dict[str, Any]]:
    """NewsArticle nodes in a page's JSON-LD blocks (plain, list or @graph)."""
    nodes: list[Any] = []
    for block in jsonld:
        items = block if isinstance(block, list) else [block]
        for item in items:
            nodes += item.get("@graph", [item])
    return [n for n in nodes if n.get("@type") == "NewsArticle"]


def xml(reply: Reply) -> ElementTree.Element:
    assert reply.status == 200
    return ElementTree.fromstring(reply.body)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server, url = serve()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def articles(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return list(manifest["articles"])


# --------------------------------------------------------------------------- the content


def test_generated_site_is_up_to_date() -> None:
    """site/ and manifest.json are what build.py makes of the content (nobody edited them)."""
    assert build.differences() == [], "run: python -m archiver.demo_site.build"


def test_manifest_describes_a_varied_site(articles: list[dict[str, Any]]) -> None:
    pattern = re.compile(load_manifest()["article_path_pattern"])
    assert 25 <= len(articles) <= 40
    assert {a["section"] for a in articles} == {"news", "business", "culture"}
    assert len({a["canonical_path"] for a in articles}) == len(articles)
    assert all(pattern.match(a["canonical_path"]) for a in articles)
    assert all(250 <= a["word_count"] <= 700 for a in articles)
    with_jsonld = sum(a["has_jsonld"] for a in articles)
    assert len(articles) // 3 <= with_jsonld <= 2 * len(articles) // 3
    assert [a["language"] for a in articles].count("de") == 1
    assert sum(not a["authors"] for a in articles) == 1
    assert sum(len(a["authors"]) > 1 for a in articles) >= 3
    assert sum(a["path"] != a["canonical_path"] for a in articles) == 1
    assert sum(not (a["has_jsonld"] or a["has_meta"]) for a in articles) >= 4
    assert {a["jsonld_style"] for a in articles} >= {"plain", "list", "graph"}
    assert {a["layout"] for a in articles} == {"article", "story-body", "figure"}
    assert len({a["visible_date"][-3:] for a in articles}) >= 4  # GMT, BST, Uhr, years...
    edited = [a for a in articles if a["modified"]]
    assert len(edited) >= 4
    for a in articles:
        assert a["published"][-6] in "+-", a["published"]  # ISO 8601 with an offset
        if a["modified"]:
            assert a["modified"] > a["published"]
        assert a["body_sample"] and a["boilerplate_samples"]


def test_manifest_lists_the_broken_links(manifest: dict[str, Any]) -> None:
    pattern = re.compile(manifest["article_path_pattern"])
    assert len(manifest["missing_paths"]) == 1
    assert len(manifest["error_paths"]) == 1
    assert len(manifest["redirects"]) == 1
    canonical = {a["canonical_path"] for a in manifest["articles"]}
    for path in [*manifest["missing_paths"], *manifest["error_paths"]]:
        assert pattern.match(path) and path not in canonical
    for redirect in manifest["redirects"]:
        assert pattern.match(redirect["from"]) and redirect["to"] in canonical
        assert redirect["status"] == 301
    for path in manifest["non_article_paths"]:
        assert not pattern.match(path)


def test_demo_config_matches_the_site(manifest: dict[str, Any]) -> None:
    config = load_site_config(REPO / "configs" / "demo.yaml")
    base = manifest["site"]["default_base_url"]
    assert config.site == "demo" and config.name == manifest["site"]["name"]
    assert [s.url for s in config.sections] == [base + s["url"] for s in manifest["sections"]]
    assert all(s.max_pages == manifest["max_pages"] for s in config.sections)
    assert config.crawl.download_delay == 0 and config.crawl.obey_robots
    for art in manifest["articles"]:
        assert config.articles.matches(base + art["path"]), art["path"]
    for path in manifest["missing_paths"] + manifest["error_paths"]:
        assert config.articles.matches(base + path)
    others = manifest["non_article_paths"] + manifest["static_paths"]
    others += [f["path"] for f in manifest["feeds"]] + [s["path"] for s in manifest["sitemaps"]]
    for path in others:
        assert not config.articles.matches(base + path), path
    assert not config.articles.matches(base + "/private/news/2026/11/01/draft-story")


# --------------------------------------------------------------------------- articles


def test_every_article_is_served_as_the_manifest_says(
    base_url: str, articles: list[dict[str, Any]]
) -> None:
    for art in articles:
        reply = fetch(base_url, art["path"])
        assert reply.status == 200, art["path"]
        assert reply.header("Content-Type") == "text/html; charset=utf-8"
        page = parse(reply.text)
        assert page.h1 == art["title"]
        assert art["body_sample"] in page.text, art["path"]
        assert art["visible_date"] in page.text, art["path"]
        for sample in art["boilerplate_samples"]:
            assert sample in page.text, (art["path"], sample)
        assert page.lang is not None and page.lang.split("-")[0] == art["language"]
        if art["has_canonical_link"]:
            assert page.canonical == base_url + art["canonical_path"]
        else:
            assert page.canonical is None
        found = news_articles(page.jsonld)
        assert len(found) == (1 if art["has_jsonld"] else 0), art["path"]
        for node in found:
            assert node["headline"] == art["title"]
            assert node["datePublished"] == art["published"]
            assert node.get("dateModified") == art["modified"]
            assert node["inLanguage"].split("-")[0] == art["language"]
            assert node["url"] == base_url + art["canonical_path"]
        people = found[0].get("author", []) if found else []
        if people and "name" in people[0]:  # (in a @graph, authors are references)
            assert [p["name"] for p in people] == art["authors"]
        if art["authors"]:
            prefix = "Von" if art["language"] == "de" else "By"
            assert f"{prefix} {art['authors'][0]}" in page.text
        else:
            assert 'class="byline"' not in reply.text and not people
        assert "{{BASE_URL}}" not in reply.text


def test_meta_tags_on_most_articles(base_url: str, articles: list[dict[str, Any]]) -> None:
    with_meta = [a for a in articles if a["has_meta"]]
    assert len(with_meta) > len(articles) // 2
    for art in articles:
        html = fetch(base_url, art["canonical_path"]).text
        has_og = 'property="og:title"' in html
        assert has_og == art["has_meta"], art["path"]
        if art["has_meta"]:
            assert f'content="{art["published"]}"' in html
            assert f'<meta property="og:url" content="{base_url}{art["canonical_path"]}">' in html
            modified = 'property="article:modified_time"' in html
            assert modified == bool(art["modified"])


def test_tracking_query_serves_the_same_article(
    base_url: str, articles: list[dict[str, Any]]
) -> None:
    (art,) = [a for a in articles if a["path"] != a["canonical_path"]]
    assert "?" in art["path"]
    assert fetch(base_url, art["path"]).raw == fetch(base_url, art["canonical_path"]).raw


# --------------------------------------------------------------------------- HTTP behaviour


def test_gzip_only_when_the_client_accepts_it(
    base_url: str, articles: list[dict[str, Any]]
) -> None:
    path = articles[0]["path"]
    plain = fetch(base_url, path)
    assert plain.header("Content-Encoding") is None
    assert plain.header("Vary") == "Accept-Encoding"
    assert int(plain.header("Content-Length") or -1) == len(plain.raw)
    packed = fetch(base_url, path, {"Accept-Encoding": "gzip, deflate"})
    assert packed.header("Content-Encoding") == "gzip"
    assert packed.raw[:2] == b"\x1f\x8b"
    assert int(packed.header("Content-Length") or -1) == len(packed.raw) < len(plain.raw)
    assert packed.body == plain.raw
    assert fetch(base_url, path, {"Accept-Encoding": "gzip, deflate"}).raw == packed.raw
    assert packed.header("ETag") != plain.header("ETag")
    for refusal in ("gzip;q=0", "identity", "br"):
        assert fetch(base_url, path, {"Accept-Encoding": refusal}).raw == plain.raw
    for path in ("/static/style.css", "/sitemap.xml", "/news/rss.xml"):
        assert fetch(base_url, path, {"Accept-Encoding": "gzip"}).header("Content-Encoding")
    image = fetch(base_url, "/static/img/harbour.png", {"Accept-Encoding": "gzip"})
    assert image.header("Content-Encoding") is None
    assert image.header("Content-Type") == "image/png"


def test_conditional_requests_get_304(base_url: str, articles: list[dict[str, Any]]) -> None:
    art = next(a for a in articles if a["modified"])
    first = fetch(base_url, art["path"], {"Accept-Encoding": "gzip"})
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and modified
    assert parsedate_to_datetime(modified).isoformat() == art["modified"]
    again = fetch(base_url, art["path"], {"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert again.status == 304 and again.raw == b"" and again.header("ETag") == etag
    # The tag of the gzip representation also validates the identity one (weak comparison).
    assert fetch(base_url, art["path"], {"If-None-Match": f"W/{etag}"}).status == 304
    assert fetch(base_url, art["path"], {"If-None-Match": '"other"'}).status == 200
    assert fetch(base_url, art["path"], {"If-Modified-Since": modified}).status == 304
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2025), usegmt=True)
    assert fetch(base_url, art["path"], {"If-Modified-Since": earlier}).status == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert fetch(base_url, art["path"], both).status == 200


def test_chunked_path_has_no_content_length(base_url: str, manifest: dict[str, Any]) -> None:
    (path,) = manifest["chunked_paths"]
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        reply = fetch(base_url, path, headers)
        assert reply.status == 200
        assert reply.header("Transfer-Encoding") == "chunked"
        assert reply.header("Content-Length") is None
        assert "Older stories" in reply.text
    other = fetch(base_url, "/news/")
    assert other.header("Transfer-Encoding") is None and other.header("Content-Length")


def test_error_statuses_and_redirects(base_url: str, manifest: dict[str, Any]) -> None:
    for path in manifest["missing_paths"] + ["/no/such/page", "/news/2026/01/01/nothing"]:
        reply = fetch(base_url, path)
        assert reply.status == 404, path
        assert reply.header("Content-Type") == "text/html; charset=utf-8"
        assert "Page not found" in reply.text
        assert int(reply.header("Content-Length") or -1) == len(reply.raw)
    for path in manifest["error_paths"]:
        reply = fetch(base_url, path)
        assert reply.status == 500 and "Something went wrong" in reply.text
    for redirect in manifest["redirects"]:
        reply = fetch(base_url, redirect["from"])
        assert reply.status == redirect["status"]
        assert reply.header("Location") == base_url + redirect["to"]
        assert fetch(base_url, redirect["to"]).status == 200
    assert fetch(base_url, "/news").header("Location") == base_url + "/news/"
    for sneaky in ("/../manifest.json", "/_errors/404.html", "/news/../news/", "/%2e%2e/x"):
        assert fetch(base_url, sneaky).status == 404, sneaky
    head = fetch(base_url, "/news/", method="HEAD")
    assert head.status == 200 and head.raw == b"" and int(head.header("Content-Length") or 0)
    assert fetch(base_url, "/news/", method="POST").status == 405


def test_absolute_urls_follow_the_host_the_client_used(base_url: str) -> None:
    port = urlsplit(base_url).port
    reply = fetch(base_url, "/robots.txt", {"Host": f"localhost:{port}"})
    assert f"Sitemap: http://localhost:{port}/sitemap.xml" in reply.text
    bad = fetch(base_url, "/robots.txt", {"Host": "evil<script>"})
    assert f"Sitemap: {base_url}/sitemap.xml" in bad.text


# --------------------------------------------------------------------------- robots and feeds


def test_robots_txt(base_url: str, manifest: dict[str, Any]) -> None:
    reply = fetch(base_url, "/robots.txt")
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    robots = RobotFileParser()
    robots.parse(reply.text.splitlines())
    assert not robots.can_fetch("archiver", base_url + "/private/")
    for art in manifest["articles"]:
        assert robots.can_fetch("archiver", base_url + art["path"])
    assert robots.site_maps() == [base_url + s["path"] for s in manifest["sitemaps"]]


def test_sitemaps_list_exactly_the_articles(base_url: str, manifest: dict[str, Any]) -> None:
    expected = {base_url + a["canonical_path"]: a for a in manifest["articles"]}
    plain = xml(fetch(base_url, "/sitemap.xml"))
    urls = plain.findall("sm:url", NS)
    assert sorted(u.findtext("sm:loc", namespaces=NS) or "" for u in urls) == sorted(expected)
    for url in urls:
        art = expected[url.findtext("sm:loc", namespaces=NS) or ""]
        assert url.findtext("sm:lastmod", namespaces=NS) == (art["modified"] or art["published"])
    news = xml(fetch(base_url, "/news-sitemap.xml"))
    urls = news.findall("sm:url", NS)
    assert sorted(u.findtext("sm:loc", namespaces=NS) or "" for u in urls) == sorted(expected)
    for url in urls:
        art = expected[url.findtext("sm:loc", namespaces=NS) or ""]
        assert url.findtext("news:news/news:publication_date", namespaces=NS) == art["published"]
        assert url.findtext("news:news/news:title", namespaces=NS) == art["title"]
        lang = url.findtext("news:news/news:publication/news:language", namespaces=NS)
        assert lang == art["language"]


def test_feeds_list_their_sections_articles(base_url: str, manifest: dict[str, Any]) -> None:
    by_url = {base_url + a["canonical_path"]: a for a in manifest["articles"]}
    for feed in manifest["feeds"]:
        reply = fetch(base_url, feed["path"])
        root = xml(reply)
        expected = {u for u, a in by_url.items() if a["section"] == feed["section"]}
        if feed["format"] == "rss":
            assert reply.header("Content-Type") == "application/rss+xml; charset=utf-8"
            assert root.tag == "rss" and root.get("version") == "2.0"
            items = root.findall("channel/item")
            links = [i.findtext("link") or "" for i in items]
            for item in items:
                art = by_url[item.findtext("link") or ""]
                when = parsedate_to_datetime(item.findtext("pubDate") or "")
                assert when.isoformat() == art["published"]
                assert item.findtext("title") == art["title"]
        else:
            assert reply.header("Content-Type") == "application/atom+xml; charset=utf-8"
            assert root.tag == "{http://www.w3.org/2005/Atom}feed"
            entries = root.findall("atom:entry", NS)
            links = [e.findtext("atom:id", namespaces=NS) or "" for e in entries]
            for entry in entries:
                art = by_url[entry.findtext("atom:id", namespaces=NS) or ""]
                assert entry.findtext("atom:published", namespaces=NS) == art["published"]
                names = [n.text for n in entry.findall("atom:author/atom:name", NS)]
                assert names == art["authors"]
        assert sorted(links) == sorted(expected)


# --------------------------------------------------------------------------- listings and links


def _article_links(page: Page, page_url: str) -> set[str]:
    pattern = re.compile(load_manifest()["article_path_pattern"])
    out = set()
    for link in page.links:
        url, _ = urldefrag(urljoin(page_url, link))
        parts = urlsplit(url)
        if pattern.match(parts.path):
            out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_every_article_is_listed_within_max_pages(base_url: str, manifest: dict[str, Any]) -> None:
    special = {*manifest["missing_paths"], *manifest["error_paths"]}
    special |= {r["from"] for r in manifest["redirects"]}
    listed: dict[str, set[str]] = {}
    for section in manifest["sections"]:
        path: str | None = section["url"]
        walked: list[str] = []
        found: set[str] = set()
        while path and len(walked) < manifest["max_pages"]:
            walked.append(path)
            reply = fetch(base_url, path)
            assert reply.status == 200
            page = parse(reply.text)
            found |= _article_links(page, base_url + path)
            nexts = re.findall(r'<link rel="next" href="([^"]+)">', reply.text)
            buttons = re.findall(r'<a rel="next" class="next" href="([^"]+)">Older', reply.text)
            assert nexts == buttons
            path = nexts[0] if nexts else None
        assert walked == section["pages"]
        assert path == (section["pages_beyond_max"] or [None])[0]
        # A listing links only its own section's stories (a crawl records where it found them).
        assert all(p.startswith(f"/{section['name']}/") for p in found)
        listed[section["name"]] = found
    for art in manifest["articles"]:
        assert art["path"] in listed[art["section"]], art["path"]
    every = set().union(*listed.values())
    assert special <= every
    assert every <= {a["path"] for a in manifest["articles"]} | special
    for beyond in (p for s in manifest["sections"] for p in s["pages_beyond_max"]):
        reply = fetch(base_url, beyond)
        assert reply.status == 200 and not _article_links(parse(reply.text), base_url + beyond)


def test_listings_repeat_some_articles(base_url: str, manifest: dict[str, Any]) -> None:
    """Leads, "most read" boxes and the front page link stories more than once."""
    home = parse(fetch(base_url, "/").text)
    home_links = [link for link in home.links if re.match(r"/\w+/\d{4}/", link)]
    assert len(home_links) > len(set(home_links)) >= 10
    first = parse(fetch(base_url, manifest["sections"][0]["url"]).text)
    links = [link for link in first.links if re.match(r"/\w+/\d{4}/", link)]
    assert len(links) > len(set(links))


def test_every_link_resolves(base_url: str, manifest: dict[str, Any]) -> None:
    """Crawl everything reachable: only the manifest's special paths may fail or redirect."""
    allowed = {p: 404 for p in manifest["missing_paths"]}
    allowed |= {p: 500 for p in manifest["error_paths"]}
    allowed |= {r["from"]: r["status"] for r in manifest["redirects"]}
    seeds = ["/", *manifest["non_article_paths"], *manifest["static_paths"]]
    seeds += [f["path"] for f in manifest["feeds"]] + [s["path"] for s in manifest["sitemaps"]]
    queue = [*seeds, manifest["robots"]["path"]]
    seen = set(queue)
    statuses: dict[str, int] = {}
    while queue:
        target = queue.pop()
        reply = fetch(base_url, target)
        statuses[target] = reply.status
        path = urlsplit(target).path
        assert reply.status == allowed.get(path, 200), target
        if reply.status != 200 or "text/html" not in (reply.header("Content-Type") or ""):
            continue
        for link in parse(reply.text).links:
            url, _ = urldefrag(urljoin(base_url + target, link))
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base_url:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                seen.add(local)
                queue.append(local)
    assert len(statuses) > 60
    assert {a["path"] for a in manifest["articles"]} <= set(statuses)
    assert set(allowed) <= set(statuses)


def test_static_files(base_url: str, manifest: dict[str, Any]) -> None:
    for path in manifest["static_paths"]:
        reply = fetch(base_url, path)
        assert reply.status == 200 and reply.raw
        if path.endswith(".png"):
            data = reply.body
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            start = data.index(b"IDAT") + 4
            length = int.from_bytes(data[start - 8 : start - 4], "big")
            pixels = zlib.decompress(data[start : start + length])
            assert len(pixels) == height * (width + 1)
        elif path.endswith(".svg"):
            assert ElementTree.fromstring(reply.body).tag == "{http://www.w3.org/2000/svg}svg"
    css = fetch(base_url, "/static/style.css")
    assert css.header("Content-Type") == "text/css; charset=utf-8"


# --------------------------------------------------------------------------- starting it


def test_running_context_manager_stops_the_server() -> None:
    with running() as url:
        assert fetch(url, "/").status == 200
    with pytest.raises(OSError):
        fetch(url, "/")


def test_command_line_writes_port_file_and_stays_quiet(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver.demo_site", "--port", "0", "--port-file", str(port_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stderr is not None
    try:
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()):
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        port = int(port_file.read_text())
        line = proc.stderr.readline()
        assert line == f"Demo site serving on http://127.0.0.1:{port}/\n"
        assert fetch(f"http://127.0.0.1:{port}", "/").status == 200
        # The port is taken now: a second server says so and exits 1.
        clash = subprocess.run(
            [sys.executable, "-m", "archiver.demo_site", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=REPO,
        )
        assert clash.returncode == 1 and "Cannot serve" in clash.stderr
    finally:
        proc.terminate()
        rest = proc.stderr.read()
        proc.stderr.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert rest == ""  # no per-request logging unless --verbose
