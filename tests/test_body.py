"""Generic boilerplate removal around body extraction, on small hand-written pages."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from archiver.extraction.boilerplate import (
    drop_boilerplate,
    drop_boilerplate_paragraphs,
    drop_trailing_links,
    link_texts,
)
from archiver.extraction.extract import extract

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


def test_keeps_tail_lines_up_to_the_last_one_that_is_not_a_link() -> None:
    links = {"Another story", "A third story"}
    text = f"{LONG}\nAnother story\nThe reporter can be reached by mail."
    assert drop_trailing_links(text, links) == text
    assert drop_trailing_links("Short.\nAnother story", links) == "Short.\nAnother story"
    assert drop_trailing_links(text, set()) == text
    peeled = f"{LONG}\nThe reporter can be reached by mail.\nAnother story\nA third story"
    assert drop_trailing_links(peeled, links) == f"{LONG}\nThe reporter can be reached by mail."


def test_drops_trailing_copyright_lines() -> None:
    for notice in ("© 2024 The Daily Example", "Copyright 2019 Example News. All rights reserved.",
                   "<Copyright ⓒ Example. 무단 전재 및 재배포 금지>"):  # fmt: skip
        assert drop_trailing_links(f"{LONG}\n{notice}", set()) == LONG
    # a paragraph of the story that mentions copyright is not a notice
    story = f"{LONG}\nCopyright law was the subject of the hearing, " + "which went on " * 20 + "."
    assert drop_trailing_links(story, set()) == story


def test_drops_hover_cards_inside_a_paragraph() -> None:
    tree = _tree(
        "<p>A man threatened Rep. <span class='person'><a href='/p/jane'>Jane Roe</a>"
        "<span class='card'><a href='/p/jane'>Jane Roe</a> <a href='/s/1'>Another story about "
        "her</a> <a href='/s/2'>A third story about her</a> <a href='/p/jane'>MORE</a></span>"
        "</span> (D-Minn.), prosecutors said. See <a href='/a'>one</a>, <a href='/b'>two</a> "
        "and <a href='/c'>three</a> earlier reports on the case.</p>"
    )
    drop_boilerplate(tree)
    text = " ".join(_text(tree).split())
    assert "Another story about her" not in text
    assert "threatened Rep. Jane Roe (D-Minn.), prosecutors said." in text
    assert "See one , two and three earlier reports" in text


def test_drops_lists_of_story_cards() -> None:
    cards = "".join(
        f"<li><a href='/s/{i}'><img src='{i}.jpg'></a><h3><a href='/s/{i}'>Story {i}</a></h3>"
        f"<h4>The teaser of story {i}, long enough to outweigh its link</h4></li>"
        for i in range(3)
    )
    tree = _tree(f"<ul>{cards}</ul><ol><li><h3>Step one</h3> Mix.</li><li>Bake.</li></ol>")
    drop_boilerplate(tree)
    text = _text(tree)
    assert "teaser of story" not in text
    assert "Step one" in text


def test_drops_elements_that_are_never_shown() -> None:
    tree = _tree(
        "<div class='email-scrim hide'>An error has occurred, please try again later.</div>"
        "<div class='print-footer'>This copy is for your personal use only.</div>"
        "<div role='dialog'>Sign in to continue</div>"
        "<div class='hidden-xs'>Shown on larger screens</div>"
    )
    drop_boilerplate(tree)
    text = _text(tree)
    for gone in ("An error has occurred", "personal use only", "Sign in"):
        assert gone not in text
    assert "Shown on larger screens" in text


def test_finds_an_article_container_named_in_snake_case() -> None:
    story = "".join(
        f"<p>Sentence {i} of the story, which is long enough to be an article paragraph.</p>"
        for i in range(10)
    )
    teasers = "".join(
        f"<tr><td><a href='/n/{i}'>Teaser headline {i}</a></td>"
        f"<td>Teaser text {i} describing another story on the site in a sentence.</td></tr>"
        for i in range(8)
    )
    text = _article_text(
        "<table><tr><td class='single_content'><h1>A story</h1>"
        f"<div id='article_block' class='article_body font11'>{story}</div>"
        f"<b>Top stories</b><table>{teasers}</table></td></tr></table>"
    )
    assert "Sentence 9 of the story" in text
    assert "Teaser text" not in text


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


def _article_text(body: str, head: str = "") -> str:
    """The text extracted from an article page with this ``<body>`` markup."""
    page = (
        "<html><head><title>A story</title><meta property='og:type' content='article'>"
        f"{head}</head><body>{body}</body></html>"
    )
    art = extract(page, "https://example.org/news/2024/a-story-123")
    assert art.text is not None
    return art.text


def _story(n: int, word: str) -> str:
    return "".join(
        f"<p>{word} sentence {i} of the story, long enough to read as an article paragraph.</p>"
        for i in range(n)
    )


def test_joins_an_article_body_split_around_an_advert() -> None:
    text = _article_text(
        "<div class='page'><h1>A story</h1>"
        f"<div class='part'><div class='article-body'>{_story(10, 'Opening')}</div></div>"
        "<div class='ad-slot'>Advertisement</div>"
        f"<div class='part'><div class='article-body'>{_story(6, 'Closing')}</div></div></div>"
    )
    assert "Opening sentence 0" in text
    assert "Closing sentence 5" in text


def test_keeps_the_next_story_on_the_page_apart() -> None:
    text = _article_text(
        "<main><article><h1>A story</h1>"
        f"<div class='article-body'>{_story(8, 'First')}</div></article>"
        "<article><h1>Next story</h1>"
        f"<div class='article-body'>{_story(8, 'Second')}</div></article></main>"
    )
    assert "First sentence 7" in text
    assert "Second sentence" not in text


def test_leads_with_the_standfirst_the_page_shows() -> None:
    standfirst = "The council voted on Tuesday to close the old bridge to cars for good."
    text = _article_text(
        "<header><h1>A story</h1><div class='lead-image'><img src='b.jpg'>"
        "<span class='summary'>The old bridge, seen from the river bank last spring.</span></div>"
        f"<p class='standfirst'>{standfirst}</p></header>"
        f"<article><div class='article-body'>{_story(8, 'Body')}</div></article>",
        head=f"<meta name='description' content='{standfirst}'>",
    )
    assert text.startswith(standfirst + "\n\nBody sentence 0")
    assert "seen from the river bank" not in text


def test_counts_only_what_leaves_the_page() -> None:
    # furniture inside furniture goes with it: one element removed, not two
    tree = _tree("<div class='share-bar'><div class='social-links'>Share</div></div>")
    assert drop_boilerplate(tree) == 1
    assert "Share" not in _text(tree)
