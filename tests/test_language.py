"""The article's language: read from its text, the page's declaration kept when it agrees."""

from __future__ import annotations

from archiver.extraction.extract import extract
from archiver.extraction.language import article_language, detect_language

GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss dauerhaft für "
    "den Autoverkehr zu sperren. Fußgänger und Radfahrer dürfen sie weiterhin benutzen, "
    "solange die Bauarbeiten an der neuen Brücke andauern. "
) * 2
NORWEGIAN = (
    "Bystyret vedtok tirsdag å stenge den gamle brua over elva for biltrafikk for godt. "
    "Fotgjengere og syklister kan fortsatt bruke den mens arbeidet med den nye brua pågår. "
) * 2
ENGLISH = (
    "The council voted on Tuesday to close the old bridge over the river to cars for good. "
    "People on foot and on bicycles may still use it while the new bridge is being built. "
) * 2


def _page(lang_attr: str, text: str, meta: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for _ in range(3))
    return (
        f"<html{lang_attr}><head><title>Bridge closes</title>{meta}"
        "<meta property='og:type' content='article'></head>"
        f"<body><article><h1>Bridge closes</h1>{paragraphs}</article></body></html>"
    )


def test_detects_the_language_of_the_text() -> None:
    assert detect_language(GERMAN) is not None
    assert detect_language(GERMAN)[0] == "de"  # type: ignore[index]
    assert detect_language("Kurz.") is None  # too short to tell


def test_the_text_decides_over_a_wrong_declaration() -> None:
    art = extract(_page(' lang="en"', GERMAN), "https://example.org/news/bridge-123")
    assert art.language == "de"


def test_an_agreeing_declaration_is_kept_for_its_precision() -> None:
    assert article_language(["nb-NO"], NORWEGIAN) == "nb"
    art = extract(_page(' lang="en-GB"', ENGLISH), "https://example.org/news/bridge-123")
    assert art.language == "en"


def test_a_page_that_declares_nothing_gets_its_texts_language() -> None:
    art = extract(_page("", ENGLISH), "https://example.org/news/bridge-123")
    assert art.language == "en"


def test_a_charset_posing_as_a_language_is_ignored() -> None:
    meta = "<meta http-equiv='content-language' content='utf-8'>"
    art = extract(_page("", GERMAN, meta), "https://example.org/news/bridge-123")
    assert art.language == "de"
    assert article_language(["utf-8"], None) is None
    assert article_language(["fr-FR"], None) == "fr"
