"""Feeds, sitemaps and robots.txt as the article sources of a real crawl of the demo site
(run in this process, as `archiver crawl` runs it)."""

from __future__ import annotations

import gzip
import json
import math
import shutil
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from tests.crawling import crawl_config
from tests.support import (
    REPO,
    article_documents,
    demo_config,
    demo_server,
    manifest,
    warc_files,
)

ARTICLE_RULE = r"'/(?:news|business|culture)/\d{4}/\d{2}/\d{2}/[\w-]+/?(?:\?[^#]*)?$'"


def site_config(tmp: Path, name: str, sources: str) -> Path:
    """A demo-site config whose only sources are `sources` (YAML lines)."""
    path = tmp / name
    path.write_text(
        "site: demo\nname: The Harbour Gazette\nallowed_domains: [127.0.0.1]\n"
        f"{sources}\narticles:\n  allow: [{ARTICLE_RULE}]\n"
        "crawl: {download_delay: 0, concurrency: 8}\n",
        encoding="utf-8",
    )
    return path


def crawl(config: Path, archive: Path) -> dict[str, Any]:
    """The summary `archiver crawl --json` prints, of a crawl run in this process."""
    summary = crawl_config(config, archive)
    assert summary.failure() is None, summary.render()
    result: dict[str, Any] = json.loads(json.dumps(summary.to_dict()))
    return result


def fetched_urls(archive: Path) -> set[str]:
    """Target URIs of every 200 response record."""
    urls = set()
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and record.http_headers.get_statuscode() == "200":
                    urls.add(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


def test_sitemaps_announced_in_robots_txt_find_every_article(
    demo_site: str, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    # The feed gives the origin (with its port) whose robots.txt is read.
    sources = f"feeds: [{demo_site}/news/rss.xml]\nsitemaps_from_robots: true"
    config = site_config(tmp_path, "robots.yaml", sources)
    summary = crawl(config, archive)
    assert summary["requests_by_kind"]["sitemap"] == 2  # sitemap.xml and news-sitemap.xml
    assert summary["sources_fetched"] == {"feed": 1, "robots": 1, "sitemap": 2}
    assert summary["articles_written"] == len(manifest()["articles"])
    urls = {d["url"].split("/", 3)[3] for d in article_documents(archive)}
    assert urls == {a["canonical_path"][1:] for a in manifest()["articles"]}


def test_a_gzipped_sitemap_index_with_a_broken_child(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "archiver" / "demo_site" / "site", root)
    archive = tmp_path / "archive"
    with demo_server(tmp_path, "--root", str(root)) as base:
        news = (root / "news-sitemap.xml").read_text(encoding="utf-8")
        (root / "maps").mkdir()
        (root / "maps" / "news.xml.gz").write_bytes(
            gzip.compress(news.replace("{{BASE_URL}}", base).encode())
        )
        (root / "maps" / "broken.xml").write_text("<urlset><url><loc>unterminated")
        (root / "maps" / "index.xml").write_text(
            '<?xml version="1.0"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"<sitemap><loc>{base}/maps/news.xml.gz</loc></sitemap>\n"
            f"<sitemap><loc>{base}/maps/broken.xml</loc></sitemap>\n"
            f"<sitemap><loc>{base}/maps/missing.xml</loc></sitemap>\n"
            "</sitemapindex>\n"
        )
        config = site_config(tmp_path, "index.yaml", f"sitemaps: [{base}/maps/index.xml]")
        summary = crawl(config, archive)
    assert summary["requests_by_kind"]["sitemap"] == 4
    assert summary["articles_written"] == len(manifest()["articles"])
    # The broken child is read as far as it goes and reported; the missing one is counted.
    assert summary["source_problems"] >= 1
    assert summary["pages_by_status"]["404"] == 1
    assert summary["sources_broken"] == {"sitemap/http_404": 1}
    snapshots = [json.loads(p.read_text()) for p in (archive / "sections" / "demo").rglob("*.json")]
    news = next(s for s in snapshots if s["url"].endswith("news.xml.gz"))
    assert len(news["articles"]) == len(manifest()["articles"])
    assert all(a["published"] and a["title"] for a in news["articles"])


def newest(article: dict[str, Any]) -> datetime:
    """The latest date the demo's sources give: the Atom feed (culture) has updated dates."""
    dates = [article["published"]]
    if article["section"] == "culture" and article["modified"]:
        dates.append(article["modified"])
    return max(datetime.fromisoformat(d) for d in dates)


def test_max_age_keeps_old_articles_from_being_fetched(demo_site: str, tmp_path: Path) -> None:
    """Feed and sitemap dates are applied before fetching, also to links sections list undated."""
    now = datetime.now(UTC)
    articles = manifest()["articles"]
    dates = sorted({newest(a) for a in articles}, reverse=True)
    # A cutoff in the middle, between two stories at least two hours apart.
    gaps = [(a, b) for a, b in pairwise(dates) if a - b >= timedelta(hours=2)]
    newer, older = gaps[len(gaps) // 2]
    hours = math.floor((now - newer).total_seconds() / 3600) + 1
    assert now - timedelta(hours=hours) > older
    old = [a for a in articles if newest(a) <= older]
    archive = tmp_path / "archive"
    base = demo_site
    config = demo_config(
        base,
        tmp_path / "recent.yaml",
        {"  # max_age is left out": f"  max_age: {hours}h\n  # max_age is left out"},
    )
    summary = crawl(config, archive)
    fetched = fetched_urls(archive)
    # (A moved story is still reached through its old, undated address.)
    direct = [a for a in old if a["path"] == a["canonical_path"] and not a["redirected_from"]]
    assert direct, "the cutoff leaves some old stories"
    for article in direct:
        assert f"{base}{article['path']}" not in fetched, article["path"]
    assert summary["articles_too_old"] == len(old)
    assert summary["articles_written"] >= len(articles) - len(old)
