"""Distributed crawling on a real redis-server: worker processes sharing one crawl of a site.

Every worker is `archiver crawl CONFIG --redis URL --archive DIR` in a process of its own,
writing into its own archive directory; what they share lives in the Redis server the tests
start on 127.0.0.1. The demo site is served slowly (a download delay), so that a crawl lasts
long enough for two workers to share it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replay.app import ReplayApp
from archiver.replay.urls import replay_path, timestamp14
from archiver.store.cdxj import CdxjIndex
from archiver.store.shared import SharedState
from tests.redis_server import redis_server
from tests.support import article_documents, demo_config, demo_server, run_archiver, warc_files

#: Seconds between two requests of one worker (the demo site is local: this makes it take time).
DELAY = "0.3"
DEADLINE = 240  # seconds a worker may take before the test fails (a hang fails, never blocks)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site, a slow config of it, and the article ids a one-machine crawl archives."""
    tmp = tmp_path_factory.mktemp("distributed")
    with demo_server(tmp) as base:
        config = demo_config(
            base,
            tmp / "demo.yaml",
            {"download_delay: 0 ": f"download_delay: {DELAY} ", "concurrency: 8": "concurrency: 2"},
        )
        baseline = tmp / "one-machine"
        done = crawl(config, baseline, redis_url=None)
        assert done.returncode == 0, done.stderr[-2000:]
        ids = Counter(d["id"] for d in article_documents(baseline))
        assert ids and set(ids.values()) == {1}
        captures = article_captures([baseline], base)
        yield {"tmp": tmp, "base": base, "config": config, "ids": set(ids), "captures": captures}


def worker(
    config: Path, archive: Path, redis_url: str | None, *settings: str
) -> subprocess.Popen[str]:
    """`archiver crawl CONFIG --archive DIR [--redis URL] --json` started in a process."""
    args = [sys.executable, "-m", "archiver", "crawl", str(config), "--archive", str(archive)]
    args += ["--json", "--workers", "1"]
    if redis_url:
        args += ["--redis", redis_url]
    for setting in settings:
        args += ["-s", setting]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"a worker did not end within {DEADLINE} s: {err[-3000:]}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def crawl(config: Path, archive: Path, redis_url: str | None) -> subprocess.CompletedProcess[str]:
    return finish(worker(config, archive, redis_url))


