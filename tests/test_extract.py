"""Unit tests of archiver.extraction.extract on small hand-written pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver.config import ExtractHints
from archiver.extraction.authors import authors_from_jsonld, clean_authors
from archiver.extraction.dates import parse_date
from archiver.extraction.decode import decode_html
from archiver.extraction.extract import ExtractionError, extract
from archiver.extraction.fields import EXTRACTOR_NAME, EXTRACTOR_VERSION, ExtractedArticle
from archiver.extraction.title import strip_site_suffix

URL = "https://news.example.com/world/2026/01/15/river-flood-warning"

PARAGRAPHS = [
    "The river rose above its banks overnight, flooding the lower town and forcing dozens of "
    "families to leave their homes before dawn, officials said on Thursday morning.",
    "Emergency crews worked through the night to reinforce the old levee with sandbags, while "
    "volunteers opened the school gym as a shelter for those who had nowhere else to go.",
    "The mayor said the water was expected to peak by the afternoon and asked residents to stay "
    "away from the embankment until engineers had inspected the damaged sections of the wall.",
    "Forecasters warned that more rain was on the way for the weekend, which could slow the "
    "recovery and put pressure on the pumping stations that keep the harbour district dry.",
]


def page(
    *,
    head: str = "",
    jsonld: Any = None,
    lang: str | None = "en",
    h1: str | None = "River floods lower town",
    byline: str = "",
    paragraphs: list[str] | None = None,
) -> str:
    """A small article page with optional extra head markup and JSON-LD."""
    ld = ""
    if jsonld is not None:
        ld = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    body = "".join(f"<p>{p}</p>" for p in (PARAGRAPHS if paragraphs is None else paragraphs))
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'>"
        f"<title>River floods lower town | Example News</title>{head}{ld}</head>"
        f"<body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        f"<main><article>{f'<h1>{h1}</h1>' if h1 else ''}{byline}{body}</article></main>"
        f"<footer><p>Copyright Example News</p></footer></body></html>"
    )


def news_ld(**extra: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", **extra}


# --------------------------------------------------------------------------- basics


def test_article_basics() -> None:
    art = extract(page(jsonld=news_ld(headline="River floods lower town")), URL)
    assert isinstance(art, ExtractedArticle)
    assert art.is_article
    assert art.title == "River floods lower town"
    assert art.text is not None
    assert art.text.split("\n\n")[0].startswith("The river rose above its banks")
    assert len(art.text.split("\n\n")) == 4
    assert "River floods lower town" not in art.text
    assert "Copyright" not in art.text
    assert art.word_count == len(art.text.split())
    d = art.to_dict()
    assert d["title"] == art.title and set(d) >= {"is_article", "text", "authors", "published"}
    assert EXTRACTOR_NAME == "archiver"
    assert "trafilatura-" in EXTRACTOR_VERSION


def test_bytes_and_str_give_the_same_result() -> None:
    html = page()
    assert extract(html.encode("utf-8"), URL) == extract(html, URL)


# --------------------------------------------------------------------------- authors


def test_byline_split_on_and() -> None:
    assert clean_authors(["By Jane Doe and Tom Field"]) == ["Jane Doe", "Tom Field"]


def test_byline_role_dropped() -> None:
    assert clean_authors(["Jane Doe, Political Correspondent"]) == ["Jane Doe"]


def test_byline_dates_and_prefix_dropped() -> None:
    assert clean_authors(["Von Anna Schmidt | 12.03.2024, 10:15"]) == ["Anna Schmidt"]


def test_jsonld_person_list() -> None:
    ld = news_ld(
        author=[{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Tom Field"}]
    )
    art = extract(page(jsonld=ld), URL)
    assert art.authors == ["Jane Doe", "Tom Field"]


def test_jsonld_organization_author_not_a_person() -> None:
    ld = news_ld(author={"@type": "Organization", "name": "Example Wire Service"})
    assert authors_from_jsonld(ld["author"]) == []
    assert extract(page(jsonld=ld), URL).authors == []


def test_jsonld_author_reference_in_graph() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "NewsArticle", "headline": "x", "author": {"@id": "#p1"}},
            {"@type": "Person", "@id": "#p1", "name": "Jane Doe"},
        ],
    }
    assert extract(page(jsonld=graph), URL).authors == ["Jane Doe"]


def test_meta_author_used_without_jsonld() -> None:
    art = extract(page(head='<meta name="author" content="By Jane Doe and Tom Field">'), URL)
    assert art.authors == ["Jane Doe", "Tom Field"]


def test_on_page_byline() -> None:
    art = extract(page(byline='<p class="byline">By Jane Doe</p>'), URL)
    assert art.authors == ["Jane Doe"]


# --------------------------------------------------------------------------- dates


def test_jsonld_date_with_offset_and_modified_apart() -> None:
    ld = news_ld(
        datePublished="2025-11-20T08:15:00+01:00", dateModified="2025-11-21T09:00:00+01:00"
    )
    art = extract(page(jsonld=ld), URL)
    assert art.published == "2025-11-20T08:15:00+01:00"
    assert art.published_raw == "2025-11-20T08:15:00+01:00"
    assert art.modified == "2025-11-21T09:00:00+01:00"


def test_meta_date_with_z() -> None:
    head = '<meta property="article:published_time" content="2025-11-20T08:15:00Z">'
    art = extract(page(head=head), URL)
    assert art.published == "2025-11-20T08:15:00+00:00"
    assert art.published_raw == "2025-11-20T08:15:00Z"
    assert art.modified is None


def test_naive_time_gives_date_only() -> None:
    art = extract(page(jsonld=news_ld(datePublished="2025-11-20T08:15:00")), URL)
    assert art.published == "2025-11-20"
    assert art.published_raw == "2025-11-20T08:15:00"


def test_zoned_value_of_same_day_refines_naive() -> None:
    head = '<meta property="article:published_time" content="2025-11-20T08:15:00+02:00">'
    art = extract(page(head=head, jsonld=news_ld(datePublished="2025-11-20T08:15:00")), URL)
    assert art.published == "2025-11-20T08:15:00+02:00"


def test_future_date_rejected() -> None:
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat(timespec="seconds")
    assert parse_date(future) is None
    art = extract(page(jsonld=news_ld(datePublished=future)), URL)
    assert art.published != future
    assert art.published is None or art.published[:10] <= datetime.now(UTC).date().isoformat()


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-05-03T15:47:42.389+0200", "2024-05-03T15:47:42+02:00"),
        ("2024-05-03", "2024-05-03"),
        ("Fri, 03 May 2024 15:47:42 GMT", "2024-05-03T15:47:42+00:00"),
        ("2024-05-03 15:47", "2024-05-03"),
    ],
)
def test_parse_date_formats(raw: str, iso: str) -> None:
    parsed = parse_date(raw)
    assert parsed is not None and parsed.iso == iso


def test_parse_date_garbage() -> None:
    assert parse_date("yesterday-ish") is None
    assert parse_date("2024-13-45") is None


# --------------------------------------------------------------------------- title


@pytest.mark.parametrize(
    "raw",
    ["River floods lower town | Example News", "River floods lower town - Example News"],
)
def test_title_suffix_removed(raw: str) -> None:
    assert strip_site_suffix(raw, ["Example News"], URL) == "River floods lower town"


def test_title_from_og_title_without_h1() -> None:
    head = (
        '<meta property="og:title" content="River floods lower town - Example News">'
        '<meta property="og:site_name" content="Example News">'
    )
    art = extract(page(head=head, h1=None), URL)
    assert art.title == "River floods lower town"
    assert art.site_name == "Example News"


def test_title_keeps_hyphenated_headline() -> None:
    head = '<meta property="og:title" content="Mid-term results - what we know">'
    art = extract(page(head=head, h1="Mid-term results - what we know"), URL)
    assert art.title == "Mid-term results - what we know"


# --------------------------------------------------------------------------- urls, language


def test_canonical_resolved_against_url() -> None:
    art = extract(page(head='<link rel="canonical" href="/world/river-flood">'), URL)
    assert art.canonical_url == "https://news.example.com/world/river-flood"


def test_og_url_fallback_and_image() -> None:
    head = (
        '<meta property="og:url" content="https://news.example.com/a">'
        '<meta property="og:image" content="/img/flood.jpg">'
    )
    art = extract(page(head=head), URL)
    assert art.canonical_url == "https://news.example.com/a"
    assert art.image == "https://news.example.com/img/flood.jpg"


IN_GERMAN = "Der Fluss ist über die Ufer getreten und hat die Unterstadt überflutet."
IN_FRENCH = "La rivière est sortie de son lit et a inondé la ville basse cette nuit."
IN_PORTUGUESE = "O rio transbordou e inundou a parte baixa da cidade durante a noite."


@pytest.mark.parametrize(
    ("lang", "head", "ld", "text", "expected"),
    [
        ("de-DE", "", None, IN_GERMAN, "de"),
        (None, '<meta property="og:locale" content="fr_FR">', None, IN_FRENCH, "fr"),
        (None, "", news_ld(inLanguage="pt-BR"), IN_PORTUGUESE, "pt"),
        # the declaration names the language when the text is too short to tell
        ("de-DE", "", None, "Kurz.", "de"),
    ],
)
def test_language(lang: str | None, head: str, ld: Any, text: str, expected: str) -> None:
    art = extract(page(lang=lang, head=head, jsonld=ld, paragraphs=[text] * 4), URL)
    assert art.language == expected


def test_tags_from_keywords() -> None:
    art = extract(page(jsonld=news_ld(keywords="floods, weather, Floods")), URL)
    assert art.tags == ["floods", "weather"]


# --------------------------------------------------------------------------- paywall


def test_paywall_flag() -> None:
    assert extract(page(jsonld=news_ld(isAccessibleForFree=False)), URL).paywalled is True
    assert extract(page(jsonld=news_ld(isAccessibleForFree="True")), URL).paywalled is False
    assert extract(page(), URL).paywalled is None


def test_paywall_flag_from_the_marked_parts() -> None:
    """schema.org's paywall markup marks the parts behind the wall, as one object or a list."""
    wall = {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".paid"}
    teaser = {"@type": "WebPageElement", "isAccessibleForFree": True, "cssSelector": ".lead"}
    assert extract(page(jsonld=news_ld(hasPart=wall)), URL).paywalled is True
    assert extract(page(jsonld=news_ld(hasPart=[teaser, wall])), URL).paywalled is True
    assert extract(page(jsonld=news_ld(hasPart=[teaser])), URL).paywalled is False


