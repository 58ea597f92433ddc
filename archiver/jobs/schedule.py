"""`archiver schedule`: crawl each site when its ``crawl.schedule`` says, never twice at once.

Cron expressions are evaluated in the machine's local time zone, as cron(8) does ($TZ, else
/etc/localtime). Each run is its own `archiver crawl` process; its stderr goes to
``<archive>/logs/<site>/<start>.log`` and its JSON summary becomes one line on stdout.
Plain Python: no Scrapy here.
"""

from __future__ import annotations

import json
import os
import select
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from types import FrameType
from typing import IO, Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from archiver.config.cron import CRON_MACROS
from archiver.store.locking import LOCKED_MARKER

__all__ = [
    "ScheduledSite",
    "Scheduler",
    "crawl_command",
    "describe_run",
    "local_zone",
    "next_run",
    "run_log_path",
]

_MAX_WAIT = 60.0  # seconds; re-read the clock at least this often (suspend, clock changes)
_POLL = 1.0  # seconds between child checks while crawls run (SIGCHLD usually wakes us first)


# --------------------------------------------------------------------------- when


def local_zone() -> tzinfo:
    """The machine's time zone with its DST rules: $TZ if set, else /etc/localtime."""
    name = os.environ.get("TZ")
    try:
        if name is not None:
            name = name.lstrip(":") or "UTC"
            if name.startswith("/"):
                with open(name, "rb") as fh:
                    return ZoneInfo.from_file(fh, key=name)
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        return datetime.now().astimezone().tzinfo or UTC  # a fixed offset: no DST changes


def next_run(expression: str, after: datetime, tz: tzinfo | None = None) -> datetime:
    """The first time after ``after`` (aware) that ``expression`` matches in ``tz`` (local).

    The result carries that moment's UTC offset in ``tz``.

    Across DST changes it behaves like cron(8): a time the spring change skips runs right after
    the change; in the autumn's repeated hour, a job with a fixed minute and hour runs once,
    a job with ``*`` in either (e.g. @hourly, ``*/30 * * * *``) runs in both passes.
    """
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError(f"next_run needs an aware datetime, got {after!r}")
    zone = tz if tz is not None else local_zone()
    fields = CRON_MACROS.get(expression.strip(), expression).split()
    fixed_time = not (fields[0].startswith("*") or fields[1].startswith("*"))
    times = croniter(expression.strip(), after.astimezone(zone))
    while True:
        candidate: datetime = times.get_next(datetime).astimezone(zone)
        if candidate > after and not (fixed_time and _repeated(candidate)):
            # A fixed offset: same local reading, but == and - work as on instants (PEP 495).
            return candidate.astimezone(timezone(candidate.utcoffset() or timedelta(0)))


def _repeated(moment: datetime) -> bool:
    """Whether ``moment`` is the second pass of a wall-clock time (the autumn DST change)."""
    return moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()


# --------------------------------------------------------------------------- what


@dataclass(frozen=True)
class ScheduledSite:
    """A site config to crawl on its cron schedule."""

    config: Path
    site: str
    schedule: str


def crawl_command(config: Path, archive_dir: Path, overrides: Sequence[str] = ()) -> list[str]:
    """One scheduled run: `archiver crawl` with its JSON summaries on stdout."""
    sets = [arg for pair in overrides for arg in ("-s", pair)]
    archive = ["--archive", str(archive_dir)]
    return [sys.executable, "-m", "archiver", "crawl", str(config), *archive, "--json", "-q", *sets]


def run_log_path(archive_dir: Path, site: str, started: datetime) -> Path:
    """``<archive>/logs/<site>/<YYYYmmddTHHMMSSZ>.log``, named by the run's start (UTC)."""
    return Path(archive_dir) / "logs" / site / f"{started.astimezone(UTC):%Y%m%dT%H%M%SZ}.log"


def describe_run(
    site: str, returncode: int, seconds: float, stdout: str, log: Path, log_text: str = ""
) -> str:
    """One line about a finished run, from the JSON summaries it printed (or their absence)."""
    summaries = _summaries(stdout)
    if not summaries:
        if returncode == 1 and LOCKED_MARKER in log_text:
            return f"{site} skipped (locked): {_locked_reason(log_text)}; log {log}"
        return (
            f"{site} crashed after {seconds:.1f}s ({_exit(returncode)}) without printing a "
            f"summary; log {log}"
        )
    reasons = "/".join(dict.fromkeys(str(s.get("finish_reason", "unknown")) for s in summaries))
    details = "; ".join(_details(s) for s in summaries)
    return f"{site} {reasons} in {seconds:.1f}s {_exit(returncode)}: {details}; log {log}"


