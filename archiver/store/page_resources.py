"""A captured page's resource account: how many resources it needs, and which were not archived.

The crawl makes these (`archiver.crawl.resources.ResourceLedger`); the archive keeps them as WARC
metadata records and catalog rows; replay and reports read them back.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any


def missing_sentence(missing: int, needed: int) -> str:
    """``3 of 40 page resources were not archived``: the words replay and reports use."""
    return f"{missing} of {needed} page resources were not archived"


@dataclass(frozen=True)
class MissingResource:
    """One resource a page needs that was not archived, of which kind, and why."""

    url: str
    kind: str
    reason: str


@dataclass(frozen=True)
class PageResourceReport:
    """What became of the resources one captured page needs."""

    page_url: str
    needed: int
    archived: int
    missing: tuple[MissingResource, ...] = ()

    @property
    def missing_count(self) -> int:
        return self.needed - self.archived

    def reasons(self) -> dict[str, int]:
        """Missing resources counted by reason, most frequent first."""
        return dict(Counter(m.reason for m in self.missing).most_common())

    def sentence(self) -> str:
        """``3 of 40 page resources were not archived`` (or that all of them were)."""
        if self.missing_count <= 0:
            return f"all {self.needed} page resources were archived"
        return missing_sentence(self.missing_count, self.needed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page_url,
            "needed": self.needed,
            "archived": self.archived,
            "missing": [{"url": m.url, "kind": m.kind, "reason": m.reason} for m in self.missing],
        }

    def to_json_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageResourceReport:
        missing = tuple(
            MissingResource(str(m["url"]), str(m.get("kind", "other")), str(m["reason"]))
            for m in data.get("missing", [])
        )
        return cls(str(data["page"]), int(data["needed"]), int(data["archived"]), missing)
