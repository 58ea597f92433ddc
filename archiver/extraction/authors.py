"""Turn bylines and structured author values into clean person names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = ["authors_from_bylines", "authors_from_jsonld", "clean_authors"]

_PREFIX_RE = re.compile(
    r"^\s*(?:(?:written|posted|reported|text|story|photos?|words|interview)\s+)?"
    r"(?:by|from|von|vom|par|por|door|av|af|által|tekst|text|autor(?:in)?|"
    r"author|reporter|redakcja)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(
    r"\s*(?:;|,|&|\||/|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b|\bog\b|"
    r"\ben\b|\boch\b|\bu\.|\bsowie\b)\s*",
    re.IGNORECASE,
)
_ROLE_WORDS = {
    "correspondent", "editor", "reporter", "writer", "staff", "contributor", "journalist",
    "columnist", "columnista", "redakteur", "redakteurin", "redaktion", "korrespondent",
    "korrespondentin", "chief", "senior", "deputy", "producer", "photographer", "analyst",
    "updated", "published", "posted", "team", "desk", "newsroom", "redacción", "rédaction",
    "redazione", "contributing",
    "political", "editorial", "guest", "opinion", "freelance", "mitarbeiter", "autor",
    "autorin", "author", "by", "von", "special", "to", "for", "in", "at", "with",
    "more", "articles", "read", "bio", "follow", "email", "twitter", "copyright",
    "quelle", "source", "fuente", "agenturen", "folgen", "share", "teilen", "profile",
}  # fmt: skip
_NOISE_RE = re.compile(
    r"https?://\S+|\S+@\S+|\(.*?\)|\[.*?\]|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}"
)
_LETTER_RE = re.compile(r"[^\W\d_]")
# Job titles written after CJK names ("신현주 기자", "山田太郎記者").
_CJK_ROLE_RE = re.compile(
    r"\s*(?:기자|특파원|논설위원|記者|特派員|特派员|编辑|編集委員|责编|責編)\s*$"
)


def _clean_one(name: str) -> str | None:
    name = unicodedata.normalize("NFC", name)
    name = _NOISE_RE.sub(" ", name)
    name = " ".join(name.split()).strip(" .:-\u2013\u2014|·•*\"'“”„")
    name = _CJK_ROLE_RE.sub("", name)
    prev = None
    while prev != name:
        prev = name
        name = _PREFIX_RE.sub("", name).strip(" .:-\u2013\u2014|·•*\"'“”„")
    if not name or not _LETTER_RE.search(name) or any(ch.isdigit() for ch in name):
        return None
    words = name.split()
    if len(words) > 5 or len(name) > 60:
        return None
    if any(w.lower().strip(".,") in _ROLE_WORDS for w in words):
        return None
    if all(w[:1].islower() for w in words if _LETTER_RE.match(w[:1])):
        return None
    return name


def clean_authors(values: Iterable[str]) -> list[str]:
    """Split bylines on and/und/&/commas/semicolons, drop prefixes, roles, dates; dedupe."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        # "Doe, Jane" (surname first) is rare on news pages; commas separate names or roles.
        for part in _SPLIT_RE.split(_PREFIX_RE.sub("", value.strip())):
            name = _clean_one(part)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                out.append(name)
    return out


def authors_from_jsonld(value: Any, nodes: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Person names from a schema.org ``author``: Person/strings/lists; Organizations dropped.

    ``nodes`` resolves ``{"@id": ...}`` references into the page's ``@graph``.
    """
    raw: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            raw.append(item)
            continue
        if not isinstance(item, dict):
            continue
        if nodes and set(item) <= {"@id", "@type"} and item.get("@id") in nodes:
            item = nodes[item["@id"]]
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in ("Organization", "NewsMediaOrganization", "Corporation") for t in types):
            continue
        name = item.get("name")
        if isinstance(name, list):
            name = name[0] if name and isinstance(name[0], str) else None
        if not isinstance(name, str) and isinstance(item.get("givenName"), str):
            name = f"{item['givenName']} {item.get('familyName') or ''}"
        if isinstance(name, str):
            raw.append(name)
    return clean_authors(raw)


def authors_from_bylines(texts: Iterable[str]) -> list[str]:
    """Names from on-page byline elements: the first that reads like a byline.

    Without a "By"-style prefix, every name must have at least two words, which keeps out
    "Follow", places and other one-word labels found in author-ish markup.
    """
    for text in texts:
        names = clean_authors([text])
        if names and (_PREFIX_RE.match(text) or all(_looks_like_name(n) for n in names)):
            return names
    return []


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and not any(w[:1].islower() for w in words)
