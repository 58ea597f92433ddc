"""Size limits: a gzip bomb (1 MB that inflates to 1 GiB) and a page over DOWNLOAD_MAXSIZE.

`archiver archive` and `archiver replay` run in subprocesses whose peak memory is measured: the
archive command's (and its extraction workers') by ``ru_maxrss`` of a wrapper that waits for
it, the replay server's by its VmHWM once it has answered.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replay.urls import RAW, replay_path, timestamp14
from archiver.warc import reader
from archiver.warc.reader import MAX_DECODED_SIZE, StoredRecord, read_record
from archiver.warc.writer import WarcWriter
from tests.crawling import crawl_config
from tests.support import html_exchange, replay_ports, serving, tool, warc_files

MB = 1 << 20
LIMIT_MB = 300  # the most either process may hold at its peak
STORY = "/news/2026/11/30/bomb-story/"
BOMB_PREFIX = b"<!doctype html><html><head><title>Bomb</title></head><body><p>"


@functools.cache
def gzip_bomb(mib: int = 1024) -> bytes:
    """`mib` MiB (1 GiB) of zeros after an HTML prefix, gzipped at level 9 a MiB at a time
    (~1 MB a GiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(BOMB_PREFIX)]
    zeros = bytes(MB)
    parts += [packer.compress(zeros) for _ in range(mib)]
    parts.append(packer.flush())
    return b"".join(parts)


class _Handler(http.server.BaseHTTPRequestHandler):
    bomb = b""

    def do_GET(self) -> None:
        big = b"<html><body>" + b"<p>words</p>" * (2 * MB // 12) + b"</body></html>"
        if self.path in ("/bomb", STORY):
            self._send(self.bomb, [("Content-Encoding", "gzip")])
        elif self.path == "/news/":
            self._send(f'<html><body><a href="{STORY}">Story</a></body></html>'.encode(), [])
        elif self.path == "/big":
            self._send(big, [])
        elif self.path == "/big-unsized":  # HTTP/1.0, no Content-Length: ends at the close
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(big)
        else:
            self._send(b"not here", [], status=404)

    def _send(self, body: bytes, headers: list[tuple[str, str]], status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the archiver hangs up on an answer over its limit: expected here


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"bomb": gzip_bomb()})
    with serving(_QuietServer(("127.0.0.1", 0), handler)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


_MEASURED = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "sys.stdout.write(done.stdout)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\nPEAK_KB={peak}\\n')\n"
    "sys.exit(done.returncode)\n"
)


