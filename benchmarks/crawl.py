"""Crawl throughput (issue 13): archiver against wget, and against its own extractor alone.

Usage: ``python benchmarks/crawl.py [--articles 2000] [--repeat 2] [--modes a,b,c,d,e]
[--keep] [--json] [--timeout 3600] [--corpus DIR]``

Builds the local news site of benchmarks/newssite.py (N articles from the corpus pages, three
sections with pagination, a feed and a sitemap), writes it as static files into a temp dir and
serves it with nginx on 127.0.0.1 (Debian's, installed with apt-get when missing; where it
cannot be, the site's own Python server, and the report says so). Page resources are off
throughout: the site config says ``requisites: {scope: none}``; wget gets no ``-p`` and its
accept rule takes pages only. Then times, in turn and ``--repeat`` times over (a, b, c, d, e,
a, b, ...), each run a fresh process timed from its start to its exit:

- a ``crawl``: ``archiver crawl CONFIG``;
- b ``archive``: ``archiver crawl CONFIG --no-extract`` (reported unavailable when the CLI has
  no such option);
- c ``wget``: ``wget --recursive --warc-file`` of the same pages;
- d ``extract``: archiver's extraction pool (one worker per core, as in the crawl) over the N
  articles as served;
- e ``single``: trafilatura's ``bare_extraction`` and archiver's ``extract`` on core 0 alone
  over the distinct corpus pages (benchmarks/extraction.py's calls), docs/s of the calls.

Pages are counted in each WARC: the response records of the site's pages (sections and their
pages, articles, feed, sitemap; robots.txt aside), checked against the set the site has. The
process tree of a run (the extraction workers too: a forkserver's children) is sampled from
/proc every `INTERVAL` s for CPU time (the last value seen per process; the main process's
exact total read from it as a zombie) and RSS (the peak of the tree's sum, and the main
process's own high-water mark). Prints a markdown table (medians, then every run) and the
ratios a/d, b/c and e against the targets of the issue; ``--json`` adds the results as JSON.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.newssite import NewsSite, corpus_root, static_file  # noqa: E402
from benchmarks.requisites import stop, warc_sizes  # noqa: E402

MODES = {"a": "crawl", "b": "archive", "c": "wget", "d": "extract", "e": "single"}
INTERVAL = 0.1  # seconds between samples of a run's process tree
PSS_EVERY = 20  # samples between reads of PSS (smaps_rollup costs ms per process)
LINGER = 10.0  # seconds to keep sampling processes that outlive a run's main process
TARGETS = {"a/d": 0.95, "b/c": 1.5, "e": 1.0}
MAIN_CPU_TARGET_MS = 8.0
RSS_TARGET_MB = 350.0
MB = 1024 * 1024
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_STARTED = time.perf_counter()


def say(message: str) -> None:
    """Progress on stderr, with the seconds since the benchmark started."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# --- sampling a process tree from /proc ---------------------------------------------------


@dataclass(frozen=True)
class ProcStat:
    """What one read of /proc/PID/stat tells."""

    pid: int
    start: int  # start time in clock ticks: with pid, names one process
    state: str
    session: int
    cpu: float  # user + system seconds of the process itself
    rss: int  # bytes


