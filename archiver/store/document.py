"""The article document (schema v1) and the JSON Schema derived from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "archiver/article/v1"
SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "article.schema.json"
SNAPSHOT_SCHEMA_VERSION = "archiver/section-snapshot/v1"
SNAPSHOT_SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "section-snapshot.schema.json"

_ISO_DATE_OR_DATETIME = (
    r"^\d{4}-\d{2}-\d{2}"
    r"(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"
)
_ISO_DATETIME_UTC = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$"


class Provenance(BaseModel):
    """Where the page this document was extracted from lives in the WARC files."""

    model_config = ConfigDict(extra="forbid")

    warc_file: str = Field(description="WARC file name under warc/<site>/ holding the response.")
    warc_offset: int = Field(ge=0, description="Byte offset of the response record's gzip member.")
    warc_record_id: str = Field(description="WARC-Record-ID of the response record.")
    payload_digest: str | None = Field(description="WARC-Payload-Digest of the response.")


class ExtractorInfo(BaseModel):
    """Which extractor produced the document."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str


class Changes(BaseModel):
    """How this version differs from the one before it (edit tracking)."""

    model_config = ConfigDict(extra="forbid")

    previous_version: int = Field(ge=1, description="The version this one is compared with.")
    previous_fetched_at: str = Field(
        pattern=_ISO_DATETIME_UTC, description="When the previous version was fetched."
    )
    fields: list[str] = Field(
        description="Fields that changed: title, text, authors, published, modified; after "
        "`archiver reextract`, any extracted field."
    )
    diff: str = Field(
        description="Unified diff of the changed fields (text by line), cut to about 60 lines."
    )


class Rendering(BaseModel):
    """Whether the text came from a page loaded in a browser (`crawl.render`), and why; or why
    a page with no article text was not. Absent from documents made without a word to say."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["never", "auto", "always"] = Field(description="The render mode applied.")
    rendered: bool = Field(
        description="True when the text was extracted from the DOM a browser built."
    )
    reason: str = Field(description="Why it was (or was not) loaded in a browser, in words.")
    fetched_words: int | None = Field(
        default=None, ge=0, description="auto: words of article text in the HTML as fetched."
    )
    dom_record_id: str | None = Field(
        default=None, description="The WARC resource record (urn:dom:<url>) holding the DOM."
    )
    dom_warc_file: str | None = Field(
        default=None, description="The WARC file under warc/<site>/ holding that record."
    )
    dom_warc_offset: int | None = Field(
        default=None, ge=0, description="Its byte offset (`archiver reextract` reads the DOM)."
    )
    screenshot_record_id: str | None = Field(
        default=None, description="The viewport screenshot's resource record (urn:screenshot:)."
    )
    full_page_screenshot_record_id: str | None = Field(
        default=None, description="The full-page screenshot's resource record."
    )
    requests: int | None = Field(
        default=None, ge=0, description="Exchanges the page made in the browser, archived."
    )
    aborted: dict[str, int] = Field(
        default_factory=dict, description="Requests the page tried that were refused, by reason."
    )
    failed: int | None = Field(
        default=None, ge=0, description="Requests the page made that got no answer."
    )


class Article(BaseModel):
    """One capture of one article, normalised. Unknown values are null, never invented."""

    model_config = ConfigDict(extra="forbid")

    schema_: Literal["archiver/article/v1"] = Field(
        default="archiver/article/v1", alias="schema", description="Schema identifier."
    )
    id: str = Field(description="Stable id derived from the canonical URL (16 hex digits).")
    url: str = Field(description="URL the page was fetched from (after redirects).")
    requested_url: str | None = Field(
        default=None, description="URL that was asked for, where a redirect changed it."
    )
    canonical_url: str | None = Field(description="Canonical URL declared by the page.")
    site: str = Field(description="Site key of the config (or collection) it belongs to.")
    section: str | None = Field(description="Section whose listing led to the article.")
    is_article: bool = Field(
        default=True, description="False when the page was archived but is not an article."
    )
    title: str | None
    description: str | None
    authors: list[str] = Field(description="Person names, one per entry.")
    published: str | None = Field(
        pattern=_ISO_DATE_OR_DATETIME,
        description="ISO 8601: datetime with offset, or a date when no time zone is known.",
    )
    published_raw: str | None = Field(default=None, description="Published date as on the page.")
    modified: str | None = Field(pattern=_ISO_DATE_OR_DATETIME)
    modified_raw: str | None = None
    language: str | None = Field(description="BCP 47 language tag, e.g. 'en'.")
    text: str | None = Field(description="Clean body; paragraphs separated by a blank line.")
    tags: list[str]
    image: str | None
    paywalled: bool | None = Field(description="True when the page says it is behind a paywall.")
    word_count: int = Field(ge=0)
    fetched_at: str = Field(
        pattern=_ISO_DATETIME_UTC, description="When the page was fetched (UTC)."
    )
    http_status: int
    version: int = Field(ge=1, description="1 for the first capture; higher when it changed.")
    changes: Changes | None = Field(
        default=None, description="For version 2 and later: what changed since the version before."
    )
    provenance: Provenance
    extractor: ExtractorInfo
    rendering: Rendering | None = Field(
        default=None,
        description="Browser capture: present when the page was loaded in a browser, or when "
        "its HTML held no article text (saying why it was not rendered).",
    )

    def to_json_dict(self) -> dict[str, Any]:
        """The document as written to disk (field 'schema', not 'schema_'; no `rendering`
        when there is nothing to say, as in documents made before it existed)."""
        data = self.model_dump(by_alias=True, mode="json")
        if data.get("rendering") is None:
            data.pop("rendering", None)
        return data

    def to_json_bytes(self) -> bytes:
        """Stable, human-readable UTF-8 JSON."""
        text = json.dumps(self.to_json_dict(), ensure_ascii=False, indent=2, sort_keys=False)
        return (text + "\n").encode("utf-8")


def article_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the article document."""
    return _json_schema(Article, "article.schema.json", "archiver article document v1")


