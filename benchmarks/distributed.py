"""Distributed crawl throughput: 1, 2 and 4 worker processes sharing one crawl through Redis.

Usage: ``python benchmarks/distributed.py [--articles 600] [--workers 1,2,4] [--repeat 1]
[--keep] [--json] [--corpus DIR] [--python-server]``

Builds the local news site of benchmarks/newssite.py (N articles from the corpus pages, three
sections with pagination, a feed and a sitemap; page resources off, as in benchmarks/crawl.py),
serves it with nginx on 127.0.0.1 (the site's own Python server where nginx is missing, and the
report says so) and starts a redis-server of its own on 127.0.0.1. Then, for each worker
count K (and once without Redis, "one machine"), starts K ``archiver crawl CONFIG --redis URL
--archive DIR/wN --workers 1`` processes at once, each with its own archive directory, and
times them from the first start to the last exit. Counted across the K archives: the article
pages fetched (response records), the article documents (each article must have exactly one),
and each worker's share. All runs are on this one machine: the figure shows what the shared
frontier costs, not what more machines would bring. Prints a markdown table; ``--json`` adds
the results as JSON. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from benchmarks.crawl import find_nginx, nginx, say  # noqa: E402
from benchmarks.newssite import NewsSite, corpus_root  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402


@dataclass
class Result:
    """One run: K workers (0: one machine, no Redis) over the site."""

    workers: int
    seconds: float = 0.0
    pages: int = 0  # response records of the site's pages, all workers together
    documents: int = 0
    duplicates: int = 0  # articles with more than one document across the workers
    shares: list[int] = field(default_factory=list)  # documents per worker
    exits: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "one machine (no Redis)" if self.workers == 0 else f"{self.workers} worker(s)"

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def count(archives: list[Path]) -> tuple[int, Counter[str], list[int]]:
    """(responses, documents per article id, documents per archive)."""
    responses = 0
    ids: Counter[str] = Counter()
    shares = []
    for archive in archives:
        for path in sorted((archive / "warc").rglob("*.warc.gz")):
            with path.open("rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type == "response":
                        responses += 1
        docs = [json.loads(p.read_text()) for p in (archive / "articles").rglob("*.json")]
        ids.update(d["id"] for d in docs)
        shares.append(len(docs))
    return responses, ids, shares


def run(workers: int, config: Path, work: Path, redis_url: str | None, timeout: float) -> Result:
    """K workers at once (or one plain crawl when `workers` is 0), timed start to last exit."""
    result = Result(workers)
    out = work / f"run-{workers}-{time.monotonic_ns()}"
    archives = [out / f"w{n}" for n in range(max(workers, 1))]
    out.mkdir()
    started = time.monotonic()
    procs = []
    with contextlib.ExitStack() as logs:
        for archive in archives:
            command = [sys.executable, "-m", "archiver", "crawl", str(config)]
            command += ["--archive", str(archive), "--workers", "1", "-q"]
            if workers:
                assert redis_url is not None
                command += ["--redis", redis_url]
            log = logs.enter_context((out / f"{archive.name}.log").open("w"))
            procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log))
        for proc in procs:
            result.exits.append(proc.wait(timeout=timeout))
    result.seconds = time.monotonic() - started
    result.pages, ids, result.shares = count(archives)
    result.documents = sum(ids.values())
    result.duplicates = sum(1 for n in ids.values() if n > 1)
    say(
        f"{result.label}: {result.seconds:.1f}s, {result.pages} pages, {result.documents} "
        f"documents {result.shares}, exits {result.exits}"
    )
    return result


def report(results: list[Result], served_by: str, articles: int) -> str:
    lines = [
        f"Site: {articles} articles from the corpus, served by {served_by}; one machine "
        f"(2 cores here), each worker with one extraction process.",
        "",
        "| run | seconds | pages | pages/s | documents | duplicates | per worker | exit codes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    by_label: dict[str, list[Result]] = {}
    for result in results:
        by_label.setdefault(result.label, []).append(result)
    for label, runs in by_label.items():
        seconds = statistics.median(r.seconds for r in runs)
        rate = statistics.median(r.pages_per_second for r in runs)
        last = runs[-1]
        lines.append(
            f"| {label} | {seconds:.1f} | {last.pages} | {rate:.1f} | {last.documents} | "
            f"{last.duplicates} | {', '.join(map(str, last.shares))} | "
            f"{', '.join(map(str, last.exits))} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600, help="articles (600)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts (1,2,4)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (1)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run (3600)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--corpus", type=Path, default=corpus_root(), help="corpus root")
    parser.add_argument("--python-server", action="store_true", help="serve with Python")
    args = parser.parse_args(argv)
    counts = [int(k) for k in args.workers.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-")).resolve()
    work.chmod(0o755)  # nginx's worker runs as nobody
    try:
        results, served_by = bench(args, counts, work)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results, served_by, args.articles))
    if args.json:
        print(json.dumps([asdict(r) | {"pages_per_second": r.pages_per_second} for r in results]))
    return 0 if all(r.duplicates == 0 and not any(r.exits) for r in results) else 1


def bench(args: argparse.Namespace, counts: list[int], work: Path) -> tuple[list[Result], str]:
    binary = None if args.python_server else find_nginx()
    say(f"building a site of {args.articles} articles from {args.corpus} ...")
    site = NewsSite(articles=args.articles, corpus=args.corpus)
    config = work / "bench.yaml"
    site.write_config(config, requisites_scope="none")
    results: list[Result] = []
    with contextlib.ExitStack() as stack:
        if binary:
            site.stop()
            root = work / "site"
            site.write_static(root)
            stack.enter_context(nginx(binary, root, str(site.host), site.port, work))
            served_by = "nginx"
        else:
            stack.enter_context(site)
            served_by = "the site's Python server (nginx not found)"
        for _ in range(args.repeat):
            results.append(run(0, config, work, None, args.timeout))
            for workers in counts:
                # A Redis of its own for each run: nothing known from the run before.
                with redis_server(work / f"redis-{workers}-{len(results)}") as url:
                    results.append(run(workers, config, work, url, args.timeout))
    return results, served_by


if __name__ == "__main__":
    sys.exit(main())
