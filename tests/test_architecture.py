"""The core works without Scrapy; Scrapy components are thin adapters around it."""

from __future__ import annotations

import json
import subprocess
import sys

from archiver.models import (
    SCHEMA_PATH,
    SNAPSHOT_SCHEMA_PATH,
    article_json_schema,
    snapshot_json_schema,
)

CORE_MODULES = [
    "archiver.models",
    "archiver.siteconfig",
    "archiver.extract",
    "archiver.extract_pool",
    "archiver.warc",
    "archiver.catalog",
    "archiver.archive",
    "archiver.reindex",
    "archiver.summary",
    "archiver.links",
    "archiver.items",
    "archiver.cli",
    "archiver.sources",
    "archiver.recapture",
    "archiver.urlstate",
    "archiver.changes",
    "archiver.locking",
    "archiver.schedule",
    "archiver.requisites",
    "archiver.oneoff",
    "archiver.cdxj",
    "archiver.wacz",
    "archiver.search",
    "archiver.reextract",
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
    assert shipped == article_json_schema(), "run: python -m archiver.models"


def test_shipped_snapshot_schema_matches_the_model() -> None:
    shipped = json.loads(SNAPSHOT_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == snapshot_json_schema(), "run: python -m archiver.models"