def _summaries(stdout: str) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(stdout)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, Mapping)]


def _details(summary: Mapping[str, Any]) -> str:
    """The figures of one crawl summary (`archiver crawl --json`) on one line."""
    kinds = summary.get("requests_by_kind") or {}
    by_kind = " ".join(f"{k}={_count(v)}" for k, v in kinds.items())
    revisits = sum(_count(v) for v in (summary.get("revisits") or {}).values())
    parts = [
        f"{_count(summary.get('pages_fetched')):,} pages",
        f"{_count(summary.get('requests')):,} requests" + (f" ({by_kind})" if by_kind else ""),
        f"articles {_count(summary.get('articles_written')):,} new"
        f", {_count(summary.get('articles_changed')):,} changed"
        f", {_count(summary.get('articles_unchanged')):,} unchanged"
        f", {_count(summary.get('articles_not_modified')):,} not modified",
    ]
    if _count(summary.get("takedowns")):
        parts.append(f"{_count(summary.get('takedowns'))} takedowns")
    if revisits:
        parts.append(f"{revisits:,} revisits")
    parts.append(f"{_count(summary.get('warc_bytes')):,} WARC bytes")
    if summary.get("failure"):
        parts.append(f"FAILED: {summary['failure']}")
    return ", ".join(parts)


