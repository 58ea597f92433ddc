"""Where things live under an archive root (stdlib only, so every layer can name a path)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

#: The catalog's file name under the archive root.
CATALOG_NAME = "catalog.sqlite"


@dataclass(frozen=True)
class ArchiveLayout:
    """Where things live under an archive root (see README, "The archive on disk")."""

    root: Path

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG_NAME

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def warc_root(self) -> Path:
        return self.root / "warc"

    def warc_dir(self, site: str) -> Path:
        return self.warc_root / site

    @property
    def sections_dir(self) -> Path:
        return self.root / "sections"

    @property
    def indexes_dir(self) -> Path:
        """CDXJ indexes: indexes/<site>/<WARC file name>.cdxj (see archiver.store.cdxj)."""
        return self.root / "indexes"

    @property
    def state_dir(self) -> Path:
        """Run state: site locks and the request queues of interrupted runs."""
        return self.root / "state"

    def job_dir(self, site: str) -> Path:
        """Scrapy JOBDIR of a site's current run (kept only while a run is unfinished)."""
        return self.state_dir / "jobs" / site

    def snapshot_path(self, site: str, kind: str, fetched_at: str, record_id: str) -> Path:
        """sections/<site>/<yyyy>/<mm>/<dd>/<HHMMSS>-<kind>-<hash>.json"""
        yyyy, mm, dd = fetched_at[:4], fetched_at[5:7], fetched_at[8:10]
        hhmmss = fetched_at[11:19].replace(":", "")
        tag = hashlib.sha256(record_id.encode()).hexdigest()[:10]
        return self.sections_dir / site / yyyy / mm / dd / f"{hhmmss}-{kind}-{tag}.json"

    def article_path(self, site: str, article_id: str, fetched_at: str, version: int) -> Path:
        """articles/<site>/<yyyy>/<mm>/<dd>/<id>.json (<id>.v<N>.json for later versions)."""
        yyyy, mm, dd = fetched_at[:4], fetched_at[5:7], fetched_at[8:10]
        name = f"{article_id}.json" if version == 1 else f"{article_id}.v{version}.json"
        return self.articles_dir / site / yyyy / mm / dd / name
