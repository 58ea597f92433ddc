"""What extraction yields (`ExtractedArticle`) and which extractor made it: no trafilatura here,
so that the archive can store and read documents without loading the extractor."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from typing import Any

from archiver import __version__

EXTRACTOR_NAME = "archiver"
# Raised whenever a change to the rules in archiver.extraction can change what a page yields,
# so documents (and ``archiver reextract``) tell which rules made them.
EXTRACTION_RULES = 2
EXTRACTOR_VERSION = f"{__version__}+rules{EXTRACTION_RULES}-trafilatura-{version('trafilatura')}"


@dataclass(frozen=True)
class ExtractedArticle:
    """Fields extracted from one page; unknown values are None (or empty), never invented.

    Dates are ISO 8601: a datetime with offset when the page gives a zone, else a date.
    ``*_raw`` keep the value as found. URLs are absolute. ``text`` is None unless
    ``is_article``; its paragraphs are separated by a blank line.
    """

    is_article: bool
    title: str | None
    description: str | None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_raw: str | None = None
    modified: str | None = None
    modified_raw: str | None = None
    language: str | None = None
    text: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    canonical_url: str | None = None
    paywalled: bool | None = None
    word_count: int = 0
    site_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of all fields."""
        return asdict(self)
