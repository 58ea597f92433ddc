"""A page's authors: clean person names from bylines and structured author values, and the
choice among the sources a page names them in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from archiver.extraction.structured import PageData

__all__ = [
    "authors_from_bylines",
    "authors_from_jsonld",
    "authors_from_microdata",
    "choose_authors",
    "clean_authors",
    "jsonld_author_entries",
    "looks_like_person",
]

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
# News agencies, credited as authors like people; some write their name in lower case.
_AGENCIES = {
    "dpa", "afp", "ap", "apa", "reuters", "epd", "kna", "sda", "ansa", "efe", "anp", "ntb",
    "tt", "stt", "pap", "ctk", "mti", "belga", "ddp", "sid", "kyodo", "xinhua", "yonhap",
    "pti", "ians", "upi", "dts", "afp/dpa", "dpa/afp", "awp", "keystone-sda", "europa press",
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
    if name.casefold() not in _AGENCIES and all(
        w[:1].islower() for w in words if _LETTER_RE.match(w[:1])
    ):
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


_ORG_TYPES = {
    "Organization", "NewsMediaOrganization", "Corporation", "NewsAgency", "MediaOrganization",
    "OnlineBusiness", "LocalBusiness", "GovernmentOrganization", "EducationalOrganization",
}  # fmt: skip
# Structured names hold one name each; only unambiguous list separators split them.
_STRUCT_SPLIT_RE = re.compile(r"\s*(?:;|,|&|\||\band\b|\bund\b)\s*", re.IGNORECASE)
_DOMAIN_RE = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_STRIP = " .:-\u2013\u2014|·•*\"'“”„"


def _clean_structured(name: str) -> list[str]:
    """Names from one structured (JSON-LD) author name, kept whole where possible.

    A lone name is kept as given (it may be "Staff", a desk or the publisher: the page says
    so); when a name has several comma-separated parts, parts that are roles, places or
    descriptions are dropped as in bylines, but the first part is kept.
    """
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"https?://\S+|\S+@\S+|\(.*?\)|\[.*?\]", " ", name)
    name = " ".join(name.split()).strip(_STRIP)
    name = _PREFIX_RE.sub("", name).strip(_STRIP)
    parts = [p.strip(_STRIP) for p in _STRUCT_SPLIT_RE.split(name)]
    parts = [p for p in parts if p]
    out: list[str] = []
    for i, part in enumerate(parts):
        part = _CJK_ROLE_RE.sub("", part).strip(_STRIP)
        if len(parts) > 1 and i > 0:
            cleaned = _clean_one(part)
            if cleaned and not _DOMAIN_RE.match(cleaned):
                out.append(cleaned)
            continue
        if (
            part
            and _LETTER_RE.search(part)
            and not any(ch.isdigit() for ch in part)
            and len(part.split()) <= 8
            and len(part) <= 80
        ):
            out.append(part)
    return out


def jsonld_author_entries(
    value: Any, nodes: dict[str, dict[str, Any]] | None = None
) -> list[tuple[str, bool]]:
    """``(name, is_organization)`` for each author in a schema.org ``author`` value.

    Handles strings, Person/Organization objects, nested lists, ``{"@id": ...}`` references
    into the page's ``@graph`` (``nodes``), ``givenName``/``familyName``. Untyped objects and
    plain strings count as persons. Names are deduplicated case-insensitively.
    """
    out: list[tuple[str, bool]] = []
    seen: set[str] = set()

    def add(name: str, is_org: bool) -> None:
        for part in _clean_structured(name):
            if part.casefold() not in seen:
                seen.add(part.casefold())
                out.append((part, is_org))

    def walk(item: Any, depth: int) -> None:
        if depth > 3:
            return
        if isinstance(item, list):
            for sub in item:
                walk(sub, depth + 1)
            return
        if isinstance(item, str):
            add(item, False)
            return
        if not isinstance(item, dict):
            return
        ref = item.get("@id")
        if nodes and set(item) <= {"@id", "@type"} and isinstance(ref, str) and ref in nodes:
            item = nodes[ref]
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        is_org = any(t in _ORG_TYPES for t in types if isinstance(t, str))
        name = item.get("name")
        if isinstance(name, list):
            name = name[0] if name and isinstance(name[0], str) else None
        if not (isinstance(name, str) and name.strip()) and isinstance(item.get("givenName"), str):
            name = f"{item['givenName']} {item.get('familyName') or ''}"
        if isinstance(name, str):
            add(name, is_org)

    walk(value, 0)
    return out


def authors_from_jsonld(value: Any, nodes: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Person names from a schema.org ``author``: Person/strings/lists; Organizations dropped.

    ``nodes`` resolves ``{"@id": ...}`` references into the page's ``@graph``.
    """
    return [name for name, is_org in jsonld_author_entries(value, nodes) if not is_org]


