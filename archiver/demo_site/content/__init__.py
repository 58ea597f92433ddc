"""The demo site's stories and pages: one source for the HTML, the feeds and the manifest.

All of it is fiction written for this project: the town of Port Hallow, its paper, its people.
Body paragraphs use a tiny markup: a paragraph starting ``## `` is a subheading,
``[[figure:FILE|caption|credit]]`` an inline picture, ``[words](/path)`` a link and
``*words*`` emphasis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = ["SECTIONS", "Comment", "DeadLink", "Section", "Story", "all_dead_links", "all_stories"]

Layout = Literal["article", "story-body", "figure"]
JsonLdStyle = Literal["plain", "graph", "list"]
DateStyle = Literal["long", "weekday", "us", "us_time", "short", "plain", "de"]


@dataclass(frozen=True)
class Comment:
    """A reader comment shown under a story (boilerplate an extractor must leave out)."""

    author: str
    text: str


@dataclass(frozen=True)
class Story:
    """One article, with every choice about how its page is marked up."""

    section: str
    slug: str
    published: str  # ISO 8601 with offset
    title: str
    description: str  # standfirst, meta description, feed summary
    authors: tuple[str, ...]
    body: tuple[str, ...]
    tags: tuple[str, ...]
    comments: tuple[Comment, ...] = ()
    role: str | None = None  # the single author's job title, shown after the name
    modified: str | None = None  # ISO 8601 with offset, when the story was edited
    language: str = "en"
    jsonld: JsonLdStyle | None = None  # schema.org NewsArticle markup, and its shape
    meta: bool = True  # og:*, article:*, canonical link
    layout: Layout = "article"
    date_style: DateStyle = "long"
    image: str = "harbour.png"
    listing_query: str = ""  # tracking query on the section listing's link (canonical has none)
    old_slug: str | None = None  # an earlier URL of the story, now a 301 to this one
    related: tuple[str, ...] = field(default=())  # slugs; default: chosen by shared tags


@dataclass(frozen=True)
class DeadLink:
    """A story still listed on a section page whose URL fails: removed (404) or broken (500)."""

    section: str
    path: str
    title: str
    description: str
    published: str
    status: Literal[404, 500]


@dataclass(frozen=True)
class Section:
    """A section front: its URL name, title, intro line and stories per listing page."""

    name: str
    title: str
    intro: str
    per_page: int


SECTIONS = (
    Section(
        "news",
        "News",
        "Council, courts, the harbour and everything else happening in "
        "Port Hallow and along the Skerra coast.",
        4,
    ),
    Section(
        "business",
        "Business",
        "Boats, shops, jobs and money: the working life of the town and its harbour.",
        3,
    ),
    Section(
        "culture",
        "Culture",
        "Stage, music, books, history and the people who keep the town's evenings busy.",
        3,
    ),
)


def all_stories() -> list[Story]:
    """Every story: sections in SECTIONS order, newest first within each."""
    from archiver.demo_site.content import business, culture, news

    order = [section.name for section in SECTIONS]
    stories = [*news.STORIES, *business.STORIES, *culture.STORIES]
    return sorted(
        stories,
        key=lambda s: (order.index(s.section), -datetime.fromisoformat(s.published).timestamp()),
    )


def all_dead_links() -> list[DeadLink]:
    """Listed stories whose URLs fail (the crawl must record them, not extract them)."""
    from archiver.demo_site.content import business, culture, news

    return [*news.DEAD_LINKS, *business.DEAD_LINKS, *culture.DEAD_LINKS]