def _count(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit {returncode}"


def _locked_reason(log_text: str) -> str:
    line = next(line for line in log_text.splitlines() if LOCKED_MARKER in line)
    return line.removeprefix("Error: ").strip()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- running


@dataclass
class _Run:
    """A crawl in progress."""

    site: ScheduledSite
    process: subprocess.Popen[bytes]
    started: datetime
    log: Path
    stdout: IO[bytes]


class Scheduler:
    """Starts each site's crawl when due, one per site; SIGINT/SIGTERM stop it gracefully.

    ``run()`` is the whole life; ``begin()`` and ``tick()`` are its steps, for tests.
    """

    def __init__(
        self,
        sites: Sequence[ScheduledSite],
        archive_dir: Path,
        overrides: Sequence[str] = (),
        *,
        run_now: bool = False,
        out: TextIO | None = None,
        tz: tzinfo | None = None,
        command: Callable[[ScheduledSite], list[str]] | None = None,
    ) -> None:
        self.sites = list(sites)
        self.archive_dir = Path(archive_dir)
        self.run_now = run_now
        self.out = out if out is not None else sys.stdout
        self.zone = tz if tz is not None else local_zone()
        self.command = command or (lambda s: crawl_command(s.config, self.archive_dir, overrides))
        self.runs_started = 0
        self._due: dict[str, datetime] = {}
        self._runs: dict[str, _Run] = {}
        self._stop_requests = 0
        self._stops_forwarded = 0

    @property
    def stopping(self) -> bool:
        return self._stop_requests > 0

    @property
    def running(self) -> list[str]:
        """Sites whose crawl is in progress."""
        return list(self._runs)

    def request_stop(self) -> None:
        """Stop (what SIGINT/SIGTERM do): no new runs; each call sends running crawls SIGINT."""
        self._stop_requests += 1

    def run(self) -> None:
        """Follow the schedules until SIGINT or SIGTERM, then wait for running crawls."""
        # Signals only count; the wake-up pipe (written by Python's C-level handler, so no
        # signal is lost between a check and the wait) ends the wait in select().
        wake_read, wake_write = os.pipe()
        for fd in (wake_read, wake_write):
            os.set_blocking(fd, False)
        handlers = {
            signal.SIGINT: self._on_stop_signal,
            signal.SIGTERM: self._on_stop_signal,
            signal.SIGCHLD: self._on_child_signal,  # a crawl ended: report it at once
        }
        previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
        previous_fd = signal.set_wakeup_fd(wake_write)
        try:
            self.begin(datetime.now(UTC))
            while True:
                self.tick(datetime.now(UTC))
                if self.stopping and not self._runs:
                    break
                if select.select([wake_read], [], [], self._wait_seconds(datetime.now(UTC)))[0]:
                    _drain(wake_read)
        finally:
            signal.set_wakeup_fd(previous_fd)
            for sig, old in previous.items():
                signal.signal(sig, old)
            os.close(wake_read)
            os.close(wake_write)
        self._say(f"scheduler stopped after {self.runs_started} run(s)")

    def _on_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        self.request_stop()

    def _on_child_signal(self, signum: int, frame: FrameType | None) -> None:
        """Nothing to do: installing it makes SIGCHLD write to the wake-up pipe."""

    def begin(self, now: datetime) -> None:
        """Work out the first due times; one line per site."""
        for site in self.sites:
            upcoming = next_run(site.schedule, now, self.zone)
            self._due[site.site] = now if self.run_now else upcoming
            when = f"running now, then from {upcoming.isoformat()}" if self.run_now else ""
            when = when or f"next run {upcoming.isoformat()}"
            self._say(f"{site.site}: schedule {site.schedule!r} (local time), {when}", now)

    def tick(self, now: datetime) -> None:
        """Report finished runs, pass on stop requests, start what is due."""
        for name, current in list(self._runs.items()):
            if current.process.poll() is not None:
                del self._runs[name]
                self._report(current, now)
        while self._stops_forwarded < self._stop_requests:
            first, crawls = self._stops_forwarded == 0, ", ".join(self._runs)
            if crawls:
                self._say(
                    f"stopping: no new runs; waiting for the crawls of {crawls}"
                    if first
                    else f"stopping the crawls of {crawls} at once",
                    now,
                )
            elif first:
                self._say("stopping", now)
            for current in self._runs.values():
                current.process.send_signal(signal.SIGINT)
            self._stops_forwarded += 1
        if self.stopping:
            return
        for site in self.sites:
            if self._due[site.site] > now:
                continue
            self._due[site.site] = next_run(site.schedule, now, self.zone)
            busy = self._runs.get(site.site)
            if busy is None:
                self._start(site, now)
            else:
                self._say(
                    f"{site.site} skipped: the run started {_stamp(busy.started)} "
                    f"(pid {busy.process.pid}) is still going; next run "
                    f"{self._due[site.site].isoformat()}",
                    now,
                )

    def _start(self, site: ScheduledSite, now: datetime) -> None:
        command = self.command(site)
        log = run_log_path(self.archive_dir, site.site, now)
        log.parent.mkdir(parents=True, exist_ok=True)
        stdout = tempfile.TemporaryFile()  # noqa: SIM115 - read and closed when the run ends
        try:
            with open(log, "ab") as log_file:
                log_file.write(f"# {_stamp(now)} $ {shlex.join(command)}\n".encode())
                log_file.flush()
                # A session of its own: a terminal's Ctrl-C reaches only the scheduler, which
                # forwards one SIGINT (a second would stop the crawl at once).
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=log_file,
                    start_new_session=True,
                )
        except BaseException:
            stdout.close()
            raise
        self._runs[site.site] = _Run(site, process, now, log, stdout)
        self.runs_started += 1

    def _report(self, finished: _Run, now: datetime) -> None:
        finished.stdout.seek(0)
        output = finished.stdout.read().decode("utf-8", "replace")
        finished.stdout.close()
        try:
            log_text = finished.log.read_text(encoding="utf-8", errors="replace")[-65536:]
        except OSError:
            log_text = ""
        seconds = max((now - finished.started).total_seconds(), 0.0)
        returncode = finished.process.returncode
        self._say(
            describe_run(finished.site.site, returncode, seconds, output, finished.log, log_text),
            now,
        )

    def _wait_seconds(self, now: datetime) -> float:
        if self.stopping:
            return _POLL
        until_due = min(((due - now).total_seconds() for due in self._due.values()), default=0.0)
        limit = _POLL if self._runs else _MAX_WAIT
        return max(0.0, min(until_due, limit))

    def _say(self, text: str, now: datetime | None = None) -> None:
        print(f"{_stamp(now or datetime.now(UTC))} {text}", file=self.out, flush=True)


def _drain(fd: int) -> None:
    """Empty a non-blocking pipe."""
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass
