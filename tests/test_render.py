"""Browser capture (`crawl.render`, `archiver archive --render`) of a site built by script.

The test site's article pages hold no text: a script fetch()es it as JSON after load and
inserts it with an image and "More stories" links (tests/js_site.py). Rendered crawls drive
Debian's Chromium through scrapy-playwright: they skip where it is missing (and fail under
ARCHIVER_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from archiver.config import load_site_config
from archiver.crawl.render import NO_TEXT_NOTE, BrowserRequestRules
from archiver.crawl.resources import DeadHosts, ResourcePolicy, ResourceRules
from archiver.replay.server import make_server
from archiver.spiders.news import NewsSpider
from archiver.store.cdxj import index_warc
from archiver.store.document import SCHEMA_PATH, Article
from archiver.store.identity import FULL_PAGE_SCREENSHOT_URI, RENDERED_DOM_URI, SCREENSHOT_URI
from tests.browser import chromium, chromium_path
from tests.crawling import crawl_config, crawler_for, install_asyncio_reactor, run_crawl
from tests.js_site import ARTICLES, STATIC_SLUG, TRACKER_HOST, UNLISTED, JsSite, js_site
from tests.support import REPO, serving
from tests.test_warc import warcio_check

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Every article the section lists: those built by script, and one sent with its text.
LISTED = {*ARTICLES, STATIC_SLUG}
SLUG = "lighthouse-keepers"


@pytest.fixture(scope="module")
def site() -> Iterator[JsSite]:
    with js_site() as served:
        yield served


def write_config(site: JsSite, path: Path, render: str) -> Path:
    path.write_text(
        f"""site: pointgazette
name: The Point Gazette
allowed_domains: [127.0.0.1]
sections:
  - url: {site.base}/news/
articles:
  allow: ['/news/\\d{{4}}/\\d{{2}}/\\d{{2}}/[\\w-]+$']
crawl: {{download_delay: 0, render: {render}}}
requisites: {{block: [{TRACKER_HOST}]}}
""",
        encoding="utf-8",
    )
    return path


def crawl(site: JsSite, tmp: Path, render: str, *overrides: str) -> Path:
    """One crawl of the site with `render`; the archive it made."""
    install_asyncio_reactor()
    archive = tmp / "archive"
    config = write_config(site, tmp / "site.yaml", render)
    summary = crawl_config(config, archive, *overrides)
    assert summary.failure() is None, summary.render()
    return archive


def documents(archive: Path) -> dict[str, dict[str, Any]]:
    """The newest document of each article, by URL path's last segment."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((archive / "articles").rglob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        found[doc["url"].rsplit("/", 1)[-1]] = doc
    return found


