"""The evaluation corpus metric: body shingle P/R/F1 and title/author/date agreement.

Implements the metric described in the corpus README (identical to ``evaluate.py`` of
scrapinghub/article-extraction-benchmark for the body), so scores here compare with the
published baselines.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "BodyScores",
    "CorpusPage",
    "MetaScore",
    "author_overlap",
    "author_sets_equal",
    "date_exact",
    "date_pm1",
    "date_same_day",
    "load_corpus",
    "normalize_title",
    "score_bodies",
    "score_metadata",
    "shingle_counts",
    "title_contains",
    "title_norm_equal",
    "title_token_f1",
]

_TOKEN_RE = re.compile(r"\w+")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

TpFpFn = tuple[float, float, float]


@dataclass(frozen=True)
class CorpusPage:
    """One corpus page: its HTML (decoded as UTF-8) and ground truth."""

    id: str
    dataset: str
    url: str
    html: str
    body: str
    title: str | None = None
    author: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    gt_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class BodyScores:
    """Corpus-level body scores; ``*_std`` are bootstrap standard deviations (or None)."""

    n_docs: int
    f1: float
    precision: float
    recall: float
    accuracy: float
    f1_std: float | None = None
    precision_std: float | None = None
    recall_std: float | None = None
    accuracy_std: float | None = None


@dataclass(frozen=True)
class MetaScore:
    """Share of pages (having the field in the ground truth) where a check holds."""

    rate: float
    n: int
    n_pred_with_field: int


@dataclass
class _Agg:
    hits: list[float] = field(default_factory=list)


# --------------------------------------------------------------------------- corpus


def load_corpus(root: Path, dataset: str) -> list[CorpusPage]:
    """Read ``<root>/<dataset>/ground_truth.jsonl`` and the gzipped HTML it points to."""
    base = Path(root) / dataset
    pages: list[CorpusPage] = []
    with (base / "ground_truth.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row: dict[str, Any] = json.loads(line)
            html = gzip.decompress((base / row["html_path"]).read_bytes()).decode("utf-8")
            pages.append(
                CorpusPage(
                    id=row["id"],
                    dataset=dataset,
                    url=row["url"],
                    html=html,
                    body=row.get("body") or "",
                    title=row.get("title"),
                    author=row.get("author"),
                    authors=tuple(row.get("authors") or ()),
                    date=row.get("date"),
                    gt_flags=tuple(row.get("gt_flags") or ()),
                )
            )
    return pages


# --------------------------------------------------------------------------- body


def tokenize(text: str | None) -> list[str]:
    """Runs of Unicode word characters (case-sensitive)."""
    return _TOKEN_RE.findall(text or "")


def shingle_counts(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; 1..n-1 tokens give one short shingle, none gives none."""
    tokens = tokenize(text)
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def _match(true: Counter[Any], pred: Counter[Any]) -> TpFpFn:
    tp = fp = fn = 0.0
    for key in true.keys() | pred.keys():
        t, p = true.get(key, 0), pred.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    if s > 0:
        return tp / s, fp / s, fn / s
    return tp, fp, fn


def shingle_match(true: str | None, pred: str | None, n: int = 4) -> TpFpFn:
    """Normalised (tp, fp, fn) of one page, summing to 1 unless both texts are empty."""
    return _match(shingle_counts(true, n), shingle_counts(pred, n))


def ws1_match(true: str | None, pred: str | None) -> TpFpFn:
    """Bag-of-words (whitespace tokens) variant: the README's secondary ``ws1`` figure."""
    return _match(Counter((true or "").split()), Counter((pred or "").split()))


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def _aggregate(rows: Sequence[TpFpFn], exact: Sequence[bool]) -> tuple[float, float, float, float]:
    precs = [_precision(*r) for r in rows if r[0] + r[1] > 0]
    recs = [_recall(*r) for r in rows if r[0] + r[2] > 0]
    p = statistics.fmean(precs) if precs else 0.0
    r = statistics.fmean(recs) if recs else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    acc = sum(exact) / len(exact) if exact else 0.0
    return f1, p, r, acc


def score_bodies(
    pairs: Iterable[tuple[str | None, str | None]],
    *,
    n_bootstrap: int = 0,
    seed: int = 0,
    ws1: bool = False,
) -> BodyScores:
    """Score ``(true, predicted)`` body pairs; ``n_bootstrap=1000`` adds the README's ``± x``.

    ``ws1=True`` scores whitespace unigrams instead of 4-token shingles.
    """
    rows: list[TpFpFn] = []
    exact: list[bool] = []
    for true, pred in pairs:
        rows.append(ws1_match(true, pred) if ws1 else shingle_match(true, pred))
        exact.append(tokenize(true) == tokenize(pred))
    f1, p, r, acc = _aggregate(rows, exact)
    stds: list[float | None] = [None, None, None, None]
    if n_bootstrap > 1 and rows:
        rng = random.Random(seed)
        n = len(rows)
        samples: list[tuple[float, float, float, float]] = []
        for _ in range(n_bootstrap):
            idx = [rng.randint(0, n - 1) for _ in range(n)]
            samples.append(_aggregate([rows[i] for i in idx], [exact[i] for i in idx]))
        stds = [statistics.stdev(s[k] for s in samples) for k in range(4)]
    return BodyScores(len(rows), f1, p, r, acc, *stds)


