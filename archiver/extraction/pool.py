"""Extraction in worker processes, so the crawl's event loop never waits for a parse.

A page gets `timeout` seconds: past that, the worker stops it (a signal, for a loop in Python
code); a worker still busy a few seconds later (stuck in C code) is killed with the others and
the pool restarted. A worker that dies (a crash in a C library, the OOM killer) takes the pool
down. Either way the pages the pool held are tried once more, one at a time in a worker of
their own, so that only the page at fault fails ("timeout", "worker-died"), and extraction goes
on. The workers, and the forkserver that starts them, end with the process that owns the pool,
however it ends (see `archiver.extraction.lifeline`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import signal
import tempfile
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import FrameType

from archiver.config import ExtractHints
from archiver.extraction import lifeline
from archiver.extraction.extract import ExtractionError, extract
from archiver.extraction.fields import ExtractedArticle
from archiver.fsutil import as_disk_full

logger = logging.getLogger(__name__)

#: Seconds one page may take in a worker (ARCHIVER_EXTRACT_TIMEOUT).
DEFAULT_TIMEOUT = 60.0
#: Seconds past the timeout before a worker that did not stop is killed.
KILL_GRACE = 5.0
#: The failure of a page whose extraction found no room to write (e.g. the language model's
#: temporary file): not the page's fault, and the crawl stops.
DISK_FULL = "disk-full"
#: Seconds between looks at whether a queued page has reached a worker yet.
_QUEUE_POLL = 0.25


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
    except OSError as exc:
        full = _disk_full(exc)
        if full is not None:
            return ExtractionOutcome(None, DISK_FULL, full)
        logger.exception("Extractor crashed on %s", url)
        return ExtractionOutcome(None, "crash", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug or a hostile page must not stop the crawl
        logger.exception("Extractor crashed on %s", url)
        return ExtractionOutcome(None, "crash", f"{type(exc).__name__}: {exc}")


def _disk_full(exc: OSError) -> str | None:
    """The message of a write that found no room, naming its file (or the temporary files)."""
    if exc.filename:
        full = as_disk_full(exc, exc.filename)
    else:
        where = tempfile.gettempdir()
        full = as_disk_full(exc, where, f"a temporary file in {where}")
    return str(full) if full is not None else None


#: What a worker runs for one page: (body, url, encoding, hints) -> outcome.
Extractor = Callable[[bytes, str, "str | None", "ExtractHints | None"], ExtractionOutcome]


class _PageTimeout(BaseException):
    """Raised in a worker when a page's time is up (not an Exception: nothing catches it)."""


def _time_up(signum: int, frame: FrameType | None) -> None:
    raise _PageTimeout


def run_in_worker(
    function: Extractor,
    body: bytes,
    url: str,
    encoding: str | None,
    hints: ExtractHints | None,
    timeout: float | None,
) -> ExtractionOutcome:
    """`function` on one page, stopped after `timeout` seconds (a "timeout" outcome)."""
    if timeout:
        signal.signal(signal.SIGALRM, _time_up)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return function(body, url, encoding, hints)
    except _PageTimeout:
        logger.error("Extraction of %s took over %g s: stopped", url, timeout)
        return ExtractionOutcome(None, "timeout", f"over {timeout:g} s")
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)


