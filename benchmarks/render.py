"""What browser capture costs: pages/s crawling the benchmark site with and without the browser.

Usage (from the repo root)::

    python benchmarks/render.py                  # 100 articles: render never, auto, always
    python benchmarks/render.py --articles 50 --modes always -s ARCHIVER_RENDER_SCREENSHOTS=False

Each mode is one fresh `archiver crawl` of the local benchmark news site (benchmarks/newssite.py,
real corpus pages) into an archive of its own, with ``crawl.render`` set by ``-s
ARCHIVER_RENDER=<mode>``. The figure is articles archived per second of wall time, the whole
run counted (start-up, sections, robots.txt; for the browser: starting Chromium). With
``always`` every article is loaded in headless Chromium (Debian's, or $ARCHIVER_BROWSER): each
page's own requests (scripts, images, fonts, XHR), its DOM and two screenshots are archived, and
its page resources are not fetched again by Scrapy. With ``auto`` the corpus pages, whose HTML
holds their text, are not rendered: it measures what having the browser ready costs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.newssite import serve_site  # noqa: E402

MODES = ("never", "auto", "always")


def crawl(
    config: Path, archive: Path, mode: str, pages: int, extra: list[str]
) -> dict[str, object]:
    """One crawl; its wall time, the crawl summary's counts, and what it wrote."""
    command = [
        sys.executable,
        "-m",
        "archiver",
        "crawl",
        str(config),
        "--archive",
        str(archive),
        "--json",
        "-q",
        "-s",
        f"ARCHIVER_RENDER={mode}",
        "-s",
        f"ARCHIVER_RENDER_PAGES={pages}",
    ]
    for setting in extra:
        command += ["-s", setting]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:])
        raise SystemExit(f"crawl with render={mode} failed ({result.returncode})")
    summary = json.loads(result.stdout)[0]
    articles = len(list((archive / "articles").rglob("*.json")))
    warc_bytes = sum(p.stat().st_size for p in (archive / "warc").rglob("*.warc.gz"))
    return {
        "mode": mode,
        "seconds": round(seconds, 1),
        "articles": articles,
        "pages_per_second": round(articles / seconds, 2),
        "warc_mb": round(warc_bytes / 1e6, 1),
        "finish_reason": summary.get("finish_reason"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="articles (default 100)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--pages", type=int, default=2, help="browser pages at once (default 2)")
    parser.add_argument(
        "-s", dest="settings", action="append", default=[], help="KEY=VALUE for every crawl"
    )
    args = parser.parse_args()
    rows = []
    with serve_site(args.articles) as site, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.yaml"
        site.write_config(config)
        for mode in args.modes:
            row = crawl(config, Path(tmp) / mode, mode, args.pages, args.settings)
            rows.append(row)
            print(
                f"render={mode:6}  {row['articles']:4} articles in {row['seconds']:6.1f} s  "
                f"{row['pages_per_second']:6.2f} pages/s  WARC {row['warc_mb']} MB",
                flush=True,
            )
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
