"""FallbackMetadata yields, field by field, what trafilatura's extract_metadata yields."""

from __future__ import annotations

import pytest
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor

from archiver.extraction.fallback import FallbackMetadata
from archiver.extraction.parse import parse_page

FIELDS = ("sitename", "title", "author", "date", "description")
PAGES = [
    "<html><head><title>River floods town | example.com</title>"
    "<meta name='description' content='Water &amp; mud.'></head><body><article>"
    "<h1>River floods town</h1><p class='author'>By Jane Roe</p>"
    "<p>Published 2024-03-05. The river rose.</p></article></body></html>",
    "<html><head><meta property='og:site_name' content='@dailyexample'>"
    '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "headline": "Hi",'
    ' "author": {"name": "John Doe"}, "datePublished": "2023-01-02"}</script>'
    "</head><body><p>Text.</p></body></html>",
    "<html><body><h2>Only a subtitle</h2><p>Nothing else here.</p></body></html>",
]


@pytest.mark.parametrize("html", PAGES)
def test_fields_equal_extract_metadata(html: str) -> None:
    url = "https://www.example.com/2024/03/05/story"
    options = Extractor(output_format="python", with_metadata=False, url=url)
    tree = parse_page(html, None)
    doc = extract_metadata(tree, url, options.date_params, options.fast, options.author_blacklist)
    fallback = FallbackMetadata(tree, url, options)
    for name in FIELDS:
        value = getattr(doc, name)
        assert fallback.get(name) == (value if value and value.strip() else None), name
