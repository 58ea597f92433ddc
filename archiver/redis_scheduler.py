"""The scheduler of a distributed crawl: article requests in Redis (scrapy-redis), the rest here.

Article requests go to the run's shared queue, a scrapy-redis `PriorityQueue`, and every worker
takes from it; requests that are not articles (sections, feeds, sitemaps, page resources) are
the business of the worker that made them and stay in its own Scrapy scheduler. A request taken
from the shared queue is recorded as this worker's until it leaves the downloader, so that it
goes back to the queue if the worker dies first (`archiver.store.shared`).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from archiver.queues import JobStateScheduler
from archiver.store.shared import SharedState

logger = logging.getLogger(__name__)

#: Requests of these kinds go to the shared queue.
SHARED_KINDS = frozenset({"article"})


class SharedScheduler(BaseScheduler):
    """Scrapy's scheduler for this worker's own requests, the run's Redis queue for articles."""

    def __init__(self, crawler: Crawler, local: JobStateScheduler) -> None:
        self.crawler = crawler
        self.local = local
        self.shared: SharedState | None = None
        self.queue: PriorityQueue | None = None
        self.seen: RFPDupeFilter | None = None
        self._taken: dict[int, bytes] = {}  # id(request) -> its data in the queue
        crawler.signals.connect(self._left_downloader, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        return cls(crawler, JobStateScheduler.from_crawler(crawler))

    def open(self, spider: Spider) -> Any:
        shared = shared_state_of(self.crawler)
        keys = shared.keys
        assert keys is not None
        self.shared = shared
        self.queue = PriorityQueue(server=shared.client, spider=spider, key=keys.requests)
        self.seen = RFPDupeFilter(shared.client, key=keys.seen)
        return self.local.open(spider)

    def close(self, reason: str) -> Any:
        return self.local.close(reason)

    def has_pending_requests(self) -> bool:
        return self.local.has_pending_requests() or self._shared_pending() > 0

    def __len__(self) -> int:
        return len(self.local) + self._shared_pending()

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get("archiver_kind") not in SHARED_KINDS or self.queue is None:
            return self.local.enqueue_request(request)
        assert self.seen is not None
        if not request.dont_filter and self.seen.request_seen(request):
            return False
        self.queue.push(request)
        self.crawler.stats.inc_value("archiver/redis/enqueued")
        return True

    def next_request(self) -> Request | None:
        request = self.local.next_request()
        if request is not None or self.shared is None or self.queue is None:
            return request
        data = self.shared.take()
        if data is None:
            return None
        request = self.queue._decode_request(data)
        self._taken[id(request)] = data
        self.crawler.stats.inc_value("archiver/redis/taken")
        return request

    def _left_downloader(self, request: Request, spider: Spider) -> None:
        data = self._taken.pop(id(request), None)
        if data is not None and self.shared is not None:
            self.shared.done(data)

    def _shared_pending(self) -> int:
        return len(self.queue) if self.queue is not None else 0


def shared_state_of(crawler: Crawler) -> SharedState:
    """The run's shared state, which `SiteArchiveExtension` joined when the crawl opened."""
    shared: SharedState | None = getattr(crawler, "archiver_shared", None)
    if shared is None or shared.keys is None:
        raise RuntimeError("SharedScheduler needs ARCHIVER_REDIS_URL (the archive extension)")
    return shared
