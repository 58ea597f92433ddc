"""The core works without Scrapy; Scrapy components are thin adapters around it."""

from __future__ import annotations

import json
import subprocess
import sys

from archiver.store.document import (
    SCHEMA_PATH,
    SNAPSHOT_SCHEMA_PATH,
    article_json_schema,
    snapshot_json_schema,
)

CORE_MODULES = [
    "archiver.store.document",
    "archiver.config",
    "archiver.extraction.extract",
    "archiver.extraction.pool",
    "archiver.warc",
    "archiver.store.catalog",
    "archiver.store.archive",
    "archiver.jobs.reindex",
    "archiver.jobs.summary",
    "archiver.crawl.links",
    "archiver.items",
    "archiver.cli",
    "archiver.crawl.sources",
    "archiver.crawl.recapture",
    "archiver.store.urlstate",
    "archiver.store.changes",
    "archiver.store.locking",
    "archiver.jobs.schedule",
    "archiver.crawl.requisites",
    "archiver.jobs.oneoff",
    "archiver.store.cdxj",
    "archiver.jobs.wacz",
    "archiver.store.search",
    "archiver.jobs.reextract",
    "archiver.replay",
    "archiver.httpserver",
    "archiver.crawl.css",
    "archiver.crawl.errors",
    "archiver.crawl.resources",
]


def test_core_imports_without_scrapy() -> None:
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        + "".join(f"import {m}\n" for m in CORE_MODULES)
        + "print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_shipped_article_schema_matches_the_model() -> None:
    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == article_json_schema(), "run: python -m archiver.store.document"


def test_shipped_snapshot_schema_matches_the_model() -> None:
    shipped = json.loads(SNAPSHOT_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == snapshot_json_schema(), "run: python -m archiver.store.document"
