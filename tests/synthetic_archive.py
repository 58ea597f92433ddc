"""A small archive made without crawling: article documents on disk, their catalog rows, search
index and events, as the crawl stores them. For filters and exports that need versions and
takedowns, which one demo crawl does not make."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archiver.store.catalog import Catalog
from archiver.store.rows import ArticleRow, EventRow

#: Articles with two versions (A), taken down then restored (B), taken down (C), not an article
#: (D). Dates: A published 2026-11-20 08:00 UTC (written with +02:00), B has no published date
#: (captured 2026-11-25 12:00 UTC), C was published on 2026-11-21 (a date).
A, B, C, D = "a000000000000001", "b000000000000002", "c000000000000003", "d000000000000004"


def document(article_id: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """An article document with the fields the catalog and the exports read."""
    doc: dict[str, Any] = {
        "schema": 1,
        "id": article_id,
        "version": version,
        "url": f"https://news.example.org/{article_id}",
        "canonical_url": f"https://news.example.org/{article_id}",
        "site": "demo",
        "section": "news",
        "title": f"Harbour story {article_id}",
        "description": None,
        "authors": [],
        "published": None,
        "modified": None,
        "language": "en",
        "text": 'The harbour wall.\n\nA second paragraph, with "quotes", commas; and more.',
        "tags": [],
        "word_count": 11,
        "fetched_at": "2026-11-20T09:00:00Z",
        "is_article": True,
        "provenance": {"warc_record_id": f"<urn:uuid:{article_id}-{version}>"},
    }
    doc.update(fields)
    return doc


def store(root: Path, catalog: Catalog, doc: dict[str, Any]) -> Path:
    """Write a document under root/articles/ and catalogue it as the crawl does."""
    rel = f"articles/{doc['site']}/2026/11/20/{doc['id']}.v{doc['version']}.json"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    catalog.add_article(ArticleRow.from_document(doc, rel))
    catalog.index_for_search(doc)
    return path


def event(article_id: str, kind: str, date: str, site: str = "demo") -> EventRow:
    return EventRow(
        record_id=f"<urn:uuid:{article_id}-{kind}>",
        kind=kind,
        site=site,
        url=f"https://news.example.org/{article_id}",
        article_id=article_id,
        date=date,
        status=404 if kind == "takedown" else 200,
        detail="HTTP 404" if kind == "takedown" else "HTTP 200 again",
    )


def build(root: Path) -> dict[str, dict[str, Any]]:
    """The four articles (five documents) in root; the newest document of each, by id."""
    a1 = document(
        A,
        section="news",
        language="en-GB",
        authors=["Jane Müller"],
        published="2026-11-20T10:00:00+02:00",
        fetched_at="2026-11-20T09:00:00Z",
    )
    a2 = {**a1, "version": 2, "fetched_at": "2026-11-22T09:00:00Z", "title": "Harbour, edited"}
    a2["provenance"] = {"warc_record_id": f"<urn:uuid:{A}-2>"}
    b = document(
        B,
        site="other",
        section="business",
        language="de",
        authors=["Tom Field"],
        fetched_at="2026-11-25T12:00:00Z",
        text="Der Hafen (harbour).",
    )
    c = document(C, section="culture", published="2026-11-21", fetched_at="2026-11-21T23:00:00Z")
    d = document(D, is_article=False, title="About us", text="Who we are; harbour.")
    with Catalog(root / "catalog.sqlite") as catalog:
        for doc in (a1, a2, b, c, d):
            store(root, catalog, doc)
        catalog.add_event(event(B, "takedown", "2026-11-26T08:00:00Z", site="other"))
        catalog.add_event(event(B, "restored", "2026-11-27T08:00:00Z", site="other"))
        catalog.add_event(event(C, "takedown", "2026-11-26T09:00:00Z"))
    return {A: a2, B: b, C: c, D: d}
