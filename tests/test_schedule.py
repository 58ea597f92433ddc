"""Scheduled crawls: cron times, the per-site lock, and `archiver schedule` end to end."""

from __future__ import annotations

import fcntl
import io
import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.jobs.schedule import ScheduledSite, Scheduler, describe_run, next_run
from archiver.store.locking import SiteLocked, acquire_site_lock, lock_path
from tests.support import article_documents, demo_config, demo_server, run_archiver

BERLIN = ZoneInfo("Europe/Berlin")
HOLD_LOCK = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from archiver.store.locking import acquire_site_lock\n"
    "lock = acquire_site_lock(Path(sys.argv[1]), sys.argv[2])\n"
    "print('held', flush=True)\n"
    "time.sleep(120)\n"
)


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --------------------------------------------------------------------------- next_run


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/30 * * * *", utc(2026, 11, 27, 21, 10), utc(2026, 11, 27, 21, 30)),
        ("*/30 * * * *", utc(2026, 11, 27, 21, 30), utc(2026, 11, 27, 22, 0)),  # strictly after
        ("@hourly", utc(2026, 11, 27, 21, 0, 3), utc(2026, 11, 27, 22, 0)),
        ("@daily", utc(2026, 11, 27, 21, 0), utc(2026, 11, 28, 0, 0)),
        ("@midnight", utc(2026, 11, 27, 21, 0), utc(2026, 11, 28, 0, 0)),
        ("@weekly", utc(2026, 11, 27, 21, 0), utc(2026, 11, 29, 0, 0)),  # Sunday
        ("@monthly", utc(2026, 11, 27, 21, 0), utc(2026, 12, 1, 0, 0)),
        ("@yearly", utc(2026, 11, 27, 21, 0), utc(2027, 1, 1, 0, 0)),
        # Friday 27 November 2026, after 09:00: the next weekday is Monday.
        ("0 9 * * mon-fri", utc(2026, 11, 27, 10, 0), utc(2026, 11, 30, 9, 0)),
        ("0 9 * * 7", utc(2026, 11, 27, 10, 0), utc(2026, 11, 29, 9, 0)),  # 7 is Sunday too
    ],
)
def test_next_run(expression: str, after: datetime, expected: datetime) -> None:
    assert next_run(expression, after, UTC) == expected


def test_next_run_across_the_spring_dst_change() -> None:
    # Europe/Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST.
    after = datetime(2026, 3, 29, 1, 40, tzinfo=BERLIN)
    every_30 = next_run("*/30 * * * *", after, BERLIN)
    assert every_30 == datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)
    assert every_30 - after == timedelta(minutes=20)
    # 02:30 does not exist that night: it runs right after the change, as cron(8) does.
    assert next_run("30 2 * * *", after, BERLIN) == datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)


def test_next_run_across_the_autumn_dst_change() -> None:
    # Europe/Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:00-03:00 happens twice.
    after = utc(2026, 10, 25, 0, 40)  # 02:40 CEST, the first pass
    assert next_run("*/30 * * * *", after, BERLIN) == utc(2026, 10, 25, 1, 0)  # 02:00 CET
    assert next_run("@hourly", after, BERLIN) == utc(2026, 10, 25, 1, 0)
    # A fixed time runs once, not again in the second pass.
    first = next_run("30 2 * * *", utc(2026, 10, 24, 23, 0), BERLIN)
    assert first == utc(2026, 10, 25, 0, 30)
    assert next_run("30 2 * * *", first, BERLIN) == datetime(2026, 10, 26, 2, 30, tzinfo=BERLIN)


def test_next_run_uses_the_local_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    result = next_run("0 9 * * *", utc(2026, 11, 27, 12, 0))
    assert result.utcoffset() == timedelta(hours=-5)
    assert result == utc(2026, 11, 27, 14, 0)


def test_next_run_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_run("@hourly", datetime(2026, 11, 27, 21, 0))


