"""Page resources on real-world terms: articles first, dead hosts fail once, scope and block
lists decide what is requested, and every capture says what it lacks (crawl and one-off).

Crawls run in this process, as `archiver crawl` runs them; what the commands print (and their
usage errors) is checked on the commands themselves."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.replay.pages import BANNER_ID
from tests.browser import chromium
from tests.crawling import crawl_config
from tests.resource_site import (
    BLOCKED_PER_ARTICLE,
    DEAD_HOSTS,
    OWN_PER_ARTICLE,
    REFUSED_PER_ARTICLE,
    ResourceSite,
    resource_site,
    silent_host,
)
from tests.support import article_documents, replay_process, run_archiver

ARTICLES = 12
OWN_SHARED = 3  # the stylesheet, its font and its background image: fetched once per run


@pytest.fixture(scope="module")
def site() -> Iterator[ResourceSite]:
    with resource_site(ARTICLES) as running:
        yield running


def crawl(site: ResourceSite, tmp: Path, *overrides: str, **requisites: Any) -> dict[str, Any]:
    """One crawl of the site in this process (`overrides` as `-s` takes them): its summary as
    `archiver crawl --json` prints it, and the server's log."""
    tmp.mkdir(parents=True, exist_ok=True)
    config = site.config(tmp, **requisites)
    start = len(site.hits)
    summary = crawl_config(config, tmp / "archive", *overrides)
    assert summary.failure() is None, summary.render()
    return {
        "summary": json.loads(json.dumps(summary.to_dict())),
        "hits": site.hits[start:],
        "archive": tmp / "archive",
    }


def cli_crawl(site: ResourceSite, tmp: Path, *args: str, **requisites: Any) -> dict[str, Any]:
    """One `archiver crawl` at default verbosity: its summary, stderr and the server's log."""
    tmp.mkdir(parents=True, exist_ok=True)
    config = site.config(tmp, **requisites)
    start = len(site.hits)
    result = run_archiver("crawl", str(config), "--archive", str(tmp / "archive"), "--json", *args)
    assert result.returncode == 0, result.stderr
    return {
        "summary": json.loads(result.stdout)[0],
        "stderr": result.stderr,
        "hits": site.hits[start:],
        "archive": tmp / "archive",
    }


#: One request in flight: articles are still waiting in the queue when the first ones bring
#: their resources, as on a real site with more articles than the crawl's concurrency (and
#: the server sees requests in the order they were sent).
ONE_AT_A_TIME = "CONCURRENT_REQUESTS=1"


