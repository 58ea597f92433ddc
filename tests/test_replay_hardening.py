"""What keeps the archive safe to look at: the replay server's Host check, socket timeout,
exposure warning and service-worker refusal, and archived text printed to a terminal.

One small hand-made archive: an article whose title carries a terminal escape and a bidi
override, and a WARC response (a script) archived with a Service-Worker-Allowed header.
"""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.cli import cli
from archiver.fsutil import atomic_write_text
from archiver.replay.server import ReplayServer, host_name, make_server
from archiver.store.catalog import Catalog
from archiver.store.cdxj import cdxj_text, index_warc
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow
from archiver.textsafe import terminal_json, terminal_text
from tests.support import raw_request, replay_process, serving

ESCAPE = "\x1b[2J"  # clears the screen
OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
TITLE = f"Harbour news{ESCAPE} reversed:{OVERRIDE}txt.exe"
ARTICLE_ID = "1badc0de1badc0de"
SCRIPT_URL = "http://news.example/sw.js"
SCRIPT = b"self.addEventListener('fetch', e => e.respondWith(new Response('hijacked')));"
BIG_URL = "http://news.example/big.bin"
BIG = bytes(range(256)) * (16 * 1024)  # 4 MiB


def _warc(path: Path, records: list[tuple[str, list[tuple[str, str]], bytes]]) -> None:
    """A WARC file of response records (URL, HTTP headers, body)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, headers, body in records:
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http
            )
            writer.write_record(record)
            record.raw_stream.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hardening") / "archive"
    layout = ArchiveLayout(root)
    doc = {
        "id": ARTICLE_ID,
        "version": 1,
        "site": "demo",
        "url": f"https://news.example/{OVERRIDE}story",
        "title": TITLE,
        "text": f"The harbour reopened today.{ESCAPE} Boats{OVERRIDE} returned.",
        "published": "2026-11-20T08:15:00+00:00",
        "fetched_at": "2026-11-20T09:30:00Z",
        "word_count": 5,
        "is_article": True,
        "provenance": {"warc_record_id": "<urn:uuid:1badc0de>"},
    }
    path = layout.article_path("demo", ARTICLE_ID, doc["fetched_at"], 1)
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False))
    with Catalog(layout.catalog_path) as catalog:
        catalog.add_article(ArticleRow.from_document(doc, path.relative_to(root).as_posix()))
        catalog.index_for_search(doc)
        catalog.commit()
    warc_dir, index_dir = root / "warc" / "demo", root / "indexes" / "demo"
    warc_dir.mkdir(parents=True)
    index_dir.mkdir(parents=True)
    script_headers = [
        ("Content-Type", "application/javascript"),
        ("Service-Worker-Allowed", "/"),
        ("ETag", '"sw"'),
    ]
    big_headers = [("Content-Type", "application/octet-stream")]
    _warc(
        warc_dir / "sw.warc.gz", [(SCRIPT_URL, script_headers, SCRIPT), (BIG_URL, big_headers, BIG)]
    )
    atomic_write_text(
        index_dir / "sw.warc.gz.cdxj", cdxj_text(index_warc(warc_dir / "sw.warc.gz", "demo"))
    )
    return root


def _timestamp(archive: Path, url: str) -> str:
    for line in (archive / "indexes" / "demo" / "sw.warc.gz.cdxj").read_text().splitlines():
        if json.loads(line.split(" ", 2)[2])["url"] == url:
            return line.split(" ")[1]
    raise AssertionError(url)


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[ReplayServer]:
    """In this process, with a one-second socket timeout."""
    with serving(make_server(archive, timeout=1.0, allowed_hosts=["archive.lan"])) as server:
        yield server


def _addr(server: ReplayServer) -> tuple[str, int]:
    return "127.0.0.1", server.port


def _content(server: ReplayServer) -> tuple[str, int]:
    """Where captures are served."""
    return "127.0.0.1", server.content.port


# -- Host --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "archive.lan:{port}",
     "192.168.1.20:{port}"],
)  # fmt: skip
def test_loopback_names_ip_addresses_and_allowed_names_are_answered(
    server: ReplayServer, host: str
) -> None:
    status, _, body = raw_request(_addr(server), "/", [f"Host: {host.format(port=server.port)}"])
    assert status == 200, body
    assert b"Harbour news" in body


@pytest.mark.parametrize(
    "headers",
    [
        ["Host: attacker.example:{port}"],  # a DNS-rebinding page names its own domain
        ["Host: localhost.attacker.example"],
        ["Host: 127.0.0.1@attacker.example"],
        ["Host: 127.0.0.1:{port}", "Host: attacker.example"],
        [],  # HTTP/1.1 requires Host
    ],
)
def test_other_host_names_are_refused(server: ReplayServer, headers: list[str]) -> None:
    lines = [h.format(port=server.port) for h in headers]
    status, fields, body = raw_request(_addr(server), "/", lines)
    assert status == 421
    assert b"Misdirected request" in body and b"Harbour" not in body
    assert fields["content-type"].startswith("text/html")
    stamp = _timestamp(Path(server.app.resources.root), SCRIPT_URL)
    status, _, body = raw_request(_addr(server), f"/demo/{stamp}/{SCRIPT_URL}", lines)
    assert status == 421 and SCRIPT not in body


def test_http_1_0_without_host_is_answered(server: ReplayServer) -> None:
    assert raw_request(_addr(server), "/", [], version="HTTP/1.0")[0] == 200


def test_an_ipv6_loopback_server_answers_its_own_address(archive: Path) -> None:
    try:
        server = make_server(archive, host="::1")
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    with serving(server):
        assert server.base_url == f"http://[::1]:{server.port}" and not server.exposed
        address = ("::1", server.port)
        assert raw_request(address, "/", [f"Host: [::1]:{server.port}"])[0] == 200
        assert raw_request(address, "/", ["Host: attacker.example"])[0] == 421


def test_host_names_are_parsed_strictly() -> None:
    assert host_name("Example.ORG.:8090") == "example.org"
    assert host_name("[::1]:80") == "::1"
    for bad in ("", "a b", "a@b", "a/b", "[::1", "host:port", "a?b"):
        assert host_name(bad) is None, bad


# -- socket timeout ----------------------------------------------------------------------------


def test_a_half_sent_request_is_dropped(server: ReplayServer) -> None:
    with socket.create_connection(_addr(server), timeout=20) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        started = time.monotonic()
        assert sock.recv(65536) == b""  # closed by the server, not by our 20 s timeout
        assert time.monotonic() - started < 15


def test_an_idle_keep_alive_connection_is_closed(server: ReplayServer) -> None:
    with socket.create_connection(_addr(server), timeout=20) as sock:
        sock.sendall(b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        assert sock.recv(65536) == b""


def test_a_large_capture_arrives_whole_with_a_short_timeout(
    server: ReplayServer, archive: Path
) -> None:
    target = f"/demo/{_timestamp(archive, BIG_URL)}id_/{BIG_URL}"
    status, fields, body = raw_request(_content(server), target, ["Host: 127.0.0.1"])
    assert status == 200 and int(fields["content-length"]) == len(BIG) and body == BIG


# -- service workers ---------------------------------------------------------------------------


def test_a_service_worker_script_fetch_is_refused(server: ReplayServer, archive: Path) -> None:
    target = f"/demo/{_timestamp(archive, SCRIPT_URL)}js_/{SCRIPT_URL}"
    status, _, body = raw_request(_content(server), target, ["Host: 127.0.0.1"])
    assert status == 200 and SCRIPT in body  # the control: as a plain script it is served
    status, _, body = raw_request(
        _content(server), target, ["Host: 127.0.0.1", "Service-Worker: script"]
    )
    assert status == 403 and SCRIPT not in body


def test_an_archived_service_worker_allowed_header_is_not_sent(
    server: ReplayServer, archive: Path
) -> None:
    target = f"/demo/{_timestamp(archive, SCRIPT_URL)}js_/{SCRIPT_URL}"
    status, fields, _ = raw_request(_content(server), target, ["Host: 127.0.0.1"])
    assert status == 200 and fields["x-archive-orig-etag"] == '"sw"'  # others are passed on
    assert not [name for name in fields if "service-worker" in name]


# -- binding -----------------------------------------------------------------------------------


def test_binding_all_addresses_warns(archive: Path, tmp_path: Path) -> None:
    with replay_process(archive, tmp_path / "port", "--host", "0.0.0.0") as (proc, base):
        port = int(base.rsplit(":", 1)[1])
        assert raw_request(("127.0.0.1", port), "/", [f"Host: 127.0.0.1:{port}"])[0] == 200
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Warning: listening on 0.0.0.0" in err
    assert "visible to the network" in err and "scripts" in err


def test_binding_loopback_does_not_warn(archive: Path, tmp_path: Path) -> None:
    with replay_process(archive, tmp_path / "port") as (proc, base):
        port = int(base.rsplit(":", 1)[1])
        assert raw_request(("127.0.0.1", port), "/", ["Host: localhost"])[0] == 200
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        err = proc.stderr.read() if proc.stderr else ""
    assert "Replaying" in err and "Warning" not in err


# -- terminal output ---------------------------------------------------------------------------


def _assert_clean(output: str) -> None:
    assert "\x1b" not in output and OVERRIDE not in output
    assert not [c for c in output if ord(c) < 32 and c not in "\t\n"]


def _run(*args: str) -> str:
    """The command's stdout, after checking that neither stdout nor stderr carries a control."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    _assert_clean(result.output)  # stdout and stderr
    return result.stdout


