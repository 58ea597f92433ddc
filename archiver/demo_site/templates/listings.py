"""Pages that list stories: teasers, the section pages with their pagination, the front page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from archiver.demo_site.content import DeadLink, Section, Story
from archiver.demo_site.dates import MONTHS
from archiver.demo_site.markup import esc, json_script
from archiver.demo_site.paths import listed_path, page_path
from archiver.demo_site.server import BASE_URL_PLACEHOLDER as BASE
from archiver.demo_site.templates.chrome import (
    SITE_NAME,
    basic_head,
    breadcrumb,
    newsletter_html,
    page,
)


@dataclass(frozen=True)
class Teaser:
    """A story as a listing shows it."""

    path: str
    title: str
    description: str
    published: str
    authors: tuple[str, ...] = ()
    image: str | None = None


def teaser_for(story: Story, path: str | None = None) -> Teaser:
    """The teaser of a story, linking to ``path`` (default: its listed path)."""
    return Teaser(
        path or listed_path(story),
        story.title,
        story.description,
        story.published,
        story.authors,
        story.image,
    )


def teaser_for_dead(link: DeadLink) -> Teaser:
    """The teaser a listing still shows for a removed or broken story."""
    return Teaser(link.path, link.title, link.description, link.published)


def teaser_html(teaser: Teaser, lead: bool = False, heading: str = "h2") -> str:
    """One listing entry; a lead teaser also links its picture."""
    when = datetime.fromisoformat(teaser.published)
    shown = f"{when.day} {MONTHS[when.month - 1][:3]} {when.year}"
    by = f" &middot; {esc(', '.join(teaser.authors))}" if teaser.authors else ""
    picture = (
        f'  <a class="teaser-image" href="{teaser.path}" tabindex="-1">'
        f'<img src="/static/img/{teaser.image}" alt="" width="320" height="180"></a>\n'
        if lead and teaser.image
        else ""
    )
    return (
        f'<article class="teaser{" teaser--lead" if lead else ""}">\n'
        f"{picture}"
        f'  <{heading} class="teaser-title"><a href="{teaser.path}">{esc(teaser.title)}</a>'
        f"</{heading}>\n"
        f'  <p class="teaser-summary">{esc(teaser.description)}</p>\n'
        f'  <p class="teaser-meta"><time datetime="{teaser.published}">{shown}</time>{by}</p>\n'
        "</article>"
    )


def section_page(
    section: Section,
    number: int,
    last: int,
    teasers: Sequence[Teaser],
    most_read: Sequence[tuple[str, str]] = (),
    archive_page: bool = False,
) -> str:
    """A section listing page with pagination (``rel=next`` link and "Older stories" button).

    ``last`` is the last page with stories; an ``archive_page`` follows it, with no stories.
    """
    path = page_path(section.name, number)
    has_next = number < last or (number == last and archive_page)
    head = basic_head(section.intro, path)
    head.append(f'<meta property="og:title" content="{section.title} | {SITE_NAME}">')
    if number > 1:
        head.append(f'<link rel="prev" href="{page_path(section.name, number - 1)}">')
    if has_next:
        head.append(f'<link rel="next" href="{page_path(section.name, number + 1)}">')
    total = last + (1 if archive_page else 0)
    crumbs: list[tuple[str | None, str]] = [("/", "Home")]
    crumbs += (
        [(None, section.title)]
        if number == 1
        else [(f"/{section.name}/", section.title), (None, f"Page {number}")]
    )
    content = [
        breadcrumb(crumbs),
        f'<div class="section-front section-{section.name}">',
        f'<h1 class="section-title">{section.title}'
        + (f' <span class="page-number">page {number}</span>' if number > 1 else "")
        + "</h1>",
        f'<p class="section-intro">{esc(section.intro)}</p>',
        '<div class="story-list">',
        *(teaser_html(t, lead=(i == 0 and number == 1)) for i, t in enumerate(teasers)),
        "</div>",
    ]
    if not teasers:
        content.append(
            '<p class="archive-note">Stories older than these are kept in our print archive '
            "at the Tidewater Mill and are not online. Ask at the front desk to see the bound "
            "volumes.</p>"
        )
    if most_read:
        items = "".join(f'<li><a href="{href}">{esc(title)}</a></li>' for href, title in most_read)
        content.append(
            f'<aside class="most-read"><h2>Most read in {section.title}</h2>'
            f"<ol>{items}</ol></aside>"
        )
    pager = ['<nav class="pagination" aria-label="More stories">']
    if number > 1:
        pager.append(
            f'  <a rel="prev" class="prev" href="{page_path(section.name, number - 1)}">'
            "Newer stories</a>"
        )
    pager.append(f'  <span class="page-count">Page {number} of {total}</span>')
    if has_next:
        pager.append(
            f'  <a rel="next" class="next" href="{page_path(section.name, number + 1)}">'
            "Older stories</a>"
        )
    pager.append("</nav>")
    content += [*pager, "</div>"]
    title = section.title if number == 1 else f"{section.title}, page {number}"
    return page(
        title=f"{title} | {SITE_NAME}",
        content=content,
        head=head,
        body_class=f"section-page section-{section.name}",
        current=f"/{section.name}/",
    )


def home_page(
    lead: Teaser,
    top: Sequence[Teaser],
    latest: Sequence[Teaser],
    by_section: Sequence[tuple[Section, Sequence[Teaser]]],
) -> str:
    """The front page: lead story, top stories, latest list and a block per section."""
    description = (
        "Local news for Port Hallow and the Skerra coast: the council, the harbour, "
        "business and culture."
    )
    content = [
        '<h1 class="visually-hidden">The Harbour Gazette: news for Port Hallow</h1>',
        '<section class="lead-story" aria-label="Lead story">',
        teaser_html(lead, lead=True),
        "</section>",
        '<section class="top-stories" aria-labelledby="top-title">',
        '<h2 id="top-title">Top stories</h2>',
        *(teaser_html(t, heading="h3") for t in top),
        "</section>",
        '<aside class="latest" aria-labelledby="latest-title"><h2 id="latest-title">Latest</h2>',
        "<ol>",
        *(f'<li><a href="{t.path}">{esc(t.title)}</a></li>' for t in latest),
        "</ol></aside>",
    ]
    for section, teasers in by_section:
        content += [
            f'<section class="home-section home-{section.name}" '
            f'aria-labelledby="home-{section.name}">',
            f'<h2 id="home-{section.name}"><a href="/{section.name}/">{section.title}</a></h2>',
            *(teaser_html(t, heading="h3") for t in teasers),
            f'<p class="more"><a href="/{section.name}/">More {section.title.lower()}</a></p>',
            "</section>",
        ]
    content.append(newsletter_html())
    head = basic_head(description, "/")
    head.append(f'<meta property="og:title" content="{SITE_NAME}">')
    head.append(
        json_script(
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": SITE_NAME,
                "url": f"{BASE}/",
                "publisher": {"@type": "NewsMediaOrganization", "name": SITE_NAME},
            }
        )
    )
    return page(
        title=f"{SITE_NAME}: news for Port Hallow and the Skerra coast",
        content=content,
        head=head,
        body_class="home",
        current="/",
    )
