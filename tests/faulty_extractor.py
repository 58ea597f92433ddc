"""Extractors that misbehave on chosen pages, for the pool's tests (run in its workers: the
`ARCHIVER_EXTRACTOR` setting or `ExtractionPool(function=...)` names them).

`sleepy` and `hogging` never finish a page; when one starts a page, it leaves a file named after
its worker's pid in the folder that the environment variable FAULTY_EXTRACTOR_BUSY_DIR names."""

from __future__ import annotations

import os
import re
import signal
import time

from archiver.config import ExtractHints
from archiver.extraction.fields import ExtractedArticle
from archiver.extraction.pool import ExtractionOutcome, extract_outcome

#: Demo articles (URL path endings) on which `by_url` misbehaves.
LOOPS = "/lifeboat-rescues-kayakers-gull-rock"
STUCK = "/gasworks-site-consultation"
CRASHES = "/flood-warning-lifted"


def loop() -> None:
    """Spin in Python code (a signal can stop it)."""
    while True:
        pass


def stuck() -> None:
    """Wait as code in a C library would: deaf to the time-limit signal."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(3600)


def crash() -> None:
    """Die as a segfault or the OOM killer would kill the worker."""
    os.kill(os.getpid(), signal.SIGKILL)


def by_url(
    body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
) -> ExtractionOutcome:
    """Our extractor, but loop, get stuck or crash on the demo articles named above."""
    if url.endswith(LOOPS):
        loop()
    if url.endswith(STUCK):
        stuck()
    if url.endswith(CRASHES):
        crash()
    return extract_outcome(body, url, encoding, hints)


#: The environment variable naming where `sleepy` and `hogging` say that a worker is busy.
BUSY_DIR = "FAULTY_EXTRACTOR_BUSY_DIR"


def _busy() -> None:
    folder = os.environ.get(BUSY_DIR)
    if folder:
        with open(os.path.join(folder, str(os.getpid())), "w"):
            pass


def sleepy(
    body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
) -> ExtractionOutcome:
    """Our extractor after an hour's wait deaf to the time-limit signal (a worker surely busy)."""
    _busy()
    stuck()
    return extract_outcome(body, url, encoding, hints)


def hogging(
    body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
) -> ExtractionOutcome:
    """Spin in C code that holds the GIL and ignores the time-limit signal: no other thread of
    the worker runs until it is done (a regular expression backtracking for ever)."""
    _busy()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    re.match(r"(a+)+$", "a" * 64 + "b")
    return extract_outcome(body, url, encoding, hints)


def slow(
    body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
) -> ExtractionOutcome:
    """Take 0.4 s a page (well within any time limit of the tests) and extract nothing."""
    time.sleep(0.4)
    return ExtractionOutcome(ExtractedArticle(is_article=False, title=None, description=None))
