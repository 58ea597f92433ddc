"""What a re-crawl costs: the demo site crawled twice into a fresh archive, the second right after.

Usage: ``python benchmarks/incremental.py [--runs N] [--keep DIR]``

Prints, per run: requests by kind, pages fetched, WARC records written by type, bytes written
and wall time. The second run reads the sections, feeds and sitemap again (unchanged pages become
revisit records) and fetches no article: none is due for a recapture yet.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archiver.demo_site import running  # noqa: E402


def record_types(paths: list[Path]) -> collections.Counter[str]:
    """WARC records by type in the given files."""
    counts: collections.Counter[str] = collections.Counter()
    for path in paths:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                counts[record.rec_type] += 1
    return counts


def crawl(config: Path, archive: Path) -> tuple[dict[str, Any], list[Path], float]:
    """One `archiver crawl`: its summary, the WARC files it wrote, and its wall time."""
    before = set((archive / "warc").rglob("*.warc.gz"))
    started = time.perf_counter()
    command = [sys.executable, "-m", "archiver", "crawl", str(config), "--json", "-q"]
    result = subprocess.run(
        [*command, "--archive", str(archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stderr[-3000:]}")
    written = sorted(set((archive / "warc").rglob("*.warc.gz")) - before)
    return json.loads(result.stdout)[0], written, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="crawls in a row (default 2)")
    parser.add_argument("--keep", type=Path, help="archive here (kept) instead of a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running() as base:
        archive = args.keep or Path(tmp) / "archive"
        template = (REPO / "configs" / "demo.yaml").read_text(encoding="utf-8")
        config = Path(tmp) / "demo.yaml"
        config.write_text(template.replace("http://127.0.0.1:8093", base), encoding="utf-8")
        rows = []
        for n in range(1, args.runs + 1):
            summary, files, elapsed = crawl(config, archive)
            types = record_types(files)
            size = sum(p.stat().st_size for p in files)
            rows.append((n, summary, types, size, elapsed))
        first_size = rows[0][3]
        for n, summary, types, size, elapsed in rows:
            kinds = ", ".join(f"{k} {v}" for k, v in summary["requests_by_kind"].items())
            recs = ", ".join(f"{k} {v}" for k, v in sorted(types.items()))
            print(f"run {n}: {elapsed:.1f}s wall, {summary['requests']} requests ({kinds})")
            print(f"  pages fetched {summary['pages_fetched']} {summary['pages_by_status']}")
            print(
                f"  articles: {summary['articles_written']} new, "
                f"{summary['articles_changed']} changed, "
                f"skipped {summary['articles_skipped']}"
            )
            print(f"  WARC records {sum(types.values())} ({recs})")
            print(f"  bytes written {size:,} ({size / first_size:.1%} of run 1)")


if __name__ == "__main__":
    main()
