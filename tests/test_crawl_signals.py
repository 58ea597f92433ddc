"""Stopping a crawl with Ctrl-C leaves only closed, valid WARC files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support import (
    article_documents,
    ctrl_c_as_from_a_terminal,
    demo_config,
    demo_server,
    manifest,
    run_archiver,
    tool,
    warc_files,
)

#: The follow-up runs need not be slow (a -s setting beats the config's download_delay).
NO_DELAY = ("-s", "DOWNLOAD_DELAY=0")


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
        preexec_fn=ctrl_c_as_from_a_terminal,
    )
    open_files = lambda: list((archive / "warc").rglob("*.warc.gz.open"))  # noqa: E731
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


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_resume_after_a_stop_archives_every_article_once(
    tmp_path: Path, stop: signal.Signals
) -> None:
    archive = tmp_path / "archive"
    job_dir = archive / "state" / "jobs" / "demo"
    with demo_server(tmp_path) as base_url:
        proc = _crawl_until_records_are_written(base_url, tmp_path, archive)
        proc.send_signal(stop)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "shutdown" in stderr, stderr[-2000:]
        assert job_dir.is_dir(), "an interrupted run keeps its queue"
        interrupted = len(article_documents(archive))
        assert 0 < interrupted < len(manifest()["articles"])
        resumed = run_archiver(
            "crawl",
            str(tmp_path / "demo.yaml"),
            "--archive",
            str(archive),
            "--resume",
            "--json",
            *NO_DELAY,
        )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming the interrupted run" in resumed.stderr
    summary = json.loads(resumed.stdout)[0]
    assert summary["articles_written"] == len(manifest()["articles"]) - interrupted
    assert not job_dir.exists(), "a finished run leaves no queue behind"
    docs = article_documents(archive)
    assert sorted(d["id"] for d in docs) == sorted({d["id"] for d in docs})
    assert len(docs) == len(manifest()["articles"])
    assert all(d["version"] == 1 for d in docs)
    fetched: Counter[str] = Counter()
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and record.http_headers.get_statuscode() == "200":
                    fetched[record.rec_headers.get_header("WARC-Target-URI")] += 1
    twice = {url: n for url, n in fetched.items() if n > 1}
    assert not twice, f"fetched again after resuming: {twice}"


def test_a_new_run_discards_an_interrupted_queue(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base_url:
        proc = _crawl_until_records_are_written(base_url, tmp_path, archive)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        again = run_archiver(
            "crawl", str(tmp_path / "demo.yaml"), "--archive", str(archive), *NO_DELAY
        )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "use --resume to continue it" in again.stderr
    # Whatever the first run archived is not fetched again; the rest is.
    assert len(article_documents(archive)) == len(manifest()["articles"])