# --------------------------------------------------------------------------- titles

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u00b4": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
        "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip


def normalize_title(text: str | None) -> str:
    """NFKC, case-fold, unify quotes and dashes, drop punctuation, collapse spaces."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    s = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in s)
    return " ".join(s.split())


def title_exact(true: str | None, pred: str | None) -> bool:
    """Equal after stripping."""
    return bool(pred) and (true or "").strip() == (pred or "").strip()


def title_norm_equal(true: str | None, pred: str | None) -> bool:
    """Equal after :func:`normalize_title`."""
    t, p = normalize_title(true), normalize_title(pred)
    return bool(p) and t == p


def title_contains(true: str | None, pred: str | None) -> bool:
    """One normalised title contains the other."""
    t, p = normalize_title(true), normalize_title(pred)
    return bool(p) and bool(t) and (t in p or p in t)


def title_token_f1(true: str | None, pred: str | None) -> float:
    """Token F1 between the normalised titles (multiset overlap)."""
    t, p = Counter(normalize_title(true).split()), Counter(normalize_title(pred).split())
    common = sum((t & p).values())
    if not common:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(t.values())
    return 2 * prec * rec / (prec + rec)


# --------------------------------------------------------------------------- authors

_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|,|&|\||\band\b|\bund\b)\s*", re.IGNORECASE)


def author_names(value: str | Sequence[str] | None) -> set[str]:
    """Normalised name set; a string is split on ``; , & | and und``."""
    if not value:
        return set()
    parts = [value] if isinstance(value, str) else list(value)
    names: set[str] = set()
    for part in parts:
        for name in _AUTHOR_SPLIT_RE.split(part):
            norm = normalize_title(name)
            if norm:
                names.add(norm)
    return names


def author_exact(true: str | None, pred: str | None) -> bool:
    """The ``"; "``-joined strings are equal."""
    return bool(pred) and (true or "").strip() == (pred or "").strip()


def author_sets_equal(true: str | Sequence[str] | None, pred: str | Sequence[str] | None) -> bool:
    """The sets of normalised names are equal (and not empty)."""
    p = author_names(pred)
    return bool(p) and author_names(true) == p


def author_overlap(true: str | Sequence[str] | None, pred: str | Sequence[str] | None) -> bool:
    """At least one normalised name in common."""
    return bool(author_names(true) & author_names(pred))


# --------------------------------------------------------------------------- dates


def _day(value: str | None) -> date | None:
    m = _DATE_RE.search(value or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def date_exact(true: str | None, pred: str | None) -> bool:
    """The strings are equal."""
    return bool(pred) and (true or "").strip() == (pred or "").strip()


def date_same_day(true: str | None, pred: str | None) -> bool:
    """Same calendar ``YYYY-MM-DD``."""
    t, p = _day(true), _day(pred)
    return t is not None and t == p


def date_pm1(true: str | None, pred: str | None) -> bool:
    """Within one day of each other (absorbs time-zone shifts)."""
    t, p = _day(true), _day(pred)
    return t is not None and p is not None and abs((t - p).days) <= 1


# --------------------------------------------------------------------------- metadata


def score_metadata(
    pages: Sequence[CorpusPage], predictions: dict[str, dict[str, Any]]
) -> dict[str, MetaScore]:
    """Title/author/date scores over pages whose ground truth has the field.

    ``n_pred_with_field`` counts predictions having the field over all pages (as the
    published baseline JSON does). ``predictions`` maps page id to ``{"title", "author",
    "date"}``; ``author`` is a ``"; "``-joined string or a list of names.
    """
    aggs: dict[str, _Agg] = {}

    def add(name: str, value: float) -> None:
        aggs.setdefault(name, _Agg()).hits.append(float(value))

    with_pred: Counter[str] = Counter()
    for page in pages:
        pred = predictions.get(page.id, {})
        with_pred.update(k for k in ("title", "author", "date") if pred.get(k))
        if page.title:
            pt = pred.get("title")
            add("title_exact", title_exact(page.title, pt))
            add("title_norm", title_norm_equal(page.title, pt))
            add("title_contains", title_contains(page.title, pt))
            add("title_tokf1", title_token_f1(page.title, pt))
        if page.author:
            pa = pred.get("author")
            pa_str = "; ".join(pa) if isinstance(pa, list) else pa
            add("author_exact", author_exact(page.author, pa_str))
            add("author_norm", author_sets_equal(page.author, pa_str))
            add("author_overlap", author_overlap(page.author, pa_str))
        if page.date:
            pd = pred.get("date")
            add("date_exact", date_exact(page.date, pd))
            add("date_day", date_same_day(page.date, pd))
            add("date_pm1", date_pm1(page.date, pd))
    return {
        name: MetaScore(sum(a.hits) / len(a.hits), len(a.hits), with_pred[name.split("_")[0]])
        for name, a in sorted(aggs.items())
    }