# --------------------------------------------------------------------------- not articles


def test_home_page_is_not_an_article() -> None:
    teasers = "".join(
        f"<li><h2><a href='/world/2026/01/{i:02d}/story-{i}'>Story number {i} headline "
        f"about the town</a></h2><p>A short teaser for story {i} about the town council "
        f"and what it decided at its meeting on the budget for next year.</p></li>"
        for i in range(1, 21)
    )
    html = (
        "<html lang='en'><head><title>Example News</title>"
        "<meta property='og:type' content='website'></head>"
        f"<body><h1>Example News</h1><ul>{teasers}</ul></body></html>"
    )
    art = extract(html, "https://news.example.com/")
    assert art.is_article is False
    assert art.text is None and art.word_count == 0


def test_section_listing_is_not_an_article() -> None:
    ld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": "World"}
    art = extract(page(jsonld=ld, h1="World"), "https://news.example.com/world")
    assert art.is_article is False


def test_short_page_is_not_an_article() -> None:
    art = extract(page(paragraphs=["About us."], h1="About"), "https://news.example.com/about")
    assert art.is_article is False


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("data", [b"", b"   \n ", ""])
def test_empty_raises_extraction_error(data: bytes | str) -> None:
    with pytest.raises(ExtractionError) as err:
        extract(data, URL)
    assert err.value.reason == "empty"


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 20,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"just some plain text, no markup at all",
        b"\xff\xfe\x00\x00garbage",
        "<html><body><p>unterminated <b>tags <i>everywhere",
        "<html>\x00\x01\x02<p>control characters</p></html>",
        b"<?xml version='1.0' encoding='utf-8'?><rss><channel></channel></rss>",
        "<html><head><script type='application/ld+json'>{not json</script></head></html>",
    ],
)
def test_garbage_never_raises_unexpected(data: bytes | str) -> None:
    try:
        art = extract(data, URL)
    except ExtractionError as exc:
        assert exc.reason in {"empty", "not-html", "parse-error"}
    else:
        assert isinstance(art, ExtractedArticle)


