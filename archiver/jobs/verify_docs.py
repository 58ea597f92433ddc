"""Checking article and section snapshot documents: JSON, JSON Schema, the record they name,
and their catalog row.

Documents are validated with `jsonschema` against the schema files the package ships
(archiver/schemas/*.schema.json, generated from the pydantic models), as any other tool would.
jsonschema takes about a millisecond a document, so a document the model the schema is made
from reads in strict mode and writes back unchanged is taken as valid without it (fifty times
faster); anything else goes to jsonschema, which decides and says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from archiver.jobs.verify_files import BEING_WRITTEN, ScannedArchive, ScannedFile
from archiver.jobs.verify_report import Checked, Problem
from archiver.store.document import (
    SCHEMA_PATH,
    SNAPSHOT_SCHEMA_PATH,
    Article,
    SectionSnapshot,
)
from archiver.store.layout import ArchiveLayout
from archiver.store.rows import ArticleRow, SnapshotRow


@dataclass
class Findings:
    """What the document checks report: problems, and the WARC files named but not there."""

    problems: list[Problem] = field(default_factory=list)
    missing_warcs: dict[str, list[str]] = field(default_factory=dict)  # WARC path -> namers

    def missing(self, layout: ArchiveLayout, site: str, name: str, named_by: str) -> None:
        path = (layout.warc_dir(site) / name).relative_to(layout.root).as_posix()
        self.missing_warcs.setdefault(path, []).append(named_by)


def validator(path: Path) -> Draft202012Validator:
    """A validator of the shipped JSON Schema at `path`."""
    return Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


def _documents(directory: Path, root: Path) -> Iterator[tuple[Path, str, str]]:
    """(path, path relative to root, site) of every JSON file under directory/<site>/."""
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*.json")):
        rel = path.relative_to(root).as_posix()
        yield path, rel, path.relative_to(directory).parts[0]


@dataclass(frozen=True)
class Schema:
    """A kind of document: its pydantic model and a validator of its shipped JSON Schema."""

    model: type[BaseModel]
    validator: Draft202012Validator

    @classmethod
    def load(cls, model: type[BaseModel], path: Path) -> Schema:
        return cls(model, validator(path))

    def errors(self, doc: dict[str, Any]) -> list[ValidationError]:
        """The document's errors against the JSON Schema (none: valid)."""
        try:
            parsed = self.model.model_validate(doc, strict=True)
        except PydanticError:
            pass
        else:
            if parsed.model_dump(by_alias=True, mode="json") == doc:
                return []
        return list(self.validator.iter_errors(doc))


def _load(path: Path, rel: str, schema: Schema, problems: list[Problem]) -> dict[str, Any] | None:
    """The document if it is a JSON object (None otherwise); schema errors reported."""
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        problems.append(Problem("document", rel, f"not readable JSON: {exc}"))
        return None
    if not isinstance(doc, dict):
        problems.append(Problem("document", rel, "not a JSON object"))
        return None
    errors = schema.errors(doc)
    if errors:
        error = best_match(errors)
        where = ".".join(str(p) for p in error.absolute_path) or "the document"
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        reason = f"not valid against its JSON Schema: {where}: {error.message[:160]}{more}"
        problems.append(Problem("document", rel, reason))
    return doc


def check_articles(
    layout: ArchiveLayout,
    archive: ScannedArchive,
    rows: list[ArticleRow] | None,
    findings: Findings,
    checked: Checked,
) -> None:
    """Every article document: JSON, schema, the record it names, its catalog row."""
    schema = Schema.load(Article, SCHEMA_PATH)
    by_key = {(r.id, r.version): r for r in rows} if rows is not None else None
    by_path = {r.json_path: r for r in rows} if rows is not None else {}
    for path, rel, path_site in _documents(layout.articles_dir, layout.root):
        checked.documents += 1
        doc = _load(path, rel, schema, findings.problems)
        if doc is None:
            continue
        site = doc.get("site") if isinstance(doc.get("site"), str) else path_site
        _check_provenance(layout, archive, doc, str(site), rel, findings)
        if by_key is not None:
            _check_article_row(doc, rel, by_key, by_path, findings.problems)


