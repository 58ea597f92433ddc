"""Score archiver's ``extract()`` against plain trafilatura on the evaluation corpus.

Usage: ``python benchmarks/extraction.py [--corpus DIR] [--bootstrap] [--only archiver]``

The corpus defaults to ``$ARCHIVER_CORPUS`` or ``../shared/corpus`` next to the repo.
Speed is docs/s of the extractor call alone, in this one process (pin it to a core with
``taskset -c 0`` for the figure the corpus README uses), after one untimed call of each
extractor: imports and model loading happen once per process, not per page, and would
otherwise be billed to whichever extractor runs first.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archiver.extraction.evaluation import (  # noqa: E402
    CorpusPage,
    load_corpus,
    score_bodies,
    score_metadata,
)

Prediction = dict[str, Any]


def _archiver(page: CorpusPage) -> Prediction:
    from archiver.extraction.extract import ExtractionError, extract

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


def _trafilatura(page: CorpusPage) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page.html, url=page.url, with_metadata=True, include_comments=False
    )
    if doc is None or isinstance(doc, dict):
        return {"body": ""}
    return {"body": doc.text or "", "title": doc.title, "author": doc.author, "date": doc.date}


EXTRACTORS: dict[str, Callable[[CorpusPage], Prediction]] = {
    "archiver": _archiver,
    "trafilatura": _trafilatura,
}


def run(
    fn: Callable[[CorpusPage], Prediction], pages: list[CorpusPage]
) -> tuple[dict[str, Prediction], float]:
    """Predictions per page id and the seconds spent inside the extractor calls."""
    preds: dict[str, Prediction] = {}
    spent = 0.0
    for page in pages:
        start = time.perf_counter()
        preds[page.id] = fn(page)
        spent += time.perf_counter() - start
    return preds, spent


def default_corpus() -> Path:
    """``$ARCHIVER_CORPUS`` or ``<repo>/../shared/corpus``."""
    env = os.environ.get("ARCHIVER_CORPUS")
    return Path(env) if env else REPO.parent / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table; exit 2 when the corpus is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--bootstrap", action="store_true", help="add ± (1000 resamples)")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append")
    args = parser.parse_args(argv)
    if not (args.corpus / "aeb" / "ground_truth.jsonl").exists():
        print(f"corpus not found at {args.corpus}: pass --corpus or set ARCHIVER_CORPUS",
              file=sys.stderr)  # fmt: skip
        return 2
    warnings.simplefilter("ignore")
    data = {ds: load_corpus(args.corpus, ds) for ds in ("aeb", "fundus")}
    n_boot = 1000 if args.bootstrap else 0
    rows: list[tuple[str, dict[str, str]]] = []
    for name in args.only or list(EXTRACTORS):
        EXTRACTORS[name](data["aeb"][0])  # warm-up, untimed
        cells: dict[str, str] = {}
        total_docs, total_time = 0, 0.0
        for ds, pages in data.items():
            preds, spent = run(EXTRACTORS[name], pages)
            total_docs += len(pages)
            total_time += spent
            s = score_bodies([(p.body, preds[p.id]["body"]) for p in pages], n_bootstrap=n_boot)
            pm = f" ±{s.f1_std:.3f}" if s.f1_std is not None else ""
            cells[f"{ds} F1"] = f"{s.f1:.3f}{pm}"
            cells[f"{ds} P"] = f"{s.precision:.3f}"
            cells[f"{ds} R"] = f"{s.recall:.3f}"
            if ds == "fundus":
                meta = score_metadata(pages, preds)
                cells["title norm"] = f"{meta['title_norm'].rate:.3f}"
                cells["authors set"] = f"{meta['author_norm'].rate:.3f}"
                cells["date day"] = f"{meta['date_day'].rate:.3f}"
        cells["docs/s"] = f"{total_docs / total_time:.1f}"
        rows.append((name, cells))
    cols = list(rows[0][1])
    widths = [max(len(c), *(len(r[1][c]) for r in rows)) for c in cols]
    print(f"{'extractor':<12} " + " ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True)))
    for name, cells in rows:
        line = " ".join(cells[c].rjust(w) for c, w in zip(cols, widths, strict=True))
        print(f"{name:<12} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
