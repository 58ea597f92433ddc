"""Which story goes where: listing pages, the "Most read" and "Related" boxes, the front page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from archiver.demo_site.content import SECTIONS, DeadLink, Section, Story
from archiver.demo_site.paths import listed_path, old_path, story_path
from archiver.demo_site.templates.listings import Teaser, home_page, teaser_for

#: Sections whose last listing page links on to a page beyond the crawl's max_pages.
ARCHIVE_PAGE_SECTIONS = ("news",)
#: The tracking query front-page links add to stories that have a listing query.
HOME_REF = "ref=home"


def timestamp(story: Story | DeadLink) -> float:
    """When it was published, as a POSIX timestamp (the sort key for "newest first")."""
    return datetime.fromisoformat(story.published).timestamp()


def paginate(
    section: Section, stories: list[Story], dead: list[DeadLink]
) -> list[list[Story | DeadLink]]:
    """Listing pages, newest first; a dead link sits on the page of the story just older."""
    pages: list[list[Story | DeadLink]] = [
        list(stories[i : i + section.per_page]) for i in range(0, len(stories), section.per_page)
    ]
    for link in dead:
        older = [i for i, p in enumerate(pages) if any(timestamp(s) < timestamp(link) for s in p)]
        pages[older[0] if older else -1].append(link)
    return [sorted(p, key=timestamp, reverse=True) for p in pages]


def most_read_links(
    stories: list[Story], first_page: Sequence[Story | DeadLink]
) -> list[tuple[str, str]]:
    """The "Most read" box of a section's first page: busy stories from later pages.

    A story that moved is linked by its old URL, as stale widgets do.
    """
    later = [s for s in stories if s not in first_page]
    ranked = sorted(later, key=lambda s: (-len(s.comments), -timestamp(s)))[:4]
    ranked += [s for s in later if s.old_slug and s not in ranked]
    return [(old_path(s) or listed_path(s), s.title) for s in ranked]


def related_stories(story: Story, stories: list[Story]) -> list[Story]:
    """Its "Related stories": named ones, else three sharing the most tags."""
    by_slug = {s.slug: s for s in stories}
    if story.related:
        return [by_slug[slug] for slug in story.related]
    others = [s for s in stories if s is not story]
    tags = set(story.tags)
    scored = sorted(
        others,
        key=lambda s: (
            -len(tags & set(s.tags)) - (s.section == story.section),
            abs(timestamp(s) - timestamp(story)),
        ),
    )
    return scored[:3]


def front_page(stories: list[Story]) -> str:
    """The front page: teasers from every section, some stories more than once."""
    by_date = sorted(stories, key=timestamp, reverse=True)
    newest = {sec.name: [s for s in by_date if s.section == sec.name] for sec in SECTIONS}
    lead = newest["news"][0]
    tracked = [s for s in stories if s.listing_query]
    german = [s for s in stories if s.language != "en"]
    top: list[Story] = []
    for story in [
        newest["news"][1],
        newest["business"][0],
        newest["culture"][0],
        *tracked,
        *german,
    ]:
        if story not in top and story is not lead:
            top.append(story)

    def link(story: Story) -> Teaser:
        query = f"?{HOME_REF}" if story.listing_query else ""
        return teaser_for(story, story_path(story) + query)

    return home_page(
        link(lead),
        [link(s) for s in top],
        [link(s) for s in by_date[:8]],
        [(sec, [link(s) for s in newest[sec.name][:3]]) for sec in SECTIONS],
    )
