"""Generic boilerplate removal around body extraction, on small hand-written pages."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from archiver.extract import extract
from archiver.extraction.boilerplate import (
    drop_boilerplate,
    drop_boilerplate_paragraphs,
    drop_trailing_links,
    link_texts,
)

ARTICLE = "".join(
    f"<p>Paragraph {i} of the article body with enough words to matter.</p>" for i in range(8)
)


def _tree(inner: str):
    return lxml_html.fromstring(f"<html><body><article>{ARTICLE}{inner}</article></body></html>")


def _text(tree) -> str:
    return " ".join(tree.itertext())


def test_drops_captions_asides_and_widgets() -> None:
    tree = _tree(
        "<figure><img src='x.jpg'><figcaption>A caption. Photo: Agency</figcaption></figure>"
        "<aside>Side box</aside>"
        "<div class='newsletter-box'>Sign up now</div>"
        "<div class='article-share'>Share on networks</div>"
        "<div role='complementary'>Complementary</div>"
    )
    assert drop_boilerplate(tree) == 5
    text = _text(tree)
    for gone in ("A caption", "Side box", "Sign up", "Share on", "Complementary"):
        assert gone not in text
    assert "Paragraph 7" in text


def test_drops_hidden_microdata_and_link_lists() -> None:
    tree = _tree(
        "<div style='display: none'>Hidden text</div>"
        "<div itemprop='datePublished'>2020-01-01T00:00:00</div>"
        "<ul><li><a href='/a'>Other story one</a></li>"
        "<li><a href='/b'>Other story two</a></li></ul>"
        "<ul><li>A plain list item in the article</li><li>Another plain item</li></ul>"
    )
    drop_boilerplate(tree)
    text = _text(tree)
    assert "Hidden text" not in text
    assert "2020-01-01" not in text
    assert "Other story" not in text
    assert "A plain list item" in text


def test_keeps_a_mislabelled_article_wrapper() -> None:
    tree = lxml_html.fromstring(
        f"<html><body><div class='related-content'>{ARTICLE}</div></body></html>"
    )
    assert drop_boilerplate(tree) == 0
    assert "Paragraph 0" in _text(tree)


def test_word_tokens_only_match_whole_words() -> None:
    tree = _tree("<div class='shareholders'>Shareholders met today.</div>")
    drop_boilerplate(tree)
    assert "Shareholders met" in _text(tree)


def test_drops_cross_reference_lines_and_labels() -> None:
    text = "First paragraph.\n\nRead more: Another headline\n\nSecond paragraph.\n\nTags\n\nEnd."
    assert drop_boilerplate_paragraphs(text) == "First paragraph.\n\nSecond paragraph.\n\nEnd."
    assert drop_boilerplate_paragraphs("More people came than expected.") == (
        "More people came than expected."
    )
    assert drop_boilerplate_paragraphs("") == ""


LONG = ("A long paragraph of article prose that goes on well past the threshold. " * 3).strip()


def test_link_texts_are_normalised() -> None:
    tree = lxml_html.fromstring("<div><a href='/a'> Other\n story </a><a href='/b'>x</a></div>")
    assert link_texts(tree) == {"Other story"}


def test_drops_short_link_lines_after_the_last_long_paragraph() -> None:
    links = {"Another story", "A third story"}
    text = f"{LONG}\n{LONG}\nAnother story\nRead more: somewhere\nA third story"
    assert drop_trailing_links(text, links) == f"{LONG}\n{LONG}"


def test_keeps_the_tail_unless_every_line_is_a_link() -> None:
    links = {"Another story"}
    text = f"{LONG}\nAnother story\nThe reporter can be reached by mail."
    assert drop_trailing_links(text, links) == text
    assert drop_trailing_links("Short.\nAnother story", links) == "Short.\nAnother story"
    assert drop_trailing_links(text, set()) == text


def test_reads_the_article_from_script_data_when_the_html_is_empty() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of a client-rendered article, with enough words in it.</p>"
        for i in range(20)
    )
    state = json.dumps({"page": {"article": {"id": 7, "html": paragraphs}}})
    html = (
        "<html><head><title>A story</title>"
        '<meta property="og:type" content="article">'
        f"<script>window.__STATE__ = {state};</script></head>"
        "<body><div id='root'></div></body></html>"
    )
    art = extract(html, "https://example.org/news/2024/a-story-123")
    assert art.text is not None
    assert "Paragraph 0 of a client-rendered article" in art.text
    assert "Paragraph 19" in art.text