def records(archive: Path) -> list[Any]:
    """Every WARC record (headers and content), in file order."""
    out = []
    for path in sorted((archive / "warc").rglob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                out.append((record.rec_type, record.rec_headers, record.content_stream().read()))
    return out


def uri(headers: Any) -> str:
    return str(headers.get_header("WARC-Target-URI"))


@pytest.fixture(scope="module")
def never(site: JsSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl(site, tmp_path_factory.mktemp("never"), "never")


@pytest.fixture(scope="module", params=["auto", "always"])
def rendered(
    request: pytest.FixtureRequest, site: JsSite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    browser = chromium_path()
    mode = str(request.param)
    archive = crawl(site, tmp_path_factory.mktemp(mode), mode, f"ARCHIVER_BROWSER={browser}")
    return mode, archive


def test_never_leaves_the_body_empty_and_says_why(never: Path, site: JsSite) -> None:
    docs = documents(never)
    assert set(docs) == LISTED
    assert "rendering" not in docs[STATIC_SLUG] and docs[STATIC_SLUG]["word_count"] > 50
    for slug in ARTICLES:
        doc = docs[slug]
        assert doc["text"] is None and doc["word_count"] == 0
        assert doc["rendering"] == {
            "mode": "never",
            "rendered": False,
            "reason": NO_TEXT_NOTE,
            "fetched_words": None,
            "dom_record_id": None,
            "dom_warc_file": None,
            "dom_warc_offset": None,
            "screenshot_record_id": None,
            "full_page_screenshot_record_id": None,
            "requests": None,
            "aborted": {},
            "failed": None,
        }
    uris = {uri(h) for _, h, _ in records(never)}
    assert site.json_url(SLUG) not in uris  # nothing ran the script
    assert not any(u.startswith(RENDERED_DOM_URI) for u in uris)


def test_rendered_documents_hold_the_full_text(rendered: tuple[str, Path]) -> None:
    mode, archive = rendered
    docs = documents(archive)
    assert set(docs) == LISTED  # the "More stories" article was not followed
    for slug, (title, paragraphs) in ARTICLES.items():
        doc = docs[slug]
        assert doc["is_article"] is True
        assert doc["title"] == title
        for paragraph in paragraphs:
            assert paragraph in doc["text"]
        assert doc["authors"] == ["Morwenna Hale"]
        info = doc["rendering"]
        assert info["mode"] == mode and info["rendered"] is True
        assert info["requests"] == 4  # the page, its script, the JSON, the image
        assert info["aborted"] == {"blocked": 1}  # the tracker
        if mode == "auto":
            assert info["fetched_words"] == 0
            assert "auto: the HTML as fetched gave no article text" in info["reason"]
    static = docs[STATIC_SLUG]
    assert static["word_count"] > 50
    if mode == "auto":  # its HTML has its text: not loaded in the browser
        assert "rendering" not in static
    else:
        assert static["rendering"]["rendered"] is True


def test_the_warc_holds_every_exchange_the_browser_made(
    rendered: tuple[str, Path], site: JsSite
) -> None:
    _, archive = rendered
    found = records(archive)
    for url in (
        site.json_url(SLUG),
        f"{site.base}/static/app.js",
        f"{site.base}/static/img/{SLUG}.png",
    ):
        responses = [
            (h, body) for t, h, body in found if t in ("response", "revisit") and uri(h) == url
        ]
        requests = [h for t, h, _ in found if t == "request" and uri(h) == url]
        assert responses and requests, url
    info = next(body for t, _, body in found if t == "warcinfo").decode("utf-8")
    assert "archiver-browser: render " in info and "headless Chromium" in info
    json_body = next(
        body for t, h, body in found if t == "response" and uri(h) == site.json_url(SLUG)
    )
    assert json.loads(json_body)["paragraphs"] == ARTICLES[SLUG][1]
    assert not any(TRACKER_HOST in uri(h) for _, h, _ in found)  # blocked: never requested
    warcio_check(*sorted((archive / "warc").rglob("*.warc.gz")))


def test_dom_and_screenshots_are_resource_records_linked_to_the_page(
    rendered: tuple[str, Path], site: JsSite
) -> None:
    mode, archive = rendered
    found = records(archive)
    page_url = site.article_url(SLUG)
    by_id = {h.get_header("WARC-Record-ID"): (t, h) for t, h, _ in found}
    resources = {uri(h): (h, body) for t, h, body in found if t == "resource"}
    doc = documents(archive)[SLUG]
    for prefix, content_type in (
        (RENDERED_DOM_URI, "text/html; charset=utf-8"),
        (SCREENSHOT_URI, "image/png"),
        (FULL_PAGE_SCREENSHOT_URI, "image/png"),
    ):
        headers, body = resources[prefix + page_url]
        assert headers.get_header("Content-Type") == content_type
        page_type, page = by_id[headers.get_header("WARC-Concurrent-To")]
        assert page_type in ("response", "revisit") and uri(page) == page_url
        assert headers.get_header("WARC-Date") == page.get_header("WARC-Date")
        if content_type == "image/png":
            assert body.startswith(PNG_MAGIC)
    dom = resources[RENDERED_DOM_URI + page_url][1].decode("utf-8")
    assert ARTICLES[SLUG][1][0] in dom and "More stories" in dom
    assert f"/news/2026/11/30/{UNLISTED}" in dom  # kept in the DOM, not followed
    assert doc["rendering"]["dom_record_id"] == resources[RENDERED_DOM_URI + page_url][
        0
    ].get_header("WARC-Record-ID")
    assert f"/news/2026/11/30/{UNLISTED}" not in site.hits
    static_dom = RENDERED_DOM_URI + site.article_url(STATIC_SLUG)
    assert (static_dom in resources) == (mode == "always")
    indexed = {
        entry.url
        for path in (archive / "warc").rglob("*.warc.gz")
        for entry in index_warc(path, "pointgazette")
    }
    assert RENDERED_DOM_URI + page_url in indexed and SCREENSHOT_URI + page_url in indexed


def test_the_replayed_page_shows_the_text_in_a_browser(rendered: tuple[str, Path]) -> None:
    """The reader view's link to the capture, opened in real Chromium, shows the article."""
    mode, archive = rendered
    doc = documents(archive)[SLUG]
    title, paragraphs = ARTICLES[SLUG]
    with serving(make_server(archive)) as server, chromium() as (page, _):
        page.goto(f"{server.base_url}/article/{doc['id']}", wait_until="load")
        page.click("text=view the page as captured")
        page.wait_for_load_state("load")
        shown = page.inner_text("body")
    assert title in shown
    assert all(paragraph in shown for paragraph in paragraphs), (mode, shown[:500])
    assert "rendered" in shown  # the banner says what is shown


def test_reextract_reads_the_rendered_dom(rendered: tuple[str, Path]) -> None:
    """Re-extraction takes the DOM the browser built (not the empty shell it was sent)."""
    _, archive = rendered
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "reextract",
            "--archive",
            str(archive),
            "--workers",
            "0",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"reextract: {len(LISTED)} unchanged, 0 changed, 0 failed" in result.stderr


def test_documents_validate_against_the_shipped_schema(
    rendered: tuple[str, Path], never: Path
) -> None:
    """With `rendering` and without it (as every document made before it existed)."""
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    docs = [*documents(rendered[1]).values(), *documents(never).values()]
    for doc in docs:
        validator.validate(doc)
        older = {k: v for k, v in doc.items() if k != "rendering"}
        validator.validate(older)
        assert Article.model_validate(older).to_json_dict() == older


def test_verify_passes_on_a_rendered_archive(rendered: tuple[str, Path]) -> None:
    _, archive = rendered
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "verify", "--archive", str(archive)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_page_may_make_only_so_many_requests(site: JsSite, tmp_path: Path) -> None:
    browser = chromium_path()
    archive = crawl(
        site,
        tmp_path,
        "always",
        f"ARCHIVER_BROWSER={browser}",
        "ARCHIVER_RENDER_MAX_REQUESTS=3",
        "ARCHIVER_RENDER_SCREENSHOTS=False",
    )
    doc = documents(archive)[SLUG]
    # The page, its script and the JSON; the image and the tracker are refused.
    assert doc["rendering"]["aborted"] == {"too-many-requests": 2}
    assert ARTICLES[SLUG][1][0] in doc["text"]
    uris = {uri(h) for _, h, _ in records(archive)}
    assert f"{site.base}/static/img/{SLUG}.png" not in uris
    assert not any(u.startswith(SCREENSHOT_URI) for u in uris)


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_pages_the_browser_cannot_load_are_kept_without_it(
    site: JsSite, tmp_path: Path, mode: str
) -> None:
    """No browser to be had (here: one that exits at once): each article is archived and
    stored as fetched, its document saying why it was not rendered."""
    archive = crawl(site, tmp_path, mode, "ARCHIVER_BROWSER=/bin/false")
    docs = documents(archive)
    assert set(docs) == LISTED
    for slug in ARTICLES:
        doc = docs[slug]
        assert doc["text"] is None
        info = doc["rendering"]
        assert info["mode"] == mode and info["rendered"] is False
        assert info["reason"].startswith("the browser could not load the page (")
    uris = {uri(h) for _, h, _ in records(archive)}
    assert site.article_url(SLUG) in uris
    assert not any(u.startswith(RENDERED_DOM_URI) for u in uris)


def our_browser_processes() -> list[int]:
    """Chromium main processes (not its helpers) started under this test process."""
    parents: dict[int, int] = {}
    commands: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def ours(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    return [
        pid
        for pid, command in commands.items()
        if b"--remote-debugging-pipe" in command and b"--type=" not in command and ours(pid)
    ]


def test_a_browser_that_dies_is_started_again(site: JsSite, tmp_path: Path) -> None:
    """Chromium killed while a page loads: another is started, every article is archived."""
    browser = chromium_path()
    killed: list[int] = []

    def kill_once(slug: str) -> None:
        if not killed:
            for pid in our_browser_processes():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    install_asyncio_reactor()
    config = load_site_config(write_config(site, tmp_path / "site.yaml", "always"))
    settings = {
        "ARCHIVER_ARCHIVE_DIR": str(tmp_path / "archive"),
        "ARCHIVER_EXTRACT_WORKERS": 0,
        "ARCHIVER_BROWSER": browser,
        "ARCHIVER_RENDER_PAGES": 1,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }
    site.on_json = kill_once
    try:
        stats = run_crawl(crawler_for(NewsSpider, settings), config=config)
    finally:
        site.on_json = None
    assert killed, "no browser process was found to kill"
    assert stats.get("archiver/render/browser_restarts") == 1
    docs = documents(tmp_path / "archive")
    assert set(docs) == LISTED
    for slug, (_, paragraphs) in ARTICLES.items():
        assert paragraphs[0] in (docs[slug]["text"] or ""), docs[slug].get("rendering")


def test_archive_command_with_render(site: JsSite, tmp_path: Path) -> None:
    browser = chromium_path()
    url = site.article_url("market-hall-roof")
    env = {**os.environ, "PYTHONPATH": str(REPO), "ARCHIVER_BROWSER": browser}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "archive",
            "--render",
            url,
            "--archive",
            str(tmp_path / "a"),
            "--json",
            "-q",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    assert outcome["ok"] and outcome["rendered"] and outcome["is_article"]
    assert "loaded in a browser" in result.stderr
    doc = json.loads((tmp_path / "a" / outcome["json_path"]).read_text("utf-8"))
    assert ARTICLES["market-hall-roof"][1][0] in doc["text"]
    assert doc["rendering"]["mode"] == "always"
    uris = {uri(h) for _, h, _ in records(tmp_path / "a")}
    assert site.json_url("market-hall-roof") in uris
    assert SCREENSHOT_URI + url in uris


def test_without_scrapy_playwright_render_is_a_usage_error(
    site: JsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked for without the `browser` extra: exit 2 before anything is fetched."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "scrapy_playwright" else real_find_spec(name, *a),
    )
    config = write_config(site, tmp_path / "site.yaml", "auto")
    archive = tmp_path / "archive"
    hits = len(site.hits)
    for args in (
        ["crawl", str(config), "--archive", str(archive)],
        ["archive", "--render", site.article_url(SLUG), "--archive", str(archive)],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "browser capture needs scrapy-playwright" in result.output
    assert len(site.hits) == hits


def test_browser_request_rules() -> None:
    rules = BrowserRequestRules(
        ResourcePolicy(
            ResourceRules(scope="site", site_hosts=("news.example",), default_blocklist=False)
        ),
        DeadHosts(1),
        max_requests=5,
    )
    page = "https://news.example/a"
    assert rules.skip_reason("https://news.example/app.js", "script", page, 2) is None
    assert rules.skip_reason("https://cdn.elsewhere/x.js", "script", page, 2) == "out-of-scope"
    assert rules.skip_reason("https://news.example/x.png", "image", page, 6) == (
        "too-many-requests"
    )
    assert rules.skip_reason("data:image/png;base64,AA==", "image", page, 3) is None
    rules.dead_hosts.failed("news.example", "dns")
    assert rules.skip_reason("https://news.example/b.js", "script", page, 3) == "dead-host"
