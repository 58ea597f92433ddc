"""Memento (RFC 7089) in replay: TimeGates honour Accept-Datetime, TimeMaps list every capture,
and every replayed capture links its neighbours.

One hand-made archive (tests/memento_archive.py): an article URL captured three times in
collection "m" (1, 10 and 20 November 2026, the last a revisit) and once in "n" (15 November).
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.replay.app import ReplayApp
from archiver.replay.memento import BadDatetime, parse_accept_datetime
from archiver.replay.replies import Reply
from archiver.replay.server import ReplayServer, make_server
from archiver.replay.urls import MementoTarget, parse_memento_path, parse_replay_path
from archiver.store.cdxj import CdxjIndex
from tests.memento_archive import (
    ARTICLE_ID,
    OTHER,
    OTHER_STAMP,
    OTHER_URL,
    SITE,
    STAMPS,
    TITLES,
    URL,
    make_archive,
)
from tests.support import raw_request, serving

FIRST, SECOND, THIRD = STAMPS
DATES = {
    FIRST: "Sun, 01 Nov 2026 10:00:00 GMT",
    SECOND: "Tue, 10 Nov 2026 10:00:00 GMT",
    THIRD: "Fri, 20 Nov 2026 10:00:00 GMT",
    OTHER_STAMP: "Sun, 15 Nov 2026 12:00:00 GMT",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("memento") / "archive")


@pytest.fixture(scope="module")
def app(archive: Path) -> ReplayApp:
    return ReplayApp(archive, CdxjIndex(archive))


def header(reply: Reply, name: str) -> str | None:
    return next((value for key, value in reply.headers if key.lower() == name.lower()), None)


def links(value: str) -> list[tuple[str, dict[str, str]]]:
    """A Link header or a link-format TimeMap parsed: (URI, {param: value}) in order."""
    found = []
    for uri, params in re.findall(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)', value):
        found.append((uri, dict(re.findall(r'([a-z]+)="([^"]*)"', params))))
    return found


def mementos(parsed: list[tuple[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    """URI -> params of the links whose rel names "memento"."""
    return {uri: p for uri, p in parsed if "memento" in p.get("rel", "").split()}


def by_rel(parsed: list[tuple[str, dict[str, str]]], rel: str) -> list[str]:
    return [uri for uri, p in parsed if rel in p.get("rel", "").split()]


def m(stamp: str, site: str = SITE, url: str = URL) -> str:
    """The URI-M of a capture (relative: the app answers without origins here)."""
    return f"/{site}/{stamp}/{url}"


# -- the TimeGate ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_datetime", "expected"),
    [
        ("Thu, 01 Jan 2026 00:00:00 GMT", FIRST),  # before the first capture
        ("Sun, 01 Nov 2026 10:00:00 GMT", FIRST),  # exactly on it
        ("Wed, 04 Nov 2026 09:00:00 GMT", FIRST),  # between, nearer the first
        ("Sat, 07 Nov 2026 12:00:00 GMT", SECOND),  # between, nearer the second
        ("Tue, 10 Nov 2026 10:00:00 GMT", SECOND),  # exactly on the second
        ("Tue, 10 Nov 2026 10:00:01 GMT", SECOND),  # a second after it
        ("Mon, 16 Nov 2026 00:00:00 GMT", THIRD),  # between, nearer the third (a revisit)
        ("Fri, 20 Nov 2026 10:00:00 GMT", THIRD),  # exactly on the last
        ("Fri, 1 Jan 2100 00:00:00 GMT", THIRD),  # after the last (one-digit day, RFC 1123)
    ],
)
def test_the_timegate_redirects_to_the_closest_capture(
    app: ReplayApp, accept_datetime: str, expected: str
) -> None:
    reply = app.answer(f"/{SITE}/{URL}", accept_datetime=accept_datetime)
    assert reply.status == 302
    assert header(reply, "Location") == m(expected)
    assert header(reply, "Vary") == "accept-datetime"
    parsed = links(header(reply, "Link") or "")
    assert by_rel(parsed, "original") == [URL]
    assert by_rel(parsed, "timegate") == [f"/{SITE}/{URL}"]
    assert by_rel(parsed, "timemap") == [f"/{SITE}/timemap/link/{URL}"]
    assert by_rel(parsed, "first") == [m(FIRST)] and by_rel(parsed, "last") == [m(THIRD)]
    assert mementos(parsed)[m(expected)]["datetime"] == DATES[expected]


def test_the_timegate_without_accept_datetime_goes_to_the_newest(app: ReplayApp) -> None:
    for value in (None, "", "  "):
        reply = app.answer(f"/{SITE}/{URL}", accept_datetime=value)
        assert (reply.status, header(reply, "Location")) == (302, m(THIRD))
        assert header(reply, "Vary") == "accept-datetime"


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-10T10:00:00Z",  # ISO 8601, not RFC 1123
        "yesterday",
        "Tue, 10 Nov 2026 10:00:00",  # no zone
        "Tue, 10 Nov 2026 10:00:00 +0100",  # only GMT
        "Tue, 31 Feb 2026 10:00:00 GMT",  # no such day
        "Tue, 10 Nov 2026 25:00:00 GMT",
        "Tue, 10 Nov 26 10:00:00 GMT",  # two-digit year (RFC 850)
    ],
)
def test_a_bad_accept_datetime_is_a_400(app: ReplayApp, value: str) -> None:
    for target in (f"/{SITE}/{URL}", f"/timegate/{URL}"):
        reply = app.answer(target, accept_datetime=value)
        assert reply.status == 400, (target, value)
        assert b"RFC 1123" in reply.body
    with pytest.raises(BadDatetime):
        parse_accept_datetime(value)


def test_accept_datetime_as_in_the_rfc() -> None:
    # RFC 7089 section 4.1.1's request: "Accept-Datetime: Tue, 11 Sep 2001 20:35:00 GMT".
    assert parse_accept_datetime("Tue, 11 Sep 2001 20:35:00 GMT") == "20010911203500"
    assert parse_accept_datetime("Thu, 01 Apr 2010 00:00:00 GMT") == "20100401000000"


def test_the_archive_wide_timegate_chooses_over_every_collection(app: ReplayApp) -> None:
    cases = {
        "Sun, 15 Nov 2026 11:00:00 GMT": m(OTHER_STAMP, OTHER),
        "Thu, 19 Nov 2026 00:00:00 GMT": m(THIRD),
        "Mon, 02 Nov 2026 00:00:00 GMT": m(FIRST),
    }
    for accept_datetime, expected in cases.items():
        reply = app.answer(f"/timegate/{URL}", accept_datetime=accept_datetime)
        assert (reply.status, header(reply, "Location")) == (302, expected), accept_datetime
        assert header(reply, "Vary") == "accept-datetime"
        parsed = links(header(reply, "Link") or "")
        assert by_rel(parsed, "timegate") == [f"/timegate/{URL}"]
        assert by_rel(parsed, "timemap") == [f"/timemap/link/{URL}"]
        assert len(mementos(parsed)) >= 3  # first, last, the chosen one and its neighbours
    # The collection's own TimeGate stays within it.
    reply = app.answer(f"/{SITE}/{URL}", accept_datetime="Sun, 15 Nov 2026 11:00:00 GMT")
    assert header(reply, "Location") == m(THIRD)


def test_a_url_never_captured_has_no_timegate_and_no_timemap(app: ReplayApp) -> None:
    never = "http://news.example/never"
    for target in (
        f"/{SITE}/{never}",
        f"/timegate/{never}",
        f"/timemap/link/{never}",
        f"/timemap/json/{never}",
        f"/{SITE}/timemap/link/{never}",
        f"/{SITE}/timemap/link/{OTHER_URL}",  # captured, but in the other collection
    ):
        assert app.answer(target, accept_datetime=DATES[SECOND]).status == 404, target


# -- TimeMaps -------------------------------------------------------------------------------


def test_the_link_timemap_lists_every_capture_as_the_rfc_lays_it_out(app: ReplayApp) -> None:
    reply = app.answer(f"/{SITE}/timemap/link/{URL}")
    assert reply.status == 200
    assert header(reply, "Content-Type") == "application/link-format; charset=utf-8"
    parsed = links(reply.body.decode())
    # RFC 7089 section 5: the original, the TimeMap itself, the TimeGate, then the mementos.
    assert [p["rel"] for _, p in parsed[:3]] == ["original", "self", "timegate"]
    assert parsed[0][0] == URL
    assert parsed[1] == (
        f"/{SITE}/timemap/link/{URL}",
        {
            "rel": "self",
            "type": "application/link-format",
            "from": DATES[FIRST],
            "until": DATES[THIRD],
        },
    )
    assert parsed[2][0] == f"/{SITE}/{URL}"
    found = [(uri, p["rel"], p["datetime"]) for uri, p in parsed if "datetime" in p]
    assert found == [
        (m(FIRST), "first memento", DATES[FIRST]),
        (m(SECOND), "memento", DATES[SECOND]),
        (m(THIRD), "last memento", DATES[THIRD]),
    ]
    assert by_rel(parsed, "version-history") == [f"/article/{ARTICLE_ID}"]
    # Every line but the last ends in a comma: one link-value list.
    lines = reply.body.decode().splitlines()
    assert all(line.endswith(",") for line in lines[:-1]) and not lines[-1].endswith(",")


def test_the_version_list_linked_from_the_timemap_shows_the_versions(app: ReplayApp) -> None:
    page = app.answer(f"/article/{ARTICLE_ID}")
    assert page.status == 200
    assert TITLES[1].encode() in page.body


def test_the_archive_wide_timemap_names_each_mementos_collection(app: ReplayApp) -> None:
    parsed = links(app.answer(f"/timemap/link/{URL}").body.decode())
    found = {uri: (p["datetime"], p["collection"]) for uri, p in mementos(parsed).items()}
    assert found == {
        m(FIRST): (DATES[FIRST], SITE),
        m(SECOND): (DATES[SECOND], SITE),
        m(OTHER_STAMP, OTHER): (DATES[OTHER_STAMP], OTHER),
        m(THIRD): (DATES[THIRD], SITE),
    }
    assert by_rel(parsed, "timegate") == [f"/timegate/{URL}"]


def test_the_json_timemap(app: ReplayApp) -> None:
    reply = app.answer(f"/timemap/json/{URL}")
    assert reply.status == 200
    assert header(reply, "Content-Type") == "application/json; charset=utf-8"
    data = json.loads(reply.body)
    assert data["original_uri"] == URL
    assert data["timegate_uri"] == f"/timegate/{URL}"
    assert data["timemap_uri"] == {
        "link_format": f"/timemap/link/{URL}",
        "json_format": f"/timemap/json/{URL}",
    }
    listed = data["mementos"]["list"]
    assert [(x["datetime"], x["collection"], x["uri"]) for x in listed] == [
        ("2026-11-01T10:00:00Z", SITE, m(FIRST)),
        ("2026-11-10T10:00:00Z", SITE, m(SECOND)),
        ("2026-11-15T12:00:00Z", OTHER, m(OTHER_STAMP, OTHER)),
        ("2026-11-20T10:00:00Z", SITE, m(THIRD)),
    ]
    assert data["mementos"]["first"] == listed[0] and data["mementos"]["last"] == listed[-1]
    assert data["article"] == {"id": ARTICLE_ID, "uri": f"/article/{ARTICLE_ID}"}
    own = json.loads(app.answer(f"/{SITE}/timemap/json/{URL}").body)
    assert [x["uri"] for x in own["mementos"]["list"]] == [m(s) for s in STAMPS]
    # A URL that is no article has none.
    other = json.loads(app.answer(f"/{OTHER}/timemap/json/{OTHER_URL}").body)
    assert other["article"] is None and len(other["mementos"]["list"]) == 1


# -- mementos -------------------------------------------------------------------------------


def test_a_replayed_capture_links_its_neighbours(app: ReplayApp) -> None:
    reply = app.answer(m(SECOND))
    assert reply.status == 200 and TITLES[1].encode() in reply.body
    assert header(reply, "Memento-Datetime") == DATES[SECOND]
    parsed = links(header(reply, "Link") or "")
    assert by_rel(parsed, "original") == [URL]
    assert by_rel(parsed, "timegate") == [f"/{SITE}/{URL}"]
    assert by_rel(parsed, "timemap") == [f"/{SITE}/timemap/link/{URL}"]
    assert by_rel(parsed, "first") == by_rel(parsed, "prev") == [m(FIRST)]
    assert by_rel(parsed, "last") == by_rel(parsed, "next") == [m(THIRD)]
    assert mementos(parsed)[m(SECOND)] == {"rel": "memento", "datetime": DATES[SECOND]}


def test_a_revisit_is_a_memento_too(app: ReplayApp) -> None:
    reply = app.answer(m(THIRD))
    assert reply.status == 200 and TITLES[1].encode() in reply.body  # the original's page
    assert header(reply, "Memento-Datetime") == DATES[THIRD]
    parsed = links(header(reply, "Link") or "")
    assert by_rel(parsed, "prev") == [m(SECOND)] and by_rel(parsed, "next") == []
    assert mementos(parsed)[m(THIRD)]["rel"] == "last memento"
    raw = app.answer(f"/{SITE}/{FIRST}id_/{URL}")
    assert raw.status == 200 and by_rel(links(header(raw, "Link") or ""), "next") == [m(SECOND)]


# -- paths ----------------------------------------------------------------------------------


def test_memento_paths_parse() -> None:
    assert parse_memento_path(f"/timegate/{URL}") == MementoTarget(None, URL)
    assert parse_memento_path(f"/timemap/link/{URL}") == MementoTarget(None, URL, "link")
    assert parse_memento_path(f"/m/timemap/json/{URL}") == MementoTarget("m", URL, "json")
    assert parse_memento_path(f"/timemap/cdxj/{URL}") is None
    assert parse_memento_path("/m/timemap/link/ftp://x/") is None
    assert parse_memento_path(f"/m/{URL}") is None
    assert parse_memento_path(f"/m/{FIRST}/{URL}") is None
    # A collection named "timemap" or "timegate" still replays its captures by timestamp.
    replay = parse_replay_path(f"/timemap/{FIRST}/{URL}")
    assert replay is not None and (replay.collection, replay.timestamp) == ("timemap", FIRST)
    assert parse_memento_path(f"/timegate/{FIRST}/{URL}") is None


# -- through the server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[ReplayServer]:
    with serving(make_server(archive)) as server:
        yield server


def request(
    port: int, method: str, target: str, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_over_http_the_timegate_sends_to_the_capture_on_the_content_origin(
    server: ReplayServer,
) -> None:
    pages, content = server.port, server.content.port
    for method in ("GET", "HEAD"):
        for port in (pages, content):
            status, headers, body = request(
                port, method, f"/{SITE}/{URL}", {"Accept-Datetime": "Sat, 07 Nov 2026 12:00:00 GMT"}
            )
            location = f"http://127.0.0.1:{content}" * (port == pages) + m(SECOND)
            assert (status, headers["Location"], headers["Vary"]) == (
                302,
                location,
                "accept-datetime",
            )
            assert (method == "HEAD") == (body == b"")
            parsed = links(headers["Link"])
            assert by_rel(parsed, "timemap") == [
                f"http://127.0.0.1:{pages}/{SITE}/timemap/link/{URL}"
            ]
            assert by_rel(parsed, "prev") == [f"http://127.0.0.1:{content}{m(FIRST)}"]
    status, headers, body = request(content, "GET", m(SECOND))
    assert status == 200 and headers["Memento-Datetime"] == DATES[SECOND]
    assert TITLES[1].encode() in body
    assert by_rel(links(headers["Link"]), "next") == [f"http://127.0.0.1:{content}{m(THIRD)}"]
    bad = request(pages, "GET", f"/timegate/{URL}", {"Accept-Datetime": "soon"})
    assert bad[0] == 400


def test_over_http_timemaps_are_served_on_the_pages_origin(server: ReplayServer) -> None:
    pages, content = server.port, server.content.port
    target = f"/timemap/link/{URL}"
    status, fields, _ = raw_request(("127.0.0.1", content), target, ["Host: 127.0.0.1"])
    assert (status, fields["location"]) == (302, f"http://127.0.0.1:{pages}{target}")
    status, headers, body = request(pages, "GET", target)
    assert status == 200 and headers["Content-Type"].startswith("application/link-format")
    parsed = links(body.decode())
    assert len(mementos(parsed)) == 4
    assert by_rel(parsed, "version-history") == [f"http://127.0.0.1:{pages}/article/{ARTICLE_ID}"]
    assert request(pages, "HEAD", target)[:1] == (200,)