def archive_measured(archive: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """`archiver archive` in a subprocess; its result and the peak RSS (KiB) of it and its
    workers."""
    command = [sys.executable, "-c", _MEASURED, sys.executable, "-m", "archiver"]
    done = subprocess.run(
        [*command, "archive", "--archive", str(archive), "--json", "--no-requisites", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    peak = int(done.stderr.rsplit("PEAK_KB=", 1)[1].split()[0])
    return done, peak


@pytest.fixture(scope="module")
def bombed(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    archive = tmp_path_factory.mktemp("bomb") / "archive"
    done, peak = archive_measured(archive, f"{site}/bomb")
    return {"archive": archive, "done": done, "peak_kb": peak, "url": f"{site}/bomb"}


def test_a_gzip_bomb_is_archived_as_received_and_counted_too_large(
    bombed: dict[str, Any],
) -> None:
    done = bombed["done"]
    assert done.returncode == 1, done.stderr[-3000:]  # documented: 1 when a URL failed
    (outcome,) = json.loads(done.stdout)
    assert outcome["error"] == "too-large" and not outcome["ok"]
    assert outcome["article_id"] is None  # not extracted
    assert "FAILED (too-large)" in done.stderr
    files = warc_files(bombed["archive"])
    bodies = []
    for path in files:
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if (
                    record.rec_type == "response"
                    and record.rec_headers.get_header("WARC-Target-URI") == bombed["url"]
                ):
                    assert record.http_headers.get_header("Content-Encoding") == "gzip"
                    bodies.append(record.raw_stream.read())
    (body,) = bodies
    assert body == gzip_bomb()  # the bytes as the server sent them, never re-encoded
    print(f"archive peak RSS: {bombed['peak_kb'] // 1024} MB")
    assert bombed["peak_kb"] < LIMIT_MB * 1024, f"peak RSS {bombed['peak_kb'] // 1024} MB"


def _bomb_record(archive: Path, url: str) -> tuple[str, str, Path, int]:
    for path in warc_files(archive):
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and uri == url:
                    date = record.rec_headers.get_header("WARC-Date")
                    return path.parent.name, date, path, iterator.get_record_offset()
    raise AssertionError(f"no response record for {url}")


def test_reading_the_bomb_back_stops_at_the_cap(bombed: dict[str, Any]) -> None:
    _, _, path, offset = _bomb_record(bombed["archive"], bombed["url"])
    record = read_record(path, offset)
    assert record.too_large
    assert record.payload == record.raw_payload  # left as stored, not inflated
    from archiver.jobs.archived import Failure, read_response

    with pytest.raises(Failure) as failed:
        read_response(path, offset, None)
    assert failed.value.reason == "too-large"


def _vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return answer.status, dict(answer.headers), answer.read(2 * MAX_DECODED_SIZE)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_replaying_the_bomb_stays_small(bombed: dict[str, Any], tmp_path: Path) -> None:
    site, date, _, _ = _bomb_record(bombed["archive"], bombed["url"])
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "archiver", "replay", "--archive", str(bombed["archive"])]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--port-file", str(port_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "replay did not start"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{replay_ports(port_file)[0]}"
        stamp = timestamp14(date)
        status, _, page = _get(base + replay_path(site, stamp, bombed["url"]))
        assert status == 200 and b"Too large to replay" in page and len(page) < 64 * 1024
        status, headers, raw = _get(base + replay_path(site, stamp, bombed["url"], RAW))
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert raw == gzip_bomb()  # the stored bytes, passed through still encoded
        peak = _vm_hwm_kb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    print(f"replay peak RSS: {peak // 1024} MB")
    assert peak < LIMIT_MB * 1024, f"replay peak RSS {peak // 1024} MB"


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_a_page_over_download_maxsize_fails_too_large(site: str, tmp_path: Path, path: str) -> None:
    done, _ = archive_measured(tmp_path / "archive", "-s", f"DOWNLOAD_MAXSIZE={MB}", site + path)
    assert done.returncode == 1, done.stderr[-3000:]
    (outcome,) = json.loads(done.stdout)
    assert outcome["error"] == "too-large"
    # Scrapy aborts the download: nothing was received, so no response is archived.
    fetched = set()
    for warc in warc_files(tmp_path / "archive"):
        with open(warc, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    fetched.add(record.rec_headers.get_header("WARC-Target-URI"))
    assert site + path not in fetched


def test_a_crawl_archives_a_bomb_article_and_counts_it_too_large(site: str, tmp_path: Path) -> None:
    config = tmp_path / "bomb.yaml"
    config.write_text(
        "site: bomb\nname: Bomb\nallowed_domains: [127.0.0.1]\n"
        f"sections:\n  - url: {site}/news/\n    name: news\n"
        "articles:\n  allow: ['/news/\\d{4}/\\d{2}/\\d{2}/[\\w-]+/$']\n"
        "crawl:\n  download_delay: 0\n",
        encoding="utf-8",
    )
    summary = crawl_config(config, tmp_path / "archive", "ARCHIVER_REQUISITES=false")
    assert summary.extraction_failures == {"too-large": 1}, summary.render()
    assert summary.articles_written == 0
    site_name, _, path, offset = _bomb_record(tmp_path / "archive", site + STORY)
    assert site_name == "bomb"
    assert read_record(path, offset).raw_payload == gzip_bomb()  # archived as received


def _stored(tmp_path: Path, body: bytes, headers: list[tuple[str, str]]) -> StoredRecord:
    """The response record of one exchange with `body`, written and read back."""
    exchange = replace(html_exchange("http://example.com/", body), response_headers=headers)
    directory = tmp_path / str(len(list(tmp_path.iterdir())))
    with WarcWriter(directory, "t", warcinfo={"software": "test"}) as writer:
        _, response = writer.write_exchange(exchange)
    (path,) = writer.closed_files
    return read_record(path, response.offset)


def test_the_read_back_cap_spares_large_bodies_stored_unencoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_DECODED_SIZE", 100_000)  # bodies under warcio's spool
    plain = b"<p>x</p>" * 40_000
    record = _stored(tmp_path, plain, [("Content-Type", "text/html")])
    assert not record.too_large and record.payload == plain
    packed = gzip.compress(plain)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    record = _stored(tmp_path, packed, headers)
    assert record.too_large and record.payload == packed
    monkeypatch.setattr(reader, "MAX_DECODED_SIZE", 400_000)
    assert _stored(tmp_path, packed, headers).payload == plain
