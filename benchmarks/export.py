"""What `archiver export` costs on a large archive: time and peak memory of the JSONL and CSV
exports of synthetic archives of 10,000 and 100,000 articles.

Usage: ``python benchmarks/export.py [--articles N ...] [--text-words W] [--keep DIR]``

Each archive is made without crawling: one article document per article on disk (about
`--text-words` words of text each) and its catalog row. Each export runs as its own
`archiver export ... -o FILE` process; its peak RSS is that process's high-water mark
(wait4's ru_maxrss). Streaming means the peak stays flat as the archive grows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archiver.store.catalog import Catalog  # noqa: E402
from archiver.store.rows import ArticleRow  # noqa: E402

_WORDS = [
    "harbour",
    "council",
    "storm",
    "library",
    "ferry",
    "market",
    "wall",
    "brewery",
    "quay",
    "tide",
    "school",
    "road",
    "budget",
    "fishing",
    "lifeboat",
    "theatre",
    "festival",
    "plan",
    "vote",
    "rent",
    "housing",
    "station",
    "bridge",
    "museum",
]


def document(n: int, words: int, rng: random.Random) -> dict[str, Any]:
    """A synthetic article document shaped as the crawl writes them."""
    article_id = f"{n:016x}"
    day = 1 + n % 28
    paragraphs = [
        " ".join(rng.choice(_WORDS) for _ in range(60)).capitalize() + "."
        for _ in range(max(1, words // 60))
    ]
    return {
        "schema": 1,
        "id": article_id,
        "version": 1,
        "url": f"https://news.example.org/2026/11/{day:02d}/story-{n}",
        "canonical_url": f"https://news.example.org/2026/11/{day:02d}/story-{n}",
        "site": "bench",
        "section": ("news", "business", "culture")[n % 3],
        "title": f"Story {n}: the {rng.choice(_WORDS)} and the {rng.choice(_WORDS)}",
        "description": "A synthetic article for the export benchmark.",
        "authors": [f"Author {n % 97}"],
        "published": f"2026-11-{day:02d}T08:{n % 60:02d}:00+00:00",
        "modified": None,
        "language": "en",
        "text": "\n\n".join(paragraphs),
        "tags": ["bench"],
        "word_count": words,
        "fetched_at": f"2026-11-{day:02d}T09:00:00Z",
        "http_status": 200,
        "is_article": True,
        "provenance": {"warc_record_id": f"<urn:uuid:{article_id}>"},
        "extractor": {"name": "bench", "version": "0"},
    }


def build(root: Path, articles: int, words: int) -> float:
    """A synthetic archive of `articles` documents in root; seconds it took."""
    started = time.perf_counter()
    rng = random.Random(articles)
    with Catalog(root / "catalog.sqlite") as catalog:
        for n in range(articles):
            doc = document(n, words, rng)
            rel = f"articles/bench/2026/11/{n % 28 + 1:02d}/{doc['id']}.json"
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
            catalog.add_article(ArticleRow.from_document(doc, rel))
            if n % 10_000 == 9_999:
                catalog.commit()
    return time.perf_counter() - started


def run_export(root: Path, fmt: str, out: Path) -> tuple[float, int, str]:
    """One `archiver export` process: wall seconds, peak RSS in bytes, its stderr."""
    command = [sys.executable, "-m", "archiver", "export", "--archive", str(root)]
    command += ["--format", fmt, "-o", str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"export failed ({proc.returncode}):\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss * 1024, stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles", type=int, nargs="+", default=[10_000, 100_000], help="archive sizes"
    )
    parser.add_argument("--text-words", type=int, default=400, help="words of text per article")
    parser.add_argument("--keep", type=Path, help="build the archives here and keep them")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        print(f"{'articles':>9} {'format':>6} {'seconds':>8} {'peak RSS':>9} {'output':>9}")
        for count in args.articles:
            root = base / f"archive-{count}"
            if not (root / "catalog.sqlite").exists():
                seconds = build(root, count, args.text_words)
                print(f"  built {count} articles in {seconds:.1f} s", file=sys.stderr)
            for fmt in ("jsonl", "csv"):
                out = base / f"export-{count}.{fmt}"
                seconds, rss, summary = run_export(root, fmt, out)
                size = out.stat().st_size
                print(
                    f"{count:>9} {fmt:>6} {seconds:>8.1f} {rss / 2**20:>7.1f}MB "
                    f"{size / 2**20:>7.0f}MB   ({summary})"
                )
                out.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
