"""Replay of a page rendered in a browser: the DOM it built, its screenshots, the original.

The archive (tests/rendered_archive.py) holds a page whose HTML is a shell that fetches its
story as JSON: replayed by re-running its scripts in the sandbox, the fetch fails and the page
shows "Story failed to load"; replayed from its rendered DOM, the story is there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.replay.app import ReplayApp
from archiver.replay.isolation import PRELUDE
from archiver.replay.replies import RAW_CSP, RENDERED_CSP, REPLAY_CSP, Reply
from archiver.replay.rewrite import INERT_SCRIPT_TYPE
from archiver.replay.server import make_server
from archiver.replay.urls import replay_path
from archiver.store.cdxj import CdxjIndex
from archiver.store.identity import FULL_PAGE_SCREENSHOT_URI, RENDERED_DOM_URI, SCREENSHOT_URI
from tests.browser import chromium
from tests.rendered_archive import (
    ARTICLE_ID,
    DECOY_TEXT,
    DOM,
    FAILED_TEXT,
    FULL_SCREENSHOT,
    IMAGE_URL,
    NOSCRIPT_TEXT,
    PAGE_URL,
    PLAIN_URL,
    SCREENSHOT,
    SHELL,
    SITE,
    STAMP,
    STYLE_URL,
    TEXT,
    TITLE,
    RenderedArchive,
    make_archive,
)
from tests.support import serving


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> RenderedArchive:
    return make_archive(tmp_path_factory.mktemp("rendered") / "archive")


@pytest.fixture(scope="module")
def app(archive: RenderedArchive) -> ReplayApp:
    return ReplayApp(archive.root, CdxjIndex(archive.root))


def _header(reply: Reply, name: str) -> str:
    values = [v for k, v in reply.headers if k.lower() == name.lower()]
    assert len(values) == 1, (name, reply.headers)
    return values[0]


# -- the page view -------------------------------------------------------------------------------


def test_the_page_is_shown_as_the_browser_rendered_it(app: ReplayApp) -> None:
    reply = app.answer(replay_path(SITE, STAMP, PAGE_URL))
    page = reply.body.decode()
    assert reply.status == 200
    assert TEXT in page and "Loading…" not in page
    assert DECOY_TEXT not in page  # the DOM record linked to this capture, not the other one
    assert "the page as the browser rendered it on 2026-11-20 09:30:00 UTC" in page
    sent = replay_path(SITE, STAMP, PAGE_URL, "id_")
    assert f'href="{sent}"' in page and ">as archived</a>" in page
    assert f'href="{replay_path(SITE, STAMP, PAGE_URL, "if_")}"' in page
    # Its images and stylesheets come from the recorded exchanges.
    assert f'src="{replay_path(SITE, STAMP, IMAGE_URL, "id_")}"' in page
    assert f'href="{replay_path(SITE, STAMP, STYLE_URL, "cs_")}"' in page
    assert _header(reply, "Memento-Datetime") == "Fri, 20 Nov 2026 09:30:00 GMT"


def test_its_scripts_are_inert(app: ReplayApp) -> None:
    reply = app.answer(replay_path(SITE, STAMP, PAGE_URL))
    page = reply.body.decode()
    csp = _header(reply, "Content-Security-Policy")
    assert csp == RENDERED_CSP
    assert "script-src 'none'" in csp and csp.endswith("; sandbox")  # nothing runs
    assert f'<script type="{INERT_SCRIPT_TYPE}" src=' in page
    assert "<script>" not in page and PRELUDE not in page  # nothing to prepare for
    # The browser that rendered it ran scripts, so it never showed <noscript>: neither here.
    assert f"<template data-archiver-noscript><p>{NOSCRIPT_TEXT}</p></template>" in page


def test_the_html_the_server_sent_stays_available(app: ReplayApp) -> None:
    raw = app.answer(replay_path(SITE, STAMP, PAGE_URL, "id_"))
    assert raw.status == 200 and raw.body == SHELL.encode()
    assert _header(raw, "Content-Security-Policy") == RAW_CSP
    scripted = app.answer(replay_path(SITE, STAMP, PAGE_URL, "if_"))
    assert scripted.status == 200 and _header(scripted, "Content-Security-Policy") == REPLAY_CSP
    assert b"Loading" in scripted.body and TEXT.encode() not in scripted.body


def test_a_page_without_a_rendered_capture_is_replayed_as_before(app: ReplayApp) -> None:
    reply = app.answer(replay_path(SITE, STAMP, PLAIN_URL))
    assert reply.status == 200 and b"About us" in reply.body
    assert _header(reply, "Content-Security-Policy") == REPLAY_CSP
    assert b"rendered it" not in reply.body and PRELUDE.encode() in reply.body


# -- the resource records by their own replay paths (as pywb names them) -------------------------


def test_the_records_replay_by_their_urn_paths(app: ReplayApp) -> None:
    shot = app.answer(replay_path(SITE, STAMP, SCREENSHOT_URI + PAGE_URL))
    assert (shot.status, shot.body) == (200, SCREENSHOT)
    assert _header(shot, "Content-Type") == "image/png"
    assert "sandbox" in _header(shot, "Content-Security-Policy")
    full = app.answer(f"/{SITE}/{STAMP}im_/{FULL_PAGE_SCREENSHOT_URI}{PAGE_URL}")
    assert (full.status, full.body) == (200, FULL_SCREENSHOT)
    newest = app.answer(f"/{SITE}/{SCREENSHOT_URI}{PAGE_URL}")
    assert newest.status == 302
    assert _header(newest, "Location") == replay_path(SITE, STAMP, SCREENSHOT_URI + PAGE_URL)
    # The DOM as archived, and the DOM shown as the page.
    dom_raw = app.answer(replay_path(SITE, STAMP, RENDERED_DOM_URI + PAGE_URL, "id_"))
    assert dom_raw.body in (DOM.encode(), DOM.replace(TEXT, DECOY_TEXT).encode())
    assert _header(dom_raw, "Content-Security-Policy") == RAW_CSP
    dom = app.answer(replay_path(SITE, STAMP, RENDERED_DOM_URI + PAGE_URL))
    assert dom.status == 200 and _header(dom, "Content-Security-Policy") == RENDERED_CSP
    assert f'src="{replay_path(SITE, STAMP, IMAGE_URL, "id_")}"'.encode() in dom.body


def test_other_urns_are_not_replay_paths(app: ReplayApp) -> None:
    for target in (
        f"/{SITE}/{STAMP}/urn:archiver:article:{ARTICLE_ID}",
        f"/{SITE}/{STAMP}/urn:screenshot:javascript:alert(1)",
        f"/{SITE}/{STAMP}/urn:dom:urn:dom:{PAGE_URL}",
    ):
        assert app.answer(target).status == 404, target


# -- the reader view's screenshot ----------------------------------------------------------------


def test_the_reader_view_shows_the_screenshot_beside_the_article(app: ReplayApp) -> None:
    page = app.answer(f"/article/{ARTICLE_ID}").body.decode()
    viewport = f"/article/{ARTICLE_ID}/screenshot.png?version=1"
    full = f"/article/{ARTICLE_ID}/screenshot-full.png?version=1"
    assert f'<figure class="shot"><a href="{full}"><img src="{viewport}"' in page
    assert page.index('<figure class="shot">') < page.index(TEXT)
    shot = app.answer(viewport)
    assert (shot.status, shot.body) == (200, SCREENSHOT)
    assert _header(shot, "Content-Type") == "image/png"
    assert _header(shot, "X-Content-Type-Options") == "nosniff"
    assert (app.answer(full).status, app.answer(full).body) == (200, FULL_SCREENSHOT)


def test_the_screenshot_route_serves_nothing_else(app: ReplayApp) -> None:
    assert app.answer("/article/0123456789abcdef/screenshot.png").status == 404
    assert app.answer(f"/article/{ARTICLE_ID}/screenshot.png?version=7").status == 404
    assert app.answer(f"/article/{ARTICLE_ID}/dom.png").status == 404
    assert app.answer(f"/article/{ARTICLE_ID}/screenshot.html").status == 404


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><script>alert(1)</script></html>", "image/png"),  # not PNG bytes
        (SCREENSHOT, "text/html"),  # PNG bytes, declared as something else
    ],
)
def test_a_screenshot_record_that_is_not_a_png_is_not_served(
    tmp_path: Path, body: bytes, content_type: str
) -> None:
    archive = make_archive(tmp_path / "archive", screenshot=(body, content_type))
    app = ReplayApp(archive.root, CdxjIndex(archive.root))
    assert app.answer(f"/article/{ARTICLE_ID}/screenshot.png").status == 404
    assert app.answer(f"/article/{ARTICLE_ID}/screenshot-full.png").status == 200


# -- in a real browser ---------------------------------------------------------------------------


@pytest.fixture
def server(archive: RenderedArchive) -> Iterator[str]:
    with serving(make_server(archive.root)) as served:
        yield served.base_url


def test_a_fetch_built_page_shows_its_text_in_chromium(server: str) -> None:
    with chromium() as (page, log):
        # The control: re-running the page's scripts, its fetch() cannot read the JSON.
        page.goto(server + replay_path(SITE, STAMP, PAGE_URL, "if_"), wait_until="load")
        page.wait_for_function(f"document.body.innerText.includes({FAILED_TEXT!r})")
        assert TEXT not in page.inner_text("body")
        # The page view: the DOM the browser built when the page was archived.
        before = len(log.requests)
        page.goto(server + replay_path(SITE, STAMP, PAGE_URL), wait_until="load")
        shown = page.inner_text("body")
        assert TEXT in shown and TITLE in shown
        assert "the page as the browser rendered it" in shown
        assert FAILED_TEXT not in shown and NOSCRIPT_TEXT not in shown
        image = page.eval_on_selector("img[alt='The harbour']", "img => img.naturalWidth")
        assert image == 4  # the archived image, loaded from the recorded exchange
        colour = page.eval_on_selector("#story h1", "h => getComputedStyle(h).color")
        assert colour == "rgb(10, 20, 30)"  # and the archived stylesheet
        assert not any(url.endswith("/static/app.js") for url in log.requests[before:])
        # The reader view shows the screenshot, served from the pages origin.
        page.goto(f"{server}/article/{ARTICLE_ID}", wait_until="load")
        width = page.eval_on_selector("figure.shot img", "img => img.naturalWidth")
        assert width == 8