class ListedArticle(BaseModel):
    """One article URL as a section page, feed or sitemap listed it."""

    model_config = ConfigDict(extra="forbid")

    url: str
    title: str | None = Field(default=None, description="As the feed or sitemap gave it.")
    published: str | None = Field(
        default=None, description="ISO 8601, as the feed or sitemap gave it (UTC)."
    )


class SectionSnapshot(BaseModel):
    """What one fetch of a section page, feed or sitemap listed, in order."""

    model_config = ConfigDict(extra="forbid")

    schema_: Literal["archiver/section-snapshot/v1"] = Field(
        default="archiver/section-snapshot/v1", alias="schema", description="Schema identifier."
    )
    site: str
    kind: Literal["section", "feed", "sitemap"]
    section: str | None = Field(description="The config's section name (section pages only).")
    page: int | None = Field(description="Listing page number, 1 for the section URL itself.")
    url: str = Field(description="The section page, feed or sitemap URL fetched.")
    fetched_at: str = Field(pattern=_ISO_DATETIME_UTC, description="WARC-Date of the fetch.")
    warc_file: str = Field(description="WARC file under warc/<site>/ holding the fetch.")
    warc_record_id: str = Field(description="Its response (or revisit) record.")
    articles: list[ListedArticle] = Field(description="The article URLs listed, in order.")

    def to_json_bytes(self) -> bytes:
        """Stable, human-readable UTF-8 JSON."""
        data = self.model_dump(by_alias=True, mode="json")
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_schema(model: type[BaseModel], name: str, title: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://archiver.invalid/schemas/{name}",
        **model.model_json_schema(by_alias=True),
        "title": title,
    }


def snapshot_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the section snapshot document."""
    return _json_schema(
        SectionSnapshot, "section-snapshot.schema.json", "archiver section snapshot v1"
    )


def write_json_schemas() -> None:
    """Regenerate the shipped schema files (article, section snapshot) from the models."""
    for path, schema in (
        (SCHEMA_PATH, article_json_schema()),
        (SNAPSHOT_SCHEMA_PATH, snapshot_json_schema()),
    ):
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    write_json_schemas()