def _check_provenance(
    layout: ArchiveLayout,
    archive: ScannedArchive,
    doc: dict[str, Any],
    site: str,
    rel: str,
    findings: Findings,
) -> None:
    prov = doc.get("provenance")
    if not isinstance(prov, dict):
        return  # the schema error says so
    name, offset = prov.get("warc_file"), prov.get("warc_offset")
    if not isinstance(name, str) or not isinstance(offset, int) or isinstance(offset, bool):
        return
    scanned = archive.get(site, name)
    if scanned is None:
        findings.missing(layout, site, name, rel)
        return
    reason = _record_mismatch(scanned, offset, prov, doc)
    if reason:
        where = f"{name} offset {offset}"
        findings.problems.append(Problem("provenance", rel, reason, where))


def _record_mismatch(
    scanned: ScannedFile, offset: int, prov: dict[str, Any], doc: dict[str, Any]
) -> str | None:
    """Why the record a document names is not the one it was made from (None: it is)."""
    if scanned.lost(offset):
        return "its record is in a part of the file that cannot be read (see the file's problem)"
    if not scanned.checked(offset):
        return None  # not yet written
    record = scanned.by_offset.get(offset)
    wanted = prov.get("warc_record_id")
    if record is None:
        return f"no record starts at offset {offset} of {scanned.scan.path}"
    if wanted != record.record_id:
        return f"the record there is {record.record_id}, not {wanted}"
    digest = prov.get("payload_digest")
    if digest and digest != record.payload_digest:
        return f"the record's payload digest is {record.payload_digest}, not {digest}"
    urls = {doc.get("url"), doc.get("requested_url")}
    if record.target_uri not in urls:
        return f"the record is of {record.target_uri}, the document of {doc.get('url')}"
    return None


def _check_article_row(
    doc: dict[str, Any],
    rel: str,
    by_key: dict[tuple[Any, Any], ArticleRow],
    by_path: dict[str, ArticleRow],
    problems: list[Problem],
) -> None:
    key = (doc.get("id"), doc.get("version"))
    row = by_key.get(key)
    if row is None or row.json_path != rel:
        # Catalogued under another version (two documents of one id and version, merged from
        # archives of workers that shared no state: see archiver.jobs.reindex.number_versions).
        listed = by_path.get(rel)
        row = listed if listed is not None and listed.id == key[0] else row
    if row is None:
        reason = f"the catalog has no row for article {key[0]} version {key[1]}"
        problems.append(Problem("missing-row", rel, reason))
    elif row.json_path != rel:
        reason = f"the catalog's row for article {key[0]} version {key[1]} names {row.json_path}"
        problems.append(Problem("missing-row", rel, reason))


def check_snapshots(
    layout: ArchiveLayout,
    archive: ScannedArchive,
    rows: list[SnapshotRow] | None,
    findings: Findings,
    checked: Checked,
) -> None:
    """Every section snapshot document: JSON, schema, the record it names, its catalog row."""
    schema = Schema.load(SectionSnapshot, SNAPSHOT_SCHEMA_PATH)
    listed = {r.json_path for r in rows} if rows is not None else None
    for path, rel, path_site in _documents(layout.sections_dir, layout.root):
        checked.snapshots += 1
        doc = _load(path, rel, schema, findings.problems)
        if doc is None:
            continue
        if listed is not None and rel not in listed:
            findings.problems.append(Problem("missing-row", rel, "the catalog has no row for it"))
        site = doc.get("site") if isinstance(doc.get("site"), str) else path_site
        name, record_id = doc.get("warc_file"), doc.get("warc_record_id")
        if not isinstance(name, str) or not isinstance(record_id, str):
            continue
        scanned = archive.get(str(site), name)
        if scanned is None:
            findings.missing(layout, str(site), name, rel)
        elif record_id not in scanned.ids and _whole(scanned):
            reason = f"{scanned.scan.path} holds no record {record_id}"
            findings.problems.append(Problem("provenance", rel, reason))


def _whole(scanned: ScannedFile) -> bool:
    """Whether every record of the file was seen (not damaged, not still being written)."""
    return scanned.state != BEING_WRITTEN and scanned.scan.checked_up_to() is None
