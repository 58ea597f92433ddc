"""Full-text search: the query syntax, ranking, snippets, the index kept and rebuilt, the CLI."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.extraction.fields import ExtractedArticle
from archiver.jobs.reindex import rebuild_catalog
from archiver.store.archive import SiteArchive
from archiver.store.catalog import Catalog
from archiver.store.rows import ArticleRow
from archiver.store.search import match_expression, query_terms, snippet_text
from archiver.store.warcinfo import build_warcinfo
from tests.crawling import crawl_demo_in_process
from tests.support import html_exchange, manifest, run_archiver


def document(
    article_id: str,
    title: str | None,
    text: str | None,
    *,
    version: int = 1,
    site: str = "demo",
    is_article: bool = True,
) -> dict[str, Any]:
    """The catalogued part of an article document."""
    return {
        "id": article_id,
        "version": version,
        "site": site,
        "url": f"https://news.example.org/{article_id}",
        "title": title,
        "text": text,
        "published": "2026-11-20T08:15:00+00:00",
        "fetched_at": "2026-11-20T09:30:00Z",
        "word_count": len((text or "").split()),
        "is_article": is_article,
        "provenance": {"warc_record_id": f"<urn:uuid:{article_id}-{version}>"},
    }


def add(catalog: Catalog, doc: dict[str, Any]) -> None:
    """Store a document as store_article does: catalog row, then the search index."""
    catalog.add_article(ArticleRow.from_document(doc, f"articles/{doc['id']}.v{doc['version']}"))
    catalog.index_for_search(doc)
    catalog.commit()


WALL = "a000000000000001"
COUNCIL = "a000000000000002"
ZURICH = "a000000000000003"
ABOUT = "a000000000000004"


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with Catalog(tmp_path / "catalog.sqlite") as cat:
        add(cat, document(WALL, "Harbour wall repairs approved", "Work begins in January."))
        add(
            cat,
            document(
                COUNCIL,
                "Council meets on Tuesday",
                "The council discussed the budget.\n\nThe harbour master [sic] spoke last; "
                "he said: don't stop the dredging.",
            ),
        )
        add(cat, document(ZURICH, "Zürich twinning visit", "Visitors from ZÜRICH arrived."))
        add(cat, document(ABOUT, "About the harbour paper", "Who we are.", is_article=False))
        yield cat


def ids(hits: list[Any]) -> list[str]:
    return [hit.id for hit in hits]


def test_a_title_match_ranks_above_a_text_match(catalog: Catalog) -> None:
    hits = catalog.search("harbour")
    assert ids(hits) == [WALL, COUNCIL]
    assert hits[0].rank > hits[1].rank
    assert hits[0].title == "Harbour wall repairs approved"
    assert hits[0].url == f"https://news.example.org/{WALL}"
    assert hits[0].published == "2026-11-20T08:15:00+00:00"
    assert catalog.search_count("harbour") == 2


def test_case_and_accents_do_not_matter(catalog: Catalog) -> None:
    assert ids(catalog.search("zurich")) == [ZURICH]
    assert ids(catalog.search("ZURICH")) == [ZURICH]
    assert ids(catalog.search("zürich")) == [ZURICH]


def test_a_trailing_star_searches_a_prefix(catalog: Catalog) -> None:
    assert ids(catalog.search("harb*")) == [WALL, COUNCIL]
    assert catalog.search("harb") == []


def test_every_word_must_occur_and_quotes_make_a_phrase(catalog: Catalog) -> None:
    assert ids(catalog.search("harbour budget")) == [COUNCIL]
    assert ids(catalog.search('"wall repairs"')) == [WALL]
    assert catalog.search('"repairs wall"') == []
    assert ids(catalog.search("don't \"stop")) == [COUNCIL]


def test_the_snippet_marks_the_matches_in_brackets(catalog: Catalog) -> None:
    (hit,) = catalog.search("master")
    assert "[master]" in hit.snippet
    # The article's own brackets are not markers; paragraphs become one line.
    assert "(sic)" in hit.snippet and "\n" not in hit.snippet
    (title_only,) = catalog.search("approved")
    assert title_only.snippet == "Work begins in January."


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "title:x", "*", "NEAR(", "", "   ", "OR OR", "NOT", "-", "^", "(", ")",
     "a:b:c", "{x y}", '"unbalanced', '""', "***", "\x00", "harbour AND", "NEAR(harbour, 2)",
     "title:harbour", "'", "_"],
)  # fmt: skip
def test_hostile_queries_never_raise(catalog: Catalog, query: str) -> None:
    hits = catalog.search(query)
    assert catalog.search_count(query) == len(hits)


def test_operator_words_are_searched_as_words(catalog: Catalog) -> None:
    assert ids(catalog.search("harbour AND")) == []  # "and" does not occur in the wall story
    assert ids(catalog.search("title:harbour")) == []  # the words "title" and "harbour"
    assert ids(catalog.search("NEAR(harbour")) == []
    assert query_terms("NEAR(harbour, 2) *")[0].text == "NEAR(harbour,"
    assert match_expression("*") is None and match_expression('" "') is None
    assert match_expression('harb* "new yor"*') == '"harb" * "new yor" *'


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_no_query_is_a_syntax_error(tmp_path_factory: pytest.TempPathFactory, query: str) -> None:
    path = tmp_path_factory.getbasetemp() / "hypothesis-catalog.sqlite"
    with Catalog(path) as cat:
        if not cat.search_count("harbour"):
            add(cat, document(WALL, "Harbour wall", 'Work begins "soon" (maybe) [sic].'))
        cat.search(query)
        cat.search_count(query, site="demo")


def test_site_limit_and_offset(catalog: Catalog) -> None:
    add(catalog, document("b000000000000001", "Harbour of another town", "Other text.", site="x"))
    assert ids(catalog.search("harbour", site="x")) == ["b000000000000001"]
    assert catalog.search_count("harbour", site="demo") == 2
    everything = ids(catalog.search("harbour"))
    assert len(everything) == 3
    assert ids(catalog.search("harbour", limit=1, offset=1)) == everything[1:2]


def test_only_the_newest_version_of_an_article_is_searched(catalog: Catalog) -> None:
    add(catalog, document(WALL, "Harbour wall works delayed", "Ferry moved.", version=2))
    (hit,) = catalog.search("delayed")
    assert (hit.id, hit.version) == (WALL, 2)
    assert catalog.search("january") == []
    # A newer version that is not an article takes the article out of the index.
    add(catalog, document(WALL, "Harbour wall", "Gone.", version=3, is_article=False))
    assert catalog.search("wall") == []


def test_non_articles_are_not_indexed(catalog: Catalog) -> None:
    assert catalog.search("paper") == []


def test_a_catalog_made_before_search_gets_its_index_once(tmp_path: Path) -> None:
    site = _site_with_articles(tmp_path)
    site.close()
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.execute("DROP TABLE article_search")
    db.commit()
    db.close()
    with Catalog(tmp_path / "catalog.sqlite") as cat:
        assert len(cat.search("harbour")) == 3


def test_snippet_text() -> None:
    assert snippet_text("a [b]\n\n\x02c\x03 …") == "a (b) [c] …"


# --------------------------------------------------------------------------- stored, rebuilt


def _site_with_articles(root: Path) -> SiteArchive:
    site = SiteArchive(root, "example", warcinfo=build_warcinfo(user_agent="t", robots="obey"))
    stories = [
        ("wall", "Harbour wall repairs approved", "The harbour wall is to be rebuilt."),
        ("ferry", "Ferry timetable changes", "Boats leave the harbour at nine."),
        ("library", "Library stays open", "Marsh Lane library is saved."),
    ]
    for slug, title, text in stories:
        url = f"https://news.example.org/2026/11/20/{slug}"
        capture = site.record_fetch(html_exchange(url, f"<html>{slug}</html>".encode()))
        article = ExtractedArticle(
            is_article=True, title=title, description=None, text=text, word_count=6
        )
        site.store_article(article, response=capture.record, url=url, http_status=200)
    # A new version of one story: only it is searched.
    url = "https://news.example.org/2026/11/20/library"
    capture = site.record_fetch(html_exchange(url, b"<html>library v2</html>"))
    article = ExtractedArticle(
        is_article=True,
        title="Library saved",
        description=None,
        text="Marsh Lane library by the harbour is saved for five years.",
        word_count=10,
    )
    site.store_article(article, response=capture.record, url=url, http_status=200)
    return site


def test_store_article_keeps_the_index_and_reindex_rebuilds_it(tmp_path: Path) -> None:
    site = _site_with_articles(tmp_path)
    live = [dataclasses.asdict(h) for h in site.catalog.search("harbour")]
    assert live[0]["title"] == "Harbour wall repairs approved"
    assert {h["title"] for h in live} == {
        "Harbour wall repairs approved",
        "Ferry timetable changes",
        "Library saved",
    }
    assert site.catalog.search("five")[0].version == 2
    site.close()
    (tmp_path / "catalog.sqlite").unlink()
    rebuild_catalog(tmp_path)
    with Catalog(tmp_path / "catalog.sqlite") as rebuilt:
        assert [dataclasses.asdict(h) for h in rebuilt.search("harbour")] == live
        assert rebuilt.search_count("saved") == 1


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def demo_archive(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl_demo_in_process(tmp_path_factory.mktemp("search-demo"), demo_site)


def test_cli_search_finds_the_harbour_stories(demo_archive: Path) -> None:
    result = run_archiver("search", "harbour", "--archive", str(demo_archive), "--limit", "50")
    assert result.returncode == 0, result.stderr
    expected = [a["title"] for a in manifest()["articles"] if "harbour " in a["title"].lower()]
    assert len(expected) >= 3
    for title in expected:
        assert title in result.stdout
    assert "[harbour]" in result.stdout.lower()
    assert "article(s) matching 'harbour'" in result.stderr

    as_json = run_archiver("search", "harb*", "--archive", str(demo_archive), "--json")
    assert as_json.returncode == 0, as_json.stderr
    hits = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert set(hits[0]) == {"id", "version", "site", "title", "url", "published", "snippet", "rank"}
    titles = {h["title"] for h in hits}
    assert set(expected) <= titles
    assert any(t.startswith("Harbourside") for t in titles)
    assert all(h["site"] == "demo" for h in hits)


def test_cli_search_without_hits_exits_1(demo_archive: Path) -> None:
    result = run_archiver("search", "xyzzyplugh", "--archive", str(demo_archive))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no article matches 'xyzzyplugh'" in result.stderr
    other_site = run_archiver("search", "harbour", "--site", "nope", "--archive", str(demo_archive))
    assert other_site.returncode == 1
    hostile = run_archiver("search", 'xyzzy" NEAR(', "--archive", str(demo_archive))
    assert hostile.returncode == 1 and "Traceback" not in hostile.stderr
    empty = run_archiver("search", "*", "--archive", str(demo_archive))
    assert empty.returncode == 2 and "nothing to search for" in empty.stderr


def test_a_reindexed_demo_archive_searches_the_same(demo_archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(demo_archive, copy)
    for catalog_file in copy.glob("catalog.sqlite*"):
        catalog_file.unlink()
    assert run_archiver("reindex", "--archive", str(copy)).returncode == 0
    for query in ("harbour", "council*", '"lost streams"'):
        live = run_archiver("search", query, "--archive", str(demo_archive), "--json")
        rebuilt = run_archiver("search", query, "--archive", str(copy), "--json")
        assert live.returncode == 0, (query, live.stderr)
        assert rebuilt.stdout == live.stdout, query
