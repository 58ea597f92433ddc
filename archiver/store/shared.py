"""What the workers of a distributed crawl share, in Redis: URL state, newest versions, the run.

Every worker of a site keeps its own archive directory (WARC files, documents, catalog); what
decides what to fetch lives here, so that no two workers fetch one article in a run and a
re-crawl on any worker knows what the others archived:

- ``archiver:<site>:urls``: each article URL's `UrlState` (first capture, validators, due
  dates, processed), written by whichever worker fetched it;
- ``archiver:<site>:latest``: each article's newest document, which a new version is compared
  with (and numbered after);
- ``archiver:<site>:run``: the current run, joined by every worker that starts while it lasts.
  The first worker starts it and reads the site's sources (sections, feeds, sitemaps); the
  article requests go to the run's shared queue (scrapy-redis), which every worker takes from.
  Each worker holds a lease it renews; the requests a worker had taken when its lease ran out
  (it died) go back to the queue. When the last worker leaves, the run's keys are deleted.

No Scrapy here: `archiver.redis_scheduler` adapts it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archiver.store.rows import UrlState

__all__ = ["DEFAULT_LEASE", "RunKeys", "SharedState", "worker_name"]

logger = logging.getLogger(__name__)

#: Seconds a worker's lease lasts without renewal; it is renewed every third of that.
DEFAULT_LEASE = 30.0

# Join the current run, or start one: returns {run id, 1 when this worker started it}.
_JOIN = """
local id = redis.call('GET', KEYS[1])
local started = 0
if not id then
  id = ARGV[1]
  redis.call('SET', KEYS[1], id, 'PX', ARGV[4])
  started = 1
end
redis.call('HSET', KEYS[2] .. id .. ':workers', ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2] .. id .. ':inflight-keys', KEYS[2] .. id .. ':inflight:' .. ARGV[2])
return {id, started}
"""
# Renew this worker's lease and the run's; return the workers whose lease ran out.
_RENEW = """
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local dead = {}
local leases = redis.call('HGETALL', KEYS[2])
for i = 1, #leases, 2 do
  if tonumber(leases[i + 1]) < tonumber(ARGV[3]) then table.insert(dead, leases[i]) end
end
return dead
"""
# A dead worker's taken requests back into the queue (once, whoever asks first).
_REAP = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
local taken = redis.call('HGETALL', KEYS[2])
for i = 1, #taken, 2 do redis.call('ZADD', KEYS[3], taken[i + 1], taken[i]) end
redis.call('DEL', KEYS[2])
return #taken / 2
"""
# The queue's first request, taken by this worker: {data, score}, or nil when it is empty.
_TAKE = """
local items = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #items == 0 then return nil end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], items[1], items[2])
return items
"""
# Leave the run; the last worker out deletes its keys.
_LEAVE = """
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
if redis.call('HLEN', KEYS[2]) > 0 then return 0 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local inflight = redis.call('SMEMBERS', KEYS[4])
for _, key in ipairs(inflight) do redis.call('DEL', key) end
redis.call('DEL', KEYS[4])
for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
"""


def worker_name() -> str:
    """``HOST-PID``: names a worker's WARC files, and its lease."""
    host = socket.gethostname().split(".")[0] or "host"
    safe = "".join(c if c.isalnum() or c == "-" else "-" for c in host)
    return f"{safe}-{os.getpid()}"


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one site's run."""

    prefix: str  # archiver:<site>:
    run: str  # the run id

    def key(self, name: str) -> str:
        return f"{self.prefix}run:{self.run}:{name}"

    @property
    def requests(self) -> str:
        """The shared request queue (a scrapy-redis PriorityQueue)."""
        return self.key("requests")

    @property
    def seen(self) -> str:
        """The shared seen-set (a scrapy-redis RFPDupeFilter)."""
        return self.key("seen")

    def inflight(self, worker: str) -> str:
        """The requests `worker` has taken from the queue and not finished."""
        return self.key(f"inflight:{worker}")


