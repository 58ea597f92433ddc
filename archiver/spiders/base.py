"""What every archiving spider shares: it names the collection and reads the archive's state."""

from __future__ import annotations

from functools import cached_property

from scrapy import Spider

from archiver.extensions import SiteArchiveExtension
from archiver.store.archive import SiteArchive


class ArchivingSpider(Spider):
    """A spider whose fetches go into one site's (or collection's) archive.

    Subclasses name the collection (`site_key`) and describe the crawl (`warcinfo_fields`);
    `name_archive` turns both into settings for the `SiteArchiveExtension`, which opens the
    archive. The spider reads it (`archive`) to decide what to request; the recorder and the
    pipeline write it.
    """

    @property
    def site_key(self) -> str:
        raise NotImplementedError

    def warcinfo_fields(self) -> dict[str, str]:
        """Extra warcinfo fields (description, config name and hash, robots in words)."""
        return {}

    def name_archive(self) -> None:
        """ARCHIVER_SITE and ARCHIVER_WARCINFO at spider priority (call in `from_crawler`)."""
        settings = self.crawler.settings
        settings.set("ARCHIVER_SITE", self.site_key, priority="spider")
        settings.set("ARCHIVER_WARCINFO", self.warcinfo_fields(), priority="spider")

    @cached_property
    def archive(self) -> SiteArchive | None:
        """The archive this crawl writes into (None when the archive component is off).

        Available once the crawl has started (the extension is built after the spider).
        """
        component = self.crawler.get_extension(SiteArchiveExtension)
        return None if component is None else component.archive
