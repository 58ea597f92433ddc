"""The archive on disk: layout, and one site's slice of it opened for writing."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archiver import __version__
from archiver.catalog import CATALOG_NAME, ArticleRow, CaptureRow, Catalog
from archiver.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, ExtractedArticle
from archiver.fsutil import atomic_write_bytes
from archiver.models import Article, ExtractorInfo, Provenance
from archiver.warc import HttpExchange, RecordLocation, WarcWriter

logger = logging.getLogger(__name__)

#: Fields whose change makes a new version of an article.
VERSIONED_FIELDS = ("title", "text", "authors", "published", "modified")


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

    def article_path(self, site: str, article_id: str, fetched_at: str, version: int) -> Path:
        """articles/<site>/<yyyy>/<mm>/<dd>/<id>.json (<id>.v<N>.json for later versions)."""
        yyyy, mm, dd = fetched_at[:4], fetched_at[5:7], fetched_at[8:10]
        name = f"{article_id}.json" if version == 1 else f"{article_id}.v{version}.json"
        return self.articles_dir / site / yyyy / mm / dd / name


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment and a default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else (f"{host}:{port}")
    )
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def identity_url(url: str, canonical_url: str | None) -> str:
    """The URL an article is identified by: its canonical URL unless that looks bogus."""
    if canonical_url:
        canon = urlsplit(canonical_url)
        page = urlsplit(url)
        points_home = canon.path in ("", "/") and page.path not in ("", "/")
        if canon.scheme in ("http", "https") and canon.hostname and not points_home:
            return normalise_url(canonical_url)
    return normalise_url(url)


def article_id(url: str, canonical_url: str | None = None) -> str:
    """Stable id of an article: 16 hex digits of the SHA-256 of its identity URL."""
    return hashlib.sha256(identity_url(url, canonical_url).encode("utf-8")).hexdigest()[:16]


def build_warcinfo(
    *,
    user_agent: str,
    robots: str,
    config_name: str | None = None,
    config_hash: str | None = None,
    operator: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The warcinfo fields describing how this archive's records were made."""
    fields = {
        "software": f"archiver/{__version__} (Python {platform.python_version()})",
        "hostname": socket.gethostname(),
        "http-header-user-agent": user_agent,
        "robots": robots,
    }
    if operator:
        fields["operator"] = operator
    if config_name:
        fields["isPartOf"] = config_name
        fields["archiver-config-name"] = config_name
    if config_hash:
        fields["archiver-config-sha256"] = config_hash
    fields.update(extra or {})
    return fields


def capture_row(site: str, loc: RecordLocation, *, refers_to: str | None = None) -> CaptureRow:
    """The catalog row of a record, written just now or read back from a WARC file."""
    return CaptureRow(
        record_id=loc.record_id,
        site=site,
        record_type=loc.record_type,
        url=loc.target_uri,
        date=loc.date,
        status=loc.status,
        mime=loc.mime,
        payload_digest=loc.payload_digest,
        refers_to=refers_to,
        warc_file=loc.warc_file,
        warc_offset=loc.offset,
        warc_length=loc.length,
    )


class ArchiveClosedError(RuntimeError):
    """A write reached a site archive after it was closed (e.g. during a forced shutdown)."""


@dataclass(frozen=True)
class StoredArticle:
    """What storing an extracted page produced."""

    article_id: str
    version: int
    path: Path
    changed: bool  # False when the content equals the stored newest version (nothing written)
    document: dict[str, Any]


class SiteArchive:
    """One site's slice of an archive, open for writing: WARC files, article JSON, catalog."""

    def __init__(
        self,
        root: Path,
        site: str,
        *,
        warcinfo: Mapping[str, str],
        max_warc_size: int = 1_000_000_000,
    ) -> None:
        self.layout = ArchiveLayout(root)
        self.site = site
        self.catalog = Catalog(self.layout.catalog_path)
        self.writer = WarcWriter(
            self.layout.warc_dir(site), site, warcinfo=warcinfo, max_size=max_warc_size
        )
        self.articles_written = 0
        self.articles_unchanged = 0
        self._closed = False

    def record_exchange(self, exchange: HttpExchange) -> RecordLocation:
        """Write the request and response records of one fetch; return the response's place."""
        self._check_open()
        request, response = self.writer.write_exchange(exchange)
        self.catalog.add_captures(
            [capture_row(self.site, request), capture_row(self.site, response)]
        )
        self.catalog.commit()
        return response

    def store_article(
        self,
        extracted: ExtractedArticle,
        *,
        response: RecordLocation,
        url: str,
        http_status: int,
        section: str | None = None,
        requested_url: str | None = None,
    ) -> StoredArticle:
        """Write the article document (JSON file + WARC metadata record + catalog row)."""
        self._check_open()
        art_id = article_id(url, extracted.canonical_url)
        fields = extracted.to_dict()
        latest = self.catalog.latest_version(art_id)
        if latest is not None:
            previous = self._read_document(latest.json_path)
            unchanged = previous is not None and all(
                previous.get(f) == fields.get(f) for f in VERSIONED_FIELDS
            )
            if unchanged and previous is not None:
                self.articles_unchanged += 1
                return StoredArticle(
                    art_id, latest.version, self.layout.root / latest.json_path, False, previous
                )
        version = 1 if latest is None else latest.version + 1
        article = Article(
            id=art_id,
            url=url,
            requested_url=requested_url if requested_url != url else None,
            canonical_url=extracted.canonical_url,
            site=self.site,
            section=section,
            is_article=extracted.is_article,
            title=extracted.title,
            description=extracted.description,
            authors=list(extracted.authors),
            published=extracted.published,
            published_raw=extracted.published_raw,
            modified=extracted.modified,
            modified_raw=extracted.modified_raw,
            language=extracted.language,
            text=extracted.text,
            tags=list(extracted.tags),
            image=extracted.image,
            paywalled=extracted.paywalled,
            word_count=extracted.word_count,
            fetched_at=response.date,
            http_status=http_status,
            version=version,
            provenance=Provenance(
                warc_file=response.warc_file,
                warc_offset=response.offset,
                warc_record_id=response.record_id,
                payload_digest=response.payload_digest,
            ),
            extractor=ExtractorInfo(name=EXTRACTOR_NAME, version=EXTRACTOR_VERSION),
        )
        payload = article.to_json_bytes()
        path = self.layout.article_path(self.site, art_id, response.date, version)
        atomic_write_bytes(path, payload)
        meta = self.writer.write_metadata(url, payload, refers_to=response.record_id)
        document = article.to_json_dict()
        rel = path.relative_to(self.layout.root).as_posix()
        self.catalog.add_captures([capture_row(self.site, meta, refers_to=response.record_id)])
        self.catalog.add_article(ArticleRow.from_document(document, rel))
        self.catalog.commit()
        self.articles_written += 1
        return StoredArticle(art_id, version, path, True, document)

    def close(self) -> list[Path]:
        """Close the WARC file(s) and the catalog; safe to call twice."""
        if self._closed:
            return self.writer.closed_files
        self._closed = True
        files = self.writer.close()
        self.catalog.close()
        return files

    def _check_open(self) -> None:
        if self._closed:
            raise ArchiveClosedError(f"the archive of {self.site} is closed")

    def _read_document(self, rel_path: str) -> dict[str, Any] | None:
        try:
            doc: dict[str, Any] = json.loads((self.layout.root / rel_path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Cannot read stored article %s: %s", rel_path, exc)
            return None
        return doc
