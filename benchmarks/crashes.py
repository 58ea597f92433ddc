"""Crash test (issue 14): SIGKILL a crawl at random moments, again and again; nothing is lost.

Usage: ``python benchmarks/crashes.py [--articles 1000] [--kills 20] [--seed 1]
[--max-delay 15] [--keep] [--json] [--corpus DIR]``

Builds the local news site of benchmarks/newssite.py (N articles from the corpus pages, page
resources on the site itself kept, those on other hosts unreachable), serves it with nginx
(the site's own Python server where nginx cannot be had), and crawls it into one archive with
`archiver crawl`, alternating plain runs and ``--resume``. Each run is SIGKILLed after a random
delay (uniform in [0.5, --max-delay] s from its start: during start-up, fetching, extracting,
writing, closing) until ``--kills`` runs have been killed; a run that ends by itself first is
counted as finished. After each kill:

- the crawl's process session (its extraction workers, the forkserver, the resource tracker) is
  watched until it is empty: the seconds it took, and any process still there after 10 s, are
  reported as left over;
- the complete records of each ``.open`` WARC file are counted (gzip members as they are);
- every closed WARC file not checked yet must pass ``warcio check``;
- the recovery that every command starts with (`archiver.jobs.recovery.recover_archive`) is
  timed, in a process of its own, and ``archiver verify`` run after it (is it clean already?);
- ``archiver verify --repair`` is timed and must exit 0, and then
  ``archiver verify`` must exit 0; the recovered files must hold every complete record
  counted before (records lost: their difference).

At the end one more run goes uninterrupted, then: every article of the site has exactly one
document, ``archiver verify`` exits 0, every document's capture is served by ``archiver
replay`` (HTTP 200 from the archive), and no process of any run is left. Prints a markdown
table (one row per run), the totals, and exits 1 when any check failed. Progress on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from archiver.replay.urls import timestamp14  # noqa: E402
from archiver.warc.writer import complete_members_end  # noqa: E402
from benchmarks.crawl import find_nginx, nginx, session_members  # noqa: E402
from benchmarks.newssite import NewsSite, corpus_root  # noqa: E402

#: What `crawl`, `archive`, `reextract`, `reindex`, `export` and `replay` do first.
RECOVER = (
    "import sys; from pathlib import Path; from archiver.jobs.recovery import recover_archive; "
    "print(recover_archive(Path(sys.argv[1])).render())"
)
LEFTOVER_WAIT = 10.0  # seconds a killed crawl's processes get to go
_STARTED = time.perf_counter()


def say(message: str) -> None:
    """Progress on stderr, with the seconds since the script started."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """One crawl: how it ended and what the checks after it found."""

    number: int
    resume: bool
    delay: float  # seconds after its start it was to be killed
    killed: bool = False
    exit_code: int | None = None
    open_files: int = 0  # .open WARC files after the run
    complete_records: int = 0  # complete records in those files before the repair
    records_lost: int = 0
    procs_after_kill: int = 0  # processes of the run's session besides the crawl itself
    procs_gone_s: float | None = None  # seconds until they had all gone
    leftover: list[int] = field(default_factory=list)  # pids still there after LEFTOVER_WAIT
    warcs_checked: int = 0
    warcio_failures: list[str] = field(default_factory=list)
    recover_s: float | None = None  # the recovery every command starts with, in a process
    clean_after_recovery: bool | None = None  # `archiver verify` exit 0 right after it
    repair_s: float | None = None
    repair_exit: int | None = None
    verify_exit: int | None = None
    documents: int = 0
    problems: list[str] = field(default_factory=list)

    def row(self) -> str:
        how = "killed" if self.killed else f"exit {self.exit_code}"
        gone = "-" if self.procs_gone_s is None else f"{self.procs_gone_s:.2f}"
        repair = "-" if self.repair_s is None else f"{self.repair_s:.2f}"
        recover = "-" if self.recover_s is None else f"{self.recover_s:.2f}"
        clean = {None: "", True: ", verify 0", False: ", verify 1"}[self.clean_after_recovery]
        cells = [
            str(self.number),
            "resume" if self.resume else "plain",
            f"{self.delay:.1f}",
            how,
            str(self.documents),
            str(self.open_files),
            str(self.complete_records),
            str(self.records_lost),
            f"{self.procs_after_kill} / {gone}",
            str(len(self.leftover)),
            f"{self.warcs_checked} ({len(self.warcio_failures)} bad)",
            f"{recover}{clean}",
            f"{repair} (exit {self.repair_exit})" if self.repair_exit is not None else "-",
            str(self.verify_exit if self.verify_exit is not None else "-"),
        ]
        return "| " + " | ".join(cells) + " |"


HEADER = (
    "| run | mode | kill at s | ended | documents | .open files | complete records | "
    "records lost | workers after kill / s to go | left over | closed WARCs checked | "
    "automatic recovery s | verify --repair s | verify |\n|" + "---|" * 14
)


def archiver(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


def documents(archive: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted((archive / "articles").rglob("*.json")):
        with contextlib.suppress(OSError, ValueError):
            found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


def count_open_records(archive: Path) -> tuple[int, int]:
    """(.open files, complete records in them) as a kill left them."""
    files = sorted(archive.rglob("*.warc.gz.open"))
    total = 0
    for path in files:
        with open(path, "rb") as fh:
            total += complete_members_end(fh)[1]
    return len(files), total


def count_records(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as fh:
            total += complete_members_end(fh)[1]
    return total


def watch_session(session: int, crawl_pid: int) -> tuple[int, float | None, list[int]]:
    """After a kill: (processes of the session then, seconds until none was left, leftovers)."""
    started = time.monotonic()
    members = [p.pid for p in session_members(session) if p.pid != crawl_pid]
    alive = [p for p in members if _alive(p)]
    while alive and time.monotonic() - started < LEFTOVER_WAIT:
        time.sleep(0.02)
        alive = [p for p in alive if _alive(p)]
    gone = None if alive else time.monotonic() - started
    return len(members), gone, alive


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in (b"Z", b"X")


def check_new_warcs(archive: Path, checked: set[tuple[str, int]], run: Run) -> None:
    """`warcio check` on each closed WARC file not checked yet (by name and size)."""
    warcio = str(Path(sys.executable).parent / "warcio")
    for path in sorted(archive.rglob("*.warc.gz")):
        key = (path.name, path.stat().st_size)
        if key in checked:
            continue
        result = subprocess.run([warcio, "check", str(path)], capture_output=True, text=True)
        run.warcs_checked += 1
        if result.returncode != 0:
            run.warcio_failures.append(f"{path.name}: {result.stdout.strip()[-300:]}")
        checked.add(key)


def one_run(
    number: int, resume: bool, delay: float, config: Path, archive: Path, logs: Path
) -> Run:
    run = Run(number, resume, delay)
    command = [sys.executable, "-m", "archiver", "crawl", str(config), "--archive", str(archive)]
    command += ["--resume"] if resume else []
    with (logs / f"run-{number:02d}.log").open("w") as log:
        proc = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True
        )
        try:
            run.exit_code = proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            run.killed = True
            run.exit_code = proc.returncode
            run.procs_after_kill, run.procs_gone_s, run.leftover = watch_session(proc.pid, proc.pid)
            if run.leftover:
                for pid in run.leftover:  # not to distort the next runs
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
    return run


def after_kill(run: Run, archive: Path, checked: set[tuple[str, int]]) -> None:
    run.open_files, run.complete_records = count_open_records(archive)
    if not (archive / "catalog.sqlite").exists() and not run.open_files:
        return  # killed before it wrote anything: nothing to check yet
    before = {p.name[: -len(".open")] for p in archive.rglob("*.warc.gz.open")}
    check_new_warcs(archive, checked, run)
    started = time.perf_counter()
    recover = subprocess.run(
        [sys.executable, "-c", RECOVER, str(archive)], capture_output=True, text=True, cwd=REPO
    )
    run.recover_s = time.perf_counter() - started
    if recover.returncode != 0:
        run.problems.append(f"recovery failed: {recover.stderr[-800:]}")
    run.clean_after_recovery = archiver("verify", "--archive", str(archive)).returncode == 0
    started = time.perf_counter()
    repair = archiver("verify", "--repair", "--archive", str(archive))
    run.repair_s = time.perf_counter() - started
    run.repair_exit = repair.returncode
    if repair.returncode != 0:
        run.problems.append(f"verify --repair exit {repair.returncode}: {repair.stdout[-800:]}")
    recovered = [p for p in archive.rglob("*.warc.gz") if p.name in before]
    run.records_lost = run.complete_records - count_records(recovered)
    if list(archive.rglob("*.warc.gz.open")):
        run.problems.append("an .open WARC file is left after verify --repair")
    verify = archiver("verify", "--archive", str(archive))
    run.verify_exit = verify.returncode
    if verify.returncode != 0:
        run.problems.append(f"verify exit {verify.returncode}: {verify.stdout[-800:]}")
    check_new_warcs(archive, checked, run)


@contextlib.contextmanager
def replay(archive: Path, work: Path) -> Iterator[str]:
    port_file = work / "replay.port"
    command = [sys.executable, "-m", "archiver", "replay", "--archive", str(archive)]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--port-file", str(port_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("replay did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def final_checks(site: NewsSite, archive: Path, work: Path) -> dict[str, Any]:
    """Every article exactly once, verify clean, every document's capture replayed."""
    docs = documents(archive)
    per_url = Counter(d["url"] for d in docs)
    expected = {site.article_url(a.id) for a in site.articles}
    verify = archiver("verify", "--archive", str(archive))
    replayed = failed = 0
    failures: list[str] = []
    with replay(archive, work) as base:
        for doc in docs:
            address = f"{base}/bench/{timestamp14(doc['fetched_at'])}/{doc['url']}"
            try:
                with urllib.request.urlopen(address, timeout=30) as response:
                    ok = response.status == 200
            except urllib.error.URLError:
                ok = False
            if ok:
                replayed += 1
            else:
                failed += 1
                failures.append(doc["url"])
    return {
        "articles": len(expected),
        "documents": len(docs),
        "articles_with_one_document": sum(1 for url in expected if per_url[url] == 1),
        "articles_missing": sorted(expected - set(per_url))[:10],
        "articles_twice": sorted(u for u, n in per_url.items() if n > 1)[:10],
        "verify_exit": verify.returncode,
        "verify_report": verify.stdout[-1500:] if verify.returncode else "",
        "replayed": replayed,
        "not_replayed": failed,
        "not_replayed_examples": failures[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles (1000)")
    parser.add_argument("--kills", type=int, default=20, help="runs to kill (20)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the kill times (1)")
    parser.add_argument("--max-delay", type=float, default=15.0, help="latest kill, s (15)")
    parser.add_argument("--keep", action="store_true", help="keep the archive and the logs")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--corpus", type=Path, default=corpus_root(), help="corpus root")
    parser.add_argument("--python-server", action="store_true", help="serve with Python")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-crashes-")).resolve()
    work.chmod(0o755)  # nginx's worker runs as nobody
    try:
        return crash_test(args, work)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def crash_test(args: argparse.Namespace, work: Path) -> int:
    binary = None if args.python_server else find_nginx()
    say(f"building a site of {args.articles} articles from {args.corpus} ...")
    site = NewsSite(articles=args.articles, corpus=args.corpus)
    config, archive, logs = work / "bench.yaml", work / "archive", work / "logs"
    logs.mkdir()
    site.write_config(config, requisites_scope="site")
    rng = random.Random(args.seed)
    runs: list[Run] = []
    checked: set[tuple[str, int]] = set()
    with contextlib.ExitStack() as stack:
        if binary:
            site.stop()
            root = work / "site"
            site.write_static(root)
            stack.enter_context(nginx(binary, root, str(site.host), site.port, work))
        else:
            stack.enter_context(site)
        number = 0
        while sum(r.killed for r in runs) < args.kills:
            number += 1
            resume = number % 2 == 0
            delay = rng.uniform(0.5, args.max_delay)
            run = one_run(number, resume, delay, config, archive, logs)
            run.documents = len(documents(archive))
            if run.killed:
                after_kill(run, archive, checked)
            runs.append(run)
            say(run.row())
            if number > args.kills * 3:
                say("too many runs finished before their kill: stopping")
                break
        number += 1
        final = one_run(number, False, 3600.0, config, archive, logs)
        final.documents = len(documents(archive))
        check_new_warcs(archive, checked, final)
        runs.append(final)
        say(final.row())
        result = final_checks(site, archive, work)
    report(args, runs, result)
    if args.json:
        print(json.dumps({"runs": [asdict(r) for r in runs], "final": result}, indent=2))
    failed = (
        any(r.problems or r.leftover or r.warcio_failures or r.records_lost for r in runs)
        or final.exit_code != 0
        or result["verify_exit"] != 0
        or result["not_replayed"]
        or result["articles_with_one_document"] != result["articles"]
    )
    return 1 if failed else 0


def report(args: argparse.Namespace, runs: list[Run], result: dict[str, Any]) -> None:
    killed = [r for r in runs if r.killed]
    repairs = [r.repair_s for r in killed if r.repair_s is not None]
    gone = [r.procs_gone_s for r in killed if r.procs_gone_s is not None]
    print(f"## Crash test: {args.articles} articles, seed {args.seed}\n")
    print(HEADER)
    for run in runs:
        print(run.row())
    print()
    print(
        f"- runs killed: {len(killed)} ({sum(not r.resume for r in killed)} plain, "
        f"{sum(r.resume for r in killed)} --resume); finished by themselves: "
        f"{len(runs) - len(killed)}"
    )
    print(
        f"- complete records in .open files at the kills: "
        f"{sum(r.complete_records for r in killed)}; lost: "
        f"{sum(r.records_lost for r in killed)}"
    )
    print(
        f"- closed WARC files checked with `warcio check`: "
        f"{sum(r.warcs_checked for r in runs)}, failed: "
        f"{sum(len(r.warcio_failures) for r in runs)}"
    )
    recoveries = [r.recover_s for r in killed if r.recover_s is not None]
    if recoveries:
        print(
            f"- the recovery each command starts with, after a kill: median "
            f"{statistics.median(recoveries):.2f} s, max {max(recoveries):.2f} s (in a new "
            f"process, start-up included); `archiver verify` right after it exit 0 in "
            f"{sum(r.clean_after_recovery is True for r in killed)} of "
            f"{sum(r.clean_after_recovery is not None for r in killed)}"
        )
    if repairs:
        print(
            f"- `archiver verify --repair` after a kill: median {statistics.median(repairs):.2f}"
            f" s, max {max(repairs):.2f} s; verify then exit 0 in "
            f"{sum(r.verify_exit == 0 for r in killed)} of {len(killed)}"
        )
    if gone:
        print(
            f"- a killed crawl's other processes gone after: median "
            f"{statistics.median(gone):.2f} s, max {max(gone):.2f} s; left over: "
            f"{sum(len(r.leftover) for r in runs)}"
        )
    print(
        f"- at the end: {result['articles_with_one_document']} of {result['articles']} "
        f"articles with exactly one document ({result['documents']} documents); "
        f"`archiver verify` exit {result['verify_exit']}; {result['replayed']} of "
        f"{result['documents']} documents' captures replayed"
    )
    for run in runs:
        for problem in run.problems + run.warcio_failures:
            print(f"- run {run.number}: {problem}")
    for key in ("articles_missing", "articles_twice", "not_replayed_examples"):
        if result[key]:
            print(f"- {key}: {result[key]}")
    if result["verify_report"]:
        print(f"- verify said:\n{result['verify_report']}")


if __name__ == "__main__":
    sys.exit(main())
