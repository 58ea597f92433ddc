"""A crawl over the hostile site (tests/hostile_site.py): it ends, archives every good page
exactly once, counts every fault under its kind in words, and a hang fails the test.

The crawl runs once, as `archiver crawl --json` in a subprocess with a deadline: a crawl that
hangs is killed and the tests fail, instead of blocking the run.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.settings.default_settings import REDIRECT_MAX_TIMES
from warcio.archiveiterator import ArchiveIterator

from archiver import settings
from archiver.extraction.decode import decode_html
from tests import hostile_site as hs
from tests.support import article_documents, run_archiver, tool, warc_files
from tests.test_size_limits import gzip_bomb

#: The crawl takes about 10 s here; past this it is taken for hung.
DEADLINE = 180
#: Short enough for the slow drip (one byte every 0.5 s) to time out on every try.
DOWNLOAD_TIMEOUT = 2
TRAP_PAGES = 5
TRIES = 1 + settings.RETRY_TIMES
#: A page fetched as an article that must give no document.
NO_DOCUMENT = (
    hs.RESET,
    hs.SLOW,
    hs.ERROR_500,
    hs.UNAVAILABLE,
    hs.LOOP,
    hs.TO_JAVASCRIPT,
    hs.BINARY,
    hs.BOMB,
)


@dataclass
class Crawled:
    site: hs.HostileSite  # still serving while the module's tests run
    config: Path
    archive: Path
    done: subprocess.CompletedProcess[str]
    summary: dict[str, Any]
    hits: Counter[str]  # path with query -> times asked for by the crawl

    def url(self, path: str) -> str:
        return self.site.base + path


def crawl(config: Path, archive: Path) -> subprocess.CompletedProcess[str]:
    """`archiver crawl CONFIG --json` with a deadline: a crawl that hangs fails the test."""
    try:
        return run_archiver(
            "crawl",
            str(config),
            "--archive",
            str(archive),
            "--json",
            "--workers",
            "0",
            "-s",
            f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT}",
            timeout=DEADLINE,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the crawl did not end within {DEADLINE} s: {exc.stderr!r}"[-3000:])


def summary_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    (summary,) = json.loads(done.stdout) if done.stdout.strip() else [{}]
    return dict(summary)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile")
    archive = tmp / "archive"
    # 80 MiB of zeros: over the 64 MiB DOWNLOAD_MAXSIZE once inflated.
    with hs.hostile_site(bomb=gzip_bomb(80)) as site:
        config = site.config(tmp, trap_pages=TRAP_PAGES)
        done = crawl(config, archive)
        with site.lock:
            hits = Counter(site.hits)
        yield Crawled(site, config, archive, done, summary_of(done), hits)


def responses(archive: Path) -> dict[str, list[Any]]:
    """Target URI -> (status, Content-Type, payload as stored) of each response record."""
    found: dict[str, list[Any]] = {}
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    status = int(record.http_headers.get_statuscode())
                    kind = record.http_headers.get_header("Content-Type")
                    found.setdefault(uri, []).append((status, kind, record.raw_stream.read()))
    return found


def test_the_crawl_finishes_and_exits_as_documented(crawled: Crawled) -> None:
    assert crawled.done.returncode == 0, crawled.done.stderr[-3000:]
    assert crawled.summary["finish_reason"] == "finished"
    assert crawled.summary["failure"] is None
    assert "Traceback" not in crawled.done.stderr


def test_every_good_page_is_archived_exactly_once(crawled: Crawled) -> None:
    good = [*hs.HostileSite().good_paths(), *hs.READABLE_FAULTS]
    documents = Counter(d["url"] for d in article_documents(crawled.archive))
    assert {p: documents[crawled.url(p)] for p in good} == dict.fromkeys(good, 1)
    assert set(documents) == {crawled.url(p) for p in good}  # none for a fault page
    stored = responses(crawled.archive)
    assert {p: len(stored[crawled.url(p)]) for p in good} == dict.fromkeys(good, 1)
    # Listed by the home page, the sitemap and every page of the trap, asked for once.
    assert {p: crawled.hits[p] for p in good} == dict.fromkeys(good, 1)
    assert crawled.summary["articles_written"] == len(good)


def test_tracking_and_amp_variants_are_fetched_as_the_article_once(crawled: Crawled) -> None:
    site = crawled.site
    asked = list(crawled.hits.elements())
    for path in site.good_paths()[:3]:  # each linked under variants too
        assert [h for h in asked if urlsplit(h).path == path] == [path]  # clean, once
    assert not [h for h in asked if "utm_" in h or "fbclid" in h or "amp" in h], asked
    assert crawled.summary["articles_written"] == len(site.good_paths()) + len(hs.READABLE_FAULTS)


def test_each_fault_is_counted_under_its_kind(crawled: Crawled) -> None:
    summary = crawled.summary
    # No answer at all: each try counted (Scrapy retries RETRY_TIMES), a loop once.
    assert summary["fetch_errors"] == {"redirect-loop": 1, "reset": TRIES, "timeout": TRIES}
    assert summary["pages_by_status"]["500"] == TRIES
    assert summary["pages_by_status"]["503"] == 1  # Retry-After: not retried in this run
    assert summary["retry_later"] == 1
    assert summary["extraction_failures"] == {"not-html": 1, "too-large": 1}  # binary, bomb
    assert summary["sources_broken"] == {"feed/not-a-feed": 1}
    assert summary["sources_fetched"] == {"sitemap": 1}
    assert summary["source_problems"] == 1  # the sitemap cut short: its URLs recovered
    kinds = [*summary["fetch_errors"], *summary["extraction_failures"], *summary["sources_broken"]]
    assert all(re.fullmatch(r"[a-z0-9/-]+", k) for k in kinds), kinds  # words, no class names
    stderr = crawled.done.stderr
    for path, kind in [
        (hs.RESET, "reset"),
        (hs.SLOW, "timeout"),
        (hs.ERROR_500, "http_500"),
        (hs.UNAVAILABLE, "http_503"),
        (hs.LOOP, "redirect-loop"),
        (hs.BOMB, "too-large"),
    ]:
        assert f"Could not fetch article {crawled.url(path)}: {kind}" in stderr


def test_faults_are_tried_a_bounded_number_of_times(crawled: Crawled) -> None:
    hits = crawled.hits
    assert [hits[p] for p in (hs.RESET, hs.SLOW, hs.ERROR_500)] == [TRIES] * 3
    assert hits[hs.UNAVAILABLE] == 1
    assert hits[hs.LOOP] == 1 + REDIRECT_MAX_TIMES
    for once in (hs.TO_JAVASCRIPT, hs.REFRESH_MAILTO, hs.BINARY, hs.BOMB, "/robots.txt"):
        assert hits[once] == 1, once


def test_the_pagination_trap_ends_at_the_sections_max_pages(crawled: Crawled) -> None:
    trap = sorted(p for p in crawled.hits if p.startswith(hs.TRAP))
    assert trap == sorted(f"{hs.TRAP}?page={n}" for n in range(1, TRAP_PAGES + 1))
    assert not any(p.startswith("/archive/20") for p in crawled.hits)  # the calendar: no
    assert crawled.summary["sections_fetched"] == 1 + TRAP_PAGES


def test_a_garbage_robots_txt_forbids_nothing(crawled: Crawled) -> None:
    assert crawled.hits["/robots.txt"] == 1
    assert "robots" not in crawled.summary["fetch_errors"]
    assert crawled.summary["articles_written"] > 0  # each one is checked above


def test_pages_that_go_nowhere_are_archived_as_answered(crawled: Crawled) -> None:
    stored = responses(crawled.archive)
    statuses = {p: [s for s, _, _ in stored.get(crawled.url(p), [])] for p in NO_DOCUMENT}
    assert statuses == {
        hs.RESET: [],  # no answer: nothing to archive
        hs.SLOW: [],
        hs.ERROR_500: [500] * TRIES,
        hs.UNAVAILABLE: [503],
        hs.LOOP: [302] * (1 + REDIRECT_MAX_TIMES),
        hs.TO_JAVASCRIPT: [302],
        hs.BINARY: [200],
        hs.BOMB: [200],
    }
    ((_, _, bomb),) = stored[crawled.url(hs.BOMB)]
    assert bomb == gzip_bomb(80)  # as received, still gzipped


def test_the_warc_files_pass_warcio_check(crawled: Crawled) -> None:
    files = warc_files(crawled.archive)
    assert files
    for path in files:
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("path", hs.CHARSET_PAGES)
def test_a_page_with_a_lying_charset_is_kept_as_served_and_read_sensibly(
    crawled: Crawled, path: str
) -> None:
    declared, actual = {
        hs.LATIN1_SAYS: ("iso-8859-1", "utf-8"),
        hs.UTF8_SAYS: ("utf-8", "windows-1252"),
        hs.BOGUS_CHARSET: ("x-bogus", "utf-8"),
    }[path]
    story = hs.stories()[hs.CHARSET_STORIES[path]]
    served = hs.article_html(story, charset=declared).encode(actual)
    ((status, content_type, payload),) = responses(crawled.archive)[crawled.url(path)]
    assert (status, content_type, payload) == (200, f"text/html; charset={declared}", served)
    (document,) = [d for d in article_documents(crawled.archive) if d["url"] == crawled.url(path)]
    assert document["title"] == story.title
    first, last = hs.paragraphs(story)[0], hs.paragraphs(story)[-1]
    assert not served.isascii()  # a wrong charset would show
    assert first in document["text"] and last in document["text"]
    assert "Ã" not in document["text"] and "\ufffd" not in document["text"]
    assert decode_html(payload, declared) == served.decode(actual)  # as re-extraction reads it


def test_the_next_run_asks_again_only_for_what_failed(crawled: Crawled) -> None:
    site = crawled.site
    with site.lock:
        site.hits.clear()
    done = crawl(crawled.config, crawled.archive)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = summary_of(done)
    with site.lock:
        again = Counter(urlsplit(p).path for p in site.hits)
    good = [*site.good_paths(), *hs.READABLE_FAULTS]
    assert not any(again[p] for p in good), again  # archived already: not fetched again
    assert summary["articles_written"] == 0
    assert again[hs.UNAVAILABLE] == 1  # the 503 that said "later" is asked for again
    assert summary["retry_later"] == 1
    # Pages that never answered 200 are asked for as new; each fault once more, no more.
    assert [again[p] for p in (hs.RESET, hs.SLOW, hs.ERROR_500)] == [TRIES] * 3
    assert again[hs.BOMB] == 1 and summary["requests_by_kind"]["article-retry"] == 1
