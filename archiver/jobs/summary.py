"""Crawl progress and summaries from a crawl's counters (a plain stats mapping)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

_STATUS_PREFIX = "archiver/pages/status/"
_EXTRACT_FAILED = "archiver/extract/failed/"
_FETCH_FAILED = "archiver/fetch/failed/"
_FETCH_ERROR = "archiver/fetch/error/"
_REQUESTS = "archiver/requests/"
_REVISITS = "archiver/revisits/"
_SKIPPED = "archiver/articles/skipped/"
_SOURCES_BROKEN = "archiver/sources/broken/"
_SOURCES_FETCHED = "archiver/sources/fetched/"
_RESOURCES = "archiver/resources/"
_DEAD_HOSTS = "archiver/resources/dead_hosts/"
#: Writes that found no room (each counted), and the message of the first, which stopped the crawl.
DISK_FULL_WRITES = "archiver/disk_full"
DISK_FULL_MESSAGE = "archiver/disk_full/message"
#: What to do after a crawl stopped on a full disk.
DISK_FULL_ADVICE = (
    "What was archived before is kept. Make room (free some space, or raise the quota or the "
    "file size limit), then run the same command again: it fetches only what is missing."
)


def _by_suffix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def errors_by_kind(stats: Mapping[str, Any]) -> str:
    """``dns 14 on 12 hosts, refused 3 on 1 host, timeout 5, http 4xx 9, extraction 1``.

    Network failures by kind (with the hosts given up for page resources), error statuses by
    class, extraction failures; "none" when there were none.
    """
    parts = []
    dead = _by_suffix(stats, _DEAD_HOSTS)
    for kind, count in _by_suffix(stats, _FETCH_ERROR).items():
        hosts = dead.get(kind, 0)
        where = f" on {hosts} host{'s' if hosts != 1 else ''}" if hosts else ""
        parts.append(f"{kind} {count}{where}")
    statuses: dict[str, int] = {}
    for status, count in _by_suffix(stats, _STATUS_PREFIX).items():
        if status.isdigit() and int(status) >= 400:
            key = f"http {status[0]}xx"
            statuses[key] = statuses.get(key, 0) + count
    parts += [f"{k} {v}" for k, v in sorted(statuses.items())]
    extraction = sum(_by_suffix(stats, _EXTRACT_FAILED).values())
    if extraction:
        parts.append(f"extraction {extraction}")
    disk_full = int(stats.get(DISK_FULL_WRITES, 0))
    if disk_full:
        parts.append(f"disk full {disk_full}")
    return ", ".join(parts) or "none"


def progress_line(stats: Mapping[str, Any], elapsed: float) -> str:
    """One line: pages fetched, articles written, page resources, errors by kind, pages/min."""
    pages = sum(_by_suffix(stats, _STATUS_PREFIX).values())
    rate = pages / elapsed * 60 if elapsed > 0 else 0.0
    written = int(stats.get("archiver/articles/written", 0))
    written += int(stats.get("archiver/articles/changed", 0))
    line = f"pages {pages} ({rate:.0f}/min), articles {written}"
    deferred = int(stats.get("archiver/extract/deferred", 0))
    if deferred:
        line += f" (+{deferred} left to extract)"
    fetched = int(stats.get(_RESOURCES + "fetched", 0))
    skipped = sum(_by_suffix(stats, _RESOURCES + "skipped/").values())
    if fetched or skipped:
        line += f", resources {fetched} (skipped {skipped})"
    return f"{line}, errors: {errors_by_kind(stats)}"


def resource_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Page resources: fetched, failed by kind, skipped by reason, hosts given up by kind."""
    return {
        "fetched": int(stats.get(_RESOURCES + "fetched", 0)),
        "failed": _by_suffix(stats, _RESOURCES + "failed/"),
        "skipped": _by_suffix(stats, _RESOURCES + "skipped/"),
        "dead_hosts": _by_suffix(stats, _DEAD_HOSTS),
        "pages_incomplete": int(stats.get(_RESOURCES + "pages_incomplete", 0)),
    }


def distributed_counts(stats: Mapping[str, Any]) -> dict[str, Any] | None:
    """The worker's part in a distributed run, or None for a crawl of one machine."""
    run = stats.get("archiver/redis/run")
    if not run:
        return None
    return {
        "run": str(run),
        "worker": str(stats.get("archiver/redis/worker", "")),
        "started": bool(stats.get("archiver/redis/started", 0)),
        "queued": int(stats.get("archiver/redis/enqueued", 0)),
        "taken": int(stats.get("archiver/redis/taken", 0)),
        "returned": int(stats.get("archiver/redis/returned", 0)),
    }


