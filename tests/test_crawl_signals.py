"""Stopping a crawl with Ctrl-C leaves only closed, valid WARC files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support import demo_config, demo_server, tool, warc_files


def _wait_for(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _crawl_until_records_are_written(
    base_url: str, tmp_path: Path, archive: Path
) -> subprocess.Popen[str]:
    """Start `archiver crawl` on the demo site; return once its open WARC holds some records."""
    # A delay between requests keeps the crawl running long enough to interrupt it.
    config = demo_config(
        base_url, tmp_path / "demo.yaml", {"download_delay: 0": "download_delay: 0.4"}
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", "crawl", str(config), "--archive", str(archive)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    open_files = lambda: list(archive.rglob("*.warc.gz.open"))  # noqa: E731
    assert _wait_for(lambda: open_files() and open_files()[0].stat().st_size > 20_000, 60)
    return proc


def test_sigint_mid_crawl_closes_warc_files(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base_url:
        proc = _crawl_until_records_are_written(base_url, tmp_path, archive)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stderr[-2000:]
    assert "shutdown" in stderr
    assert not list(archive.rglob("*.open"))
    files = warc_files(archive)
    assert files
    for path in files:
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout


def test_second_sigint_stops_at_once_without_corrupt_files(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base_url:
        proc = _crawl_until_records_are_written(base_url, tmp_path, archive)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert not list(archive.rglob("*.open")), stderr[-2000:]
    for path in warc_files(archive):
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout
