"""What fetching page resources costs: a crawl of real news pages with and without them.

Usage: ``python benchmarks/requisites.py [--articles 300] [--timeout 900] [--keep DIR]
[--modes default,off,site] [--repeat K]``

Serves a local news site built from the corpus pages (benchmarks/newssite.py: their resources
on the publisher's domain served locally, every other resource host moved to ``<host>.invalid``,
which never resolves), then runs a fresh ``archiver crawl --json`` into a new archive per mode:

- ``default``: resources on, default rules;
- ``off``: ``-s ARCHIVER_REQUISITES=0``;
- ``site``: ``-s ARCHIVER_REQUISITES_SCOPE=site``.

A run passing ``--timeout`` seconds gets SIGINT, then SIGKILL 30 s later, and is reported as timed
out. Prints, per run: wall time, exit code, articles archived, requests by kind, the summary's
``resources``, what went to stderr and the WARC bytes written; then a table per mode and the
time ratio default/off. ``--repeat K`` runs the modes K times in turn and reports median times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.newssite import NewsSite, serve_site  # noqa: E402

MODES: dict[str, list[str]] = {
    "default": [],
    "off": ["-s", "ARCHIVER_REQUISITES=0"],
    "site": ["-s", "ARCHIVER_REQUISITES_SCOPE=site"],
}
KILL_GRACE = 30.0  # seconds between SIGINT and SIGKILL
HEAD_LINES, TAIL_LINES = 40, 20


@dataclass
class Run:
    """One crawl and what it left behind."""

    mode: str
    cycle: int
    seconds: float
    exit_code: int | None
    timed_out: bool
    killed: bool
    summary: dict[str, Any] | None
    articles: int  # article documents written
    articles_done: float | None  # seconds from start to the last article document written
    article_ids: int  # distinct ids among them
    stderr_lines: int
    stderr_bytes: int
    warc_bytes: int
    open_warcs: int  # WARC files left ".open"
    stderr_excerpt: Path
    site_hits: dict[str, int] = field(default_factory=dict)

    @property
    def exit_label(self) -> str:
        code = "none" if self.exit_code is None else str(self.exit_code)
        if self.timed_out:
            return f"timeout ({code}{', SIGKILL' if self.killed else ''})"
        return code

    @property
    def requests(self) -> int | None:
        if self.summary is None:
            return None
        return int(self.summary.get("requests", sum(self.requests_by_kind.values())))

    @property
    def requests_by_kind(self) -> dict[str, int]:
        return dict((self.summary or {}).get("requests_by_kind") or {})

    @property
    def resources(self) -> dict[str, Any] | None:
        found = (self.summary or {}).get("resources")
        return found if isinstance(found, dict) else None


def _count(value: Any) -> int | None:
    """A number, or the sum of a dict of numbers (e.g. failures by reason)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, dict):
        return sum(n for n in (_count(v) for v in value.values()) if n is not None)
    return None


def stop(process: subprocess.Popen[bytes]) -> bool:
    """SIGINT (as Ctrl-C), then SIGKILL to its process group after `KILL_GRACE` seconds.

    Returns whether SIGKILL was needed.
    """
    with contextlib.suppress(ProcessLookupError):  # ended meanwhile
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=KILL_GRACE)
        return False
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):  # ended meanwhile
            os.killpg(process.pid, signal.SIGKILL)  # its extraction workers too
        process.wait()
        return True


def last_document_at(archive: Path, started_wall: float) -> float | None:
    """Seconds from `started_wall` (time.time()) to the newest article document's mtime."""
    times = [p.stat().st_mtime for p in (archive / "articles").rglob("*.json")]
    return max(times) - started_wall if times else None


def article_documents(archive: Path) -> tuple[int, int]:
    """Article JSON documents under `archive`/articles, and the distinct ids among them."""
    paths = list((archive / "articles").rglob("*.json"))
    ids = set()
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            ids.add(str(doc.get("id") or path.stem))
        except (OSError, ValueError, AttributeError):
            ids.add(path.stem)
    return len(paths), len(ids)