def distributed_line(part: Mapping[str, Any]) -> str:
    """``distributed run R, worker W (started it): 30 articles queued, 14 taken ...``."""
    role = "started it" if part["started"] else "joined it"
    line = (
        f"distributed run {part['run']}, worker {part['worker']} ({role}): "
        f"{part['queued']} article requests queued, {part['taken']} taken from the queue"
    )
    if part["returned"]:
        line += f", {part['returned']} put back from workers that died"
    return line


@dataclass
class CrawlSummary:
    """What one crawl did, for the closing report and the exit status."""

    site: str
    finish_reason: str
    pages_by_status: dict[str, int] = field(default_factory=dict)
    fetch_errors: dict[str, int] = field(default_factory=dict)
    retry_later: int = 0  # answers with Retry-After, left for the next run
    requests_by_kind: dict[str, int] = field(default_factory=dict)
    sections_fetched: int = 0
    sources_fetched: dict[str, int] = field(default_factory=dict)
    sources_broken: dict[str, int] = field(default_factory=dict)
    source_problems: int = 0
    snapshots: int = 0
    article_links: int = 0
    articles_written: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    articles_not_modified: int = 0
    articles_skipped: dict[str, int] = field(default_factory=dict)
    articles_too_old: int = 0
    takedowns: int = 0
    restored: int = 0
    non_articles: int = 0
    extraction_failures: dict[str, int] = field(default_factory=dict)
    extraction_deferred: int = 0
    revisits: dict[str, int] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    warc_records: int = 0
    warc_files: int = 0
    warc_bytes: int = 0
    elapsed_seconds: float = 0.0
    disk_full: str | None = None  # the write that found no room and stopped the crawl
    # A distributed crawl: {"run", "worker", "started"} and the shared queue's counts.
    distributed: dict[str, Any] | None = None

    @classmethod
    def from_stats(cls, site: str, stats: Mapping[str, Any]) -> CrawlSummary:
        """Read the counters the archiver's Scrapy components keep."""
        start, finish = stats.get("start_time"), stats.get("finish_time")
        elapsed = (finish - start).total_seconds() if start and finish else 0.0
        return cls(
            site=site,
            finish_reason=str(stats.get("finish_reason", "unknown")),
            pages_by_status=_by_suffix(stats, _STATUS_PREFIX),
            fetch_errors=_by_suffix(stats, _FETCH_ERROR),
            retry_later=int(stats.get("archiver/fetch/retry_later", 0)),
            requests_by_kind=_by_suffix(stats, _REQUESTS),
            sections_fetched=int(stats.get("archiver/sections/fetched", 0)),
            sources_fetched=_by_suffix(stats, _SOURCES_FETCHED),
            sources_broken=_by_suffix(stats, _SOURCES_BROKEN),
            source_problems=sum(_by_suffix(stats, "archiver/sources/problems/").values()),
            snapshots=int(stats.get("archiver/snapshots", 0)),
            article_links=int(stats.get("archiver/links/articles", 0)),
            articles_written=int(stats.get("archiver/articles/written", 0)),
            articles_changed=int(stats.get("archiver/articles/changed", 0)),
            articles_unchanged=int(stats.get("archiver/articles/unchanged", 0)),
            articles_not_modified=int(stats.get("archiver/articles/not_modified", 0)),
            articles_skipped=_by_suffix(stats, _SKIPPED),
            articles_too_old=int(stats.get("archiver/articles/too_old", 0)),
            takedowns=int(stats.get("archiver/articles/taken_down", 0)),
            restored=int(stats.get("archiver/articles/restored", 0)),
            non_articles=int(stats.get("archiver/articles/not_article", 0)),
            extraction_failures=_by_suffix(stats, _EXTRACT_FAILED),
            extraction_deferred=int(stats.get("archiver/extract/deferred", 0)),
            revisits=_by_suffix(stats, _REVISITS),
            resources=resource_counts(stats),
            warc_records=int(stats.get("archiver/warc/records", 0)),
            warc_files=int(stats.get("archiver/warc/files", 0)),
            warc_bytes=int(stats.get("archiver/warc/bytes", 0)),
            elapsed_seconds=elapsed,
            distributed=distributed_counts(stats),
            disk_full=stats.get(DISK_FULL_MESSAGE),
        )

    @property
    def pages_fetched(self) -> int:
        return sum(self.pages_by_status.values())

    @property
    def requests(self) -> int:
        return sum(self.requests_by_kind.values())

    def failure(self) -> str | None:
        """Why this crawl counts as failed, or None when it succeeded."""
        if self.disk_full:
            return self.disk_full
        if self.finish_reason != "finished":
            return f"the crawl did not finish (finish reason: {self.finish_reason})"
        if self.distributed is not None and not self.distributed["started"]:
            return None  # it joined a run: the worker that started it read the sources
        if self.sections_fetched + sum(self.sources_fetched.values()) == 0:
            return "no section page, feed or sitemap could be fetched"
        accounted = (
            self.articles_written
            + self.articles_changed
            + self.articles_unchanged
            + self.articles_not_modified
            + self.non_articles
            + self.articles_too_old
            + self.extraction_deferred
            + sum(self.articles_skipped.values())
        )
        if accounted == 0:
            if self.article_links == 0:
                return "sources were reachable but no link matched the article rules"
            return "sources were reachable but no article was archived"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "pages_fetched": self.pages_fetched,
            "requests": self.requests,
            "failure": self.failure(),
        }

    def render(self) -> str:
        """The human-readable closing report."""
        statuses = _pairs(self.pages_by_status) or "none"
        sources = _pairs({"section": self.sections_fetched, **self.sources_fetched})
        skipped = _pairs(self.articles_skipped) or "none"
        lines = [
            f"== {self.site}: {self.finish_reason} in {self.elapsed_seconds:.1f}s",
            f"requests: {self.requests} ({_pairs(self.requests_by_kind) or 'none'})",
            f"pages fetched: {self.pages_fetched} ({statuses})",
            f"sources read: {sources}; article links listed: {self.article_links}",
            f"articles: {self.articles_written} new, {self.articles_changed} changed (new version)"
            f", {self.articles_unchanged} unchanged, {self.articles_not_modified} not modified"
            f", {self.non_articles} not articles",
            f"articles not fetched: {skipped}, too old: {self.articles_too_old}",
        ]
        if self.takedowns or self.restored:
            lines.append(f"takedowns: {self.takedowns}, restored: {self.restored}")
        if self.sources_broken or self.source_problems:
            broken = _pairs(self.sources_broken) or "none"
            lines.append(f"broken sources: {broken}; source problems: {self.source_problems}")
        if self.fetch_errors:
            lines.append(f"fetch errors (no response): {_pairs(self.fetch_errors)}")
        if self.retry_later:
            lines.append(f"asked to come back later (Retry-After): {self.retry_later}")
        resources = self.resources_line()
        if resources:
            lines.append(resources)
        failures = _pairs(self.extraction_failures) or "none"
        lines.append(f"extraction failures: {failures}")
        if self.extraction_deferred:
            lines.append(
                f"archive only: {self.extraction_deferred} article pages left for "
                "`archiver reextract`"
            )
        if self.distributed is not None:
            lines.append(distributed_line(self.distributed))
        revisits = _pairs(self.revisits) or "none"
        lines.append(
            f"WARC: {self.warc_records} records (revisits: {revisits}) in {self.warc_files} "
            f"file(s), {self.warc_bytes:,} bytes"
        )
        problem = self.failure()
        if problem:
            lines.append(f"FAILED: {problem}")
        if self.disk_full:
            lines.append(DISK_FULL_ADVICE)
        return "\n".join(lines)

    def resources_line(self) -> str | None:
        """``page resources: 120 fetched, 3 failed (...), 400 skipped (...); hosts given up:
        ...; 7 pages incomplete``, or None when the crawl asked for none."""
        res = self.resources
        failed, skipped = res.get("failed") or {}, res.get("skipped") or {}
        fetched = int(res.get("fetched") or 0)
        if not (fetched or failed or skipped):
            return None
        line = f"page resources: {fetched:,} fetched, {sum(failed.values()):,} failed"
        if failed:
            line += f" ({_pairs(failed)})"
        line += f", {sum(skipped.values()):,} skipped"
        if skipped:
            line += f" ({_pairs(skipped)})"
        if res.get("dead_hosts"):
            line += f"; hosts given up: {_pairs(res['dead_hosts'])}"
        if res.get("pages_incomplete"):
            line += f"; {res['pages_incomplete']} page(s) lack some"
        return line


def _pairs(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items() if v)
