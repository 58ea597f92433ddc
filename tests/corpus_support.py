"""Locate the evaluation corpus for tests: one setting, ``ARCHIVER_CORPUS``.

Default: ``<repo>/../shared/corpus``. A missing corpus skips the test, unless
``ARCHIVER_REQUIRE_CORPUS=1``, which turns the skip into a failure (for CI that has it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    """The corpus directory, or skip (fail when ``ARCHIVER_REQUIRE_CORPUS=1``) if absent."""
    env = os.environ.get("ARCHIVER_CORPUS")
    root = Path(env) if env else REPO.parent / "shared" / "corpus"
    if (root / "aeb" / "ground_truth.jsonl").is_file() and (
        root / "fundus" / "ground_truth.jsonl"
    ).is_file():
        return root
    message = f"corpus not found at {root}: set ARCHIVER_CORPUS"
    if os.environ.get("ARCHIVER_REQUIRE_CORPUS") == "1":
        pytest.fail(message)
    pytest.skip(message)