def warc_sizes(archive: Path) -> tuple[int, int]:
    """Bytes of ``*.warc.gz`` (``.open`` ones included) and how many were left open."""
    closed = list(archive.rglob("*.warc.gz"))
    still_open = list(archive.rglob("*.warc.gz.open"))
    return sum(p.stat().st_size for p in closed + still_open), len(still_open)


def excerpt(stderr: Path, target: Path) -> tuple[int, int]:
    """Write the first and last lines of `stderr` to `target`; its line and byte counts."""
    data = stderr.read_bytes()
    lines = data.decode("utf-8", "replace").splitlines()
    if len(lines) <= HEAD_LINES + TAIL_LINES:
        kept = lines
    else:
        skipped = len(lines) - HEAD_LINES - TAIL_LINES
        kept = [*lines[:HEAD_LINES], f"[... {skipped} lines left out ...]", *lines[-TAIL_LINES:]]
    target.write_text("\n".join(kept) + ("\n" if kept else ""), encoding="utf-8")
    return len(lines), len(data)


def crawl(
    mode: str, cycle: int, config: Path, work: Path, out: Path, timeout: float, site: NewsSite
) -> Run:
    """One fresh `archiver crawl` of the site in `mode`."""
    tag = mode if cycle == 0 else f"{mode}-{cycle + 1}"
    archive = work / f"archive-{tag}"
    stderr_path = work / f"stderr-full-{tag}.txt"
    command = [sys.executable, "-m", "archiver", "crawl", str(config), "--json"]
    command += ["--archive", str(archive), *MODES[mode]]
    site.reset_hits()
    timed_out = killed = False
    started = time.perf_counter()
    started_wall = time.time()
    with stderr_path.open("wb") as err, tempfile.TemporaryFile() as outfile:
        process = subprocess.Popen(
            command, cwd=REPO, stdout=outfile, stderr=err, start_new_session=True
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            killed = stop(process)
        except BaseException:  # Ctrl-C here: the crawl must not outlive the benchmark
            stop(process)
            raise
        seconds = time.perf_counter() - started
        outfile.seek(0)
        stdout = outfile.read().decode("utf-8", "replace")
    summary = None
    try:
        parsed = json.loads(stdout)
        if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
            summary = parsed[0]
    except ValueError:
        pass
    articles, ids = article_documents(archive)
    warc_bytes, open_warcs = warc_sizes(archive)
    target = out / f"stderr-{tag}.txt"
    lines, size = excerpt(stderr_path, target)
    return Run(
        mode=mode,
        cycle=cycle,
        seconds=seconds,
        exit_code=process.returncode,
        timed_out=timed_out,
        killed=killed,
        summary=summary,
        articles=articles,
        articles_done=last_document_at(archive, started_wall),
        article_ids=ids,
        stderr_lines=lines,
        stderr_bytes=size,
        warc_bytes=warc_bytes,
        open_warcs=open_warcs,
        stderr_excerpt=target,
        site_hits=site.hits,
    )


def _pairs(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def report_run(run: Run) -> None:
    print(f"\n## {run.mode}" + (f" (cycle {run.cycle + 1})" if run.cycle else ""))
    print(f"  wall {run.seconds:.1f}s, exit {run.exit_label}")
    print(f"  articles archived: {run.articles} documents, {run.article_ids} distinct ids")
    if run.articles_done is not None:
        print(f"  last article document written {run.articles_done:.1f}s after the start")
    if run.summary is None:
        print("  no JSON summary on stdout")
    else:
        print(f"  requests {run.requests} ({_pairs(run.requests_by_kind)})")
        resources = run.resources
        print(f"  resources: {json.dumps(resources) if resources is not None else 'not reported'}")
        failure = run.summary.get("failure")
        if failure:
            print(f"  summary says: {failure}")
    print(f"  site answered: {_pairs(run.site_hits)}")
    print(f"  stderr: {run.stderr_lines} lines, {run.stderr_bytes:,} bytes -> {run.stderr_excerpt}")
    opened = f" ({run.open_warcs} left .open)" if run.open_warcs else ""
    print(f"  WARC bytes {run.warc_bytes:,}{opened}")


def _cell(value: int | None) -> str:
    return "-" if value is None else str(value)


def report_table(modes: list[str], runs: list[Run]) -> None:
    print(
        "\n| mode | seconds | articles | articles done at (s) | requests | resources fetched "
        "| failed | skipped | stderr lines | exit |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    medians: dict[str, float] = {}
    for mode in modes:
        mine = [r for r in runs if r.mode == mode]
        if not mine:
            continue
        medians[mode] = statistics.median(r.seconds for r in mine)
        seconds = f"{medians[mode]:.1f}"
        if len(mine) > 1:
            seconds += " (" + ", ".join(f"{r.seconds:.1f}" for r in mine) + ")"
        last = mine[-1]
        res = last.resources or {}
        cells = [
            mode,
            seconds,
            str(last.articles),
            "-" if last.articles_done is None else f"{last.articles_done:.1f}",
            _cell(last.requests),
            _cell(_count(res.get("fetched"))),
            _cell(_count(res.get("failed"))),
            _cell(_count(res.get("skipped"))),
            str(last.stderr_lines),
            ", ".join(r.exit_label for r in mine),
        ]
        print("| " + " | ".join(cells) + " |")
    if len({r.cycle for r in runs}) > 1:
        print("(seconds: median, then each run; other columns: the last run)")
    if "default" in medians and "off" in medians and medians["off"] > 0:
        ratio = medians["default"] / medians["off"]
        timed_out = any(r.timed_out for r in runs if r.mode in ("default", "off"))
        note = " (a run timed out: a lower bound)" if timed_out else ""
        print(f"\ntime(default) / time(off) = {ratio:.2f}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles (default 300)")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a crawl is stopped (900)"
    )
    parser.add_argument("--keep", type=Path, help="keep archives, config and stderr here")
    parser.add_argument(
        "--modes", default="default,off,site", help="comma-separated, run in this order"
    )
    parser.add_argument("--repeat", type=int, default=1, help="run the modes K times in turn")
    parser.add_argument("--corpus", type=Path, help="corpus root (default $ARCHIVER_CORPUS)")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        parser.error(f"unknown mode(s) {', '.join(unknown) or '(none)'}; known: {', '.join(MODES)}")
    if args.repeat < 1 or args.articles < 1:
        parser.error("--repeat and --articles must be at least 1")

    with tempfile.TemporaryDirectory(prefix="bench-requisites-") as tmp:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for stale in args.keep.glob("archive-*"):
                sys.exit(f"{args.keep} already holds {stale.name}: give an empty --keep DIR")
        work = args.keep.resolve() if args.keep else Path(tmp)
        # Without --keep the archives go with the temp dir; the stderr excerpts stay.
        out = work if args.keep else Path(tempfile.mkdtemp(prefix="bench-requisites-stderr-"))
        with serve_site(articles=args.articles, corpus=args.corpus) as site:
            config = work / "bench.yaml"
            site.write_config(config)
            stats = site.resource_hosts()
            print("# Page resources benchmark")
            print(
                f"site {site.base_url}: {len(site.articles)} articles from {len(site.pages)} "
                f"corpus pages, built in {site.build_seconds:.1f}s; sections "
                f"{_pairs(site.section_pages())} pages"
            )
            print(stats.describe())
            if stats.other:
                print(f"  leaks to real hosts, e.g. {', '.join(stats.other_examples)}")
            print(f"config {config}; timeout {args.timeout:.0f}s; modes {', '.join(modes)}")
            runs = []
            for cycle in range(args.repeat):
                for mode in modes:
                    run = crawl(mode, cycle, config, work, out, args.timeout, site)
                    report_run(run)
                    runs.append(run)
        report_table(modes, runs)
        print(f"\nstderr excerpts (first {HEAD_LINES}, last {TAIL_LINES} lines) in {out}")
        if args.keep:
            print(f"archives kept in {work}")


if __name__ == "__main__":
    main()
