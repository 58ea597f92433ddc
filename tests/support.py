"""Helpers shared by the tests: the demo site in a subprocess, running the CLI, reading WARCs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from archiver.warc import HttpExchange

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO / "configs" / "demo.yaml"
DEMO_BASE = "http://127.0.0.1:8093"
MANIFEST = REPO / "archiver" / "demo_site" / "manifest.json"

Server = TypeVar("Server", bound=socketserver.BaseServer)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """`server` answering from a daemon thread until the block ends; then shut down and
    closed."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def tool(name: str) -> str:
    """An executable installed beside this Python (warcio, cdxj-indexer, archiver)."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (pip install -e '.[test]')")
    return found


def raw_request(
    address: tuple[str, int], target: str, headers: list[str], version: str = "HTTP/1.1"
) -> tuple[int, dict[str, str], bytes]:
    """One GET with exactly these header lines, sent as given (no client normalises or refuses
    anything): (status, headers with lower-case names, body)."""
    with socket.create_connection(address, timeout=10) as sock:
        lines = [f"GET {target} {version}", *headers, "Connection: close", "", ""]
        sock.sendall("\r\n".join(lines).encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *rest = head.decode("latin-1").split("\r\n")
    fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in rest)}
    return int(status_line.split()[1]), fields, body


def ctrl_c_as_from_a_terminal() -> None:
    """In a child, before exec: SIGINT back to its default, as a terminal starts a command.

    A shell without job control starts a background command (`make test &` in a script) with
    SIGINT ignored, and children inherit that: Python then leaves it ignored (as it should: the
    shell meant it). Tests that stop a command with SIGINT start it as Ctrl-C would reach it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def demo_server(tmp_dir: Path, *extra: str, port: int = 0) -> Iterator[str]:
    """Run the demo site (on a free port unless given); yield its base URL.

    `extra` are more arguments for `python -m archiver.demo_site`, e.g. --root and --manifest.
    """
    port_file = tmp_dir / "demo.port"
    port_file.unlink(missing_ok=True)
    args = ["--port", str(port), "--port-file", str(port_file), *extra]
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver.demo_site", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"demo site did not start: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.05)
        yield f"http://127.0.0.1:{int(port_file.read_text().strip())}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()


def demo_config(base_url: str, dest: Path, replace: dict[str, str] | None = None) -> Path:
    """configs/demo.yaml pointed at `base_url` (and with optional text replacements)."""
    text = DEMO_CONFIG.read_text(encoding="utf-8").replace(DEMO_BASE, base_url)
    for old, new in (replace or {}).items():
        assert old in text, f"{old!r} not in demo config"
        text = text.replace(old, new)
    dest.write_text(text, encoding="utf-8")
    return dest


def run_archiver(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `archiver` command in a subprocess (a Scrapy reactor runs once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def manifest() -> dict[str, Any]:
    """The demo site's ground truth."""
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def article_documents(archive: Path) -> list[dict[str, Any]]:
    """Every article JSON document in an archive."""
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((archive / "articles").rglob("*.json"))
    ]


def warc_files(archive: Path) -> list[Path]:
    """Closed WARC files of an archive."""
    return sorted((archive / "warc").rglob("*.warc.gz"))


def html_exchange(
    url: str, body: bytes = b"<html>hello</html>", *, fetched_at: datetime | None = None
) -> HttpExchange:
    """One plain GET answered 200 with an HTML body, as the WARC writer takes it."""
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "test")],
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason=None,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
        ip_address="127.0.0.1",
        fetched_at=fetched_at or datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )


def replay_ports(port_file: Path) -> tuple[int, int]:
    """(pages port, content port) from the --port-file of `archiver replay`."""
    pages, content = port_file.read_text().split()
    return int(pages), int(content)


@contextmanager
def replay_process(
    archive: Path, port_file: Path, *extra: str
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`archiver replay --port 0 [EXTRA...]` in a subprocess: (process, base URL on
    127.0.0.1)."""
    port_file.unlink(missing_ok=True)
    args = ["replay", "--archive", str(archive), "--port", "0", "--port-file", str(port_file)]
    args += extra
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_from_a_terminal,
    )
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"replay did not start: {proc.communicate()[1]!r}")
            time.sleep(0.05)
        yield proc, f"http://127.0.0.1:{replay_ports(port_file)[0]}"
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
