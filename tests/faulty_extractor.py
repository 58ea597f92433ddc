"""Extractors that misbehave on chosen pages, for the pool's tests (run in its workers: the
`ARCHIVER_EXTRACTOR` setting or `ExtractionPool(function=...)` names them)."""

from __future__ import annotations

import os
import signal
import time

from archiver.config import ExtractHints
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
