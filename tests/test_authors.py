"""Unit tests of author extraction: structured authors, house bylines, agencies."""

from __future__ import annotations

import json
from typing import Any

from archiver.extraction.authors import (
    authors_from_bylines,
    authors_from_jsonld,
    authors_from_microdata,
    clean_authors,
    jsonld_author_entries,
)
from archiver.extraction.extract import extract

URL = "https://www.example-daily.com/world/2026/01/15/harbour-reopens-after-storm"

BODY = "".join(
    f"<p>{text}</p>"
    for text in (
        "The harbour reopened on Thursday after a week of storms had kept the ferries in port "
        "and left the fishing fleet tied up along the quay, the port authority said.",
        "Crews cleared fallen trees from the coast road overnight and engineers checked the "
        "breakwater for damage before the first boats were allowed to leave at dawn.",
        "Shop owners on the seafront said the closure had cost them most of a month's trade, "
        "and asked the council to help with repairs to the promenade and its railings.",
    )
)


def page(*, jsonld: Any = None, head: str = "", byline: str = "") -> str:
    ld = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Harbour reopens after storm | Example Daily</title>"
        f"<meta property='og:site_name' content='Example Daily'>{head}{ld}</head>"
        f"<body><main><article><h1>Harbour reopens after storm</h1>{byline}{BODY}"
        "</article></main></body></html>"
    )


def article(**extra: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", **extra}


# --------------------------------------------------------------------------- JSON-LD values


def test_entries_mark_organisations_and_resolve_references() -> None:
    nodes = {"#p1": {"@id": "#p1", "@type": "Person", "name": "Jane Doe"}}
    value = [{"@id": "#p1"}, [{"@type": "NewsAgency", "name": "Wire Agency"}], "Tom Field"]
    assert jsonld_author_entries(value, nodes) == [
        ("Jane Doe", False),
        ("Wire Agency", True),
        ("Tom Field", False),
    ]


def test_structured_names_kept_whole() -> None:
    # A staff credit or desk is a name as the page gives it; foreign conjunctions do not split.
    assert authors_from_jsonld({"@type": "Person", "name": "Metro Staff Writer"}) == [
        "Metro Staff Writer"
    ]
    assert authors_from_jsonld({"@type": "Person", "name": "La Gazette et AFP"}) == [
        "La Gazette et AFP"
    ]


def test_structured_name_drops_trailing_role_and_domain() -> None:
    value = {"@type": "Person", "name": "Jane Doe, Senior Correspondent, example-daily.com"}
    assert authors_from_jsonld(value) == ["Jane Doe"]


def test_structured_given_and_family_name_and_dedupe() -> None:
    value = [
        {"@type": "Person", "givenName": "Anna Maria", "familyName": "Berg"},
        {"@type": "Person", "name": "ANNA MARIA BERG"},
    ]
    assert authors_from_jsonld(value) == ["Anna Maria Berg"]


# --------------------------------------------------------------------------- choosing a source


def test_person_with_agency_keeps_both() -> None:
    ld = article(
        author=[
            {"@type": "Person", "name": "Jane Doe"},
            {"@type": "Organization", "name": "Wire Agency"},
        ]
    )
    assert extract(page(jsonld=ld), URL).authors == ["Jane Doe", "Wire Agency"]


def test_house_byline_is_the_author() -> None:
    ld = article(author={"@type": "Organization", "name": "Example Daily"})
    assert extract(page(jsonld=ld), URL).authors == ["Example Daily"]


def test_house_byline_gives_way_to_prefixed_person_byline() -> None:
    ld = article(author={"@type": "Organization", "name": "Example Daily"})
    html = page(jsonld=ld, byline="<p class='byline'>By Jane Doe, Harbourtown</p>")
    assert extract(html, URL).authors[0] == "Jane Doe"


def test_house_byline_not_replaced_by_agency_credit() -> None:
    ld = article(author={"@type": "Organization", "name": "Example Daily"})
    html = page(jsonld=ld, byline="<p class='byline'>By APA</p>")
    assert extract(html, URL).authors == ["Example Daily"]


def test_agency_organisation_is_not_the_site() -> None:
    ld = article(author={"@type": "Organization", "name": "dpa"})
    html = page(jsonld=ld, head="<meta itemprop='author' content='dpa'>")
    assert extract(html, URL).authors == ["dpa"]


# --------------------------------------------------------------------------- bylines


def test_bylines_prefixes_and_conjunctions() -> None:
    assert clean_authors(["Von Anna Schmidt und Peter Lang"]) == ["Anna Schmidt", "Peter Lang"]
    assert clean_authors(["By Jane Doe & Tom Field"]) == ["Jane Doe", "Tom Field"]


def test_lower_case_agency_credit_kept() -> None:
    assert clean_authors(["dpa"]) == ["dpa"]
    assert clean_authors(["staff"]) == []


def test_bylines_require_prefix() -> None:
    texts = ["Jane Doe", "By Tom Field"]
    assert authors_from_bylines(texts) == ["Jane Doe"]
    assert authors_from_bylines(texts, require_prefix=True) == ["Tom Field"]


def test_microdata_narrowed_by_prefixed_byline() -> None:
    values = ["Jane Doe", "Tom Field", "Ann Lee"]
    assert authors_from_microdata(values, ["By Jane Doe"]) == ["Jane Doe"]
    assert authors_from_microdata(values, ["Jane Doe"]) == ["Jane Doe", "Tom Field", "Ann Lee"]
