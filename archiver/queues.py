"""The scheduler's priority queue: Scrapy's, with each priority's queue kept once made."""

from __future__ import annotations

from scrapy import Request
from scrapy.pqueues import ScrapyPriorityQueue


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