def summary(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    (found,) = json.loads(done.stdout)
    return dict(found)


def article_captures(archives: list[Path], site_base: str) -> Counter[str]:
    """How many response records each article page has, across the archives (URLs with a
    date in their path: the demo's articles)."""
    found: Counter[str] = Counter()
    for archive in archives:
        for path in warc_files(archive):
            with path.open("rb") as fh:
                for record in ArchiveIterator(fh):
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    if record.rec_type == "response" and "/2026/" in uri.removeprefix(site_base):
                        found[uri] += 1
    return found


def article_statuses(archive: Path, site_base: str) -> dict[str, int]:
    """The HTTP status of each article page's last response record in an archive."""
    found: dict[str, int] = {}
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and "/2026/" in uri.removeprefix(site_base):
                    found[uri] = int(record.http_headers.get_statuscode())
    return found


def ids_across(archives: list[Path]) -> Counter[str]:
    return Counter(d["id"] for archive in archives for d in article_documents(archive))


def test_two_workers_share_a_crawl_each_article_archived_once(
    site: dict[str, Any], tmp_path: Path
) -> None:
    archives = [tmp_path / "w1", tmp_path / "w2"]
    with redis_server(tmp_path / "redis") as url:
        procs = [worker(site["config"], archive, url) for archive in archives]
        done = [finish(proc) for proc in procs]
    for result in done:
        assert result.returncode == 0, result.stderr[-3000:]
    parts = [summary(result)["distributed"] for result in done]
    assert sorted(p["started"] for p in parts) == [False, True]  # one read the sources
    assert len({p["run"] for p in parts}) == 1  # ... in one run the other joined
    # Every article exactly once across both workers, and both did part of the work.
    ids = ids_across(archives)
    assert set(ids) == site["ids"] and set(ids.values()) == {1}
    assert all(article_documents(archive) for archive in archives)
    assert all(p["taken"] > 0 for p in parts)
    # Every article page fetched as often as by one machine (a 500 is tried 3 times): once.
    assert article_captures(archives, site["base"]) == site["captures"]
    # Each worker's WARC files carry its host name and process id.
    for archive, part in zip(archives, parts, strict=True):
        names = [p.name for p in warc_files(archive)]
        pid = part["worker"].rsplit("-", 2)[-2]
        assert names and all(n.startswith("demo-") and f"-{pid}-" in n for n in names), names
    # Merged: one catalog that lists, searches and replays what both workers archived.
    merged = tmp_path / "merged"
    done_merge = run_archiver(
        "reindex", "--archive", str(merged), "--from", str(archives[0]), "--from", str(archives[1])
    )
    assert done_merge.returncode == 0, done_merge.stderr[-3000:]
    listed = run_archiver("list", "--archive", str(merged), "--json", "--limit", "999")
    assert {json.loads(line)["id"] for line in listed.stdout.splitlines()} == site["ids"]
    verified = run_archiver("verify", "--archive", str(merged))
    assert verified.returncode == 0, verified.stdout[-3000:]
    app = ReplayApp(merged, CdxjIndex(merged))
    for archive in archives:
        doc = max(article_documents(archive), key=lambda d: len(d["title"] or ""))
        word = max(doc["title"].split(), key=len).strip(".,:;'\"!?")
        found = run_archiver("search", word, "--archive", str(merged), "--json")
        assert doc["id"] in {json.loads(line)["id"] for line in found.stdout.splitlines()}
        reply = app.answer(replay_path("demo", timestamp14(doc["fetched_at"]), doc["url"]))
        assert reply.status == 200 and doc["title"].split()[0].encode() in reply.body


def test_a_worker_that_dies_leaves_its_work_to_the_others(
    site: dict[str, Any], tmp_path: Path
) -> None:
    first, second = tmp_path / "w1", tmp_path / "w2"
    lease = "ARCHIVER_REDIS_LEASE=6"
    with redis_server(tmp_path / "redis") as url:
        survivor = worker(site["config"], first, url, lease)
        doomed = worker(site["config"], second, url, lease)
        deadline = time.monotonic() + 120
        while not list((second / "articles").rglob("*.json")):  # it has done some work
            assert doomed.poll() is None, doomed.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the second worker archived nothing"
            time.sleep(0.1)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.communicate()
        survived = finish(survivor)
        assert survived.returncode == 0, survived.stderr[-3000:]
        # The killed worker starts again in its own directory: its open WARC file is
        # recovered, and it fetches what no one archived.
        again = crawl(site["config"], second, url)
        assert again.returncode == 0, again.stderr[-3000:]
    assert "left open by a killed run" in again.stderr
    ids = ids_across([first, second])
    assert set(ids) == site["ids"], site["ids"] - set(ids)  # nothing missing
    assert set(ids.values()) == {1}, [i for i, n in ids.items() if n > 1]  # nothing twice
    assert not [p for p in warc_files(second) if p.name.endswith(".open")]


def test_a_recrawl_by_another_worker_fetches_nothing_that_is_not_due(
    site: dict[str, Any], tmp_path: Path
) -> None:
    with redis_server(tmp_path / "redis") as url:
        first = crawl(site["config"], tmp_path / "w1", url)
        assert first.returncode == 0, first.stderr[-3000:]
        second = crawl(site["config"], tmp_path / "w2", url)  # another directory, same Redis
        assert second.returncode == 0, second.stderr[-3000:]
    before, after = summary(first), summary(second)
    assert before["articles_written"] == len(site["ids"])
    assert after["articles_written"] == 0 and article_documents(tmp_path / "w2") == []
    assert sum(after["articles_skipped"].values()) >= len(site["ids"])  # known: not due
    # What it did fetch of the articles is what failed the first time (the demo's 404 and
    # 500 pages), as a one-machine re-crawl would: nothing archived was fetched again.
    refetched = article_statuses(tmp_path / "w2", site["base"])
    assert refetched and set(refetched.values()) <= {404, 500}, refetched
    assert set(refetched) <= set(article_statuses(tmp_path / "w1", site["base"]))


def test_without_redis_the_crawl_says_so(site: dict[str, Any], tmp_path: Path) -> None:
    done = crawl(site["config"], tmp_path / "w", "redis://127.0.0.1:9/0")
    assert done.returncode == 1
    assert "cannot reach Redis at redis://127.0.0.1:9/0" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "w").exists()


# -- the shared state itself -----------------------------------------------------------------


def test_requests_of_a_worker_whose_lease_ran_out_go_back_to_the_queue(tmp_path: Path) -> None:
    with redis_server(tmp_path / "redis") as url:
        dead = SharedState.connect(url, "s", worker="dead", lease=1.0)
        alive = SharedState.connect(url, "s", worker="alive", lease=30.0)
        keys = dead.join()
        assert dead.starter and alive.join() == keys and not alive.starter
        dead.client.zadd(keys.requests, {b"first": 0, b"second": 1})
        assert dead.take() == b"first"  # taken, and then the worker dies
        assert alive.more_may_come()  # it may come back
        deadline = time.monotonic() + 10
        returned = 0
        while not returned:
            assert time.monotonic() < deadline, "the dead worker's lease never ran out"
            returned = alive.renew(force=True)
            time.sleep(0.1)
        assert returned == 1
        assert alive.take() == b"first" and alive.take() == b"second" and alive.take() is None
        assert alive.renew(force=True) == 0  # once only
        assert alive.leave()  # the last one out
        assert not alive.client.keys("archiver:s:run*")
