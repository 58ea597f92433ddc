"""`archiver replay`: the archive's own pages, wayback-style replay, and what no request reaches.

One module-scoped archive: the demo site (with a stylesheet that imports another and loads an
image) crawled, one article archived again with its requisites, crawled a second time (section
pages become revisits), plus hand-made articles (a hostile title, fillers for a second page)
and hand-made index lines (a symlink out of warc/, a file name with "..").
"""

from __future__ import annotations

import io
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.demo_site.server import SITE_DIR
from archiver.fsutil import atomic_write_text
from archiver.replay.app import ReplayApp
from archiver.replay.css import rewrite_css
from archiver.replay.pages import BANNER_ID, marked
from archiver.replay.replies import PAGES_CSP, REPLAY_CSP, Reply
from archiver.replay.resources import Capture, replay_headers
from archiver.replay.rewrite import rewrite_html
from archiver.replay.server import ReplayServer
from archiver.replay.urls import BadPath, ReplayUrls, parse_replay_path, timestamp14
from archiver.store.catalog import Catalog
from archiver.store.cdxj import CdxjIndex, cdxj_text, index_warc, surt_key
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow
from archiver.warc import read_record
from tests.crawling import archive_urls, crawl_config
from tests.support import demo_config, demo_server, manifest, replay_ports, replay_process, serving

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ID = "0badc0de0badc0de"
FILLERS = 25  # 30 demo articles + 1 hostile + 25 fillers: two pages of 50
PNG = (SITE_DIR / "static" / "img" / "harbour.png").read_bytes()


# -- the archive and the server ----------------------------------------------------------------


def _site_copy(dest: Path) -> Path:
    """The demo site, its stylesheet importing another that loads an image."""
    shutil.copytree(SITE_DIR, dest)
    css = dest / "static" / "style.css"
    css.write_text('@import url("extra.css");\n' + css.read_text(encoding="utf-8"), "utf-8")
    extra = ".masthead { background: url(img/harbour.png) no-repeat; }\n"
    (dest / "static" / "extra.css").write_text(extra, encoding="utf-8")
    return dest


def _add_article(archive: Path, base: dict[str, Any], **fields: Any) -> None:
    """Store an article document and its catalog row as a crawl would (no WARC record)."""
    doc = {**base, **fields, "version": 1, "changes": None}
    layout = ArchiveLayout(archive)
    path = layout.article_path(doc["site"], doc["id"], doc["fetched_at"], 1)
    atomic_write_text(path, json.dumps(doc))
    with Catalog(layout.catalog_path) as catalog:
        catalog.add_article(ArticleRow.from_document(doc, path.relative_to(archive).as_posix()))
        catalog.index_for_search(doc)