class ExtractionPool:
    """A process pool running `extract_outcome` (or `function`); `workers=0` runs inline, for
    debugging (no time limit there)."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        function: Extractor = extract_outcome,
    ) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.timeout = timeout
        self.function = function
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._lifeline: lifeline.Lifeline | None = None
        if self.workers > 0:
            self._executor = self._start()
        # Pages whose worker died run again here, one at a time (started when first needed).
        self._retry_pool: ProcessPoolExecutor | None = None
        self._retry_turn: asyncio.Lock | None = None

    def _start(self, workers: int | None = None) -> ProcessPoolExecutor:
        # Never fork a process that runs an event loop with threads: start workers from a
        # clean server process that has the extractor imported already.
        ctx: multiprocessing.context.BaseContext
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(["archiver.extraction.pool"])
            ctx = forkserver
        else:  # pragma: no cover - non-Linux
            ctx = multiprocessing.get_context("spawn")
        if self._lifeline is None:  # what tells the workers that this process is gone
            self._lifeline = lifeline.Lifeline()
            _open.add(self)
        return ProcessPoolExecutor(
            max_workers=workers or self.workers,
            mp_context=ctx,
            initializer=_worker_started,
            initargs=(self._lifeline.end,),
        )

    @property
    def deadline(self) -> float | None:
        """Seconds to wait for one page before its worker is killed (None: for ever)."""
        return self.timeout + KILL_GRACE if self.timeout else None

    def submit(
        self, body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
    ) -> Future[ExtractionOutcome]:
        """Start extracting one page."""
        if self._executor is None:
            future: Future[ExtractionOutcome] = Future()
            future.set_result(self.function(body, url, encoding, hints))
            return future
        args = (self.function, body, url, encoding, hints, self.timeout)
        try:
            return self._executor.submit(run_in_worker, *args)
        except BrokenProcessPool:
            self.restart("a worker died")
            return self._executor.submit(run_in_worker, *args)

    def restart(self, why: str) -> None:
        """Kill the workers and start fresh ones; what they were running fails."""
        if self._executor is None:
            return
        logger.error("Restarting the extraction workers: %s", why)
        self.restarts += 1
        old, self._executor = self._executor, self._start()
        _kill(old)

    def wait(self, future: Future[ExtractionOutcome], url: str) -> ExtractionOutcome:
        """The outcome of a submitted page (blocking), its time limit enforced from when a
        worker takes it (time in the queue is not the page's)."""
        while not (future.running() or future.done()):
            concurrent.futures.wait([future], timeout=_QUEUE_POLL)
        try:
            return future.result(timeout=self.deadline)
        except concurrent.futures.TimeoutError:
            self.restart(f"{url} took over {self.deadline:g} s")
            return ExtractionOutcome(None, "timeout", f"over {self.deadline:g} s")
        except Exception as exc:  # a worker died under this page (or beside it)
            return ExtractionOutcome(None, "worker-died", f"{type(exc).__name__}: {exc}")

    async def extract(
        self, body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
    ) -> ExtractionOutcome:
        """Extract one page without blocking the event loop (see the module's docstring)."""
        future = self.submit(body, url, encoding, hints)
        waiting = asyncio.wrap_future(future)
        try:
            while not (future.running() or future.done()):  # queued: not yet the page's time
                await asyncio.sleep(_QUEUE_POLL)
            return await asyncio.wait_for(waiting, self.deadline)
        except TimeoutError:
            self.restart(f"{url} took over {self.deadline:g} s")
            return ExtractionOutcome(None, "timeout", f"over {self.deadline:g} s")
        except BrokenProcessPool:
            return await self._retry_alone(body, url, encoding, hints)
        except Exception as exc:  # e.g. the page could not be sent to the worker
            logger.error("Extraction worker failed on %s: %s", url, exc)
            return ExtractionOutcome(None, "worker-died", f"{type(exc).__name__}: {exc}")

    async def _retry_alone(
        self, body: bytes, url: str, encoding: str | None, hints: ExtractHints | None
    ) -> ExtractionOutcome:
        """A page whose worker died (by its fault or another page's), run again by itself."""
        if self._retry_turn is None:
            self._retry_turn = asyncio.Lock()
        async with self._retry_turn:
            if self._retry_pool is None:
                self._retry_pool = self._start(workers=1)
            args = (self.function, body, url, encoding, hints, self.timeout)
            future = self._retry_pool.submit(run_in_worker, *args)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.deadline)
            except TimeoutError:
                failure = ExtractionOutcome(None, "timeout", f"over {self.deadline:g} s")
            except BrokenProcessPool as exc:
                failure = ExtractionOutcome(None, "worker-died", str(exc) or "worker died")
            logger.error("Extraction of %s failed by itself: %s", url, failure.failure)
            _kill(self._retry_pool)
            self._retry_pool = None
            return failure

    def _abandon(self) -> None:
        """Kill the workers now: what they were running is lost."""
        for executor in (self._executor, self._retry_pool):
            if executor is not None:
                _kill(executor)
        self._executor = self._retry_pool = None

    def shutdown(self) -> None:
        """Wait for running extractions and stop the workers."""
        for executor in (self._executor, self._retry_pool):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=False)
        self._executor = self._retry_pool = None
        if self._lifeline is not None:
            self._lifeline.close()
            self._lifeline = None
        _open.discard(self)


#: Pools whose workers run, in this process.
_open: weakref.WeakSet[ExtractionPool] = weakref.WeakSet()


def _abandon_open_pools() -> None:
    """The pools that nobody shut down (an exception, a crawl stopped by force), at exit: their
    workers are killed, where Python would wait for their pages (for ever, for one stuck in C)."""
    for pool in list(_open):
        pool._abandon()


lifeline.before_exit(_abandon_open_pools)


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop a pool at once: its workers killed, what it held failed."""
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def _worker_started(owner: Connection) -> None:
    """A new worker: it ends with the pool's owner, and ignores Ctrl-C (that reaches the whole
    process group; the crawl, not the workers, decides to stop)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lifeline.hold(owner)
