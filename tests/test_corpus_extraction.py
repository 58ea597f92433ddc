"""Quality gate: extraction scores on the evaluation corpus must not drop below pinned floors.

Floors live in ``tests/extraction_baseline.json``: archiver's measured figures minus 0.005, so a
change that costs more than that fails; raise them deliberately when the extractor improves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archiver.extraction.evaluation import CorpusPage, load_corpus, score_bodies, score_metadata
from archiver.extraction.extract import ExtractionError, extract
from tests.corpus_support import corpus_dir

pytestmark = pytest.mark.corpus

BASELINE = json.loads((Path(__file__).parent / "extraction_baseline.json").read_text())


def _predict(page: CorpusPage) -> dict[str, Any]:
    try:
        art = extract(page.html, page.url)
    except ExtractionError:
        return {"body": ""}
    return {
        "body": art.text or "",
        "title": art.title,
        "author": "; ".join(art.authors) or None,
        "date": art.published,
    }


@pytest.fixture(scope="module")
def scored() -> dict[str, tuple[list[CorpusPage], dict[str, dict[str, Any]]]]:
    root = corpus_dir()
    out = {}
    for dataset in ("aeb", "fundus"):
        pages = load_corpus(root, dataset)
        out[dataset] = (pages, {p.id: _predict(p) for p in pages})
    return out


@pytest.mark.parametrize("dataset", ["aeb", "fundus"])
def test_body_f1_floor(scored: dict[str, Any], dataset: str) -> None:
    pages, preds = scored[dataset]
    scores = score_bodies([(p.body, preds[p.id]["body"]) for p in pages])
    floor = BASELINE["body_f1_floor"][dataset]
    assert scores.f1 >= floor, f"{dataset} body F1 {scores.f1:.4f} < floor {floor}"


@pytest.mark.parametrize("metric", ["title_norm", "author_norm", "date_day"])
def test_fundus_metadata_floor(scored: dict[str, Any], metric: str) -> None:
    pages, preds = scored["fundus"]
    rate = score_metadata(pages, preds)[metric].rate
    floor = BASELINE["fundus_meta_floor"][metric]
    assert rate >= floor, f"fundus {metric} {rate:.4f} < floor {floor}"


def test_all_corpus_pages_are_articles(scored: dict[str, Any]) -> None:
    missing = [p.id for pages, preds in scored.values() for p in pages if not preds[p.id]["body"]]
    assert len(missing) <= BASELINE["max_pages_without_body"], missing