@pytest.fixture(scope="module")
def default_crawl(site: ResourceSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return crawl(site, tmp_path_factory.mktemp("default"), ONE_AT_A_TIME)


def test_every_article_is_archived(default_crawl: dict[str, Any]) -> None:
    documents = article_documents(default_crawl["archive"])
    assert len({d["id"] for d in documents}) == ARTICLES
    assert all(d["is_article"] and d["word_count"] > 100 for d in documents)


def test_articles_are_requested_before_any_page_resource(
    default_crawl: dict[str, Any], site: ResourceSite
) -> None:
    hits = default_crawl["hits"]
    articles = [i for i, path in enumerate(hits) if path in site.article_paths()]
    resources = [i for i, path in enumerate(hits) if path.startswith(("/css/", "/img/", "/fonts/"))]
    assert len(articles) == ARTICLES and resources
    assert max(articles) < min(resources), hits


def test_a_dead_host_costs_one_failure_and_the_rest_are_skipped(
    default_crawl: dict[str, Any],
) -> None:
    resources = default_crawl["summary"]["resources"]
    # One DNS failure per unresolvable host, one refusal for the refusing one: no retries.
    assert resources["failed"] == {"dns": len(DEAD_HOSTS), "refused": 1}
    assert resources["dead_hosts"] == {"dns": len(DEAD_HOSTS), "refused": 1}
    on_dead_hosts = ARTICLES * (sum(DEAD_HOSTS.values()) + REFUSED_PER_ARTICLE)
    assert resources["skipped"]["dead-host"] == on_dead_hosts - len(DEAD_HOSTS) - 1
    assert default_crawl["summary"]["fetch_errors"] == {"dns": 2, "refused": 1}


def test_block_list_host_filter_and_hosts_file_are_never_requested(
    default_crawl: dict[str, Any],
) -> None:
    resources = default_crawl["summary"]["resources"]
    assert resources["skipped"]["blocked"] == ARTICLES * BLOCKED_PER_ARTICLE
    assert not [path for path in default_crawl["hits"] if path.startswith("/banners/")]
    assert resources["fetched"] == ARTICLES * (OWN_PER_ARTICLE - OWN_SHARED) + OWN_SHARED


def test_default_verbosity_says_one_line_per_dead_host_and_no_traceback(
    site: ResourceSite, tmp_path: Path
) -> None:
    """What `archiver crawl` prints on stderr (the command sets up the logging)."""
    stderr = cli_crawl(site, tmp_path, "-s", ONE_AT_A_TIME)["stderr"]
    assert "Traceback" not in stderr and "ERROR" not in stderr
    given_up = [line for line in stderr.splitlines() if "Giving up page resources" in line]
    assert sorted(line.rsplit(" on ", 1)[1] for line in given_up) == sorted(
        [f"{host} for this run: dns" for host in DEAD_HOSTS] + ["127.0.0.3 for this run: refused"]
    )
    assert len(stderr.splitlines()) < 30, stderr
    summary = [line for line in stderr.splitlines() if line.startswith("page resources:")]
    assert summary and "hosts given up: dns: 2, refused: 1" in summary[0]


def test_each_capture_records_its_missing_resources(default_crawl: dict[str, Any]) -> None:
    archive = default_crawl["archive"]
    document = article_documents(archive)[0]
    result = run_archiver("show", document["id"], "--archive", str(archive))
    assert result.returncode == 0 and json.loads(result.stdout)["id"] == document["id"]
    needed = OWN_PER_ARTICLE + sum(DEAD_HOSTS.values()) + REFUSED_PER_ARTICLE
    needed += BLOCKED_PER_ARTICLE
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"page resources: {OWN_PER_ARTICLE} of {needed} archived; ")
    assert "blocked 3" in first
    assert f"missing: {document['url'].split('/news/')[0]}/banners/" in result.stderr
    with sqlite3.connect(archive / "catalog.sqlite") as db:
        rows = db.execute("SELECT needed, archived FROM page_resources").fetchall()
    assert rows == [(needed, OWN_PER_ARTICLE)] * ARTICLES


