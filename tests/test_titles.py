"""Unit tests of headline selection (archiver.extraction.title) on hand-written candidates."""

from __future__ import annotations

from archiver.extraction.title import choose_title, strip_site_suffix

URL = "https://news.example.com/world/2026/01/15/river-flood-warning"
SITE = ["Example News"]


def test_h1_wins_when_it_agrees_with_a_declared_title() -> None:
    title = choose_title(
        ["Example News", "River floods lower town"],
        ["River floods lower town | Example News", None, "River floods lower town"],
        SITE,
        URL,
    )
    assert title == "River floods lower town"


def test_unanimous_declared_titles_beat_a_differing_h1() -> None:
    title = choose_title(
        ["Town floods after storm: what residents need to know"],
        [
            "Town floods after heavy storm: what residents need to know",
            "Town floods after heavy storm: what residents need to know",
            "Town floods after heavy storm: what residents need to know | Example News",
        ],
        SITE,
        URL,
    )
    assert title == "Town floods after heavy storm: what residents need to know"


def test_h1_kept_when_declared_titles_disagree() -> None:
    title = choose_title(
        ["Mayor opens new bridge over the river"],
        ["A bridge at last for the old town", "Mayor opens new bridge over the river", None],
        SITE,
        URL,
    )
    assert title == "Mayor opens new bridge over the river"


def test_html_entities_in_declared_titles_are_decoded() -> None:
    title = choose_title(
        [],
        ["Council&#8217;s plan &amp; the budget", "Council&#8217;s plan &amp; the budget"],
        SITE,
        URL,
    )
    assert title == "Council\u2019s plan & the budget"


def test_branding_glued_without_spaces_is_removed() -> None:
    title = choose_title(
        [],
        ["River floods the lower town overnight-World|Example News", None, None],
        SITE,
        URL,
    )
    assert title == "River floods the lower town overnight"


def test_fullwidth_pipe_branding_is_removed() -> None:
    title = choose_title([], ["川が氾濫し下町が浸水した夜の記録\uff5cExample News"], SITE, URL)
    assert title == "川が氾濫し下町が浸水した夜の記録"


def test_hyphenated_words_are_not_taken_for_branding() -> None:
    raw = "Town council backs new cycle-lane plan for the high-street"
    assert choose_title([], [raw], SITE, URL) == raw


def test_fallback_used_only_without_other_candidates() -> None:
    assert choose_title([], [None], SITE, URL, fallback=["Flood update - Example News"]) == (
        "Flood update"
    )
    assert choose_title(["Flood update"], [None], SITE, URL, fallback=["Other"]) == "Flood update"


def test_strip_site_suffix_prefix_and_suffix() -> None:
    assert strip_site_suffix("Example News - River floods town", SITE, URL) == "River floods town"
    assert strip_site_suffix("River floods town | Example News", SITE, URL) == "River floods town"
