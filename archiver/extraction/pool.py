"""Extraction in worker processes, so the crawl's event loop never waits for a parse."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from archiver.config import ExtractHints
from archiver.extraction.extract import ExtractionError, extract
from archiver.extraction.fields import ExtractedArticle

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionOutcome:
    """Either an extracted article or the reason it failed (always picklable)."""

    article: ExtractedArticle | None
    failure: str | None = None  # short reason slug, e.g. "empty", "not-html", "crash"
    message: str | None = None


def extract_outcome(
    body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
) -> ExtractionOutcome:
    """Run the extractor and turn every failure into a named outcome."""
    try:
        return ExtractionOutcome(extract(body, url, hints, encoding=encoding))
    except ExtractionError as exc:
        return ExtractionOutcome(None, exc.reason, str(exc))
    except Exception as exc:  # a bug or a hostile page must not stop the crawl
        logger.exception("Extractor crashed on %s", url)
        return ExtractionOutcome(None, "crash", f"{type(exc).__name__}: {exc}")


class ExtractionPool:
    """A process pool running `extract_outcome`; `workers=0` runs inline (for debugging)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None
        if self.workers > 0:
            self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # Never fork a process that runs an event loop with threads: start workers from a
        # clean server process that has the extractor imported already.
        ctx: multiprocessing.context.BaseContext
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(["archiver.extraction.pool"])
            ctx = forkserver
        else:  # pragma: no cover - non-Linux
            ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_ignore_sigint
        )

    def submit(
        self, body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
    ) -> Future[ExtractionOutcome]:
        """Start extracting one page."""
        if self._executor is None:
            future: Future[ExtractionOutcome] = Future()
            future.set_result(extract_outcome(body, url, encoding, hints))
            return future
        try:
            return self._executor.submit(extract_outcome, body, url, encoding, hints)
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in a C library): start a fresh pool.
            logger.error("Extraction worker died; restarting the pool")
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._start()
            return self._executor.submit(extract_outcome, body, url, encoding, hints)

    def shutdown(self) -> None:
        """Wait for running extractions and stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=False)
            self._executor = None


def _ignore_sigint() -> None:
    """Ctrl-C reaches the whole process group; the crawl, not the workers, decides to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
