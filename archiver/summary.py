"""Crawl progress and summaries from a crawl's counters (a plain stats mapping)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

_STATUS_PREFIX = "archiver/pages/status/"
_EXTRACT_FAILED = "archiver/extract/failed/"
_FETCH_FAILED = "archiver/fetch/failed/"
_FETCH_ERROR = "archiver/fetch/error/"


def _by_suffix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def _errors(stats: Mapping[str, Any]) -> int:
    return sum(_by_suffix(stats, _FETCH_ERROR).values()) + sum(
        _by_suffix(stats, _EXTRACT_FAILED).values()
    ) + sum(v for k, v in _by_suffix(stats, _STATUS_PREFIX).items() if int(k) >= 400)


def progress_line(stats: Mapping[str, Any], elapsed: float) -> str:
    """One line: pages fetched, articles written, errors, pages per minute."""
    pages = sum(_by_suffix(stats, _STATUS_PREFIX).values())
    rate = pages / elapsed * 60 if elapsed > 0 else 0.0
    return (
        f"pages {pages} ({rate:.0f}/min), articles {int(stats.get('archiver/articles/written', 0))}"
        f", errors {_errors(stats)}"
    )


@dataclass
class CrawlSummary:
    """What one crawl did, for the closing report and the exit status."""

    site: str
    finish_reason: str
    pages_by_status: dict[str, int] = field(default_factory=dict)
    fetch_errors: dict[str, int] = field(default_factory=dict)
    sections_fetched: int = 0
    article_links: int = 0
    articles_written: int = 0
    articles_unchanged: int = 0
    non_articles: int = 0
    extraction_failures: dict[str, int] = field(default_factory=dict)
    warc_files: int = 0
    warc_bytes: int = 0
    elapsed_seconds: float = 0.0

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
            sections_fetched=int(stats.get("archiver/sections/fetched", 0)),
            article_links=int(stats.get("archiver/links/articles", 0)),
            articles_written=int(stats.get("archiver/articles/written", 0)),
            articles_unchanged=int(stats.get("archiver/articles/unchanged", 0)),
            non_articles=int(stats.get("archiver/articles/not_article", 0)),
            extraction_failures=_by_suffix(stats, _EXTRACT_FAILED),
            warc_files=int(stats.get("archiver/warc/files", 0)),
            warc_bytes=int(stats.get("archiver/warc/bytes", 0)),
            elapsed_seconds=elapsed,
        )

    @property
    def pages_fetched(self) -> int:
        return sum(self.pages_by_status.values())

    def failure(self) -> str | None:
        """Why this crawl counts as failed, or None when it succeeded."""
        if self.finish_reason != "finished":
            return f"the crawl did not finish (finish reason: {self.finish_reason})"
        if self.sections_fetched == 0:
            return "no section page could be fetched"
        if self.articles_written + self.articles_unchanged + self.non_articles == 0:
            if self.article_links == 0:
                return "sections were reachable but no link matched the article rules"
            return "sections were reachable but no article was archived"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pages_fetched": self.pages_fetched, "failure": self.failure()}

    def render(self) -> str:
        """The human-readable closing report."""
        statuses = ", ".join(f"{k}: {v}" for k, v in self.pages_by_status.items()) or "none"
        lines = [
            f"== {self.site}: {self.finish_reason} in {self.elapsed_seconds:.1f}s",
            f"pages fetched: {self.pages_fetched} ({statuses})",
            f"sections fetched: {self.sections_fetched}, article links found: {self.article_links}",
            f"articles written: {self.articles_written}, unchanged: {self.articles_unchanged}"
            f", non-article pages: {self.non_articles}",
        ]
        if self.fetch_errors:
            errs = ", ".join(f"{k}: {v}" for k, v in self.fetch_errors.items())
            lines.append(f"fetch errors (no response): {errs}")
        failures = ", ".join(f"{k}: {v}" for k, v in self.extraction_failures.items()) or "none"
        lines.append(f"extraction failures: {failures}")
        lines.append(f"WARC files: {self.warc_files}, {self.warc_bytes:,} bytes")
        problem = self.failure()
        if problem:
            lines.append(f"FAILED: {problem}")
        return "\n".join(lines)