def read_stat(pid: int) -> ProcStat | None:
    """/proc/PID/stat, or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            raw = file.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()  # fields 3.. (the name may hold spaces)
    return ProcStat(
        pid=pid,
        start=int(fields[19]),
        state=fields[0],
        session=int(fields[3]),
        cpu=(int(fields[11]) + int(fields[12])) / _TICK,
        rss=int(fields[21]) * _PAGE,
    )


def session_members(session: int) -> list[ProcStat]:
    """Every process of `session` (its leader's descendants, orphans included)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = read_stat(int(name))
            if stat is not None and stat.session == session:
                found.append(stat)
    return found


def proportional_set_size(pid: int) -> int:
    """Pss of a live process in bytes: its RSS with each shared page split among its users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def high_water_mark(pid: int) -> int:
    """VmHWM of a live process in bytes (0 when gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@dataclass(frozen=True)
class TreeUsage:
    """CPU and memory of a run's processes."""

    main_cpu: float  # seconds
    workers_cpu: float  # seconds, every other process of the session
    peak_rss: int  # bytes, the peak of the sum over the live processes
    peak_rss_main: int  # bytes, the main process's high-water mark
    peak_pss: int  # bytes, the peak of the sum of PSS, read every `PSS_EVERY` samples
    processes: int
    outlived: int  # processes still alive `LINGER` s after the main process ended


class TreeSampler:
    """Samples the session a process leads: CPU per process, summed RSS, main's VmHWM."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.cpu: dict[tuple[int, int], float] = {}
        self.peak_rss = 0
        self.peak_rss_main = 0
        self.peak_pss = 0
        self.samples = 0
        self.outlived = 0

    def sample(self) -> list[ProcStat]:
        """One look at the tree; returns its live processes.

        A zombie (ended, not yet reaped) still shows its final CPU time, and no RSS.
        """
        members = session_members(self.root)
        for stat in members:
            key = (stat.pid, stat.start)
            self.cpu[key] = max(self.cpu.get(key, 0.0), stat.cpu)
        live = [s for s in members if s.state not in ("Z", "X")]
        self.peak_rss = max(self.peak_rss, sum(s.rss for s in live))
        self.peak_rss_main = max(self.peak_rss_main, high_water_mark(self.root))
        if self.samples % PSS_EVERY == 0:
            pss = sum(proportional_set_size(s.pid) for s in live)
            self.peak_pss = max(self.peak_pss, pss)
        self.samples += 1
        return live

    def final(self) -> None:
        """Once the main process ended (a zombie until reaped): its exact CPU total.

        The rest of the tree (a forkserver and its workers) may end after it: watched for up
        to `LINGER` seconds more.
        """
        deadline = time.monotonic() + LINGER
        while True:
            live = self.sample()
            if not live or time.monotonic() > deadline:
                self.outlived = len(live)
                return
            time.sleep(INTERVAL)

    def usage(self) -> TreeUsage:
        main = sum(cpu for (pid, _), cpu in self.cpu.items() if pid == self.root)
        others = sum(cpu for (pid, _), cpu in self.cpu.items() if pid != self.root)
        return TreeUsage(
            main_cpu=main,
            workers_cpu=others,
            peak_rss=self.peak_rss,
            peak_rss_main=self.peak_rss_main,
            peak_pss=self.peak_pss,
            processes=len(self.cpu),
            outlived=self.outlived,
        )


@dataclass(frozen=True)
class Measured:
    """A process run to its end: wall time from start to exit, and its tree's usage."""

    seconds: float
    exit_code: int | None
    timed_out: bool
    usage: TreeUsage


def _exit_watch(pid: int, ended: threading.Event, when: list[float]) -> None:
    """Wait (without reaping) for `pid` to exit; note the time."""
    with contextlib.suppress(ChildProcessError):
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    when.append(time.perf_counter())
    ended.set()


def measure(
    command: Sequence[str], stdout: Path, stderr: Path, timeout: float, cwd: Path = REPO
) -> Measured:
    """Run `command` in a session of its own, sampling its tree until it exits."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    ended = threading.Event()
    exited_at: list[float] = []
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True
        )
        sampler = TreeSampler(process.pid)
        watcher = threading.Thread(
            target=_exit_watch, args=(process.pid, ended, exited_at), daemon=True
        )
        watcher.start()
        timed_out = False
        try:
            while not ended.wait(INTERVAL):
                sampler.sample()
                if time.perf_counter() - started > timeout:
                    timed_out = True
                    stop(process)
                    break
        except BaseException:  # Ctrl-C: the run must not outlive the benchmark
            stop(process)
            raise
        if not timed_out:
            sampler.final()
            with contextlib.suppress(ProcessLookupError):
                if sampler.outlived:
                    os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        watcher.join(timeout=5)
    seconds = (exited_at[0] if exited_at else time.perf_counter()) - started
    return Measured(seconds, process.returncode, timed_out, sampler.usage())


# --- serving the site ---------------------------------------------------------------------


def find_nginx() -> str | None:
    """The nginx binary, installing Debian's package when it is missing and we can."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    found = shutil.which("nginx", path=search)
    if found or not shutil.which("apt-get") or os.geteuid() != 0:
        return found
    say("nginx is missing: apt-get install -y nginx")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", "nginx"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        subprocess.run(install, env=env, capture_output=True)
    return shutil.which("nginx", path=search)


NGINX_CONF = """\
# written by benchmarks/crawl.py
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server_tokens off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {work}/nginx-temp/body;
    proxy_temp_path {work}/nginx-temp/proxy;
    fastcgi_temp_path {work}/nginx-temp/fastcgi;
    uwsgi_temp_path {work}/nginx-temp/uwsgi;
    scgi_temp_path {work}/nginx-temp/scgi;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type text/html;  # article pages have no extension
    charset utf-8;
    charset_types text/plain application/xml application/rss+xml;
    server {{
        listen {host}:{port};
        root {root};
        index index.html;
        location = /feed.xml {{
            types {{ }}
            default_type application/rss+xml;
        }}
    }}
}}
"""


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether something accepts on `port` before `process` ends or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.02)
    return False


@contextlib.contextmanager
def nginx(binary: str, root: Path, host: str, port: int, work: Path) -> Iterator[None]:
    """Serve `root` with an nginx of our own (foreground, one worker) for the block."""
    (work / "nginx-temp").mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, root=root, host=host, port=port))
    command = [binary, "-p", str(work), "-e", str(work / "nginx-error.log"), "-c", str(conf)]
    with (work / "nginx-stderr.txt").open("wb") as err:
        process = subprocess.Popen(
            [*command, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    try:
        if not wait_for_port(host, port, process, 10.0):
            log = (work / "nginx-error.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"nginx did not start on {host}:{port}: {log}")
        say(f"nginx {process.pid} serves {root} on {host}:{port}")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- counting pages in WARCs --------------------------------------------------------------


@dataclass
class PageCount:
    """Response records of a WARC, against the site's page set."""

    pages: int = 0  # responses for pages of the site (a page fetched twice counts twice)
    distinct: int = 0
    missing: int = 0  # site pages never fetched
    statuses: dict[str, int] = field(default_factory=dict)  # of the page responses
    other: dict[str, int] = field(default_factory=dict)  # responses for other paths

    def describe(self, expected: int) -> str:
        twice = self.pages - self.distinct
        other = ", ".join(f"{k} {v}" for k, v in sorted(self.other.items())[:5]) or "none"
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"{self.pages} pages ({self.distinct} of the {expected} expected, "
            f"{self.missing} missing, {twice} fetched again; status {statuses}); "
            f"other responses: {other}"
        )


def count_pages(warcs: Sequence[Path], expected: set[str]) -> PageCount:
    """Count the response records of `warcs` by URL path."""
    from warcio.archiveiterator import ArchiveIterator

    seen: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for path in warcs:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                url_path = urlsplit(record.rec_headers.get_header("WARC-Target-URI") or "").path
                if url_path in expected:
                    seen[url_path] += 1
                    status = record.http_headers.get_statuscode() if record.http_headers else "?"
                    statuses[str(status)] += 1
                else:
                    other[url_path] += 1
    return PageCount(
        pages=sum(seen.values()),
        distinct=len(seen),
        missing=len(expected - set(seen)),
        statuses=dict(statuses),
        other=dict(other),
    )


# --- the runs ------------------------------------------------------------------------------


@dataclass
class Run:
    """One timed run of one mode."""

    mode: str
    cycle: int
    seconds: float = 0.0
    exit_code: int | None = None
    timed_out: bool = False
    pages: int = 0  # pages archived (a, b, c) or extracted (d); docs (e)
    main_cpu: float = 0.0
    workers_cpu: float = 0.0
    peak_rss: int = 0
    peak_rss_main: int = 0
    peak_pss: int = 0
    processes: int = 0
    warc_bytes: int | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.mode} {MODES[self.mode]}"

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds and self.pages else 0.0

    def ms_per_page(self, cpu: float) -> float:
        return 1000 * cpu / self.pages if self.pages else 0.0

    def record(self, measured: Measured) -> None:
        self.seconds = measured.seconds
        self.exit_code = measured.exit_code
        self.timed_out = measured.timed_out
        self.main_cpu = measured.usage.main_cpu
        self.workers_cpu = measured.usage.workers_cpu
        self.peak_rss = measured.usage.peak_rss
        self.peak_rss_main = measured.usage.peak_rss_main
        self.peak_pss = measured.usage.peak_pss
        self.processes = measured.usage.processes
        if measured.usage.outlived:
            self.note += f" {measured.usage.outlived} process(es) outlived it (killed)."

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["name"] = MODES[self.mode]
        data["pages_per_second"] = self.pages_per_second
        data["main_cpu_ms_per_page"] = self.ms_per_page(self.main_cpu)
        data["workers_cpu_ms_per_page"] = self.ms_per_page(self.workers_cpu)
        return data


@dataclass
class Bench:
    """What every run needs: the site, where to work, how to run."""

    site: NewsSite
    work: Path
    config: Path
    expected: set[str]
    articles: list[tuple[str, str]]  # (static file, URL) of each article
    timeout: float
    keep: bool
    corpus: Path
    no_extract: bool  # whether `archiver crawl` has --no-extract
    settings: list[str] = field(default_factory=list)  # KEY=VALUE for the crawls' -s

    def paths(self, run: Run) -> tuple[Path, Path, Path]:
        """A run's own directory, stdout and stderr files."""
        base = self.work / "runs" / f"{run.mode}-{MODES[run.mode]}-{run.cycle + 1}"
        base.mkdir(parents=True, exist_ok=True)
        return base, base / "stdout.txt", base / "stderr.txt"

    def tidy(self, directory: Path) -> None:
        """Drop a run's outputs (WARCs, documents) unless --keep."""
        if not self.keep:
            for child in directory.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join("    " + line for line in text[-lines:])


def run_crawl(bench: Bench, run: Run, extract: bool) -> None:
    """a / b: a fresh `archiver crawl` into an archive of its own."""
    directory, out, err = bench.paths(run)
    archive = directory / "archive"
    command = [sys.executable, "-m", "archiver", "crawl", str(bench.config), "--json"]
    command += ["--archive", str(archive)] + ([] if extract else ["--no-extract"])
    for setting in bench.settings:
        command += ["-s", setting]
    run.record(measure(command, out, err, bench.timeout))
    warcs = sorted(archive.rglob("*.warc.gz")) + sorted(archive.rglob("*.warc.gz.open"))
    run.warc_bytes = warc_sizes(archive)[0]
    counted = count_pages(warcs, bench.expected)
    run.pages = counted.pages
    run.extra["pages"] = asdict(counted)
    run.note += f" WARC: {counted.describe(len(bench.expected))}."
    try:
        summary = json.loads(out.read_text(encoding="utf-8"))[0]
    except (ValueError, IndexError, KeyError, TypeError):
        summary = None
    if isinstance(summary, dict):
        keys = ("finish_reason", "articles_written", "pages_fetched", "extraction_failures")
        run.extra["summary"] = {k: summary.get(k) for k in keys}
        run.note += (
            f" Summary: {summary.get('finish_reason')}, {summary.get('articles_written')} "
            f"articles written, failures {summary.get('extraction_failures') or 'none'}."
        )
    else:
        run.note += " No JSON summary on stdout."
    if run.exit_code != 0:
        run.note += f"\n  stderr ends:\n{_tail(err)}"
    bench.tidy(directory)


def wget_command(base_url: str, warc: Path, files: Path) -> list[str]:
    """wget the site's pages (no page resources, nothing but pages accepted) into a WARC.

    No ``--delete-after``: with it, wget 1.21 fetches everything again for each start URL.
    """
    base = base_url.rstrip("/")
    # Article ids end in -<round>: "/article/src", which some pages name, is no article.
    accept = r"/(s/[a-z]+/(page/[0-9]+/)?|article/[A-Za-z0-9_-]+-[0-9]+|feed\.xml|sitemap\.xml)$"
    starts = [f"{base}/s/{name}/" for name in ("world", "business", "culture")]
    return [
        "wget",
        "--recursive",
        "--level=inf",
        "--no-verbose",
        "-e",
        "robots=on",
        "--accept-regex",
        accept,
        "-X",
        "/assets",
        f"--warc-file={warc}",
        "-P",
        str(files),
        *starts,
        f"{base}/feed.xml",
        f"{base}/sitemap.xml",
    ]


def run_wget(bench: Bench, run: Run) -> None:
    """c: wget --recursive --warc-file of the same pages."""
    directory, out, err = bench.paths(run)
    warc = directory / "wget"
    command = wget_command(bench.site.base_url, warc, directory / "files")
    run.record(measure(command, out, err, bench.timeout, cwd=directory))
    written = sorted(directory.glob("wget*.warc.gz"))
    run.warc_bytes = sum(p.stat().st_size for p in written)
    counted = count_pages(written, bench.expected)
    run.pages = counted.pages
    run.extra["pages"] = asdict(counted)
    run.note += f" WARC: {counted.describe(len(bench.expected))}."
    if run.exit_code != 0:
        run.note += f"\n  stderr ends:\n{_tail(err)}"
    bench.tidy(directory)


def run_child(bench: Bench, run: Run, child: str, *args: str) -> dict[str, Any]:
    """d / e: this script in a child process; returns the JSON it prints."""
    _, out, err = bench.paths(run)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", child, *args]
    run.record(measure(command, out, err, bench.timeout))
    try:
        result = json.loads(out.read_text(encoding="utf-8"))
    except ValueError:
        result = {}
    if run.exit_code != 0 or not result:
        run.note += f" Failed (exit {run.exit_code}).\n  stderr ends:\n{_tail(err)}"
    return result if isinstance(result, dict) else {}


def run_extract(bench: Bench, run: Run) -> None:
    """d: the extraction pool alone over the N articles as served."""
    listing = bench.work / "articles.json"
    if not listing.exists():
        listing.write_text(json.dumps(bench.articles), encoding="utf-8")
    result = run_child(bench, run, "extract", str(listing), str(bench.config))
    run.pages = int(result.get("pages", 0))
    run.extra["extract"] = result
    if result:
        run.note += f" Extracted {result.get('ok')}, failures {result.get('failures') or 'none'}."


def run_single(bench: Bench, run: Run) -> None:
    """e: trafilatura and ours on one core, the order alternating by cycle."""
    order = ["archiver", "trafilatura"]
    if run.cycle % 2:
        order.reverse()
    result = run_child(bench, run, "single", ",".join(order), str(bench.corpus))
    run.extra["single"] = result
    ours, theirs = result.get("archiver") or {}, result.get("trafilatura") or {}
    run.pages = int(ours.get("docs", 0))
    if ours.get("cpu_seconds") and theirs.get("cpu_seconds"):
        rates = {
            f"{who}_{clock}": side["docs"] / side[key]
            for who, side in (("ours", ours), ("trafilatura", theirs))
            for clock, key in (("cpu", "cpu_seconds"), ("wall", "seconds"))
        }
        run.extra.update(rates, ratio=rates["ours_cpu"] / rates["trafilatura_cpu"])
        run.note += (
            f" Core {result.get('core')}, {ours['docs']} docs, order {', '.join(order)}: "
            f"ours {rates['ours_cpu']:.1f} docs per CPU s ({rates['ours_wall']:.1f}/s wall), "
            f"trafilatura {rates['trafilatura_cpu']:.1f} ({rates['trafilatura_wall']:.1f}), "
            f"ratio {run.extra['ratio']:.2f}."
        )


def run_mode(bench: Bench, mode: str, cycle: int) -> Run:
    run = Run(mode=mode, cycle=cycle)
    if mode == "b" and not bench.no_extract:
        run.note = "unavailable: `archiver crawl --help` has no --no-extract"
        say(f"{run.label} (cycle {cycle + 1}): {run.note}")
        return run
    say(f"{run.label} (cycle {cycle + 1}) ...")
    if mode in ("a", "b"):
        run_crawl(bench, run, extract=mode == "a")
    elif mode == "c":
        run_wget(bench, run)
    elif mode == "d":
        run_extract(bench, run)
    else:
        run_single(bench, run)
    say(
        f"{run.label} (cycle {cycle + 1}): {run.seconds:.1f}s, exit {run.exit_code}, "
        f"{run.pages} pages, {run.pages_per_second:.1f} pages/s, CPU main {run.main_cpu:.1f}s "
        f"workers {run.workers_cpu:.1f}s, peak RSS {run.peak_rss / MB:.0f} MB "
        f"(main {run.peak_rss_main / MB:.0f} MB, PSS {run.peak_pss / MB:.0f} MB).{run.note}"
    )
    return run


# --- the children of d and e --------------------------------------------------------------


def child_extract(listing: Path, config: Path) -> dict[str, Any]:
    """Every listed article through archiver's extraction pool, as the crawl's pipeline does."""
    from archiver.config import load_site_config
    from archiver.extraction.pool import ExtractionOutcome, ExtractionPool

    hints = load_site_config(config).extract
    articles = json.loads(listing.read_text(encoding="utf-8"))
    pool = ExtractionPool()  # one worker per core, as in the crawl
    in_flight: set[Future[ExtractionOutcome]] = set()
    failures: Counter[str] = Counter()
    ok = 0

    def settle(done: set[Future[ExtractionOutcome]]) -> None:
        nonlocal ok
        for future in done:
            outcome = future.result()
            if outcome.failure:
                failures[outcome.failure] += 1
            else:
                ok += 1

    try:
        for path, url in articles:
            if len(in_flight) >= 4 * max(pool.workers, 1):
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                settle(done)
            in_flight.add(pool.submit(Path(path).read_bytes(), url, "utf-8", hints))
        settle(wait(in_flight).done)
    finally:
        pool.shutdown()
    return {"pages": len(articles), "ok": ok, "failures": dict(failures), "workers": pool.workers}


def child_single(order: list[str], corpus: Path) -> dict[str, Any]:
    """Each extractor over the distinct corpus pages on core 0: wall and CPU seconds of the calls.

    The calls are benchmarks/extraction.py's. CPU time is what the ratio uses: another
    process on core 0 slows the wall clock of whichever extractor it meets.
    """
    from benchmarks.extraction import EXTRACTORS
    from benchmarks.newssite import load_pages

    warnings.simplefilter("ignore")
    os.sched_setaffinity(0, {0})
    pages = load_pages(corpus)
    for name in order:  # imports and first-call set-up out of the timing
        EXTRACTORS[name](pages[0])
    result: dict[str, Any] = {"core": 0}
    for name in order:
        extractor = EXTRACTORS[name]
        wall = cpu = 0.0
        for page in pages:
            started, started_cpu = time.perf_counter(), time.process_time()
            extractor(page)
            wall += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
        result[name] = {"docs": len(pages), "seconds": wall, "cpu_seconds": cpu}
    return result


# --- the report ----------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if value else "-"


COLUMNS = (
    "mode | pages | seconds | pages/s | main CPU ms/page | workers CPU ms/page "
    "| peak RSS tree MB | peak PSS tree MB | peak RSS main MB | WARC MB | exit"
)


def _row(label: str, runs: list[Run]) -> str:
    done = [r for r in runs if r.seconds]
    if not done:
        return f"| {label} | " + " | ".join(["-"] * 9) + f" | {runs[0].note.strip()} |"
    warc = [r.warc_bytes / MB for r in done if r.warc_bytes is not None]
    cells = [
        label,
        str(int(_median([r.pages for r in done]))),
        _fmt(_median([r.seconds for r in done])),
        _fmt(_median([r.pages_per_second for r in done])),
        _fmt(_median([r.ms_per_page(r.main_cpu) for r in done]), 2),
        _fmt(_median([r.ms_per_page(r.workers_cpu) for r in done]), 2),
        _fmt(_median([r.peak_rss / MB for r in done]), 0),
        _fmt(_median([r.peak_pss / MB for r in done]), 0),
        _fmt(_median([r.peak_rss_main / MB for r in done]), 0),
        _fmt(_median(warc)) if warc else "-",
        ", ".join("timeout" if r.timed_out else str(r.exit_code) for r in done),
    ]
    return "| " + " | ".join(cells) + " |"


def medians(runs: list[Run]) -> dict[str, float]:
    """Median pages/s (a-d) and docs/s (e) per mode."""
    found: dict[str, float] = {}
    for mode in MODES:
        done = [r for r in runs if r.mode == mode and r.seconds and r.pages]
        if done and mode == "e":
            ours = [r.extra["ours_cpu"] for r in done if "ratio" in r.extra]
            theirs = [r.extra["trafilatura_cpu"] for r in done if "ratio" in r.extra]
            if ours and theirs:
                found["e-ours"], found["e-trafilatura"] = _median(ours), _median(theirs)
        elif done:
            found[mode] = _median([r.pages_per_second for r in done])
            found[f"{mode}-seconds"] = _median([r.seconds for r in done])
    return found


def ratios(runs: list[Run], articles: int) -> dict[str, float]:
    """a/d and b/c of median pages/s, e of median docs/s; a/d on articles alone too."""
    m = medians(runs)
    found = {}
    if m.get("a") and m.get("d"):
        found["a/d"] = m["a"] / m["d"]
        found["a/d articles"] = m["d-seconds"] / m["a-seconds"]  # the same N articles
    if m.get("b") and m.get("c"):
        found["b/c"] = m["b"] / m["c"]
    if m.get("e-ours") and m.get("e-trafilatura"):
        found["e"] = m["e-ours"] / m["e-trafilatura"]
    return found


def report(runs: list[Run], modes: list[str], site_line: str, articles: int) -> dict[str, Any]:
    """Print the tables and the ratios; returns them as data."""
    print("# Crawl throughput benchmark\n")
    print(site_line + "\n")
    print(f"| {COLUMNS} |")
    print("|" + "---|" * (COLUMNS.count("|") + 1))
    for mode in modes:
        if mode != "e":
            print(_row(f"{mode} {MODES[mode]}", [r for r in runs if r.mode == mode]))
    print("\n(medians over the runs; CPU and RSS: the run's process tree, sampled from /proc)\n")
    print("## Every run\n")
    print(f"| cycle | {COLUMNS} |")
    print("|" + "---|" * (COLUMNS.count("|") + 2))
    for run in runs:
        if run.mode != "e":
            print(f"| {run.cycle + 1} " + _row(run.label, [run]))
    single = [r for r in runs if r.mode == "e" and "ratio" in r.extra]
    if "e" in modes:
        print("\n## e: one core, the distinct corpus pages (docs per second of the calls)\n")
        print(
            "| cycle | docs | ours, CPU | trafilatura, CPU | ours, wall | trafilatura, wall "
            "| ours/trafilatura (CPU) |"
        )
        print("|---|---|---|---|---|---|---|")
        for run in single:
            keys = ("ours_cpu", "trafilatura_cpu", "ours_wall", "trafilatura_wall", "ratio")
            cells = " | ".join(f"{run.extra[k]:.2f}" for k in keys)
            print(f"| {run.cycle + 1} | {run.pages} | {cells} |")
        if not single:
            print("| - | - | - | - | - | - | failed |")
    found = ratios(runs, articles)
    print("\n## Against the targets of issue 13\n")
    print("| figure | value | target | met |")
    print("|---|---|---|---|")
    for name, target in TARGETS.items():
        value = found.get(name)
        cell = "-" if value is None else f"{value:.2f}"
        met = "-" if value is None else ("yes" if value >= target else "NO")
        print(f"| {name} | {cell} | >= {target} | {met} |")
    crawl = [r for r in runs if r.mode == "a" and r.seconds and r.pages]
    if crawl:
        main_ms = _median([r.ms_per_page(r.main_cpu) for r in crawl])
        tree = _median([r.peak_rss / MB for r in crawl])
        pss = _median([r.peak_pss / MB for r in crawl])
        main_mb = _median([r.peak_rss_main / MB for r in crawl])
        print(
            f"| a main CPU per page | {main_ms:.2f} ms | <= {MAIN_CPU_TARGET_MS:.0f} ms "
            f"| {'yes' if main_ms <= MAIN_CPU_TARGET_MS else 'NO'} |"
        )
        for label, value in (
            ("RSS, tree", tree),
            ("PSS, tree", pss),
            ("RSS, main process", main_mb),
        ):
            met = "yes" if value <= RSS_TARGET_MB else "NO"
            print(
                f"| a peak {label} (N={articles}) | {value:.0f} MB "
                f"| <= {RSS_TARGET_MB:.0f} MB at N=2000 | {met} |"
            )
    if "a/d articles" in found:
        print(
            f"\na/d counts the crawl's {crawl[0].pages if crawl else '?'} pages against the "
            f"pool's {articles} articles; on the same {articles} articles alone (time of d / "
            f"time of a) it is {found['a/d articles']:.2f}."
        )
    print(
        "\nRSS of the tree sums every process's RSS, so the pages the forkserver's workers share "
        f"count once per worker; PSS splits them (read every {PSS_EVERY * INTERVAL:.0f} s). "
        "e compares docs per CPU second, the wall figures suffer from whatever else runs on "
        "core 0. The growth target (<= 25% from N=2,000 to N=20,000) needs a second run with "
        "--articles 20000."
    )
    return {"medians": medians(runs), "ratios": found}


# --- main ----------------------------------------------------------------------------------


def crawl_has_no_extract() -> bool:
    """Whether `archiver crawl --help` offers --no-extract."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    shown = subprocess.run(
        [sys.executable, "-m", "archiver", "crawl", "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    return "--no-extract" in shown.stdout


def parse_modes(text: str) -> list[str]:
    """Modes by letter or name, in the order a-e."""
    names = {name: letter for letter, name in MODES.items()}
    chosen = set()
    for item in filter(None, (t.strip() for t in text.split(","))):
        letter = item if item in MODES else names.get(item)
        if letter is None:
            known = ", ".join(f"{k} ({v})" for k, v in MODES.items())
            raise argparse.ArgumentTypeError(f"unknown mode {item!r}; known: {known}")
        chosen.add(letter)
    if not chosen:
        raise argparse.ArgumentTypeError("no mode chosen")
    return sorted(chosen)


def build(args: argparse.Namespace, work: Path) -> tuple[NewsSite, str | None]:
    """The site, and the nginx binary to serve it with (None: the Python server)."""
    binary = None if args.python_server else find_nginx()
    say(f"building a site of {args.articles} articles from the corpus at {args.corpus} ...")
    site = NewsSite(articles=args.articles, corpus=args.corpus)
    if binary:
        site.stop()  # its port is for nginx now
    say(f"built from {len(site.pages)} corpus pages in {site.build_seconds:.1f}s")
    per_article = statistics.fmean(len(p.html.encode()) for p in site.pages)
    need = int(per_article * args.articles * 3)  # the static site, then a WARC or two at once
    free = shutil.disk_usage(work).free
    if free < need:
        site.stop()
        sys.exit(f"{work} has {free / 1e9:.1f} GB free; this run needs about {need / 1e9:.1f} GB")
    return site, binary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--repeat", type=int, default=2, help="cycles over the modes (2)")
    parser.add_argument(
        "--modes", type=parse_modes, default="a,b,c,d,e", help="letters or names (a,b,c,d,e)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and its outputs")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run (3600)")
    parser.add_argument("--corpus", type=Path, default=corpus_root(), help="corpus root")
    parser.add_argument("--tmp", type=Path, help="where to make the temp dir (default: $TMPDIR)")
    parser.add_argument("--python-server", action="store_true", help="serve with Python, not nginx")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting for the crawls (a, b), as `archiver crawl -s` (repeatable)",
    )
    parser.add_argument("--child", choices=("extract", "single"), help=argparse.SUPPRESS)
    parser.add_argument("child_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "extract":
        print(json.dumps(child_extract(Path(args.child_args[0]), Path(args.child_args[1]))))
        return 0
    if args.child == "single":
        order = args.child_args[0].split(",")
        print(json.dumps(child_single(order, Path(args.child_args[1]))))
        return 0
    if args.child_args:
        parser.error(f"unexpected arguments: {' '.join(args.child_args)}")
    if args.repeat < 1 or args.articles < 1:
        parser.error("--repeat and --articles must be at least 1")
    modes: list[str] = args.modes  # a string default goes through `type` too

    work = Path(tempfile.mkdtemp(prefix="bench-crawl-", dir=args.tmp)).resolve()
    work.chmod(0o755)  # nginx's worker runs as nobody
    try:
        return bench_all(args, modes, work)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def bench_all(args: argparse.Namespace, modes: list[str], work: Path) -> int:
    """Build, serve and run every mode in turn; print the report."""
    site, binary = build(args, work)
    root = work / "site"
    written = site.write_static(root)
    say(f"wrote {written.files} files, {written.bytes / MB:.0f} MB, to {root}")
    config = work / "bench.yaml"
    site.write_config(config, requisites_scope="none")
    articles = [
        (str(root / static_file(f"/article/{a.id}")), site.article_url(a.id)) for a in site.articles
    ]
    bench = Bench(
        site=site,
        work=work,
        config=config,
        expected=set(site.page_paths()),
        articles=articles,
        timeout=args.timeout,
        keep=args.keep,
        corpus=args.corpus,
        no_extract=crawl_has_no_extract(),
        settings=list(args.settings),
    )
    if "b" in modes and not bench.no_extract:
        say("b: `archiver crawl --help` has no --no-extract: reported as unavailable")
    with contextlib.ExitStack() as stack:
        if binary:
            stack.enter_context(nginx(binary, root, str(site.host), site.port, work))
            server = f"nginx ({binary}, 1 worker)"
        else:
            stack.enter_context(site)
            why = "--python-server" if args.python_server else "nginx unavailable"
            server = f"the Python server of benchmarks/newssite.py, in this process ({why})"
            say(f"serving with {server} on {site.base_url}")
        site_line = (
            f"Site {site.base_url}, served by {server}: {len(site.articles)} articles from "
            f"{len(site.pages)} corpus pages, {len(bench.expected)} pages to archive "
            f"(sections {sum(site.section_pages().values())}, feed, sitemap, articles), "
            f"{written.bytes / MB:.0f} MB as files. Page resources off. {os.cpu_count()} cores; "
            f"{args.repeat} cycle(s) over {', '.join(f'{m} {MODES[m]}' for m in modes)}."
        )
        if bench.settings:
            site_line += f" Crawl settings: {' '.join('-s ' + x for x in bench.settings)}."
        say(site_line)
        runs = [run_mode(bench, mode, cycle) for cycle in range(args.repeat) for mode in modes]
    results = report(runs, modes, site_line, args.articles)
    if args.json:
        data = {
            "articles": args.articles,
            "server": server,
            "pages_expected": len(bench.expected),
            "cores": os.cpu_count(),
            "runs": [r.as_dict() for r in runs],
            **results,
        }
        print("\n```json\n" + json.dumps(data, indent=2) + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
