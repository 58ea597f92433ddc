"""The scheduler and its priority queue: Scrapy's, with each priority's queue kept once made,
and a crawl stopped when its job state (JOBDIR) finds no room."""

from __future__ import annotations

import errno
import logging
import pickle
import struct
from contextlib import suppress
from pathlib import Path

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.pqueues import ScrapyPriorityQueue
from twisted.internet.defer import Deferred

from archiver.extensions import DiskFullStop
from archiver.fsutil import DiskFull, disk_full_message, no_space_left

logger = logging.getLogger(__name__)


class KeptQueuesPriorityQueue(ScrapyPriorityQueue):
    """`ScrapyPriorityQueue` that never closes a queue before the crawl ends.

    Scrapy closes a priority's queue as soon as it is empty (with a JOBDIR: its files closed
    and its directory removed) and makes a new one on the next push. Article requests, fetched
    as fast as they are queued, emptied theirs nearly every time: a directory made and removed
    per request. Same order of requests; `close` still reports every priority it holds.
    """

    def pop(self) -> Request | None:
        while self.curprio is not None:
            for queues in (self.queues, self._start_queues):
                queue = queues.get(self.curprio)
                if queue:
                    request = queue.pop()
                    if not queue:
                        self._update_curprio()
                    return request
            self._update_curprio()
        return None

    def peek(self) -> Request | None:
        if self.curprio is None:
            return None
        for queues in (self.queues, self._start_queues):
            queue = queues.get(self.curprio)
            if queue:
                return queue.peek()  # type: ignore[attr-defined]
        return None


class JobStateScheduler(Scheduler):
    """Scrapy's scheduler, for a crawl whose JOBDIR may run out of space.

    Scrapy lets a failed write of its request queue or seen-set escape from wherever it
    happens; the one in ``next_request``, called every 5 s by the engine's heartbeat, kept a
    crawl on a full disk logging "No space left" for minutes. Here such a failure stops the
    crawl like any other (`DiskFullStop`), and once stopped the job state is neither read nor
    written (it cannot be trusted after a failed write: the run that follows starts anew).
    """

    def enqueue_request(self, request: Request) -> bool:
        if self._stopped():
            return False
        try:
            return super().enqueue_request(request)
        except OSError as exc:  # the seen-set (the queue's own failures are caught below)
            self._report(exc, self._seen_path())
            return False

    def _dqpush(self, request: Request) -> bool:
        try:
            return super()._dqpush(request)
        except OSError as exc:
            self._report(exc, self.dqdir)
            return False  # kept in memory, as an unserializable request is

    def next_request(self) -> Request | None:
        if self._stopped():
            return None
        try:
            return super().next_request()
        except OSError as exc:
            self._report(exc, self.dqdir)
        except (pickle.UnpicklingError, EOFError, ValueError, struct.error) as exc:
            # A request cut short by a full disk (queuelib does not check short writes).
            if not (self.dqdir and no_space_left(self.dqdir)):
                raise
            self._report_full(self.dqdir, exc)
        return None

    def close(self, reason: str) -> Deferred[None] | None:
        if self._stopped():  # the job state is to be discarded: close its files, quietly
            with suppress(OSError):
                if self.dqs is not None:
                    self.dqs.close()
            with suppress(OSError):
                return self.df.close(reason)
            return None
        if self.dqs is not None:
            try:
                state = self.dqs.close()
                assert self.dqdir is not None
                self._write_dqs_state(self.dqdir, state)
            except OSError as exc:
                self._report(exc, self.dqdir)
        try:
            return self.df.close(reason)
        except OSError as exc:
            self._report(exc, self._seen_path())
            return None

    def _stopped(self) -> bool:
        return self.crawler is not None and DiskFullStop(self.crawler).stopped

    def _report(self, exc: OSError, path: str | Path | None) -> None:
        """Report a write that found no room (it stops the crawl); raise anything else."""
        if self.crawler is None or not DiskFullStop(self.crawler).report_if_full(
            exc, path or "JOBDIR"
        ):
            raise exc

    def _report_full(self, path: str, exc: BaseException) -> None:
        if self.crawler is None:
            raise exc
        logger.debug("Unreadable request in %s: %r", path, exc)
        DiskFullStop(self.crawler).report(
            DiskFull(errno.ENOSPC, disk_full_message(errno.ENOSPC, path), path)
        )

    def _seen_path(self) -> str | None:
        """The seen-set's file (RFPDupeFilter's ``requests.seen``), if it has one."""
        file = getattr(self.df, "file", None)
        return getattr(file, "name", None)
