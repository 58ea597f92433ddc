"""Reading archived pages back for extraction: the response record and its body, the site
config hints a WARC file was crawled with, and the failures that stop one page."""

from __future__ import annotations

import logging
from pathlib import Path

from archiver.config import ExtractHints, SiteConfig, load_site_config
from archiver.warc import StoredRecord, read_record
from archiver.warc.reader import MAX_DECODED_SIZE

logger = logging.getLogger(__name__)


class Failure(Exception):
    """One article could not be re-extracted; ``reason`` is the counter's name."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def textual(mime: str | None) -> bool:
    """Whether Scrapy makes a TextResponse (which has an encoding) of this media type."""
    if mime is None:
        return True
    return mime.startswith("text/") or any(
        part in mime for part in ("html", "xml", "json", "javascript")
    )


class HintsByFile:
    """Extraction hints per WARC file: a site config's when its warcinfo says a config crawl
    wrote it (`archiver-config-name`), none for one-off archiving."""

    def __init__(self, configs: dict[str, SiteConfig]) -> None:
        self._configs = configs
        self._by_file: dict[Path, ExtractHints | None] = {}
        self._warned: set[tuple[str, str]] = set()

    def for_file(self, warc_path: Path) -> ExtractHints | None:
        if warc_path not in self._by_file:
            self._by_file[warc_path] = self._read(warc_path)
        return self._by_file[warc_path]

    def _read(self, warc_path: Path) -> ExtractHints | None:
        info = warcinfo_fields(warc_path)
        name = info.get("archiver-config-name")
        if not name:
            return None
        config = self._configs.get(name)
        if config is None:
            self._warn(name, "crawled with config %r, which is not at hand: no extraction hints")
            return None
        if info.get("archiver-config-sha256") not in (None, config.config_hash):
            self._warn(name, "the config of %r changed since the crawl: using its current hints")
        return config.extract

    def _warn(self, name: str, message: str) -> None:
        if (name, message) not in self._warned:
            self._warned.add((name, message))
            logger.warning(message, name)


def warcinfo_fields(warc_path: Path) -> dict[str, str]:
    """The fields of the warcinfo record opening a WARC file (empty when there is none)."""
    try:
        record = read_record(warc_path, 0)
    except Exception as exc:  # the page's own record is read (and its failure counted) later
        logger.debug("No warcinfo in %s: %s", warc_path, exc)
        return {}
    if record.rec_type != "warcinfo":
        return {}
    fields: dict[str, str] = {}
    for line in record.payload.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    return fields


def load_configs(config_dir: Path | None, sites: set[str]) -> dict[str, SiteConfig]:
    """The site configs at ``config_dir/<site>.yaml`` that exist (ConfigError if one is bad)."""
    configs: dict[str, SiteConfig] = {}
    for site in sorted(sites):
        path = config_dir / f"{site}.yaml" if config_dir is not None else None
        if path is None or not path.is_file():
            continue
        config = load_site_config(path)
        if config.site == site:
            configs[site] = config
        else:
            logger.warning("%s is the config of %r, not of %r: not used", path, config.site, site)
    return configs


def read_response(path: Path, offset: int, record_id: str | None) -> StoredRecord:
    """The response record at `offset`, its body with any Content-Encoding removed; a body
    inflating past MAX_DECODED_SIZE fails ``too-large``."""
    try:
        record = read_record(path, offset)
    except FileNotFoundError as exc:
        raise Failure("warc-missing", str(exc)) from exc
    except Exception as exc:  # OSError, warcio's ArchiveLoadFailed, a truncated gzip member
        raise Failure("record-unreadable", f"{path}@{offset}: {exc}") from exc
    if record.rec_type != "response" or record.http_headers is None:
        raise Failure("record-mismatch", f"{path}@{offset} is a {record.rec_type} record")
    if record_id is not None and record.record_id != record_id:
        raise Failure("record-mismatch", f"{path}@{offset} is {record.record_id}, not {record_id}")
    if record.too_large:
        raise Failure(
            "too-large", f"{path}@{offset}: the body inflates past {MAX_DECODED_SIZE} bytes"
        )
    return record


def last_header(record: StoredRecord, name: str) -> str | None:
    """The last value of an HTTP header (as Scrapy's ``Headers.get`` gives it)."""
    values = [v for k, v in record.http_headers.headers if k.lower() == name.lower()]
    return values[-1] if values else None