def test_hints_drop_and_body_selector() -> None:
    extra = "Sponsored content that should never be in the body of this article at all."
    html = page(paragraphs=[*PARAGRAPHS, f"<span class='promo'>{extra}</span>"])
    assert extra not in (extract(html, URL, ExtractHints(drop_selectors=[".promo"])).text or "")
    art = extract(html, URL, ExtractHints(body_selector="article", favor="precision"))
    assert art.text is not None and "The river rose" in art.text
    assert extract(html, URL, ExtractHints.model_construct(body_selector="!!bad((")).is_article


# --------------------------------------------------------------------------- charsets


def test_misdeclared_meta_charset_with_utf8_bytes() -> None:
    html = page(head='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    html = html.replace("River floods lower town", "Überschwemmung in Köln: Straße gesperrt")
    raw = html.encode("utf-8")
    assert "Straße" in decode_html(raw)
    art = extract(raw, URL)
    assert art.title == "Überschwemmung in Köln: Straße gesperrt"


def test_http_encoding_used_for_legacy_bytes() -> None:
    html = page().replace("River floods lower town", "Überschwemmung in Köln")
    raw = html.encode("iso-8859-1")
    assert extract(raw, URL, encoding="iso-8859-1").title == "Überschwemmung in Köln"
    assert extract(raw, URL).title == "Überschwemmung in Köln"  # not UTF-8: cp1252 fallback


DEMO_SITE = Path(__file__).resolve().parent.parent / "archiver" / "demo_site"


def _demo_page(path: str) -> bytes:
    name = f"{path}index.html" if path.endswith("/") else f"{path.split('?')[0]}.html"
    html = (DEMO_SITE / "site" / name.lstrip("/")).read_bytes()
    return html.replace(b"{{BASE_URL}}", b"http://127.0.0.1:8093")


def test_demo_pages_that_are_not_articles_say_so() -> None:
    """Home, section fronts and service pages (og:type website) are not articles; stories are."""
    manifest = json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))
    pages = [p for p in manifest["non_article_paths"] if p != "/private/"]
    wrong = [p for p in pages if extract(_demo_page(p), f"http://127.0.0.1:8093{p}").is_article]
    assert wrong == []
    stories = [a["path"] for a in manifest["articles"]]
    missed = [
        p for p in stories if not extract(_demo_page(p), f"http://127.0.0.1:8093{p}").is_article
    ]
    assert missed == []


def test_website_og_type_still_allows_a_long_dated_story() -> None:
    body = "".join(
        f"<p>Paragraph {n} of the report: the contractor moved {n * 40} tonnes of granite to "
        f"the north quay on day {n}, and the harbour master closed berth {n} while cranes worked "
        f"through the night; boats for berth {n} were sent to the outer mooring.</p>"
        for n in range(1, 12)
    )
    page = (
        '<html><head><title>Harbour works</title><meta property="og:type" content="website">'
        '<meta property="article:published_time" content="2026-11-20T08:00:00Z"></head>'
        f"<body><article><h1>Harbour works begin</h1>{body}</article></body></html>"
    )
    assert extract(page, "https://news.example.com/2026/11/20/harbour-works").is_article
    short = page.replace(body, "<p>Opening hours and how to reach us by ferry.</p>")
    assert not extract(short, "https://news.example.com/about-us").is_article
