"""Archived resources for replay: records read from the WARC files the index names, safely.

Only files under ``<archive>/warc/<collection>/`` (and article documents under
``<archive>/articles/``) are ever opened, checked on their resolved path, so neither a crafted
index line nor a symlink leads outside. Revisits are served as their original response.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from warcio.recordloader import ArchiveLoadFailed

from archiver.config import SITE_KEY_RE
from archiver.replay.rewrite import rewrite_refresh
from archiver.replay.urls import PAGE, ReplayUrls, timestamp14
from archiver.store.cdxj import CdxjEntry, CdxjIndex
from archiver.warc import read_record
from archiver.warc.http_headers import mime_type
from archiver.warc.reader import StoredRecord
from archiver.warc.writer import OPEN_SUFFIX

__all__ = ["Capture", "NotArchived", "Resources", "inside", "replay_headers"]

logger = logging.getLogger(__name__)

#: Archived response headers never sent on: the body is served decoded and whole, and the
#: archive's origin is not the site's (cookies, HSTS, CSP, framing rules, site data, the scope
#: a service worker may claim).
_DROPPED_HEADERS = frozenset(
    {
        "content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive",
        "proxy-authenticate", "proxy-connection", "te", "trailer", "upgrade", "set-cookie",
        "set-cookie2", "strict-transport-security", "content-security-policy",
        "content-security-policy-report-only", "x-frame-options", "public-key-pins",
        "public-key-pins-report-only", "clear-site-data", "alt-svc", "accept-ranges",
        "service-worker-allowed",
    }
)  # fmt: skip
#: Archived headers sent as they are; the others are sent as X-Archive-Orig-<name>. (The
#: server sets Content-Type itself, from the archived one.)
_KEPT_HEADERS = frozenset({"content-language", "content-disposition"})


class NotArchived(LookupError):
    """The capture (or a revisit's original) cannot be read from the archive."""


@dataclass(frozen=True)
class Capture:
    """One capture as replay serves it: a revisit carries its original's status and body."""

    collection: str
    url: str  # WARC-Target-URI
    timestamp: str  # 14 digits, of this capture (a revisit's own)
    date: str  # WARC-Date of this capture
    record_type: str  # "response" | "revisit" | "resource"
    original_date: str | None  # WARC-Date of the response a revisit's body comes from
    status: int
    headers: list[tuple[str, str]]  # the archived HTTP headers, as recorded
    content_type: str | None  # the archived Content-Type
    body: bytes  # Content-Encoding undone (unless too_large)
    record_id: str | None = None  # WARC-Record-ID of this capture's own record
    too_large: bool = False  # body inflates past MAX_DECODED_SIZE: it is kept as stored

    @property
    def mime(self) -> str | None:
        return mime_type(self.content_type)

    @property
    def charset(self) -> str | None:
        """The charset parameter of the archived Content-Type, if any."""
        for param in (self.content_type or "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip("\"'") or None
        return None


def inside(path: Path, directory: Path) -> Path | None:
    """`path` resolved, if it is a file within `directory` (resolved); else None."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if not resolved.is_relative_to(directory.resolve()) or not resolved.is_file():
        return None
    return resolved


class Resources:
    """Reads captures and article documents of one archive."""

    def __init__(self, root: Path, index: CdxjIndex) -> None:
        self.root = root.resolve()
        self.index = index

    def warc_file(self, entry: CdxjEntry) -> Path:
        """The WARC file of an entry, or NotArchived when it is not inside its collection.

        A file still being written is read as ``<name>.open``; one renamed from that between
        two looks is found by the third.
        """
        name = entry.filename
        if SITE_KEY_RE.fullmatch(entry.site) is None or "/" in name or name.startswith("."):
            raise NotArchived(f"bad WARC file {entry.site}/{name}")
        directory = self.root / "warc" / entry.site
        path = self.index.warc_path(entry)
        found = (
            inside(path, directory)
            or inside(path.with_name(path.name + OPEN_SUFFIX), directory)
            or inside(path, directory)
        )
        if found is None:
            raise NotArchived(f"no WARC file {entry.filename!r} in {entry.site}")
        return found

    def article_document(self, json_path: str) -> dict[str, Any] | None:
        """An article document by its catalog path, if it is a readable file under articles/."""
        path = inside(self.root / json_path, self.root / "articles")
        if path is None:
            return None
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Cannot read article document %s: %s", path, exc)
            return None
        return doc if isinstance(doc, dict) else None

    def read(self, entry: CdxjEntry) -> StoredRecord:
        """The record an entry points at."""
        path = self.warc_file(entry)
        try:
            try:
                record = read_record(path, entry.offset)
            except FileNotFoundError:  # <name>.open, renamed since it was found
                record = read_record(self.warc_file(entry), entry.offset)
        except (OSError, StopIteration, ValueError, ArchiveLoadFailed) as exc:
            raise NotArchived(f"cannot read {entry.filename}@{entry.offset}: {exc}") from exc
        if record.rec_type not in ("response", "revisit", "resource"):
            raise NotArchived(f"{entry.filename}@{entry.offset} is a {record.rec_type} record")
        return record

    def capture(self, entry: CdxjEntry) -> Capture:
        """The capture an entry points at, a revisit resolved to its original."""
        record = self.read(entry)
        payload, original_date = record, None
        if record.rec_type == "revisit":
            original = self.index.original(entry)
            if original is None or original.record_type == "revisit":
                raise NotArchived(f"the original of the revisit {entry.url} is not archived")
            payload = self.read(original)
            original_date = payload.date
        headers: list[tuple[str, str]] = []
        if payload.http_headers is not None:
            headers = [(str(k), str(v)) for k, v in payload.http_headers.headers]
            content_type = payload.http_headers.get_header("Content-Type")
        else:
            content_type = payload.rec_headers.get_header("Content-Type")
        date = record.date or ""
        return Capture(
            collection=entry.site,
            url=record.target_uri or entry.url,
            timestamp=timestamp14(date) or entry.timestamp,
            date=date,
            record_type=record.rec_type,
            original_date=original_date,
            status=payload.status or 200,
            headers=headers,
            content_type=content_type,
            body=payload.payload,
            record_id=record.record_id,
            too_large=payload.too_large,
        )


def replay_headers(capture: Capture, urls: ReplayUrls) -> list[tuple[str, str]]:
    """The archived headers worth sending: Content-Type and a few as they are, Location and
    Refresh into the archive, the rest renamed X-Archive-Orig-*; none that would bind the
    archive's origin (cookies, HSTS, CSP, X-Frame-Options) or describe the stored encoding."""
    out: list[tuple[str, str]] = []
    for name, value in capture.headers:
        lowered = name.lower()
        if lowered in _DROPPED_HEADERS or lowered == "content-type":
            continue
        if lowered in _KEPT_HEADERS:
            out.append((name, value))
        elif lowered in ("location", "content-location"):
            target = urls.to(urljoin(capture.url, value.strip()), capture.url, PAGE)
            out.append((name, target) if target else (f"X-Archive-Orig-{name}", value))
        elif lowered == "refresh":
            out.append((name, rewrite_refresh(value, capture.url, urls)))
        else:
            out.append((f"X-Archive-Orig-{name}", value))
    return out
