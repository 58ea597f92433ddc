"""The project behaves as Scrapy users expect: `scrapy list`, `scrapy crawl news -a ... -s ...`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support import REPO, article_documents, demo_config, demo_server, manifest, tool


def test_scrapy_list_names_the_news_spider() -> None:
    result = subprocess.run([tool("scrapy"), "list"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["archive", "news"]


def test_scrapy_crawl_archives_and_exports_article_documents(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    feed = tmp_path / "articles.jsonl"
    with demo_server(tmp_path) as base_url:
        config = demo_config(base_url, tmp_path / "demo.yaml")
        result = subprocess.run(
            [
                tool("scrapy"), "crawl", "news", "-a", f"config={config}",
                "-s", f"ARCHIVER_ARCHIVE_DIR={archive}", "-s", "ARCHIVER_WARC_MAX_SIZE=50000",
                "-o", str(feed),
            ],
            cwd=REPO, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    exported = [json.loads(line) for line in feed.read_text().splitlines()]
    articles = [d for d in article_documents(archive) if d["is_article"]]
    assert len(articles) == len(manifest()["articles"])
    assert {d["id"] for d in exported if d.get("is_article")} == {d["id"] for d in articles}
    # Each document once, as stored: the demo lists one story twice (once under a tracking
    # query), and its second, unchanged capture is not a second item.
    assert len(exported) == len({d["id"] for d in exported})
    assert all(set(d) >= {"schema", "id", "url", "text"} for d in exported)
    stored = {d["id"]: d for d in article_documents(archive)}
    assert all(d == stored[d["id"]] for d in exported)
    # -s reached the WARC writer: a 50 kB limit rolls over into several files, none left open.
    assert len(list((archive / "warc" / "demo").glob("*.warc.gz"))) > 2
    assert not list(archive.rglob("*.open"))
