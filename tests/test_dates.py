"""Unit tests of archiver.extraction.dates and the published-date choice in extract()."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import html as lxml_html

from archiver.extraction.dates import date_from_url, labelled_date, main_article, parse_date
from archiver.extraction.extract import extract

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

BODY = "".join(
    f"<p>Paragraph {i}: the council met on the harbour front to discuss the new sea wall, "
    "the cost of the repairs and the timetable for the works over the coming winter.</p>"
    for i in range(6)
)


def _page(head: str = "", before: str = "", after: str = "") -> str:
    return (
        f"<html><head><title>Sea wall plan</title>{head}</head><body>"
        f"<article><h1>Sea wall plan</h1>{before}{BODY}</article>{after}</body></html>"
    )


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2025-11-20T08:15:00+01:00", "2025-11-20T08:15:00+01:00"),
        ("2025-11-20T23:30:00-05:00", "2025-11-20T23:30:00-05:00"),  # never moved to UTC
        ("2025-11-20T08:15:00Z", "2025-11-20T08:15:00+00:00"),
        ("2025-11-20T23:59:00", "2025-11-20"),  # no zone: the day as written, no offset
        ("2025-11-20", "2025-11-20"),
        ("2026.01.29 18:40", "2026-01-29"),
        ("2026/01/29", "2026-01-29"),
        ("28.04.2023", "2023-04-28"),
        ("28.04.2023, 14:05 Uhr", "2023-04-28"),
        ("28/04/2023", "2023-04-28"),
        ("04/28/2023", "2023-04-28"),
        ("28. April 2023", "2023-04-28"),
        ("3. März 2024", "2024-03-03"),
        ("28 avril 2023", "2023-04-28"),
        ("12 de marzo de 2024", "2024-03-12"),
        ("5 Kas\u0131m 2024", "2024-11-05"),
        ("April 28, 2023", "2023-04-28"),
        ("Mar. 3rd, 2024", "2024-03-03"),
    ],
)
def test_parse_date_formats(raw: str, iso: str) -> None:
    parsed = parse_date(raw, now=NOW)
    assert parsed is not None and parsed.iso == iso


@pytest.mark.parametrize(
    "raw",
    ["04/05/2023", "31.02.2024", "2026-07-01T10:00:00+00:00", "2027-01-01", "1 Smarch 2024", ""],
)
def test_parse_date_rejects_ambiguous_invalid_and_future(raw: str) -> None:
    assert parse_date(raw, now=NOW) is None


def test_parse_date_keeps_the_day_in_the_page_zone() -> None:
    parsed = parse_date("2026-05-31T23:30:00-05:00", now=NOW)  # 2026-06-01 in UTC
    assert parsed is not None and parsed.day.isoformat() == "2026-05-31"
    assert parse_date("2026-06-02T00:30:00+10:00", now=NOW) is None  # after NOW: future


def test_labelled_date_reads_the_dateline_and_skips_teasers() -> None:
    tree = lxml_html.fromstring(
        "<html><body><a href='/other'><span>Date: 01.01.2020</span></a>"
        "<ul><li><strong>Datum</strong> 28.04.2023</li></ul></body></html>"
    )
    assert labelled_date(tree) == "28.04.2023"
    tree = lxml_html.fromstring(
        "<html><body><div><span>Publié le</span> <span>28 avril 2023</span></div></body></html>"
    )
    assert labelled_date(tree) == "28 avril 2023"


def test_labelled_date_needs_a_label_word() -> None:
    tree = lxml_html.fromstring(
        "<html><body><p>Database 28.04.2023</p><p>Updated 28.04.2023</p></body></html>"
    )
    assert labelled_date(tree) is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://example.org/news/2024/03/05/story", "2024-03-05"),
        ("https://example.org/news/story-2024-03-05.html", "2024-03-05"),
        ("https://example.org/news/article/A2026012914320005196", "2026-01-29"),
        ("https://example.org/a/t20240305_123.html", "2024-03-05"),
        ("https://example.org/a/123456789", None),
        ("https://example.org/a/20241399", None),
        ("https://example.org/a?d=2024-03-05", None),
    ],
)
def test_date_from_url(url: str, day: str | None) -> None:
    assert date_from_url(url) == day


def test_main_article_prefers_the_node_of_the_page_url() -> None:
    nodes = [
        {"@type": "NewsArticle", "url": "https://example.org/other", "datePublished": "2024-01-01"},
        {
            "@type": "NewsArticle",
            "url": "https://example.org/story/",
            "datePublished": "2024-03-05",
        },
    ]
    assert main_article(nodes, "https://www.example.org/story?utm=x")["datePublished"] == (
        "2024-03-05"
    )
    assert main_article(nodes, "https://example.org/unknown") is nodes[0]
    assert main_article([], "https://example.org/") == {}


def test_extract_keeps_the_page_zone() -> None:
    head = '<meta property="article:published_time" content="2025-11-20T23:30:00-05:00">'
    art = extract(_page(head), "https://example.org/news/sea-wall")
    assert art.published == "2025-11-20T23:30:00-05:00"


def test_extract_uses_the_main_jsonld_article() -> None:
    ld = (
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "NewsArticle", "url": "https://example.org/related", '
        '"datePublished": "2024-01-01T10:00:00+01:00"},'
        '{"@type": "NewsArticle", "url": "https://example.org/news/sea-wall", '
        '"datePublished": "2024-03-05T10:00:00+01:00"}]}</script>'
    )
    art = extract(_page(ld), "https://example.org/news/sea-wall")
    assert art.published == "2024-03-05T10:00:00+01:00"


def test_extract_prefers_a_labelled_dateline_over_teaser_dates() -> None:
    teasers = (
        "<aside><a href='/old'><h2>Older story <span class='date'>24.04.2023</span></h2></a>"
        "</aside>"
    )
    before = "<ul><li><strong>Datum</strong> 28.04.2023</li></ul>"
    art = extract(_page(before=before, after=teasers), "https://example.org/news/sea-wall")
    assert art.published == "2023-04-28"


def test_extract_falls_back_to_the_url_date() -> None:
    art = extract(_page(), "https://example.org/news/article/A2026012914320005196")
    assert art.published == "2026-01-29"