def test_reindex_rebuilds_the_resource_accounts_from_the_warc(
    default_crawl: dict[str, Any], tmp_path: Path
) -> None:
    archive = default_crawl["archive"]
    with sqlite3.connect(archive / "catalog.sqlite") as db:
        before = sorted(db.execute("SELECT * FROM page_resources").fetchall())
    result = run_archiver("reindex", "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(archive / "catalog.sqlite") as db:
        after = sorted(db.execute("SELECT * FROM page_resources").fetchall())
    assert after == before and len(after) == ARTICLES


def test_scope_site_fetches_only_the_sites_own_resources(
    site: ResourceSite, tmp_path: Path
) -> None:
    run = crawl(site, tmp_path, scope="site")
    resources = run["summary"]["resources"]
    assert resources["failed"] == {} and resources["dead_hosts"] == {}
    off_site = ARTICLES * (sum(DEAD_HOSTS.values()) + REFUSED_PER_ARTICLE + 2)
    assert resources["skipped"] == {"out-of-scope": off_site, "blocked": ARTICLES}
    assert resources["fetched"] == ARTICLES * (OWN_PER_ARTICLE - OWN_SHARED) + OWN_SHARED


def test_scope_none_and_the_setting_fetch_no_resources(site: ResourceSite, tmp_path: Path) -> None:
    for name, args, requisites in (
        ("none", (), {"scope": "none"}),
        ("off", ("ARCHIVER_REQUISITES=0",), {}),
    ):
        run = crawl(site, tmp_path / name, *args, **requisites)
        assert "requisite" not in run["summary"]["requests_by_kind"]
        assert [p for p in run["hits"] if p.startswith(("/css/", "/img/"))] == []
        assert len(article_documents(run["archive"])) == ARTICLES


def test_a_missing_block_list_or_a_bad_scope_is_a_usage_error(
    site: ResourceSite, tmp_path: Path
) -> None:
    config = site.config(tmp_path, block_lists=["nowhere.txt"])
    result = run_archiver("crawl", str(config), "--archive", str(tmp_path / "archive"))
    assert result.returncode == 2
    assert f"{config}: requisites.block_lists[0]: file not found" in result.stderr
    for setting in ("ARCHIVER_REQUISITES_SCOPE=cdn", "ARCHIVER_REQUISITES_BLOCK_LISTS=no.txt"):
        config = site.config(tmp_path)
        result = run_archiver("crawl", str(config), "--archive", str(tmp_path / "a"), "-s", setting)
        assert result.returncode == 2 and setting.split("=")[0] in result.stderr


def test_one_off_archiving_follows_the_same_rules(site: ResourceSite, tmp_path: Path) -> None:
    url = site.base + site.article_path(3)
    result = run_archiver("archive", url, "--archive", str(tmp_path / "archive"), "--json")
    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    missing = outcome["requisites_missing"]
    # No config here: nothing of the site's own block rules, but each dead host fails once.
    assert missing["dns"] == len(DEAD_HOSTS) and missing["refused"] == 1
    assert missing["dead-host"] == sum(DEAD_HOSTS.values()) + REFUSED_PER_ARTICLE - 3
    assert outcome["requisites_fetched"] >= OWN_PER_ARTICLE
    verdict = [line for line in result.stderr.splitlines() if line.startswith("archived")]
    needed = outcome["requisites_needed"]
    assert verdict == [
        f"archived, incomplete: {url} (article; {outcome['requisites_fetched']} of {needed} "
        f"page resources archived (missing: "
        + ", ".join(f"{k} {v}" for k, v in missing.items())
        + "))"
    ]
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr


def test_the_replay_banner_says_how_many_resources_are_missing(
    default_crawl: dict[str, Any], tmp_path: Path
) -> None:
    archive = default_crawl["archive"]
    document = article_documents(archive)[0]
    stamp = "".join(c for c in document["fetched_at"] if c.isdigit())[:14]
    needed = OWN_PER_ARTICLE + sum(DEAD_HOSTS.values()) + REFUSED_PER_ARTICLE
    needed += BLOCKED_PER_ARTICLE
    with replay_process(archive, tmp_path / "replay.port") as (_, server), chromium() as (page, _):
        page.goto(f"{server}/res/{stamp}/{document['url']}", wait_until="load")
        banner = page.inner_text(f"#{BANNER_ID}")
        assert document["title"] in page.title()
    missing = needed - OWN_PER_ARTICLE
    assert f"{missing} of {needed} page resources were not archived" in banner


def test_a_host_that_never_answers_costs_one_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        resource_site(articles=2) as site,
        silent_host() as silent,
        caplog.at_level(logging.INFO, logger="archiver"),
    ):
        site.silent = silent
        run = crawl(site, tmp_path, timeout=2)
    resources = run["summary"]["resources"]
    assert resources["failed"]["timeout"] == 1 and resources["dead_hosts"]["timeout"] == 1
    assert "127.0.0.4 for this run: timeout" in caplog.text  # the line stderr shows
    # The site's own resources were not held up behind it, and its others were skipped.
    assert resources["fetched"] == 2 * (OWN_PER_ARTICLE - OWN_SHARED) + OWN_SHARED
    on_dead = 2 * (sum(DEAD_HOSTS.values()) + REFUSED_PER_ARTICLE + 4)
    assert resources["skipped"]["dead-host"] == on_dead - len(DEAD_HOSTS) - 2


def test_a_redirect_to_a_blocked_host_is_not_followed(tmp_path: Path) -> None:
    with resource_site(articles=2) as site:
        site.redirect_to_ad = True
        run = crawl(site, tmp_path)
    resources = run["summary"]["resources"]
    # The redirect itself is archived; its target, on a blocked host, is never requested.
    assert resources["skipped"]["blocked"] == 2 * BLOCKED_PER_ARTICLE + 1
    assert resources["failed"] == {"dns": len(DEAD_HOSTS), "refused": 1}
    assert run["hits"].count("/go/ad.png") == 1