def authors_from_bylines(texts: Iterable[str], *, require_prefix: bool = False) -> list[str]:
    """Names from on-page byline elements: the first that reads like a byline.

    Without a "By"-style prefix, every name must have at least two words, which keeps out
    "Follow", places and other one-word labels found in author-ish markup. With
    ``require_prefix``, only bylines starting with such a prefix count.
    """
    for text in texts:
        names = clean_authors([text])
        if not names:
            continue
        if _PREFIX_RE.match(text) or (
            not require_prefix and all(looks_like_person(n) for n in names)
        ):
            return names
    return []


def authors_from_microdata(values: list[str], bylines: Iterable[str]) -> list[str]:
    """``itemprop=author`` names (the first three); a "By ..." byline naming a subset of them
    wins, since microdata also marks the authors of related-article teasers."""
    names = clean_authors(values[:3])
    if len(names) > 1:
        byline = authors_from_bylines(bylines, require_prefix=True)
        if byline and {n.casefold() for n in byline} < {n.casefold() for n in names}:
            return byline
    return names


def looks_like_person(name: str) -> bool:
    """At least two words, none starting lower-case (a one-word credit is often an agency)."""
    return _looks_like_name(name)


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and not any(w[:1].islower() for w in words)


def choose_authors(
    page: PageData,
    art: dict[str, Any],
    site_names: list[str],
    fallback_author: Callable[[], str | None],
) -> list[str]:
    """Authors as the page's structured data names them, else from the first other source.

    JSON-LD ``author`` comes first and is taken as given: persons, and organisations listed
    beside them (a joint credit, e.g. an agency). When it names only the publisher itself
    (a house byline), a person credited in meta tags, microdata or a "By ..." byline wins;
    otherwise the house name is the author. A lone third-party organisation is not taken.
    Other sources: meta tags, microdata, an on-page byline, trafilatura's (``fallback_author``,
    called only when needed); their names equal to the site's own name are dropped.
    """
    entries = jsonld_author_entries(art.get("author"), page.nodes) if art else []
    # ``site_names`` holds every JSON-LD organisation, the author's too: an agency credited
    # as author is not the site.
    author_orgs = {_site_key(name) for name, is_org in entries if is_org}
    site_keys = {_site_key(n) for n in site_names} - author_orgs
    meta = page.meta

    def node_name(value: Any) -> str | None:
        if isinstance(value, dict) and isinstance(value.get("@id"), str) and "name" not in value:
            value = page.nodes.get(value["@id"], value)
        if isinstance(value, dict):
            value = value.get("name")
        return value if isinstance(value, str) else None

    own_names = [
        page.first_meta("og:site_name", "application-name"),
        node_name(art.get("publisher")) if art else None,
        urlsplit(page.canonical or page.first_meta("og:url") or "").hostname,
    ]
    own_keys = {k for k in (_site_key(n) for n in own_names if n) if len(k) >= 3}

    def is_own(name: str) -> bool:
        key = _site_key(name)
        return bool(key) and any(k == key or k in key or key in k for k in own_keys)

    sources: list[Any] = [
        lambda: clean_authors(
            v
            for key in (
                "author",
                "article:author",
                "parsely-author",
                "sailthru.author",
                "dc.creator",
                "byl",
            )
            for v in meta.get(key, [])
            if not v.lower().startswith(("http", "@", "www."))
        ),
        lambda: authors_from_microdata(page.itemprops.get("author", []), page.bylines),
        lambda: authors_from_bylines(page.bylines),
        lambda: clean_authors((fallback_author() or "").split(";")),
    ]

    if any(not is_org and not is_own(name) for name, is_org in entries):
        return [name for name, _ in entries]
    house = [name for name, is_org in entries if not is_org or is_own(name)]
    if house:
        prefixed = lambda: authors_from_bylines(page.bylines, require_prefix=True)  # noqa: E731
        for source in (*sources[:2], prefixed):
            names = [n for n in source() if _site_key(n) not in site_keys and not is_own(n)]
            if any(looks_like_person(n) for n in names):
                return names
        return house
    for source in sources:
        names = [n for n in source() if _site_key(n) not in site_keys]
        if names:
            return list(names)
    return []


def _site_key(name: str) -> str:
    key = re.sub(r"^www\.|\.(?:com|de|at|ch|net|org|co\.uk|[a-z]{2})$", "", name.casefold().strip())
    return re.sub(r"\W+", "", key)