def test_list_search_and_history_print_no_control_characters(archive: Path) -> None:
    listed = _run("list", "--archive", str(archive))
    _assert_clean(listed)
    assert "Harbour news\\x1b[2J reversed:\\u202etxt.exe" in listed  # visible, not acted on
    found = _run("search", "harbour", "--archive", str(archive))
    _assert_clean(found)
    assert "Harbour news" in found and "[harbour]" in found.lower()
    _assert_clean(_run("history", ARTICLE_ID, "--archive", str(archive)))


@pytest.mark.parametrize(
    "args",
    [
        ("show", ARTICLE_ID),
        ("list", "--json"),
        ("search", "harbour", "--json"),
        ("history", ARTICLE_ID, "--json"),
    ],
)
def test_json_output_escapes_them_and_keeps_the_value(archive: Path, args: tuple[str, ...]) -> None:
    output = _run(*args, "--archive", str(archive))
    _assert_clean(output)
    if args[0] == "history":
        titles = [v["title"] for v in json.loads(output)["versions"]]
    elif args[0] == "show":
        titles = [json.loads(output)["title"]]
    else:
        titles = [json.loads(line)["title"] for line in output.splitlines()]
    assert titles == [TITLE]  # a JSON reader gets the archived title back exactly


def test_terminal_text_and_json_escape_every_unsafe_character() -> None:
    unsafe = "\x00\x07\x08\n\r\x1b\x7f\x85\x9b\u202a\u202d\u2066\u2069"
    assert terminal_text(f"a{unsafe}b\tc") == (
        "a\\x00\\x07\\x08\\x0a\\x0d\\x1b\\x7f\\x85\\x9b\\u202a\\u202d\\u2066\\u2069b\tc"
    )
    assert terminal_text("Über café 東京 עברית") == "Über café 東京 עברית"
    dumped = json.dumps({"t": unsafe, "u": "é"}, ensure_ascii=False, indent=2)
    safe = terminal_json(dumped)
    _assert_clean(safe.replace("\n", ""))
    assert json.loads(safe) == {"t": unsafe, "u": "é"} and "é" in safe
