"""No process left behind: when the process that owns the extraction workers ends (a crawl
killed with SIGKILL, a script stopped by SIGTERM, an exception, a plain exit), its workers, the
forkserver that started them and multiprocessing's resource tracker end too, within seconds,
even while the workers are busy with a page (in Python code or stuck in C code)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faulty_extractor import BUSY_DIR
from tests.support import REPO, demo_config

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

#: How long the processes left may take to end once their owner is gone.
GRACE = 5.0

# A pid and the start time /proc gives it: a pid that a new process reuses is not the same one.
Processes = dict[int, str]


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from its third field (the state) on; None once the pid is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def descendants(pid: int) -> Processes:
    """Every process below `pid` (children, theirs, ...) with its start time."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in os.scandir("/proc"):
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None:
            parents[int(entry.name)] = (int(fields[1]), fields[19])
    found: Processes = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, started) in parents.items():
            if ppid == parent and child not in found:
                found[child] = started
                todo.append(child)
    return found


def running(pid: int, started: str) -> bool:
    """Whether the process is still there (a zombie is dead: it only waits to be reaped)."""
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] not in ("Z", "X")


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def left_running(processes: Processes, within: float = GRACE) -> dict[int, str]:
    """Those of `processes` still running after `within` seconds (polled), with their command."""
    deadline = time.monotonic() + within
    while True:
        left = {pid: command(pid) for pid, started in processes.items() if running(pid, started)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


@dataclass
class Owner:
    """A process that owns extraction workers, and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@contextmanager
def busy_workers(args: list[str], tmp_path: Path, workers: int = 2) -> Iterator[Owner]:
    """Run `args` until `workers` of its extraction workers are busy with a page (that never
    ends); whatever it leaves running is killed at the end."""
    busy = tmp_path / "busy"
    busy.mkdir()
    log = tmp_path / "owner.log"
    env = {**os.environ, BUSY_DIR: str(busy)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=out, stderr=out
        )
    owner = Owner(process, log)
    seen: Processes = {}
    try:
        deadline = time.monotonic() + 120
        while len(list(busy.iterdir())) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the workers did not get busy: {owner.output()}")
            time.sleep(0.05)
        seen = descendants(process.pid)
        busy_pids = {int(path.name) for path in busy.iterdir()}
        assert busy_pids <= seen.keys(), (busy_pids, seen)
        yield owner
    finally:
        if process.poll() is None:
            seen.update(descendants(process.pid))
        process.kill()
        process.wait()
        if process.stdin:
            process.stdin.close()
        for pid, started in seen.items():
            if running(pid, started):
                os.kill(pid, signal.SIGKILL)


def check_nothing_left(owner: Owner, end: Callable[[Owner], None], code: int) -> None:
    """`end` stops `owner`, which exits with `code`; every process it started ends soon."""
    processes = descendants(owner.process.pid)
    commands = [command(pid) for pid in processes]
    assert any("multiprocessing.resource_tracker" in c for c in commands), commands
    end(owner)
    assert owner.process.wait(timeout=30) == code, owner.output()
    assert left_running(processes) == {}


def kill(owner: Owner) -> None:
    owner.process.kill()


def terminate(owner: Owner) -> None:
    owner.process.terminate()


def terminate_twice(owner: Owner) -> None:
    """SIGTERM, which asks a crawl to stop gracefully (it waits for its pages); then once more,
    which stops it by force."""
    owner.process.terminate()
    deadline = time.monotonic() + 30
    while "Send again to force" not in owner.output():
        assert time.monotonic() < deadline, owner.output()
        time.sleep(0.05)
    owner.process.terminate()


def fail(owner: Owner) -> None:
    """Tell the owner (OWNER below) to raise an exception."""
    assert owner.process.stdin is not None
    owner.process.stdin.write(b"raise\n")
    owner.process.stdin.flush()


@pytest.mark.parametrize(
    ("extractor", "end", "code"),
    [
        ("sleepy", kill, -signal.SIGKILL),
        ("hogging", kill, -signal.SIGKILL),
        ("hogging", terminate_twice, 1),
    ],
)
def test_a_crawl_stopped_by_force_leaves_no_process_behind(
    demo_site: str, tmp_path: Path, extractor: str, end: Callable[[Owner], None], code: int
) -> None:
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    args = [sys.executable, "-m", "archiver", "crawl", str(config), "--workers", "2"]
    args += ["--archive", str(tmp_path / "archive"), "-v"]  # -v: Scrapy says it got SIGTERM
    args += ["-s", f"ARCHIVER_EXTRACTOR=tests.faulty_extractor.{extractor}"]
    args += ["-s", "ARCHIVER_EXTRACT_TIMEOUT=600"]  # the pages are never given up
    with busy_workers(args, tmp_path) as crawl:
        commands = [command(pid) for pid in descendants(crawl.process.pid)]
        assert any("multiprocessing.forkserver" in c for c in commands), commands
        check_nothing_left(crawl, end, code)


#: A script that owns a pool of two workers, both busy with a page that never ends, until it
#: reads "raise" (then it raises) or is stopped by a signal.
OWNER = """
import multiprocessing, sys
from archiver.extraction.pool import ExtractionPool
from tests import faulty_extractor

extractor, method = sys.argv[1:]
if method == "spawn":  # as where there is no forkserver
    multiprocessing.get_all_start_methods = lambda: ["fork", "spawn"]
pool = ExtractionPool(2, timeout=600, function=getattr(faulty_extractor, extractor))
for n in range(2):
    pool.submit(b"<html><p>A page.</p></html>", f"http://example.org/{n}", "utf-8", None)
if sys.stdin.readline().strip() == "raise":
    raise RuntimeError("the owner fails")
"""


@pytest.mark.parametrize(
    ("extractor", "end", "code", "method"),
    [
        ("sleepy", kill, -signal.SIGKILL, "forkserver"),
        ("hogging", kill, -signal.SIGKILL, "forkserver"),
        ("sleepy", terminate, -signal.SIGTERM, "forkserver"),
        ("hogging", terminate, -signal.SIGTERM, "forkserver"),
        ("sleepy", fail, 1, "forkserver"),
        ("hogging", fail, 1, "forkserver"),
        ("sleepy", kill, -signal.SIGKILL, "spawn"),
    ],
)
def test_a_pool_ends_with_the_process_that_owns_it(
    tmp_path: Path, extractor: str, end: Callable[[Owner], None], code: int, method: str
) -> None:
    with busy_workers([sys.executable, "-c", OWNER, extractor, method], tmp_path) as owner:
        check_nothing_left(owner, end, code)
    if end is fail:
        assert "RuntimeError: the owner fails" in owner.output()


#: A script that extracts a page through the pool and inline, then ends as told on stdin.
ENDING = """
import sys
from archiver.extraction.pool import ExtractionPool, extract_outcome

page = b"<html><head><title>Gull Rock</title></head><body><article><h1>Gull Rock</h1>"
page += b"<p>" + b"Two kayakers were rescued off Gull Rock on Sunday afternoon. " * 8 + b"</p>"
page += b"</article></body></html>"
url = "http://example.org/news/2026/11/20/gull-rock"
pool = ExtractionPool(2)
outcome = pool.wait(pool.submit(page, url, "utf-8", None), url)
print(outcome == extract_outcome(page, url, "utf-8", None), flush=True)
how = sys.stdin.readline().strip()
if how == "raise":
    raise RuntimeError("the owner fails")
if how == "shutdown":
    pool.shutdown()
"""


@pytest.mark.parametrize(("how", "code"), [("raise", 1), ("return", 0), ("shutdown", 0)])
def test_idle_workers_end_with_their_owner_however_it_exits(how: str, code: int) -> None:
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen([sys.executable, "-c", ENDING], cwd=REPO, text=True, **pipes) as owner:
        try:
            assert owner.stdout is not None
            assert owner.stdout.readline().strip() == "True"  # the same article as inline
            processes = descendants(owner.pid)
            assert len(processes) >= 3, processes  # a worker, forkserver, resource tracker
            _, errors = owner.communicate(how + "\n", timeout=60)
            assert owner.returncode == code, errors
            assert ("the owner fails" in errors) == (how == "raise")
            assert left_running(processes) == {}
        finally:
            owner.kill()