def _warc_with(path: Path, url: str, body: bytes) -> None:
    """A WARC file holding one response record."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http
        )
        writer.write_record(record)
        record.raw_stream.close()  # warcio buffered the payload in a temporary file


def _plant_traps(archive: Path, outside: Path) -> None:
    """Index lines for a WARC file reached through a symlink out of warc/, one whose file name
    climbs out with "..", and (the control) a proper file inside."""
    index_dir, warc_dir = archive / "indexes" / "demo", archive / "warc" / "demo"
    _warc_with(outside / "evil.warc.gz", "http://evil.example/secret", b"TOP SECRET")
    (warc_dir / "evil.warc.gz").symlink_to(outside / "evil.warc.gz")
    _warc_with(warc_dir / "fine.warc.gz", "http://evil.example/public", b"PUBLIC")
    for name in ("evil.warc.gz", "fine.warc.gz"):
        entries = index_warc(warc_dir / name, "demo")
        atomic_write_text(index_dir / f"{name}.cdxj", cdxj_text(entries))
    fields = {
        "url": "http://crafted.example/",
        "mime": "text/plain",
        "status": "200",
        "length": "100",
        "offset": "0",
        "filename": "../../catalog.sqlite",
    }
    line = f"{surt_key('http://crafted.example/')} 20261127000000 {json.dumps(fields)}\n"
    atomic_write_text(index_dir / "crafted.cdxj", line)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("replay")
    site = _site_copy(tmp / "site")
    archive = tmp / "archive"
    article = manifest()["articles"][0]  # has a lead image
    with demo_server(tmp, "--root", str(site)) as base_url:
        config = demo_config(base_url, tmp / "demo.yaml")
        # `archiver crawl`, `archiver archive --site demo URL`, `archiver crawl`, in this process
        first = crawl_config(config, archive)
        assert first.failure() is None, first.render()
        outcomes = archive_urls(archive, base_url + article["canonical_path"], site="demo")
        assert all(o.ok for o in outcomes), [o.to_dict() for o in outcomes]
        # A capture's timestamp has whole seconds: the second crawl starts a second later, as a
        # scheduled one would, so its revisits sort after the captures they point to.
        time.sleep(1.1)
        second = crawl_config(config, archive)
        assert second.failure() is None, second.render()
    docs = sorted((archive / "articles" / "demo").rglob("*.json"))
    base = json.loads(docs[0].read_text(encoding="utf-8"))
    _add_article(
        archive,
        base,
        id=HOSTILE_ID,
        title=HOSTILE,
        authors=['<img src=x onerror="alert(2)">'],
        text=f"The harbour {HOSTILE} wall.\n\nA second <b>paragraph</b>.",
        url=f'{base_url}/news/evil?q="><script>alert(3)</script>',
        published="2026-12-01T00:00:00+00:00",
    )
    for n in range(FILLERS):
        _add_article(
            archive,
            base,
            id=f"f111{n:012x}",
            site="other",
            title=f"Filler story {n}",
            published=f"2020-01-{n + 1:02d}T00:00:00+00:00",
        )
    outside = tmp / "outside"
    outside.mkdir()
    _plant_traps(archive, outside)
    by_url = {d["url"]: d for d in map(_load, docs)}
    return {
        "archive": archive,
        "base_url": base_url,
        "article": by_url[base_url + article["canonical_path"]],
        "tmp": tmp,
    }


def _load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def server(archive: dict[str, Any]) -> Iterator[str]:
    """The base URL of the archive's pages (where addresses handed out point)."""
    with replay_process(archive["archive"], archive["tmp"] / "replay.port") as (_, base):
        yield base


@pytest.fixture(scope="module")
def content(server: str, archive: dict[str, Any]) -> str:
    """The base URL replayed captures are served from."""
    return f"http://127.0.0.1:{replay_ports(archive['tmp'] / 'replay.port')[1]}"


def get(url: str) -> tuple[int, Any, bytes]:
    """(status, headers, body) of a GET, redirects followed, errors returned."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def raw(base: str, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A request sent byte for byte as given (no client normalises or refuses the target)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        request = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def text(body: bytes) -> str:
    return body.decode("utf-8")


# -- the archive's own pages -----------------------------------------------------------------


def test_front_page_lists_articles_newest_first_with_paging(server: str) -> None:
    titles = [a["title"] for a in manifest()["articles"]]
    status, headers, body = get(server + "/")
    page = text(body)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    for title in titles:
        assert title.replace("'", "&#x27;") in page, title
    assert "56 article(s)" in page and "page 1 of 2" in page
    assert page.index("&lt;script&gt;") < page.index(titles[0].replace("'", "&#x27;"))
    assert 'href="/?page=2"' in page
    _, _, second = get(server + "/?page=2")
    assert "page 2 of 2" in text(second) and '<a href="/">« newer</a>' in text(second)
    assert not any(title.replace("'", "&#x27;") in text(second) for title in titles)
    assert text(second).count("Filler story") == 6
    _, _, other = get(server + "/?site=other")
    assert "25 article(s) from other" in text(other) and titles[0] not in text(other)
    assert '<option value="other" selected>' in text(other)
    assert '<option value="demo">' in text(other)


def test_search_shows_ranked_hits_with_marked_snippets(
    server: str, archive: dict[str, Any]
) -> None:
    with Catalog(archive["archive"] / "catalog.sqlite") as catalog:
        expected = catalog.search_count("harbour")
        first = catalog.search("harbour", limit=1)[0]
    assert expected > 1
    status, _, body = get(server + "/?q=harbour")
    page = text(body)
    assert status == 200
    assert f"{expected} article(s) match" in page
    assert re.search(r"<mark>harbour</mark>", page, re.IGNORECASE)
    assert page.index(f"/article/{first.id}") < page.index("</ol>")
    assert marked("a [b] <c>") == "a <mark>b</mark> &lt;c&gt;"


def test_reader_view_shows_the_document_and_links_its_capture(
    server: str, archive: dict[str, Any]
) -> None:
    doc = archive["article"]
    status, _, body = get(f"{server}/article/{doc['id']}")
    page = text(body)
    assert status == 200
    assert f"<h1>{doc['title']}</h1>" in page
    first_paragraph = doc["text"].split("\n\n")[0].replace("'", "&#x27;")
    assert f"<p>{first_paragraph}</p>" in page
    capture = f"/demo/{timestamp14(doc['fetched_at'])}/{doc['url']}"
    assert f'href="{capture}" class="see">view the page as captured</a>' in page
    assert "revisit (unchanged)" in page  # the one-off archive fetched it again
    assert get(f"{server}/article/{doc['id']}?version=7")[0] == 404


def test_archived_text_is_escaped_in_the_archive_pages(server: str) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path in ("/", "/?q=harbour", f"/article/{HOSTILE_ID}", "/?q=%3Cscript%3E"):
        status, headers, body = get(server + path)
        page = text(body)
        assert status == 200, path
        assert HOSTILE not in page and "<script" not in page, path
        assert "script-src" not in headers["Content-Security-Policy"]  # no script at all
        if path != "/?q=%3Cscript%3E":
            assert escaped in page, path
    _, _, body = get(f"{server}/article/{HOSTILE_ID}")
    assert "<img" not in text(body) and "alert(3)" in text(body)


# -- replay ------------------------------------------------------------------------------------


def _replay_page(server: str, archive: dict[str, Any]) -> tuple[int, Any, str]:
    doc = archive["article"]
    status, headers, body = get(f"{server}/demo/{timestamp14(doc['fetched_at'])}/{doc['url']}")
    return status, headers, text(body)


def test_replay_of_a_capture_is_rewritten_with_banner_and_csp(
    server: str, archive: dict[str, Any]
) -> None:
    status, headers, page = _replay_page(server, archive)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Security-Policy"] == REPLAY_CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Encoding"] is None  # archived gzip-encoded, served decoded
    assert int(headers["Content-Length"]) == len(page.encode())
    assert page.index(f'<div id="{BANNER_ID}"') > page.index("<body")
    assert "Archived page" in page and f"/article/{archive['article']['id']}" in page
    origin = re.escape(archive["base_url"])
    assert re.search(rf'href="/demo/\d{{14}}cs_/{origin}/static/style\.css"', page)
    assert re.search(rf'src="/demo/\d{{14}}id_/{origin}/static/img/harbour\.png"', page)
    assert not re.search(r'(?:src|href)="https?:', page)  # nothing left pointing at the web


def test_rewritten_stylesheets_and_images_come_from_the_archive(
    server: str, archive: dict[str, Any]
) -> None:
    _, _, page = _replay_page(server, archive)
    stylesheet = re.search(r'href="(/demo/\d{14}cs_/[^"]+/static/style\.css)"', page)
    assert stylesheet is not None
    status, headers, body = get(server + stylesheet.group(1))
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    imported = re.search(r'@import url\("(/demo/\d{14}cs_/[^"]+/static/extra\.css)"\)', text(body))
    assert imported is not None, text(body)[:300]
    _, _, extra = get(server + imported.group(1))
    image = re.search(r'url\("(/demo/\d{14}id_/[^"]+/static/img/harbour\.png)"\)', text(extra))
    assert image is not None, text(extra)
    status, headers, data = get(server + image.group(1))
    assert status == 200 and headers["Content-Type"] == "image/png"
    index = CdxjIndex(archive["archive"])
    entry = index.captures(f"{archive['base_url']}/static/img/harbour.png", "demo")[0]
    assert data == read_record(index.warc_path(entry), entry.offset).payload == PNG


def test_closest_capture_redirects_to_its_exact_timestamp(
    server: str, content: str, archive: dict[str, Any]
) -> None:
    doc = archive["article"]
    status, headers, _ = raw(content, f"/demo/2026/{doc['url']}")
    assert status == 302
    assert re.fullmatch(rf"/demo/\d{{14}}/{re.escape(doc['url'])}", headers["location"])
    status, headers, _ = raw(content, f"/demo/{doc['url']}")  # no timestamp: the newest
    assert status == 302 and headers["location"].startswith("/demo/2")
    status, _, body = raw(server, f"/demo/*/{doc['url']}")
    assert status == 200 and body.count(b"<tr>") == 3  # heading, response, revisit


def test_a_url_never_archived_is_a_404_page_not_a_live_fetch(
    content: str, archive: dict[str, Any]
) -> None:
    status, headers, body = raw(content, "/demo/20261127000000/http://never.example/<b>x</b>")
    page = text(body)
    assert status == 404 and "Not archived" in page
    assert "http://never.example/&lt;b&gt;x&lt;/b&gt;" in page and "<b>x" not in page
    # The archive's page, no script in it, and sandboxed on the content origin.
    assert headers["content-security-policy"] == f"{PAGES_CSP}; sandbox"
    url = archive["article"]["url"]
    status, _, body = raw(content, f"/other/20261127000000/{url}")
    assert status == 404 and f'href="/demo/*/{url}"' in text(body)


def test_a_revisit_replays_as_its_original(server: str, archive: dict[str, Any]) -> None:
    section = archive["base_url"] + "/news/"
    entries = CdxjIndex(archive["archive"]).captures(section, "demo")
    original = next(e for e in entries if e.record_type == "response")
    revisit = next(e for e in entries if e.record_type == "revisit")
    assert revisit.timestamp > original.timestamp
    _, _, first = get(f"{server}/demo/{original.timestamp}id_/{section}")
    status, headers, second = get(f"{server}/demo/{revisit.timestamp}id_/{section}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert second == first and b"Older stories" in second
    _, _, page = get(f"{server}/demo/{revisit.timestamp}/{section}")
    assert "unchanged since" in text(page)


# -- what no request reaches -------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../catalog.sqlite",
        "/%2e%2e/catalog.sqlite",
        "/demo/%2e%2e%2fcatalog.sqlite",
        "/article/..%2f..%2fcatalog.sqlite",
        "/demo/2026/http://127.0.0.1/../../catalog.sqlite",
        "/demo/2026/http://127.0.0.1/%2e%2e/%2E%2E/catalog.sqlite",
        "/demo/2026/http://127.0.0.1/x%00",
        "/demo\x00/2026/http://127.0.0.1/",
        "//etc/passwd",
        "/etc/passwd",
        "/warc/demo",
        "http://127.0.0.1/catalog.sqlite",
        "/demo/2026/file:///etc/passwd",
        "/article/../catalog.sqlite",
    ],
)
def test_no_path_leaves_the_archive(server: str, content: str, target: str) -> None:
    for base in (server, content):
        status, _, body = raw(base, target)
        assert status in (400, 404), (base, target)
        assert b"SQLite format" not in body and b"root:" not in body


def test_index_lines_cannot_point_outside_warc(server: str) -> None:
    status, _, body = get(f"{server}/demo/20261127000000id_/http://evil.example/public")
    assert (status, body) == (200, b"PUBLIC")  # the control: a file inside is served
    status, _, body = get(f"{server}/demo/2026/http://evil.example/secret")
    assert status == 404 and b"TOP SECRET" not in body  # behind a symlink out of warc/
    status, _, body = get(f"{server}/demo/20261127000000/http://crafted.example/")
    assert status == 404 and b"SQLite" not in body  # file name "../../catalog.sqlite"


def test_only_get_and_head(server: str) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO"):
        status, headers, _ = raw(server, "/", method)
        assert status == 405 and headers["allow"] == "GET, HEAD", method
    status, headers, body = raw(server, "/", "HEAD")
    assert status == 200 and int(headers["content-length"]) > 0 and body == b""
    assert raw(server, "/no/such/page")[0] == 404


def test_archived_headers_that_bind_the_origin_are_dropped() -> None:
    capture = Capture(
        collection="demo",
        url="http://a.example/page",
        timestamp="20261127000000",
        date="2026-11-27T00:00:00Z",
        record_type="response",
        original_date=None,
        status=301,
        headers=[
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "5"),
            ("Transfer-Encoding", "chunked"),
            ("Set-Cookie", "session=1"),
            ("Strict-Transport-Security", "max-age=1"),
            ("Content-Security-Policy", "default-src 'none'"),
            ("X-Frame-Options", "DENY"),
            ("Location", "/next"),
            ("ETag", '"x"'),
        ],
        content_type="text/html",
        body=b"",
    )
    headers = replay_headers(capture, ReplayUrls("demo", "20261127000000"))
    assert headers == [
        ("Location", "/demo/20261127000000/http://a.example/next"),
        ("X-Archive-Orig-ETag", '"x"'),
    ]


def test_a_failure_inside_is_a_plain_500(tmp_path: Path) -> None:
    class Broken(ReplayApp):
        def answer(self, target: str) -> Reply:
            raise RuntimeError("secret detail")

    app = Broken(tmp_path, CdxjIndex(tmp_path))
    with serving(ReplayServer(("127.0.0.1", 0), app)) as server:
        status, _, body = raw(server.base_url, "/")
    assert status == 500 and b"secret detail" not in body and b"Traceback" not in body


def test_stops_cleanly_on_sigterm_and_sigint(archive: dict[str, Any], tmp_path: Path) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        with replay_process(archive["archive"], tmp_path / "port") as (proc, base):
            assert get(base + "/")[0] == 200
            proc.send_signal(sig)
            assert proc.wait(timeout=10) == 0
            assert f"on {base}/" in (proc.stderr.read() if proc.stderr else "")


# -- rewriting, unit by unit -----------------------------------------------------------------

URLS = ReplayUrls("c", "20260101000000")
P = "/c/20260101000000"


def test_html_rewriting_covers_url_attributes() -> None:
    page = (
        '<!DOCTYPE html><html><head><base href="/sub/">'
        '<meta http-equiv="refresh" content="5; url=next.html">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        '<link rel="stylesheet" href="s.css" integrity="sha384-x"><link rel="icon" href="i.ico">'
        "<style>body { background: url(bg.png) }</style></head>"
        '<body class="x"><a href="#top">t</a><a href="javascript:go()">j</a>'
        '<a href="p.html?a=1&amp;b=2#f">p</a><img src="i.png" srcset="a.png 1x, b.png 2x" '
        'data-src="lazy.png" style="background: url(\'data:image/png;base64,AA\')">'
        '<iframe src="f.html"></iframe><video poster="v.jpg"><source src="v.mp4"></video>'
        '<form action="/search"></form><object data="o.swf"></object></body></html>'
    )
    out = rewrite_html(page, "http://h.example/dir/page.html", URLS, banner="<div>B</div>")
    base = "http://h.example/sub"
    for expected in (
        f'<base href="{P}/{base}/">',
        f'content="5; url={P}/{base}/next.html"',
        f'<link rel="stylesheet" href="{P}cs_/{base}/s.css">',
        f'href="{P}id_/{base}/i.ico"',
        f'url("{P}id_/{base}/bg.png")',
        '<body class="x"><div>B</div>',
        '<a href="#top">',
        '<a href="javascript:go()">',
        f'href="{P}/{base}/p.html?a=1&amp;b=2#f"',
        f'src="{P}id_/{base}/i.png"',
        f'srcset="{P}id_/{base}/a.png 1x, {P}id_/{base}/b.png 2x"',
        f'data-src="{P}id_/{base}/lazy.png"',
        "url(&#x27;data:image/png;base64,AA&#x27;)",
        f'<iframe src="{P}if_/{base}/f.html">',
        f'poster="{P}id_/{base}/v.jpg"',
        f'<source src="{P}id_/{base}/v.mp4">',
        f'action="{P}/http://h.example/search"',
        f'data="{P}id_/{base}/o.swf"',
    ):
        assert expected in out, expected
    assert "integrity" not in out and 'http-equiv="Content-Security-Policy"' not in out


def test_html_rewriting_keeps_everything_else() -> None:
    page = (
        '<!doctype html>\r\n<meta http-equiv="refresh" content="30"><p style="color: red">'
        "a &amp b &copy; <!-- <img src=x> --><script>'<a href=x>'</script>"
    )
    assert rewrite_html(page, "http://h.example/", URLS) == page
    assert rewrite_html("<p>x</p>", "http://h/", URLS, banner="B") == "B<p>x</p>"
    assert rewrite_html("<!DOCTYPE html><p>x", "http://h/", URLS, banner="B").startswith(
        "<!DOCTYPE html>B"
    )
    frames = '<frameset><frame src="a.html"></frameset>'
    assert rewrite_html(frames, "http://h/", URLS, banner="B") == (
        f'<frameset><frame src="{P}if_/http://h/a.html"></frameset>'
    )


def test_css_rewriting_replaces_urls_in_place() -> None:
    css = (
        '@import "a.css" screen;\n@import url(b.css);\n/* url(c.png) */\n'
        ".x { background: url( 'd.png' ) , url(e\\).png); }\n"
        '.y { background-image: image-set("f.png" 1x, url(g.png) 2x); }\n'
        ".z { background: url(data:image/png;base64,AA); }\n"
        '@font-face { src: url("../fonts/h.woff2") format("woff2"); }\n'
    )
    out = rewrite_css(css, "http://h.example/css/site.css", URLS)
    base = "http://h.example/css"
    assert out == (
        f'@import "{P}cs_/{base}/a.css" screen;\n@import url("{P}cs_/{base}/b.css");\n'
        "/* url(c.png) */\n"
        f'.x {{ background: url( "{P}id_/{base}/d.png" ) , url("{P}id_/{base}/e).png"); }}\n'
        f'.y {{ background-image: image-set("{P}id_/{base}/f.png" 1x,'
        f' url("{P}id_/{base}/g.png") 2x); }}\n'
        ".z { background: url(data:image/png;base64,AA); }\n"
        f'@font-face {{ src: url("{P}id_/http://h.example/fonts/h.woff2") format("woff2"); }}\n'
    )


def test_replay_paths_parse_and_refuse() -> None:
    target = parse_replay_path("/demo/20261127id_/https://a.example/x?y=1&z=%2F")
    assert target is not None
    assert (target.collection, target.timestamp, target.modifier, target.url) == (
        "demo",
        "20261127",
        "id_",
        "https://a.example/x?y=1&z=%2F",
    )
    merged = parse_replay_path("/demo/2026/http:/a.example/")
    assert merged is not None and merged.url == "http://a.example/"
    listing = parse_replay_path("/demo/*/http://a.example/")
    assert listing is not None and listing.listing
    assert parse_replay_path("/demo/2026xx_/http://a.example/") is None
    assert parse_replay_path("/demo/123456789012345/http://a.example/") is None
    assert parse_replay_path("/Demo/2026/http://a.example/") is None
    for bad in ("/demo/2026/http://a/../b", "/demo/%2E%2E/x", "/demo/2026/http://a/%00"):
        with pytest.raises(BadPath):
            parse_replay_path(bad)


def test_replay_imports_without_scrapy() -> None:
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        "import archiver.replay.server, archiver.replay.app, archiver.cli\nprint('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