# --------------------------------------------------------------------------- the lock


@contextmanager
def lock_held_elsewhere(archive: Path, site: str = "demo") -> Iterator[subprocess.Popen[str]]:
    """Another process holding the site's lock, until the block ends (then it is killed)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(archive), site], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            yield holder
        finally:
            holder.kill()


def test_lock_is_reentrant_within_a_process_and_excludes_others(tmp_path: Path) -> None:
    first = acquire_site_lock(tmp_path, "demo")
    second = acquire_site_lock(tmp_path, "demo")
    assert second is first and first.site == "demo"
    path = lock_path(tmp_path, "demo")
    assert path == tmp_path / "state" / "locks" / "demo.lock"
    assert re.fullmatch(
        rf"pid={os.getpid()} started=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ cmd=.+\n", path.read_text()
    )

    def locked_by_someone() -> bool:
        with open(path, "rb") as other:  # a second open file conflicts even in this process
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(other, fcntl.LOCK_UN)
            return False

    assert locked_by_someone()
    first.release()
    assert locked_by_someone()  # still held once
    second.release()
    assert not locked_by_someone()
    assert path.exists()  # never deleted
    with acquire_site_lock(tmp_path, "demo") as again:
        assert again is not first and locked_by_someone()
    assert not locked_by_someone()


def test_lock_held_by_another_process_names_it(tmp_path: Path) -> None:
    with lock_held_elsewhere(tmp_path) as holder, pytest.raises(SiteLocked) as caught:
        acquire_site_lock(tmp_path, "demo")
    assert caught.value.pid == holder.pid
    assert str(caught.value).startswith(f"demo is already being crawled (pid {holder.pid} since ")
    assert str(lock_path(tmp_path, "demo")) in str(caught.value)
    acquire_site_lock(tmp_path, "demo").release()  # the holder is gone: nothing stale is left


def test_archiving_into_a_locked_collection_refuses_before_fetching(tmp_path: Path) -> None:
    """`archiver archive` writes into its collection like a crawl: one writer at a time."""
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base, lock_held_elsewhere(archive, "adhoc") as holder:
        refused = run_archiver("archive", f"{base}/news/", "--archive", str(archive))
    assert refused.returncode == 1, refused.stderr
    assert f"adhoc is already being crawled (pid {holder.pid} since " in refused.stderr
    assert "Traceback" not in refused.stderr  # said in words, before Scrapy starts
    assert not list((archive / "warc").rglob("*.warc*"))


def test_crawl_of_a_locked_site_refuses_until_the_holder_is_gone(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base:
        config = demo_config(base, tmp_path / "demo.yaml")
        with lock_held_elsewhere(archive) as holder:
            refused = run_archiver("crawl", str(config), "--archive", str(archive))
        assert refused.returncode == 1, refused.stderr
        assert f"demo is already being crawled (pid {holder.pid} since " in refused.stderr
        assert f"lock {archive}/state/locks/demo.lock" in refused.stderr
        assert not article_documents(archive)

        # The holder was killed (no clean-up ran): the lock died with it.
        done = run_archiver("crawl", str(config), "--archive", str(archive))
        assert done.returncode == 0, done.stderr
        assert article_documents(archive)


# --------------------------------------------------------------------------- describing runs


def test_describe_run_from_the_summary() -> None:
    summary = {
        "site": "demo",
        "finish_reason": "finished",
        "pages_fetched": 45,
        "requests": 44,
        "articles_written": 30,
        "articles_changed": 2,
        "articles_unchanged": 0,
        "articles_not_modified": 5,
        "warc_bytes": 251234,
        "failure": None,
        "requests_by_kind": {"section": 9, "article-new": 35},
        "revisits": {"server-not-modified": 5, "identical-payload-digest": 3},
        "takedowns": 1,
    }
    line = describe_run("demo", 0, 3.24, json.dumps([summary]), Path("a/logs/demo/x.log"))
    assert line == (
        "demo finished in 3.2s exit 0: 45 pages, 44 requests (section=9 article-new=35), "
        "articles 30 new, 2 changed, 0 unchanged, 5 not modified, 1 takedowns, 8 revisits, "
        "251,234 WARC bytes; log a/logs/demo/x.log"
    )


def test_describe_run_without_a_summary() -> None:
    log = Path("a/logs/demo/x.log")
    assert describe_run("demo", 1, 2.0, "", log, "Traceback ...\n") == (
        "demo crashed after 2.0s (exit 1) without printing a summary; log a/logs/demo/x.log"
    )
    assert "(killed by SIGKILL)" in describe_run("demo", -9, 2.0, "", log)
    locked = "# header\nError: demo is already being crawled (pid 7 since X; lock L)\n"
    assert describe_run("demo", 1, 0.9, "", log, locked) == (
        "demo skipped (locked): demo is already being crawled (pid 7 since X; lock L); "
        "log a/logs/demo/x.log"
    )


# --------------------------------------------------------------------------- the scheduler

FAKE_CRAWL = textwrap.dedent(
    """
    import json, signal, sys, time

    def stop(signum, frame):
        summary = {"site": "demo", "finish_reason": "shutdown", "pages_fetched": 3,
                   "requests": 3, "articles_written": 1,
                   "revisits": {"identical-payload-digest": 2},
                   "failure": "the crawl did not finish (finish reason: shutdown)"}
        print(json.dumps([summary]))
        sys.exit(1)

    signal.signal(signal.SIGINT, stop)
    print("crawling", file=sys.stderr, flush=True)
    time.sleep(60)
    """
)


def test_a_site_still_being_crawled_is_not_started_again(tmp_path: Path) -> None:
    out = io.StringIO()
    site = ScheduledSite(tmp_path / "demo.yaml", "demo", "@hourly")
    scheduler = Scheduler(
        [site],
        tmp_path,
        run_now=True,
        out=out,
        tz=UTC,
        command=lambda s: [sys.executable, "-c", FAKE_CRAWL],
    )
    start = utc(2026, 11, 27, 21, 0, 3)
    scheduler.begin(start)
    scheduler.tick(start)
    assert scheduler.running == ["demo"]
    log = tmp_path / "logs" / "demo" / "20261127T210003Z.log"
    wait_until(lambda: "crawling" in log.read_text().splitlines(), "the fake crawl to start")

    scheduler.tick(utc(2026, 11, 27, 22, 0, 0))  # due again, still going
    assert scheduler.running == ["demo"] and scheduler.runs_started == 1
    pid = scheduler._runs["demo"].process.pid
    assert out.getvalue().splitlines()[-1] == (
        f"2026-11-27T22:00:00Z demo skipped: the run started 2026-11-27T21:00:03Z (pid {pid}) "
        "is still going; next run 2026-11-27T23:00:00+00:00"
    )

    scheduler.request_stop()  # SIGINT to the crawl: it prints its summary and exits 1
    end = utc(2026, 11, 27, 22, 0, 5)
    scheduler.tick(end)

    def stopped() -> bool:
        scheduler.tick(end)
        return not scheduler.running

    wait_until(stopped, "the crawl to stop")
    lines = out.getvalue().splitlines()
    assert lines[-2] == "2026-11-27T22:00:05Z stopping: no new runs; waiting for the crawls of demo"
    assert lines[-1] == (
        "2026-11-27T22:00:05Z demo shutdown in 3602.0s exit 1: 3 pages, 3 requests, "
        "articles 1 new, 0 changed, 0 unchanged, 0 not modified, 2 revisits, 0 WARC bytes, "
        "FAILED: the crawl did not finish "
        f"(finish reason: shutdown); log {log}"
    )


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Lines:
    """A child's stdout lines, read in a thread so that waiting for one has a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"stdout ended before {pattern!r}: {self.seen}")
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} within {timeout}s: {self.seen}")

    def rest(self) -> list[str]:
        """The remaining lines, once the child has exited."""
        self._thread.join(timeout=10)
        while (line := self._queue.get_nowait()) is not None:
            self.seen.append(line)
        return self.seen


