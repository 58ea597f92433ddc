"""What every archiving spider shares: a site archive opened and closed with the crawl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archiver.store.archive import SiteArchive
from archiver.store.locking import SiteLock
from archiver.store.warcinfo import build_warcinfo

HEADER_NOTE = (
    "Records are rebuilt from Scrapy Request/Response objects taken before decompression and "
    "redirect handling: header names as normalised by Scrapy (order kept), reason phrase from "
    "the status code, Transfer-Encoding removed (body de-chunked) and Content-Length set to the "
    "stored body; request headers as handed to the download handler, plus Host."
)


class ArchivingSpider(Spider):
    """A spider writing into one site's (or collection's) archive: WARC files and catalog.

    Subclasses name the collection (`site_key`) and describe the crawl in its warcinfo records.
    """

    archive: SiteArchive | None = None
    lock: SiteLock | None = None

    @property
    def site_key(self) -> str:
        raise NotImplementedError

    def warcinfo_fields(self) -> dict[str, str]:
        """Extra warcinfo fields (description, config name and hash, ...)."""
        return {}

    def robots_policy(self) -> str:
        """The robots.txt policy, as the warcinfo record states it."""
        return "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore"

    def connect_archive(self, crawler: Crawler) -> None:
        """Open the archive when the spider opens, close it when it closes."""
        crawler.signals.connect(self.open_archive, signal=signals.spider_opened)
        crawler.signals.connect(self.close_archive, signal=signals.spider_closed)

    def open_archive(self, spider: Spider) -> None:
        """Open the collection's WARC writer and catalog."""
        settings = self.crawler.settings
        fields = self.warcinfo_fields()
        warcinfo = build_warcinfo(
            user_agent=settings.get("USER_AGENT"),
            robots=self.robots_policy(),
            config_name=fields.pop("archiver-config-name", None),
            config_hash=fields.pop("archiver-config-sha256", None),
            operator=settings.get("ARCHIVER_OPERATOR") or None,
            extra={**fields, "http-headers": HEADER_NOTE},
        )
        self.archive = SiteArchive(
            Path(settings.get("ARCHIVER_ARCHIVE_DIR")),
            self.site_key,
            warcinfo=warcinfo,
            max_warc_size=settings.getint("ARCHIVER_WARC_MAX_SIZE"),
        )
        from twisted.internet import reactor

        # A forced shutdown (second Ctrl-C) skips spider_closed; this trigger still runs.
        # (Twisted's interface stub takes `self` as the first argument, hence the Any.)
        core: Any = reactor
        core.addSystemEventTrigger("before", "shutdown", self._close_archive_quietly)

    def before_archive_closes(self) -> None:
        """Write what only the end of the crawl knows (subclasses; the archive is still open)."""

    def close_archive(self, spider: Spider, reason: str) -> None:
        """Close the WARC files (renaming them from .open) and the catalog."""
        if self.archive is not None:
            self.before_archive_closes()
            files = self.archive.close()
            # Every record written, warcinfo and metadata included (the recorder counts fetches).
            stats = self.crawler.stats
            stats.set_value("archiver/warc/records", self.archive.writer.records_written)
            stats.set_value("archiver/warc/files", len(files))
            stats.set_value(
                "archiver/warc/bytes", sum(f.stat().st_size for f in files if f.exists())
            )
        self.release_lock()

    def release_lock(self) -> None:
        """Drop this spider's hold on the site lock (once)."""
        lock, self.lock = self.lock, None
        if lock is not None:
            lock.release()

    def _close_archive_quietly(self) -> None:
        if self.archive is not None:
            self.archive.close()
        self.release_lock()
