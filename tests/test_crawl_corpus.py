"""Crawl real news pages (the shared corpus, served on 127.0.0.1) and score what was archived."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archiver.extraction.evaluation import CorpusPage, load_corpus, score_bodies
from tests.corpus_support import corpus_dir
from tests.support import article_documents, run_archiver, serving

DATASETS = ("aeb", "fundus")


class _CorpusSite:
    """Serves one index page per dataset linking to every page of it, as UTF-8 HTML."""

    def __init__(self, pages: dict[str, CorpusPage]) -> None:
        self.pages = pages
        self.hits = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits += 1
                parts = self.path.strip("/").split("/")
                if len(parts) == 1 and parts[0] in DATASETS:
                    links = "".join(
                        f'<li><a href="/{p.dataset}/story/{p.id}">{p.id}</a></li>'
                        for p in site.pages.values()
                        if p.dataset == parts[0]
                    )
                    self._send(200, f"<html><body><ul>{links}</ul></body></html>")
                elif len(parts) == 3 and parts[2] in site.pages:
                    self._send(200, site.pages[parts[2]].html)
                else:
                    self._send(404, "<html><body>not found</body></html>")

            def _send(self, status: int, html: str) -> None:
                body = html.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def corpus_pages() -> dict[str, CorpusPage]:
    root = corpus_dir()
    return {p.id: p for dataset in DATASETS for p in load_corpus(root, dataset)}


@pytest.fixture(scope="module")
def corpus_server(corpus_pages: dict[str, CorpusPage]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CorpusSite(corpus_pages).handler())
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def corpus_crawl(corpus_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    tmp = tmp_path_factory.mktemp("corpus-crawl")
    config = tmp / "corpus.yaml"
    config.write_text(
        "site: corpus\nname: Corpus pages\nallowed_domains: [127.0.0.1]\n"
        f"sections:\n  - url: {corpus_server}/aeb\n  - url: {corpus_server}/fundus\n"
        "articles:\n  allow: ['/story/']\n"
        "crawl: {download_delay: 0, obey_robots: false, concurrency: 16}\n",
        encoding="utf-8",
    )
    archive = tmp / "archive"
    # The real pages' stylesheets and images are on the live web: never fetch them in tests.
    no_requisites = ("-s", "ARCHIVER_REQUISITES=0")
    result = run_archiver(
        "crawl", str(config), "--archive", str(archive), *no_requisites, timeout=900
    )
    return result, archive


@pytest.mark.parametrize(
    ("dataset", "floor_f1", "floor_precision"),
    # Measured 0.976 / 0.964 (aeb) and 0.966 / 0.950 (fundus); the floors sit 0.01 below.
    [("aeb", 0.966, 0.954), ("fundus", 0.956, 0.940)],
)
def test_archived_text_matches_ground_truth(
    corpus_crawl: tuple[Any, Path],
    corpus_pages: dict[str, CorpusPage],
    dataset: str,
    floor_f1: float,
    floor_precision: float,
) -> None:
    """Body text of every crawled page scored with the corpus metric.

    Precision is what shows navigation, related links and comments left out of the text: the
    ground truth excludes them, so any that leaked in would count as false positives.
    """
    result, archive = corpus_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    texts = {d["url"].rsplit("/", 1)[-1]: d["text"] for d in article_documents(archive)}
    pages = [p for p in corpus_pages.values() if p.dataset == dataset]
    assert len(pages) > 100
    missing = [p.id for p in pages if p.id not in texts]
    assert not missing, f"{len(missing)} pages were not archived: {missing[:5]}"
    scores = score_bodies((p.body, texts[p.id]) for p in pages)
    assert scores.f1 >= floor_f1, scores
    assert scores.precision >= floor_precision, scores
