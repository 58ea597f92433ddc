"""Article filters: dates (absolute and relative), language, section, site, author, changed,
takedowns; in the catalog, on `list` and `search`, in the replay server's list; the authors
column added to catalogs made before it."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.jobs.reindex import rebuild_catalog
from archiver.jobs.verify_catalog import read_catalog
from archiver.replay.app import ReplayApp
from archiver.replay.pages import PAGE_SIZE
from archiver.store.catalog import Catalog
from archiver.store.cdxj import CdxjIndex
from archiver.store.filters import ArticleFilter, BadWhen, parse_when
from tests.synthetic_archive import A, B, C, D, build, document, store

NOW = datetime(2026, 11, 30, 15, 45, 10, tzinfo=UTC)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    build(tmp_path)
    return tmp_path


def listed(root: Path, **conditions: Any) -> set[str]:
    with Catalog(root / "catalog.sqlite") as catalog:
        rows = catalog.list_articles(matching=ArticleFilter(**conditions))
        assert catalog.count_articles(matching=ArticleFilter(**conditions)) == len(rows)
    return {row.id for row in rows}


# --------------------------------------------------------------------------- dates


def test_relative_and_named_dates() -> None:
    assert parse_when("24h", now=NOW) == datetime(2026, 11, 29, 15, 45, 10, tzinfo=UTC)
    assert parse_when("7d", now=NOW) == datetime(2026, 11, 23, 15, 45, 10, tzinfo=UTC)
    assert parse_when("2w", now=NOW) == datetime(2026, 11, 16, 15, 45, 10, tzinfo=UTC)
    assert parse_when("today", now=NOW) == datetime(2026, 11, 30, tzinfo=UTC)
    assert parse_when("Yesterday", now=NOW) == datetime(2026, 11, 29, tzinfo=UTC)
    end_of_yesterday = datetime(2026, 11, 29, 23, 59, 59, 999000, tzinfo=UTC)
    assert parse_when("yesterday", end=True, now=NOW) == end_of_yesterday


def test_iso_dates_and_times() -> None:
    assert parse_when("2026-11-27") == datetime(2026, 11, 27, tzinfo=UTC)
    assert parse_when("2026-11-27", end=True) == datetime(2026, 11, 27, 23, 59, 59, 999000, UTC)
    assert parse_when("2026-11-27T09:30") == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert parse_when("2026-11-27T09:30+02:00") == datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
    for bad in ("", "soon", "7", "7y", "-2d", "2026-13-01", "2026-11-27T25:00"):
        with pytest.raises(BadWhen):
            parse_when(bad)


def test_since_and_until_compare_the_published_date_else_the_capture(root: Path) -> None:
    # A: published 2026-11-20 08:00 UTC (+02:00 in the document); B: no published date,
    # captured 2026-11-25; C: published 2026-11-21 (a date).
    since_21 = parse_when("2026-11-21")
    assert listed(root, since=since_21) == {B, C}
    assert listed(root, until=parse_when("2026-11-20", end=True)) == {A}
    assert listed(root, since=parse_when("2026-11-20T09:30+02:00")) == {A, B, C}
    assert listed(root, since=parse_when("2026-11-20T10:30+02:00")) == {B, C}
    both = {"since": since_21, "until": parse_when("2026-11-21", end=True)}
    assert listed(root, **both) == {C}


def test_by_captured_compares_the_versions_capture_date(root: Path) -> None:
    since = parse_when("2026-11-22")
    # A's newest version was captured on 2026-11-22, C on 2026-11-21.
    assert listed(root, since=since, by="captured") == {A, B}
    with Catalog(root / "catalog.sqlite") as catalog:
        every = catalog.iter_articles(ArticleFilter(since=since, by="captured"), all_versions=True)
        assert [(r.id, r.version) for r in every] == [(A, 2), (B, 1)]


# --------------------------------------------------------------------------- other filters


def test_language_section_and_site(root: Path) -> None:
    assert listed(root, lang=("en",)) == {A, C}  # en-GB is English
    assert listed(root, lang=("EN-gb",)) == {A}
    assert listed(root, lang=("e",)) == set()
    assert listed(root, lang=("de", "en-gb")) == {A, B}
    assert listed(root, section=("culture", "business")) == {B, C}
    assert listed(root, site=("other",)) == {B}
    assert listed(root, site=("demo",), lang=("de",)) == set()
    assert listed(root) == {A, B, C}  # D is not an article


def test_author_is_part_of_a_name_case_and_accents_ignored(root: Path) -> None:
    for wanted in ("Jane Müller", "muller", "MÜLLER", "jane m", "ane"):
        assert listed(root, author=wanted) == {A}, wanted
    assert listed(root, author="field") == {B}
    assert listed(root, author="jane field") == set()


def test_changed_and_takedowns(root: Path) -> None:
    assert listed(root, changed=True) == {A}
    assert listed(root, takedowns=True) == {B, C}  # B was restored since: still listed
    assert listed(root, changed=True, takedowns=True) == set()
    with Catalog(root / "catalog.sqlite") as catalog:
        marks = catalog.article_marks([A, B, C])
    assert (marks[A].versions, marks[A].event) == (2, None)
    assert (marks[B].event, marks[B].event_date) == ("restored", "2026-11-27T08:00:00Z")
    assert marks[C].event == "takedown"


def test_search_joins_the_filter(root: Path) -> None:
    with Catalog(root / "catalog.sqlite") as catalog:
        assert {h.id for h in catalog.search("harbour")} == {A, B, C}
        german = ArticleFilter(lang=("de",))
        assert [h.id for h in catalog.search("harbour", matching=german)] == [B]
        assert catalog.search_count("harbour", matching=german) == 1
        changed = ArticleFilter(changed=True, since=parse_when("2026-11-01"))
        assert [h.id for h in catalog.search("harbour", matching=changed)] == [A]
        assert catalog.search_count("harbour", matching=ArticleFilter(author="nobody")) == 0


# --------------------------------------------------------------------------- the commands


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_and_search_take_the_filters(root: Path) -> None:
    archive = ("--archive", str(root))
    code, out, _ = run("list", *archive, "--json", "--takedowns")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["id"] for r in rows} == {B, C}
    assert {r["id"]: r["takedown"] for r in rows} == {B: "restored", C: "takedown"}
    code, out, _ = run("list", *archive, "--changed")
    assert code == 0 and A in out and "[2 versions]" in out and B not in out
    code, out, _ = run("list", *archive, "--author", "müller", "--json")
    assert [json.loads(line)["authors"] for line in out.splitlines()] == [["Jane Müller"]]
    code, out, _ = run("list", *archive, "--site", "demo", "--site", "other", "--lang", "de")
    assert code == 0 and B in out and A not in out
    code, out, _ = run("search", "harbour", *archive, "--json", "--section", "culture")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [C]
    code, _, err = run("search", "harbour", *archive, "--lang", "fr")
    assert code == 1 and "no article matches 'harbour' (with the filters given)" in err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--since", "soon"], "'--since'"),
        (["--until", "7y"], "'--until'"),
        (["--since", "2026-11-31"], "'--since'"),
        (["--by", "modified"], "'--by'"),
        (["--since", "2026-11-28", "--until", "2026-11-27"], "--since"),
        (["--author", "  "], "--author"),
    ],
)
@pytest.mark.parametrize("command", [["list"], ["search", "harbour"], ["export"]])
def test_a_bad_filter_is_a_usage_error_naming_the_option(
    root: Path, command: list[str], args: list[str], option: str
) -> None:
    code, out, err = run(*command, "--archive", str(root), *args)
    assert code == 2, err
    assert option in err and out == ""


def test_help_says_which_date_the_filters_compare() -> None:
    for command in ("list", "search", "export"):
        result = CliRunner().invoke(cli, [command, "--help"])
        text = " ".join(result.output.split())
        assert "compare the published date (the capture date where an article has none)" in text
        assert "--takedowns" in text and "24h, 7d, 2w" in text


# --------------------------------------------------------------------------- the web list


def page(root: Path, target: str) -> tuple[int, str]:
    app = ReplayApp(root, CdxjIndex(root))
    reply = app.answer(target)
    return reply.status, reply.body.decode("utf-8")


def listed_links(body: str) -> list[str]:
    return re.findall(r'<a href="/article/([0-9a-f]{16})"', body)


def row_of(body: str, article_id: str) -> str:
    """The table row listing one article."""
    (row,) = [r for r in body.split("<tr>") if f"/article/{article_id}" in r]
    return row


def test_the_web_list_filters_and_shows_dates_versions_and_takedowns(root: Path) -> None:
    status, body = page(root, "/")
    assert status == 200
    assert set(listed_links(body)) == {A, B, C}
    for column in ("published", "captured", "versions", "takedown"):
        assert f"<th>{column}</th>" in body
    row_a = row_of(body, A)
    assert "2 (edited)" in row_a
    row_c = row_of(body, C)
    assert "<strong>taken down</strong> 2026-11-26 09:00:00 UTC" in row_c
    row_b = row_of(body, B)
    assert "<strong>restored</strong>" in row_b
    assert "2026-11-25 12:00:00 UTC" in row_b  # captured

    assert set(listed_links(page(root, "/?takedowns=1")[1])) == {B, C}
    assert set(listed_links(page(root, "/?changed=1")[1])) == {A}
    assert set(listed_links(page(root, "/?lang=de")[1])) == {B}
    assert set(listed_links(page(root, "/?section=culture&site=demo")[1])) == {C}
    assert set(listed_links(page(root, "/?author=MULLER")[1])) == {A}
    assert set(listed_links(page(root, "/?since=2026-11-21&until=2026-11-21")[1])) == {C}
    captured = page(root, "/?since=2026-11-22&by=captured")[1]
    assert set(listed_links(captured)) == {A, B}
    assert '<option value="captured" selected>' in captured
    _, searched = page(root, "/?q=harbour&lang=de")
    assert set(listed_links(searched)) == {B}


def test_the_web_form_keeps_and_escapes_what_was_given(root: Path) -> None:
    status, body = page(root, "/?author=%3Cscript%3Ealert(1)%3C/script%3E&changed=1")
    assert status == 200
    assert "<script>" not in body
    assert 'name="author" size="12" value="&lt;script&gt;alert(1)&lt;/script&gt;"' in body
    assert '<input type="checkbox" name="changed" value="1" checked>' in body
    status, body = page(root, "/?since=%3Cb%3Enext+week")
    assert status == 400 and "since: expected" in body and "<b>" not in body


def test_paging_keeps_the_filters(root: Path) -> None:
    with Catalog(root / "catalog.sqlite") as catalog:
        for n in range(PAGE_SIZE + 5):
            store(root, catalog, document(f"f{n:015x}", language="fr", section="news"))
    status, first = page(root, "/?lang=fr&section=news")
    assert status == 200 and len(listed_links(first)) == PAGE_SIZE
    assert f"{PAGE_SIZE + 5} article(s)" in first
    assert '<a href="/?lang=fr&amp;section=news&amp;page=2">older »</a>' in first
    _, second = page(root, "/?lang=fr&section=news&page=2")
    assert len(listed_links(second)) == 5
    assert set(listed_links(first)) | set(listed_links(second)) == {
        f"f{n:015x}" for n in range(PAGE_SIZE + 5)
    }


# --------------------------------------------------------------------------- the authors column


def test_a_catalog_made_before_authors_gets_them_from_the_documents(root: Path) -> None:
    path = root / "catalog.sqlite"
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE articles DROP COLUMN authors")  # as an earlier release made it
    db.commit()
    db.close()
    # `archiver verify` reads it as it is (it never migrates).
    before = read_catalog(path)
    assert {r.id for r in before.articles} == {A, B, C, D}
    assert all(r.authors == [] for r in before.articles)
    assert listed(root, author="müller") == {A}  # opening it migrates it
    db = sqlite3.connect(path)
    rows = dict(db.execute("SELECT id, authors FROM articles WHERE version = 1").fetchall())
    db.close()
    assert json.loads(rows[B]) == ["Tom Field"] and json.loads(rows[C]) == []


def test_reindex_fills_the_authors_again(root: Path) -> None:
    for name in ("catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"):
        (root / name).unlink(missing_ok=True)
    rebuild_catalog(root)
    assert listed(root, author="MÜLLER") == {A}
    assert listed(root, author="tom") == {B}
    assert listed(root, changed=True) == {A}