class SharedState:
    """One worker's view of a site's shared crawl state (a `redis.Redis` client)."""

    def __init__(
        self,
        client: Any,
        site: str,
        worker: str | None = None,
        lease: float = DEFAULT_LEASE,
    ) -> None:
        self.client = client
        self.site = site
        self.worker = worker or f"{worker_name()}-{uuid.uuid4().hex[:6]}"
        self.lease = lease
        self.prefix = f"archiver:{site}:"
        self.keys: RunKeys | None = None
        self.starter = False
        self._join = client.register_script(_JOIN)
        self._renew = client.register_script(_RENEW)
        self._reap = client.register_script(_REAP)
        self._take = client.register_script(_TAKE)
        self._leave = client.register_script(_LEAVE)
        self._last_renewal = 0.0

    @classmethod
    def connect(
        cls, url: str, site: str, worker: str | None = None, lease: float = DEFAULT_LEASE
    ) -> SharedState:
        """Connected to the Redis server at `url` (``redis://HOST:PORT/DB``); ConnectionError
        (a `redis` exception) when it does not answer."""
        import redis

        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        client.ping()
        return cls(client, site, worker, lease)

    # -- per-URL state and newest versions ---------------------------------------------------

    def url_state(self, key: str) -> UrlState | None:
        raw = self.client.hget(self.prefix + "urls", key)
        return UrlState(**json.loads(raw)) if raw else None

    def put_url_state(self, state: UrlState) -> None:
        self.client.hset(self.prefix + "urls", state.url, json.dumps(dataclasses.asdict(state)))

    def latest_document(self, article_id: str) -> dict[str, Any] | None:
        raw = self.client.hget(self.prefix + "latest", article_id)
        return dict(json.loads(raw)) if raw else None

    def put_latest_document(self, document: Mapping[str, Any]) -> None:
        """Keep `document` as its article's newest version (unless a newer one is kept)."""
        known = self.latest_document(str(document["id"]))
        if known is None or int(known["version"]) < int(document["version"]):
            self.client.hset(self.prefix + "latest", str(document["id"]), json.dumps(document))

    # -- the run -----------------------------------------------------------------------------

    def join(self) -> RunKeys:
        """Join the site's current run, or start one (then `starter` is true)."""
        now = time.time()
        run, started = self._join(
            keys=[self.prefix + "run", self.prefix + "run:"],
            args=[uuid.uuid4().hex[:12], self.worker, now + self.lease, int(self.lease * 1000)],
        )
        self.keys = RunKeys(self.prefix, run.decode() if isinstance(run, bytes) else str(run))
        self.starter = bool(started)
        self._last_renewal = now
        logger.info(
            "%s run %s of %s as worker %s",
            "Started" if self.starter else "Joined",
            self.keys.run,
            self.site,
            self.worker,
        )
        return self.keys

    def renew(self, force: bool = False) -> int:
        """Renew this worker's lease (at most every third of it, unless `force`); put the
        requests of workers whose lease ran out back in the queue. How many went back."""
        keys = self._joined()
        now = time.time()
        if not force and now - self._last_renewal < self.lease / 3:
            return 0
        self._last_renewal = now
        dead = self._renew(
            keys=[self.prefix + "run", keys.key("workers")],
            args=[self.worker, now + self.lease, now, int(self.lease * 1000)],
        )
        returned = 0
        for name in dead:
            worker = name.decode() if isinstance(name, bytes) else str(name)
            count = int(
                self._reap(
                    keys=[keys.key("workers"), keys.inflight(worker), keys.requests],
                    args=[worker],
                )
            )
            if count:
                logger.warning(
                    "Worker %s of run %s is gone: %d request(s) it had taken are queued again",
                    worker,
                    keys.run,
                    count,
                )
            returned += count
        return returned

    def claim(self, url: str) -> bool:
        """Whether this worker is the first in the run to plan a fetch of `url`."""
        return bool(self.client.sadd(self._joined().key("planned"), url))

    def claimed(self, url: str) -> bool:
        return bool(self.client.sismember(self._joined().key("planned"), url))

    def take(self) -> bytes | None:
        """The first request of the run's queue (as scrapy-redis encoded it), this worker's
        until `done` (it goes back to the queue if this worker dies first); None when empty."""
        keys = self._joined()
        taken = self._take(keys=[keys.requests, keys.inflight(self.worker)])
        return bytes(taken[0]) if taken else None

    def done(self, field: bytes) -> None:
        self.client.hdel(self._joined().inflight(self.worker), field)

    def sources_read(self) -> None:
        """The starter has read every source: no more requests will come in this run."""
        self.client.set(self._joined().key("sources-read"), "1")

    def more_may_come(self) -> bool:
        """Whether requests may still be queued: the starter has not read every source (and
        is alive), or a worker holds requests it took (they come back if it dies)."""
        keys = self._joined()
        if not self.client.exists(keys.key("sources-read")):
            return bool(self.client.hlen(keys.key("workers")) > 1 or self.starter)
        for key in self.client.smembers(keys.key("inflight-keys")):
            name = key.decode() if isinstance(key, bytes) else str(key)
            if name != keys.inflight(self.worker) and self.client.hlen(name):
                return True
        return False

    def leave(self) -> bool:
        """Leave the run; True when this was the last worker (the run's keys are gone)."""
        keys = self._joined()
        last = self._leave(
            keys=[
                self.prefix + "run",
                keys.key("workers"),
                keys.inflight(self.worker),
                keys.key("inflight-keys"),
                keys.requests,
                keys.seen,
                keys.key("planned"),
                keys.key("sources-read"),
            ],
            args=[keys.run, self.worker],
        )
        self.keys = None
        return bool(last)

    def _joined(self) -> RunKeys:
        if self.keys is None:
            raise RuntimeError("not in a run: call join() first")
        return self.keys
