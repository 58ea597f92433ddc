"""A real redis-server (Debian's) for the distributed-crawl tests, on 127.0.0.1 and a free port.

`redis_server()` skips with the reason when redis-server is missing, and fails instead when
ARCHIVER_REQUIRE_REDIS=1 (CI, where `make test` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def redis_server_path() -> str:
    """Debian's redis-server, or skip (fail under ARCHIVER_REQUIRE_REDIS=1) when it is missing."""
    found = shutil.which("redis-server")
    if found:
        return found
    reason = "redis-server is not installed (`make test` installs it as root)"
    if os.environ.get("ARCHIVER_REQUIRE_REDIS") == "1":
        pytest.fail(f"{reason}, and ARCHIVER_REQUIRE_REDIS=1 requires it")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A redis-server of its own, nothing saved to disk; yields its URL (``redis://...:PORT/0``)."""
    executable = redis_server_path()
    directory.mkdir(parents=True, exist_ok=True)
    for _ in range(5):  # another process may take the free port first: try another
        port = _free_port()
        proc = subprocess.Popen(
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while proc.poll() is None and not _answers(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        if proc.poll() is None and _answers(port):
            break
        proc.kill()
        proc.wait()
    else:
        raise RuntimeError("redis-server did not start")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
