"""WACZ 1.1.1 packages (https://specs.webrecorder.net/wacz/1.1.1/) of an archive's WARC files.

The package holds the closed WARC files as they are (ZIP_STORED, for range requests), one merged
CDXJ index (``indexes/index.cdxj``: the per-file indexes of :mod:`archiver.store.cdxj`), a page list
of the article documents, and ``datapackage.json`` with the size and SHA-256 of every file.
A rendered page's DOM and screenshots (resource records) are indexed under their ``urn:dom:``
and ``urn:screenshot:`` URIs, where ReplayWeb.page and pywb look them up; they are not pages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.fsutil import atomic_file
from archiver.jobs.reindex import iter_warc_files
from archiver.store.catalog import iter_article_documents
from archiver.store.cdxj import CdxjEntry, cdxj_text, index_path, index_warc
from archiver.store.layout import ArchiveLayout

logger = logging.getLogger(__name__)

WACZ_VERSION = "1.1.1"
INDEX_PATH = "indexes/index.cdxj"
PAGES_PATH = "pages/pages.jsonl"
_CHUNK = 1 << 20


class NothingToExport(Exception):
    """The archive has no closed WARC file (of the site asked for)."""


@dataclass(frozen=True)
class WaczResult:
    """What an export wrote."""

    path: Path
    warc_files: int
    records: int  # index entries: response, revisit and resource records
    pages: int
    bytes: int  # size of the WACZ file


@dataclass(frozen=True)
class _Member:
    """A file in the package, as datapackage.json lists it."""

    path: str
    sha256: str
    size: int

    def resource(self) -> dict[str, Any]:
        return {
            "name": Path(self.path).name.lower(),
            "path": self.path,
            "hash": f"sha256:{self.sha256}",
            "bytes": self.size,
        }


def export_wacz(
    root: Path,
    out: Path,
    site: str | None = None,
    *,
    title: str | None = None,
    now: datetime | None = None,
) -> WaczResult:
    """Package the closed WARC files of an archive (of one site) as the WACZ file `out`.

    `out` is written as a temp file beside it and renamed when complete. Raises
    :class:`NothingToExport` when there is no closed WARC file to include.
    """
    layout, out = ArchiveLayout(Path(root)), Path(out)
    warcs = [(s, p) for s, p in iter_warc_files(layout) if site is None or s == site]
    if not warcs:
        where = f"of site {site!r} " if site else ""
        raise NothingToExport(f"no closed WARC file {where}in {layout.warc_root}")
    names = [p.name for _, p in warcs]
    if len(set(names)) != len(names):
        raise ValueError("two WARC files share a name; a WACZ cannot hold both")
    sites = sorted({s for s, _ in warcs})
    created = (now or datetime.now(UTC)).astimezone(UTC)
    entries = [e for s, p in warcs for e in _index_entries(layout, s, p)]
    index = cdxj_text(entries).encode("utf-8")
    pages = page_records(layout, sites, set(names))
    pages_text = pages_jsonl(pages, title="Articles").encode("utf-8")
    with atomic_file(out) as fh, zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
        members = [_add_file(zf, p, f"archive/{p.name}") for _, p in warcs]
        members.append(_add_bytes(zf, INDEX_PATH, index, created))
        members.append(_add_bytes(zf, PAGES_PATH, pages_text, created))
        title = title or f"Web archive of {', '.join(sites)}"
        package = datapackage(members, title=title, now=created)
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        _add_bytes(zf, "datapackage.json", package_bytes, created)
        digest = {"path": "datapackage.json", "hash": f"sha256:{_sha256(package_bytes)}"}
        _add_bytes(zf, "datapackage-digest.json", json.dumps(digest, indent=2).encode(), created)
    return WaczResult(out, len(warcs), len(index.splitlines()), len(pages), out.stat().st_size)


def _index_entries(layout: ArchiveLayout, site: str, warc: Path) -> list[CdxjEntry]:
    """A WARC file's index entries: from its index file when that is current, else made now."""
    path = index_path(layout, site, warc.name)
    try:
        current = path.stat().st_mtime_ns >= warc.stat().st_mtime_ns
    except OSError:
        current = False
    if current:
        text = path.read_text(encoding="utf-8")
        return [CdxjEntry.from_line(line, site) for line in text.splitlines() if line.strip()]
    logger.info("No current index of %s; indexing it", warc)
    return index_warc(warc, site)


def page_records(
    layout: ArchiveLayout, sites: Sequence[str], warc_names: set[str]
) -> list[dict[str, Any]]:
    """One page per article document (non-articles too) with its capture in `warc_names`.

    Keys as WACZ pages.jsonl has them: id (the article id), url, ts (the capture's WARC-Date,
    RFC 3339), title (when known). Ordered by capture time.
    """
    newest: dict[str, dict[str, Any]] = {}
    for site in sites:
        for doc, rel in iter_article_documents(layout.articles_dir / site):
            try:
                in_export = doc["provenance"]["warc_file"] in warc_names
                key, version = doc["id"], doc["version"]
                page = {"id": key, "url": doc["url"], "ts": doc["fetched_at"]}
            except (KeyError, TypeError) as exc:
                logger.warning("Skipping article document %s: missing %s", rel, exc)
                continue
            if doc.get("title"):
                page["title"] = doc["title"]
            if in_export and (key not in newest or version > newest[key]["version"]):
                newest[key] = {**page, "version": version}
    pages = sorted(newest.values(), key=lambda p: (p["ts"], p["id"]))
    return [{k: v for k, v in p.items() if k != "version"} for p in pages]


def pages_jsonl(pages: Sequence[dict[str, Any]], *, title: str) -> str:
    """pages/pages.jsonl: the json-pages-1.0 header line, then one line per page."""
    header = {"format": "json-pages-1.0", "id": "pages", "title": title}
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in [header, *pages])


def datapackage(members: Sequence[_Member], *, title: str, now: datetime) -> dict[str, Any]:
    """datapackage.json: the frictionless data package that makes the ZIP a WACZ."""
    return {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": f"archiver/{__version__}",
        "resources": [m.resource() for m in members],
    }


def _add_file(zf: zipfile.ZipFile, source: Path, arcname: str) -> _Member:
    """Copy a file into the ZIP uncompressed, hashing it on the way."""
    info = zipfile.ZipInfo.from_file(source, arcname)  # sets file_size, so ZIP64 when needed
    info.compress_type = zipfile.ZIP_STORED
    hasher, size = hashlib.sha256(), 0
    with source.open("rb") as src, zf.open(info, "w") as dst:
        while chunk := src.read(_CHUNK):
            hasher.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return _Member(arcname, hasher.hexdigest(), size)


def _add_bytes(zf: zipfile.ZipFile, arcname: str, data: bytes, when: datetime) -> _Member:
    info = zipfile.ZipInfo(arcname, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)
    return _Member(arcname, _sha256(data), len(data))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
