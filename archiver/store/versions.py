"""The next version of an article document: numbered after the stored one, saying what changed.

A crawl makes one from a new capture (`SiteArchive.store_article`), `archiver reextract` from the
same capture run through the current extractor; both get it here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from archiver.extraction.fields import EXTRACTOR_NAME, EXTRACTOR_VERSION
from archiver.store.changes import VERSIONED_FIELDS, compare
from archiver.store.document import Article


@dataclass(frozen=True)
class PreviousVersion:
    """The newest stored version of an article: its number, fetch date and document."""

    version: int
    fetched_at: str
    document: Mapping[str, Any] | None  # None when it cannot be read


def next_version(
    fields: Mapping[str, Any],
    previous: PreviousVersion | None,
    *,
    compared: Sequence[str] = VERSIONED_FIELDS,
) -> Article | None:
    """Version 1, or the one after `previous`, of the document `fields` make, or None.

    `fields` are the document's but ``version``, ``changes`` and ``extractor``, which are set
    here (the extractor is the current one). None means that no `compared` field differs from
    the previous document: nothing new to store. Where the previous document cannot be read,
    the new version is stored, its changes counted against an empty one. Raises pydantic's
    ValidationError when the result is not a valid article document.
    """
    version, changes = 1, None
    if previous is not None:
        version = previous.version + 1
        change_set = compare(
            previous.document or {},
            fields,
            old_label=f"v{previous.version}",
            new_label=f"v{version}",
            fields=compared,
        )
        if change_set is None and previous.document is not None:
            return None
        if change_set is not None:
            changes = {
                "previous_version": previous.version,
                "previous_fetched_at": previous.fetched_at,
                "fields": change_set.fields,
                "diff": change_set.diff,
            }
    return Article.model_validate(
        {
            **fields,
            "version": version,
            "changes": changes,
            "extractor": {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION},
        }
    )
