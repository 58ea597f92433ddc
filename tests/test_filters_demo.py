"""Filters and exports on a crawl of the demo site: the subsets are worked out here from the
article documents on disk, not by the code under test."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.replay.app import ReplayApp
from archiver.store.cdxj import CdxjIndex
from archiver.store.document import SCHEMA_PATH
from tests.crawling import crawl_demo_in_process
from tests.support import article_documents, manifest


@pytest.fixture(scope="module")
def demo_archive(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl_demo_in_process(tmp_path_factory.mktemp("filters-demo"), demo_site)


@pytest.fixture(scope="module")
def docs(demo_archive: Path) -> list[dict[str, Any]]:
    """The newest document of each article (pages that are not articles left out)."""
    newest: dict[str, dict[str, Any]] = {}
    for doc in article_documents(demo_archive):
        if doc.get("is_article", True) and doc["version"] >= newest.get(doc["id"], doc)["version"]:
            newest[doc["id"]] = doc
    assert len(newest) == len(manifest()["articles"])
    return list(newest.values())


def run(archive: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--archive", str(archive)])
    return result.exit_code, result.stdout, result.stderr


def listed(archive: Path, *filters: str) -> set[str]:
    code, out, err = run(archive, "list", "--json", *filters)
    assert code == 0, err
    return {json.loads(line)["id"] for line in out.splitlines()}


def exported(archive: Path, *filters: str) -> list[dict[str, Any]]:
    code, out, err = run(archive, "export", *filters)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ids(docs: list[dict[str, Any]], keep: Any) -> set[str]:
    return {d["id"] for d in docs if keep(d)}


def test_language_section_and_author_subsets(
    demo_archive: Path, docs: list[dict[str, Any]]
) -> None:
    german = ids(docs, lambda d: d["language"] == "de")
    assert len(german) == 1
    cases: list[tuple[tuple[str, ...], set[str]]] = [
        (("--lang", "de"), german),
        (("--lang", "en"), ids(docs, lambda d: d["language"] == "en")),
        (("--section", "culture"), ids(docs, lambda d: d["section"] == "culture")),
        (
            ("--section", "news", "--section", "business"),
            ids(docs, lambda d: d["section"] in ("news", "business")),
        ),
        (("--author", "JANE DOE"), ids(docs, lambda d: "Jane Doe" in d["authors"])),
        (("--author", "doe"), ids(docs, lambda d: any("doe" in a.lower() for a in d["authors"]))),
        (("--site", "demo"), ids(docs, lambda d: True)),
        (("--site", "elsewhere"), set()),
        (("--changed",), set()),  # one crawl: every article has one version
        (("--takedowns",), set()),
        (
            ("--section", "news", "--author", "jane"),
            ids(
                docs,
                lambda d: d["section"] == "news" and any("jane" in a.lower() for a in d["authors"]),
            ),
        ),
    ]
    for filters, expected in cases:
        assert listed(demo_archive, *filters) == expected, filters
        assert {d["id"] for d in exported(demo_archive, *filters)} == expected, filters
    assert len(ids(docs, lambda d: "Jane Doe" in d["authors"])) >= 2


def test_date_subsets(demo_archive: Path, docs: list[dict[str, Any]]) -> None:
    def published(d: dict[str, Any]) -> datetime:
        return moment(d["published"] or d["fetched_at"])

    start, end = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC)
    window = ids(docs, lambda d: start <= published(d) < end + timedelta(days=1))
    assert 0 < len(window) < len(docs)
    assert listed(demo_archive, "--since", "2026-11-20", "--until", "2026-11-25") == window
    before = ids(docs, lambda d: published(d) <= datetime(2026, 11, 1, 12, tzinfo=UTC))
    assert listed(demo_archive, "--until", "2026-11-01T13:00+01:00") == before
    # Relative: everything was captured in the last day; fewer were published in it.
    now = datetime.now(UTC)
    assert listed(demo_archive, "--since", "24h", "--by", "captured") == ids(docs, bool)
    recent = ids(docs, lambda d: published(d) >= now - timedelta(hours=24))
    assert listed(demo_archive, "--since", "24h") == recent
    assert listed(demo_archive, "--until", "yesterday", "--by", "captured") == set()


def test_search_with_filters(demo_archive: Path, docs: list[dict[str, Any]]) -> None:
    word = re.compile(r"\bharbour\b", re.IGNORECASE)

    def about_harbour(d: dict[str, Any]) -> bool:
        return bool(word.search(d["title"] or "") or word.search(d["text"] or ""))

    for section in ("news", "business", "culture"):
        code, out, err = run(
            demo_archive, "search", "harbour", "--json", "--limit", "100", "--section", section
        )
        expected = ids(docs, lambda d, s=section: d["section"] == s and about_harbour(d))
        found = {json.loads(line)["id"] for line in out.splitlines()}
        assert found == expected, section
        assert code == (0 if expected else 1), err


def test_the_jsonl_export_is_one_valid_document_per_article(
    demo_archive: Path, docs: list[dict[str, Any]]
) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    code, out, err = run(demo_archive, "export", "--format", "jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(manifest()["articles"])
    exported_docs = [json.loads(line) for line in lines]
    for doc in exported_docs:
        jsonschema.validate(doc, schema)
    assert len({d["id"] for d in exported_docs}) == len(lines)
    by_id = {d["id"]: d for d in docs}
    assert all(doc == by_id[doc["id"]] for doc in exported_docs)
    assert f"{len(lines)} article(s) exported" in err


def test_the_csv_export_parses_back_to_the_same_articles(
    demo_archive: Path, docs: list[dict[str, Any]]
) -> None:
    code, out, err = run(demo_archive, "export", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert sorted(r["id"] for r in rows) == sorted(d["id"] for d in docs)
    by_id = {d["id"]: d for d in docs}
    for row in rows:
        doc = by_id[row["id"]]
        assert row["text"] == doc["text"]
        assert row["title"] == doc["title"]
        assert row["authors"] == "; ".join(doc["authors"])
        assert row["word_count"] == str(doc["word_count"])


def test_the_web_list_of_the_demo_archive(demo_archive: Path, docs: list[dict[str, Any]]) -> None:
    app = ReplayApp(demo_archive, CdxjIndex(demo_archive))

    def shown(target: str) -> set[str]:
        reply = app.answer(target)
        assert reply.status == 200
        return set(re.findall(r'<a href="/article/([0-9a-f]{16})"', reply.body.decode()))

    assert shown("/?lang=de") == ids(docs, lambda d: d["language"] == "de")
    assert shown("/?section=business&author=doe") == ids(
        docs,
        lambda d: d["section"] == "business" and any("doe" in a.lower() for a in d["authors"]),
    )
    assert shown("/?since=2026-11-20&until=2026-11-25") == listed(
        demo_archive, "--since", "2026-11-20", "--until", "2026-11-25"
    )
