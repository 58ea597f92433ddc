"""One article, however a site links it: tracking parameters, fragments and AMP variants are
mapped to one URL, which is fetched, captured and stored once (the config's `urls:` block)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from archiver.config import ConfigError, load_site_config, parse_site_config
from archiver.crawl.normalise import UrlCleaner, is_tracking_param
from archiver.store.identity import article_id
from tests.crawling import crawl_config
from tests.support import article_documents, run_archiver, warc_files

SITE = "https://news.example.org"
CLEANER = UrlCleaner(main_hosts=frozenset({"www.example.org"}))

# --------------------------------------------------------------------------- the normaliser


@pytest.mark.parametrize(
    "link",
    [
        "/a/x.html?utm_source=tw&utm_medium=social",
        "/a/x.html#comments",
        "/a/x.html?fbclid=IwAR0abc",
        "/a/x.html?gclid=1&mc_eid=2&_ga=3&ref=homepage",
        "/amp/a/x.html",
        "/a/x.html/amp",
        "/a/x.html?amp=1",
        "/a/x.html?amp",
        "/a/x.html?outputType=amp",
        "/a/x.amp.html",
        "/amp/a/x.html?utm_campaign=y#top",
    ],
)
def test_variants_of_one_article_clean_to_its_url(link: str) -> None:
    assert CLEANER.clean(SITE + link) == SITE + "/a/x.html"


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/sport/camping.html",
        f"{SITE}/ampersand/",
        f"{SITE}/amp/",  # the AMP home page: no page to map it to
        f"{SITE}/a/champions-league.html",
        f"{SITE}/a/x.html?amp=0",
        f"{SITE}/a/x.html?outputType=print",
        f"{SITE}/search?q=amp&page=2",
        f"{SITE}/story?id=42&gallery=3&game=7&refresh=1&resource=a",  # words, not trackers
        f"{SITE}/a?b=%20c&&d&e=",  # order, encoding and empty pieces stay as they are
        "https://amp.localhost/a/x.html",
    ],
)
def test_urls_without_tracking_or_amp_markers_are_left_exactly_as_they_are(url: str) -> None:
    assert CLEANER.clean(url) == url


def test_only_the_tracking_parameters_go_and_the_rest_keep_their_order() -> None:
    url = f"{SITE}/story?z=1&utm_source=x&id=42&fbclid=y&a=%2F"
    assert CLEANER.clean(url) == f"{SITE}/story?z=1&id=42&a=%2F"


def test_an_amp_host_maps_to_the_sites_main_host() -> None:
    assert CLEANER.clean("https://amp.example.org/a/x.html") == "https://www.example.org/a/x.html"
    other = "https://amp.example.com:8443/a/x.html"
    assert CLEANER.clean(other) == "https://example.com:8443/a/x.html"


def test_keep_params_and_strip_params() -> None:
    cleaner = UrlCleaner(strip_params=frozenset({"share"}), keep_params=frozenset({"ref"}))
    url = f"{SITE}/a?ref=7&Share=fb&utm_source=x"
    assert cleaner.clean(url) == f"{SITE}/a?ref=7"


def test_strip_tracking_false_and_amp_keep_leave_links_as_linked() -> None:
    cleaner = UrlCleaner(strip_tracking=False, map_amp=False)
    assert (
        cleaner.clean(f"{SITE}/amp/a/x.html?utm_source=x#c") == f"{SITE}/amp/a/x.html?utm_source=x"
    )


def test_tracking_parameters_are_courlans_matched_on_whole_words() -> None:
    tracking = ["utm_source", "UTM_Medium", "fbclid", "gclid", "_ga", "ref", "xtor", "at_medium"]
    assert all(is_tracking_param(p) for p in tracking)
    words = ["id", "page", "p", "q", "gallery", "global", "refresh", "resource", "amp"]
    assert not any(is_tracking_param(p) for p in words)


# --------------------------------------------------------------------------- the config

HEAD = (
    "site: x\nname: X\nallowed_domains: [example.org]\nsections: [{url: 'https://example.org/'}]\n"
)


def test_the_urls_block_defaults_to_stripping_and_mapping() -> None:
    config = parse_site_config(yaml.safe_load(HEAD + "articles: {}\n"))
    assert config.urls.strip_tracking and config.urls.amp == "map"
    cleaner = UrlCleaner.for_site(config)
    assert cleaner.clean("https://amp.example.org/a?utm_source=x") == "https://example.org/a"


def test_the_urls_block_is_read_from_the_config() -> None:
    tail = "articles: {}\nurls: {strip_params: [share], keep_params: [ref], amp: keep}\n"
    cleaner = UrlCleaner.for_site(parse_site_config(yaml.safe_load(HEAD + tail)))
    assert (
        cleaner.clean("https://example.org/amp/a?ref=1&share=x")
        == "https://example.org/amp/a?ref=1"
    )


@pytest.mark.parametrize(
    ("block", "key", "expected"),
    [
        ("{amp: drop}", "urls.amp", "'map' or 'keep'"),
        ("{strip_tracking: 'yes'}", "urls.strip_tracking", "true or false"),
        ("{keep: [id]}", "urls.keep", "unknown key"),
        ("{strip_params: ['a b']}", "urls.strip_params[0]", "pattern"),
        ("{strip_params: [id, Ref], keep_params: [ref]}", "urls.strip_params[1]", "not both"),
    ],
)
def test_a_bad_urls_block_names_file_and_key(
    tmp_path: Path, block: str, key: str, expected: str
) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(HEAD + f"articles: {{}}\nurls: {block}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_site_config(path)
    message = str(info.value)
    assert f"{path}: {key}: " in message and expected in message, message


def test_archiver_config_exits_2_on_a_bad_urls_block(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(HEAD + "articles: {}\nurls: {amp: drop}\n", encoding="utf-8")
    result = run_archiver("crawl", str(path), "--archive", str(tmp_path / "archive"))
    assert result.returncode == 2, result.stderr
    assert f"{path}: urls.amp: " in result.stderr


# --------------------------------------------------------------------------- a crawl


def article(title: str, canonical: str, amp: bool = False) -> bytes:
    paragraphs = "".join(
        f"<p>{title}: paragraph {i} of a story long enough for the extractor to keep it, "
        "with a few more words about the harbour, the council and the weather.</p>"
        for i in range(8)
    )
    return (
        f"<!doctype html><html{' amp' if amp else ''} lang=en><head><title>{title}</title>"
        f'<meta property="og:type" content="article"><link rel="canonical" href="{canonical}">'
        f"</head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


class Site:
    """A small news site on 127.0.0.1 that logs every request it answers (query included)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                body = site.pages.get(urlsplit(self.path).path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def fetched(self, path: str) -> int:
        """How many requests asked for exactly this path and query."""
        return self.requests.count(path)


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    base = server.base
    links = [
        "/a/x.html",
        "/a/x.html?utm_source=tw&utm_medium=social",
        "/a/x.html#comments",
        "/a/x.html?fbclid=IwAR0abc",
        "/amp/a/x.html",
        "/a/x.html/amp",
        "/a/x.html?amp=1",
        "/a/x.amp.html",
        "/a/camping.html",
        "/amp/a/z.html",  # its non-AMP page is not found: fetched as linked
        "/a/y.html",
        "/a/y-mobile.html",  # an AMP page no URL pattern reveals: its canonical link does
    ]
    server.pages = {
        "/news/": (
            "<!doctype html><html><body>"
            + "".join(f'<a href="{link}">story</a>' for link in links)
            + "</body></html>"
        ).encode(),
        "/a/x.html": article("Harbour reopens", f"{base}/a/x.html"),
        "/amp/a/x.html": article("Harbour reopens (AMP)", f"{base}/a/x.html", amp=True),
        "/a/y.html": article("Council votes", f"{base}/a/y.html"),
        "/a/y-mobile.html": article("Council votes (AMP)", f"{base}/a/y.html", amp=True),
        "/a/camping.html": article("Camping season", f"{base}/a/camping.html"),
        "/amp/a/z.html": article("Ferry timetable", f"{base}/a/z.html", amp=True),
    }
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
        thread.join(timeout=10)


def site_config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "urls.yaml"
    path.write_text(
        f"site: urls\nname: URL variants\nallowed_domains: [127.0.0.1]\n"
        f"sections: [{{url: '{base}/news/'}}]\narticles: {{allow: ['/a/']}}\n"
        "crawl: {download_delay: 0, obey_robots: false}\nrequisites: {scope: none}\n",
        encoding="utf-8",
    )
    return path


def responses(archive: Path) -> list[str]:
    """Target URIs of every response record, in the order written."""
    uris = []
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    uris.append(record.rec_headers.get_header("WARC-Target-URI"))
    return uris


def test_a_crawl_fetches_and_stores_each_article_once(site: Site, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    config = site_config(tmp_path, site.base)
    summary = crawl_config(config, archive)
    assert summary.failure() is None, summary.render()

    # One request for the article, none for its tracking or AMP variants.
    x_requests = [r for r in site.requests if "x." in r]
    assert x_requests == ["/a/x.html"]
    assert responses(archive).count(f"{site.base}/a/x.html") == 1
    assert not [u for u in responses(archive) if "/amp" in u and "/z." not in u]

    # "camping" is no AMP page; the AMP-only story is fetched as linked once its page 404s.
    assert site.fetched("/a/camping.html") == 1
    assert site.requests.count("/a/z.html") == 1 and site.fetched("/amp/a/z.html") == 1

    # The unrevealed AMP page is fetched (and archived) but makes no second version.
    assert site.fetched("/a/y-mobile.html") == 1
    assert summary.to_dict()["articles_written"] == 4, summary.render()

    docs = article_documents(archive)
    urls = sorted(d["url"].removeprefix(site.base) for d in docs)
    assert urls == ["/a/camping.html", "/a/x.html", "/a/y.html", "/amp/a/z.html"]
    assert [d["version"] for d in docs] == [1, 1, 1, 1]
    z = next(d for d in docs if d["url"].endswith("z.html"))
    assert z["id"] == article_id(f"{site.base}/a/z.html")  # by its canonical link

    # The section snapshot keeps the links as the page gave them (fragments aside).
    snapshot = next((archive / "sections" / "urls").rglob("*.json"))
    listed = [a["url"] for a in json.loads(snapshot.read_text())["articles"]]
    assert f"{site.base}/a/x.html?utm_source=tw&utm_medium=social" in listed
    assert f"{site.base}/amp/a/x.html" in listed

    # A re-crawl knows every variant is archived: no article is fetched again.
    site.requests.clear()
    again = crawl_config(config, archive)
    assert again.failure() is None, again.render()
    refetched = [r for r in site.requests if r.startswith("/a") and r != "/a/z.html"]
    assert refetched == []
    assert len(article_documents(archive)) == 4


def test_amp_keep_fetches_amp_links_as_linked(site: Site, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    config = site_config(tmp_path, site.base)
    config.write_text(config.read_text() + "urls: {amp: keep}\n", encoding="utf-8")
    summary = crawl_config(config, archive)
    assert summary.failure() is None, summary.render()
    assert site.fetched("/amp/a/x.html") == 1
    assert site.fetched("/a/x.html") == 1
    # Tracking parameters still go: no request carried one.
    assert not [r for r in site.requests if "utm_" in r or "fbclid" in r]
    # Fetched as linked, the AMP page is the same article through its canonical link.
    docs = {d["url"].removeprefix(site.base): d for d in article_documents(archive)}
    assert docs["/amp/a/x.html"]["id"] == article_id(f"{site.base}/a/x.html")