@contextmanager
def scheduler_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    """`archiver schedule ARGS` in a subprocess; killed if a test leaves it running."""
    with subprocess.Popen(
        [sys.executable, "-m", "archiver", "schedule", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        try:
            yield proc, Lines(proc.stdout)
        finally:
            if proc.poll() is None:
                proc.kill()


def stop(proc: subprocess.Popen[str], lines: Lines) -> list[str]:
    """SIGTERM the scheduler; assert it exits 0; its stdout lines."""
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    return lines.rest()


STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def test_schedule_runs_a_crawl_now_then_stops_on_sigterm(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base:
        config = demo_config(base, tmp_path / "demo.yaml")
        args = (str(config), "--archive", str(archive), "--run-now")
        with scheduler_process(*args, "-s", "ARCHIVER_PROGRESS_INTERVAL=0") as (proc, lines):
            started = lines.wait_for(rf"^{STAMP} demo: schedule '@hourly' \(local time\), (.*)$")
            assert started[1].startswith("running now, then from ")
            line = lines.wait_for(rf"^{STAMP} demo (?!: schedule).*$")[0]  # the run's line
            run = re.fullmatch(
                rf"{STAMP} demo finished in [0-9.]+s exit 0: (\d+) pages, \d+ requests .*, "
                r"articles (\d+) new, .*, [0-9,]+ WARC bytes; log (\S+)",
                line,
            )
            assert run, line
            output = stop(proc, lines)
    pages, written, log = int(run[1]), int(run[2]), Path(run[3])
    assert pages > 0 and written == len(article_documents(archive)) > 0
    assert log.parent == archive / "logs" / "demo"
    assert re.fullmatch(r"\d{8}T\d{6}Z\.log", log.name)
    log_text = log.read_text()
    assert "-s ARCHIVER_PROGRESS_INTERVAL=0" in log_text.splitlines()[0]  # passed on
    assert "== demo: finished" in log_text
    assert re.fullmatch(rf"{STAMP} scheduler stopped after 1 run\(s\)", output[-1])


def test_schedule_reports_a_run_skipped_while_another_crawl_holds_the_site(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "archive"
    config = demo_config("http://127.0.0.1:9", tmp_path / "demo.yaml")  # never fetched
    args = (str(config), "--archive", str(archive), "--run-now")
    with lock_held_elsewhere(archive) as holder, scheduler_process(*args) as (proc, lines):
        line = lines.wait_for(rf"^{STAMP} demo (?!: schedule).*$")[0]  # the run's line
        output = stop(proc, lines)
    assert re.match(
        rf"{STAMP} demo skipped \(locked\): demo is already being crawled \(pid {holder.pid} ",
        line,
    ), line
    assert not any(" crashed " in line or " finished " in line for line in output)
    assert output[-1].endswith("scheduler stopped after 1 run(s)")


def test_schedule_needs_a_schedule_in_every_config(tmp_path: Path) -> None:
    config = demo_config(
        "http://127.0.0.1:9", tmp_path / "demo.yaml", {"  schedule: '@hourly'\n": ""}
    )
    result = CliRunner().invoke(cli, ["schedule", str(config), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2, result.output
    assert f"{config}: crawl.schedule: missing" in result.output


def test_schedule_checks_its_options_and_has_help() -> None:
    result = CliRunner().invoke(cli, ["schedule", "configs/demo.yaml", "-s", "NOEQUALS"])
    assert result.exit_code == 2
    assert "expected KEY=VALUE" in result.output
    result = CliRunner().invoke(cli, ["schedule", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "archiver schedule configs/demo.yaml" in result.output
