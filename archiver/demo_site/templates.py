"""HTML for the demo site: the chrome every page shares and one function per kind of page.

Links inside pages are root-relative (``/news/...``) so the site works on any port; absolute
URLs (canonical, og:url, JSON-LD) use ``{{BASE_URL}}``, which the server fills in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any

from archiver.demo_site.content import SECTIONS, Comment, DeadLink, Section, Story
from archiver.demo_site.server import BASE_URL_PLACEHOLDER as BASE

SITE_NAME = "The Harbour Gazette"
PUBLISHER = "Harbour Gazette Publishing Ltd"

COOKIE_TEXT = (
    "We use cookies to keep you signed in, remember your choices and count visits so we know "
    "which stories readers value."
)
NEWSLETTER_TEXT = (
    "Sign up for The Morning Tide and get the day's Port Hallow news, the tide tables and "
    "what's on, in your inbox at seven every morning."
)
COMMENT_POLICY = "Comments are moderated and may take a little while to appear."

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
AP_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Date styles that show the time of day; the others show only the day.
TIMED_STYLES = frozenset({"long", "us_time", "de"})
#: When reader comments arrived, in minutes after publication.
COMMENT_DELAYS = (47, 132, 301, 588)

_LINK_RE = re.compile(r"\[([^\]]+)\]\((/[^)\s]*)\)")
_EM_RE = re.compile(r"\*([^*]+)\*")
_FIGURE_RE = re.compile(r"^\[\[figure:([^|\]]+)\|([^|\]]+)\|([^|\]]+)\]\]$")


# --------------------------------------------------------------------------- small helpers


def esc(text: str) -> str:
    """HTML-escape text and (double-quoted) attribute values; apostrophes stay as they are."""
    return escape(text, quote=False).replace('"', "&quot;")


def story_path(story: Story) -> str:
    """The canonical, root-relative URL path of a story."""
    day = datetime.fromisoformat(story.published)
    return f"/{story.section}/{day:%Y/%m/%d}/{story.slug}"


def old_path(story: Story) -> str | None:
    """The story's earlier URL (now a redirect), if it had one."""
    if story.old_slug is None:
        return None
    return story_path(story).rsplit("/", 1)[0] + "/" + story.old_slug


def listed_path(story: Story) -> str:
    """The path its section listing links to (with a tracking query for one story)."""
    query = f"?{story.listing_query}" if story.listing_query else ""
    return story_path(story) + query


def section_of(name: str) -> Section:
    """The section called ``name``."""
    return next(s for s in SECTIONS if s.name == name)


def visible_date(timestamp: str, style: str) -> str:
    """A date as readers see it: "20 November 2026, 08:15 GMT", "Nov. 3, 2026", "03.11.2026"."""
    dt = datetime.fromisoformat(timestamp)
    zone = "GMT" if dt.utcoffset() == timedelta(0) else "BST"
    month, ap_month = MONTHS[dt.month - 1], AP_MONTHS[dt.month - 1]
    if style == "long":
        return f"{dt.day} {month} {dt.year}, {dt:%H:%M} {zone}"
    if style == "weekday":
        return f"{WEEKDAYS[dt.weekday()]} {dt.day} {month} {dt.year}"
    if style == "us":
        return f"{ap_month} {dt.day}, {dt.year}"
    if style == "us_time":
        hour = dt.hour % 12 or 12
        half = "a.m." if dt.hour < 12 else "p.m."
        return f"{ap_month} {dt.day}, {dt.year}, {hour}:{dt:%M} {half}"
    if style == "short":
        return f"{dt.day} {month[:3]} {dt.year}"
    if style == "plain":
        return f"{dt.day} {month} {dt.year}"
    if style == "de":
        return f"{dt:%d.%m.%Y, %H:%M} Uhr"
    raise ValueError(f"unknown date style {style!r}")


def inline_html(text: str) -> str:
    """Body markup to HTML: ``[words](/path)`` links and ``*words*`` emphasis."""
    out = _LINK_RE.sub(r'<a href="\2">\1</a>', esc(text))
    return _EM_RE.sub(r"<em>\1</em>", out)


def plain_text(text: str) -> str:
    """Body markup to the text a reader sees."""
    return _EM_RE.sub(r"\1", _LINK_RE.sub(r"\1", text))


def is_paragraph(block: str) -> bool:
    """A body block that is running text (not a subheading or a figure)."""
    return not block.startswith(("## ", "[[figure:"))


def body_links(story: Story) -> list[str]:
    """Paths linked from a story's body text."""
    return [m.group(2) for block in story.body for m in _LINK_RE.finditer(block)]


def figure_parts(block: str) -> tuple[str, str, str] | None:
    """(file, caption, credit) of a ``[[figure:...]]`` block."""
    match = _FIGURE_RE.match(block)
    return (match.group(1), match.group(2), match.group(3)) if match else None


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


# --------------------------------------------------------------------------- the chrome


NAV = (("/", "Home"), ("/news/", "News"), ("/business/", "Business"), ("/culture/", "Culture"))

FOOTER = """<footer class="site-footer">
  <div class="footer-columns">
    <nav aria-label="Sections">
      <h2>Sections</h2>
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/news/">News</a></li>
        <li><a href="/business/">Business</a></li>
        <li><a href="/culture/">Culture</a></li>
      </ul>
    </nav>
    <nav aria-label="About the Gazette">
      <h2>The Gazette</h2>
      <ul>
        <li><a href="/about/">About us</a></li>
        <li><a href="/contact/">Contact the newsroom</a></li>
        <li><a href="/corrections/">Corrections and clarifications</a></li>
        <li><a href="/advertise/">Advertise with us</a></li>
        <li><a href="/newsletters/">Newsletters</a></li>
      </ul>
    </nav>
    <nav aria-label="Follow">
      <h2>Follow</h2>
      <ul>
        <li><a href="/news/rss.xml">News RSS feed</a></li>
        <li><a href="/culture/atom.xml">Culture Atom feed</a></li>
        <li><a href="/sitemap.xml">Sitemap</a></li>
        <li><a href="https://social.example/harbourgazette" rel="me">Gazette on Social</a></li>
        <li><a href="https://video.example/@harbourgazette">Gazette video</a></li>
      </ul>
    </nav>
    <nav aria-label="Legal">
      <h2>Legal</h2>
      <ul>
        <li><a href="/privacy/">Privacy and cookies</a></li>
        <li><a href="/terms/">Terms of use</a></li>
        <li><a href="/privacy/#cookies">Cookie settings</a></li>
        <li><a href="/private/">Staff login</a></li>
      </ul>
    </nav>
  </div>
  <p class="imprint">&copy; 2026 Harbour Gazette Publishing Ltd, 4 Quay Street, Port Hallow.
  The Harbour Gazette is a demonstration site: every person, place and story on it is
  invented.</p>
</footer>"""


def page(
    *,
    title: str,
    content: Sequence[str],
    head: Sequence[str] = (),
    lang: str = "en-GB",
    body_class: str = "",
    current: str = "",
) -> str:
    """A complete HTML document: head, cookie banner, header, ``content``, footer."""
    marks = {href: ' aria-current="page"' if href == current else "" for href, _ in NAV}
    nav = "\n".join(
        f'      <li><a href="{href}"{marks[href]}>{label}</a></li>' for href, label in NAV
    )
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        *head,
        '<link rel="stylesheet" href="/static/style.css">',
        '<link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">',
        '<link rel="alternate" type="application/rss+xml" title="The Harbour Gazette: News" '
        'href="/news/rss.xml">',
        '<link rel="alternate" type="application/atom+xml" title="The Harbour Gazette: Culture" '
        'href="/culture/atom.xml">',
        '<script src="/static/site.js" defer></script>',
        "</head>",
        f'<body class="{body_class}">' if body_class else "<body>",
        '<a class="skip-link" href="#main">Skip to content</a>',
        '<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookies">',
        f"  <p>{esc(COOKIE_TEXT)} You can accept them all or allow only the ones the site "
        "needs to work.</p>",
        '  <button type="button" data-consent="all">Accept all cookies</button>',
        '  <button type="button" data-consent="necessary">Necessary cookies only</button>',
        '  <a href="/privacy/#cookies">Manage settings</a>',
        "</div>",
        '<header class="site-header">',
        '  <a class="logo" href="/"><img src="/static/img/logo.svg" alt="The Harbour Gazette" '
        'width="240" height="48"></a>',
        '  <p class="tagline">News for Port Hallow and the Skerra coast since 1887</p>',
        '  <nav class="main-nav" aria-label="Main">',
        "    <ul>",
        nav,
        '      <li><a href="/newsletters/">Newsletters</a></li>',
        "    </ul>",
        "  </nav>",
        "</header>",
        '<main id="main">',
        *content,
        "</main>",
        FOOTER,
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(lines)


def breadcrumb(crumbs: Sequence[tuple[str | None, str]]) -> str:
    """A breadcrumb trail; the last crumb (no link) is the current page."""
    items = "".join(
        f'<li><a href="{href}">{esc(label)}</a></li>'
        if href
        else f'<li aria-current="page">{esc(label)}</li>'
        for href, label in crumbs
    )
    return f'<nav class="breadcrumb" aria-label="Breadcrumb"><ol>{items}</ol></nav>'


def basic_head(description: str, canonical: str, og_type: str = "website") -> list[str]:
    """Description, canonical link and Open Graph tags for a page that is not a story."""
    return [
        f'<meta name="description" content="{esc(description)}">',
        f'<link rel="canonical" href="{BASE}{canonical}">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        f'<meta property="og:type" content="{og_type}">',
        f'<meta property="og:url" content="{BASE}{canonical}">',
    ]


# --------------------------------------------------------------------------- story pages


def byline_html(story: Story, tag: str = "p") -> str:
    """The byline: "By Jane Doe and Tom Field", "By Priya Raman, Political Correspondent"."""
    if not story.authors:
        return ""
    names = [f'<span class="author">{esc(a)}</span>' for a in story.authors]
    conjunction = " und " if story.language == "de" else " and "
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + conjunction + names[-1]
    if story.role:
        text += f', <span class="role">{esc(story.role)}</span>'
    prefix = "Von" if story.language == "de" else "By"
    return f'<{tag} class="byline">{prefix} {text}</{tag}>'


def dateline_html(story: Story) -> str:
    """The visible date; in ``<time datetime>`` unless the story has only a visible date."""
    shown = esc(visible_date(story.published, story.date_style))
    if not (story.meta or story.jsonld):
        return f'<span class="date">{shown}</span>'
    out = f'<time class="published" datetime="{story.published}">{shown}</time>'
    if story.modified:
        updated = "Aktualisiert" if story.language == "de" else "Updated"
        when = esc(visible_date(story.modified, story.date_style))
        out += (
            f' <span class="updated">{updated} '
            f'<time datetime="{story.modified}">{when}</time></span>'
        )
    return out


def body_html(story: Story) -> list[str]:
    """The story's body blocks as HTML, with an advert slot after the third block."""
    out: list[str] = []
    for i, block in enumerate(story.body):
        figure = figure_parts(block)
        if block.startswith("## "):
            out.append(f"<h2>{inline_html(block[3:])}</h2>")
        elif figure:
            file, caption, credit = figure
            out += [
                '<figure class="inline-image">',
                f'  <img src="/static/img/{file}" alt="{esc(caption)}" width="640" height="360">',
                f'  <figcaption>{esc(caption)} <span class="credit">{esc(credit)}</span>'
                "</figcaption>",
                "</figure>",
            ]
        else:
            out.append(f"<p>{inline_html(block)}</p>")
        if i == 2 and story.layout != "figure":
            out.append(
                '<div class="ad-slot" aria-hidden="true"><span class="ad-label">Advertisement'
                "</span></div>"
            )
    return out


def jsonld_html(story: Story) -> str:
    """schema.org NewsArticle markup in one of three shapes real sites use."""
    url = f"{BASE}{story_path(story)}"
    image = f"{BASE}/static/img/{story.image}"
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": SITE_NAME,
        "url": f"{BASE}/",
        "logo": {"@type": "ImageObject", "url": f"{BASE}/static/img/logo.svg"},
    }
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "image": [image],
        "datePublished": story.published,
    }
    if story.modified:
        article["dateModified"] = story.modified
    people = [{"@type": "Person", "name": a} for a in story.authors]
    if people:
        article["author"] = people
    article["publisher"] = publisher
    article["articleSection"] = section_of(story.section).title
    keywords: Any = list(story.tags) if len(story.slug) % 2 else ", ".join(story.tags)
    article["keywords"] = keywords
    article["inLanguage"] = "de-DE" if story.language == "de" else "en-GB"
    article["isAccessibleForFree"] = True
    if story.jsonld == "plain":
        return _json_script(article)
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{BASE}/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": section_of(story.section).title,
                "item": f"{BASE}/{story.section}/",
            },
        ],
    }
    if story.jsonld == "list":
        crumbs["@context"] = "https://schema.org"
        return _json_script([article, crumbs])
    # "graph": nodes linked by @id, authors as references.
    del article["@context"]
    article["@id"] = f"{url}#article"
    nodes: list[dict[str, Any]] = [
        {"@type": "WebSite", "@id": f"{BASE}/#website", "name": SITE_NAME, "url": f"{BASE}/"},
        {"@type": "WebPage", "@id": url, "url": url, "breadcrumb": {"@id": f"{url}#crumbs"}},
        {**crumbs, "@id": f"{url}#crumbs"},
    ]
    if people:
        ids = [f"{BASE}/#person-{i}" for i in range(len(people))]
        article["author"] = [{"@id": i} for i in ids]
        nodes += [{**p, "@id": i} for p, i in zip(people, ids, strict=True)]
    article["publisher"] = {"@id": f"{BASE}/#publisher"}
    nodes.append({**publisher, "@id": f"{BASE}/#publisher"})
    nodes.insert(2, article)
    return _json_script({"@context": "https://schema.org", "@graph": nodes})


def story_head(story: Story) -> list[str]:
    """The head tags of a story page: description always, the rest as the story says."""
    path = story_path(story)
    head = [f'<meta name="description" content="{esc(story.description)}">']
    if story.meta:
        locale = "de_DE" if story.language == "de" else "en_GB"
        head += [
            f'<link rel="canonical" href="{BASE}{path}">',
            f'<meta property="og:site_name" content="{SITE_NAME}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(story.title)}">',
            f'<meta property="og:description" content="{esc(story.description)}">',
            f'<meta property="og:url" content="{BASE}{path}">',
            f'<meta property="og:image" content="{BASE}/static/img/{story.image}">',
            f'<meta property="og:locale" content="{locale}">',
            f'<meta property="article:published_time" content="{story.published}">',
        ]
        if story.modified:
            head.append(f'<meta property="article:modified_time" content="{story.modified}">')
        head.append(
            f'<meta property="article:section" content="{section_of(story.section).title}">'
        )
        head += [f'<meta property="article:tag" content="{esc(t)}">' for t in story.tags]
        if story.authors:
            head.append(f'<meta name="author" content="{esc(", ".join(story.authors))}">')
        head.append('<meta name="twitter:card" content="summary_large_image">')
    if story.jsonld:
        head.append(jsonld_html(story))
    return head


def share_html(story: Story) -> str:
    """Share buttons (no live third-party links: social.example is reserved for examples)."""
    path = story_path(story)
    return (
        '<div class="share-buttons" aria-label="Share this story">'
        '<span class="share-label">Share</span> '
        f'<a class="share-social" href="https://social.example/share" data-share-path="{path}">'
        "Post</a> "
        f'<a class="share-email" href="mailto:?subject={esc(story.slug)}">Email</a> '
        f'<button type="button" class="share-copy" data-share-path="{path}">Copy link</button>'
        "</div>"
    )


def related_html(related: Sequence[Story]) -> str:
    """The "Related stories" box."""
    items = "\n".join(
        f'    <li><a href="{story_path(s)}">{esc(s.title)}</a> '
        f'<span class="related-section">{section_of(s.section).title}</span></li>'
        for s in related
    )
    return (
        '<aside class="related" aria-labelledby="related-title">\n'
        '  <h2 id="related-title">Related stories</h2>\n'
        f"  <ul>\n{items}\n  </ul>\n</aside>"
    )


def newsletter_html() -> str:
    """The newsletter sign-up box."""
    return (
        '<aside class="newsletter" aria-labelledby="newsletter-title">\n'
        '  <h2 id="newsletter-title">The Morning Tide</h2>\n'
        f"  <p>{esc(NEWSLETTER_TEXT)}</p>\n"
        '  <form action="/newsletters/" method="get">\n'
        '    <label for="newsletter-email">Email address</label>\n'
        '    <input type="email" id="newsletter-email" name="email" required>\n'
        '    <button type="submit">Sign up</button>\n'
        "  </form>\n"
        '  <p class="small">We never share your address. '
        '<a href="/privacy/">How we use your data</a></p>\n'
        "</aside>"
    )


def comment_times(story: Story) -> list[str]:
    """When each comment was posted, ISO 8601 in the story's own offset."""
    start = datetime.fromisoformat(story.published)
    return [
        (start + timedelta(minutes=COMMENT_DELAYS[i])).isoformat()
        for i in range(len(story.comments))
    ]


def comments_html(story: Story) -> str:
    """The reader comments, or a closed notice."""
    if not story.comments:
        return (
            '<section class="comments" id="comments">\n  <h2>Comments</h2>\n'
            "  <p>Comments are closed on this story.</p>\n</section>"
        )
    items = []
    for i, (comment, when) in enumerate(zip(story.comments, comment_times(story), strict=True)):
        shown = datetime.fromisoformat(when)
        items.append(_comment_html(i + 1, comment, when, f"{shown:%d/%m/%Y %H:%M}"))
    return (
        '<section class="comments" id="comments">\n'
        f"  <h2>Reader comments ({len(story.comments)})</h2>\n"
        '  <ol class="comment-list">\n' + "\n".join(items) + "\n  </ol>\n"
        f'  <p class="comment-policy">{COMMENT_POLICY} Please read our '
        '<a href="/about/#community">community guidelines</a>.</p>\n'
        "</section>"
    )


def _comment_html(number: int, comment: Comment, when: str, shown: str) -> str:
    return (
        f'    <li class="comment" id="comment-{number}">\n'
        f'      <div class="comment-meta"><span class="comment-author">{esc(comment.author)}'
        f'</span> <time datetime="{when}">{shown}</time></div>\n'
        f'      <p class="comment-text">{esc(comment.text)}</p>\n'
        '      <a class="comment-reply" href="#comments">Reply</a>\n'
        "    </li>"
    )


def story_page(story: Story, related: Sequence[Story]) -> str:
    """A complete story page in the story's layout."""
    section = section_of(story.section)
    crumbs = breadcrumb([("/", "Home"), (f"/{section.name}/", section.title), (None, story.title)])
    standfirst = f'<p class="standfirst">{esc(story.description)}</p>'
    tags = "".join(f'<li class="tag">{esc(t)}</li>' for t in story.tags)
    if story.layout == "story-body":
        main = [
            crumbs,
            '<div class="story-page">',
            f'  <h1 class="story-title">{esc(story.title)}</h1>',
            f"  {standfirst}",
            f'  <div class="story-meta">{byline_html(story, "span")}'
            f'<span class="sep"> | </span>{dateline_html(story)}</div>',
            f"  {share_html(story)}",
            '  <div class="story-body">',
            *(f"    {line}" for line in body_html(story)),
            "  </div>",
            f'  <ul class="tags">{tags}</ul>',
            "</div>",
        ]
    else:
        lead: list[str] = []
        if story.layout == "figure":
            lead = [
                '  <figure class="lead-image">',
                f'    <img src="/static/img/{story.image}" alt="{esc(story.title)}" '
                'width="960" height="540">',
                f"    <figcaption>{esc(story.description)} "
                '<span class="credit">Photograph: Harbour Gazette</span></figcaption>',
                "  </figure>",
            ]
        main = [
            crumbs,
            f'<article class="story story--{section.name}">',
            '  <header class="story-header">',
            f'    <p class="kicker"><a href="/{section.name}/">{section.title}</a></p>',
            f'    <h1 class="headline">{esc(story.title)}</h1>',
            f"    {standfirst}",
            f"    {byline_html(story)}" if story.authors else "",
            f'    <p class="dateline">{dateline_html(story)}</p>',
            "  </header>",
            *lead,
            '  <div class="article-body">',
            *(f"    {line}" for line in body_html(story)),
            "  </div>",
            f'  <footer class="story-footer"><ul class="tags">{tags}</ul>',
            f"  {share_html(story)}</footer>",
            "</article>",
        ]
    main += [related_html(related), newsletter_html(), comments_html(story)]
    return page(
        title=f"{story.title} | {SITE_NAME}",
        content=[line for line in main if line],
        head=story_head(story),
        lang="de" if story.language == "de" else "en-GB",
        body_class=f"story-page section-{section.name}",
        current=f"/{section.name}/",
    )


# --------------------------------------------------------------------------- listings


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


def page_path(section: str, number: int) -> str:
    """``/news/`` for page 1, ``/news/page/N/`` after."""
    return f"/{section}/" if number == 1 else f"/{section}/page/{number}/"


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
        _json_script(
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


def info_page(path: str, title: str, blocks: Sequence[str], noindex: bool = False) -> str:
    """A plain page (about, contact, ...): a heading and paragraphs in the body markup.

    A block ``#id ## Heading`` is a subheading with an anchor.
    """
    body: list[str] = []
    for block in blocks:
        anchor = ""
        if block.startswith("#") and " " in block and not block.startswith("## "):
            anchor, block = block.split(" ", 1)
        if block.startswith("## "):
            ident = f' id="{anchor[1:]}"' if anchor else ""
            body.append(f"<h2{ident}>{inline_html(block[3:])}</h2>")
        else:
            body.append(f"<p>{inline_html(block)}</p>")
    head = basic_head(plain_text(blocks[0])[:150], path)
    if noindex:
        head.append('<meta name="robots" content="noindex, nofollow">')
    return page(
        title=f"{title} | {SITE_NAME}",
        content=[
            breadcrumb([("/", "Home"), (None, title)]),
            '<div class="info-page">',
            f"<h1>{esc(title)}</h1>",
            *body,
            "</div>",
        ],
        head=head,
        body_class="info-page",
    )


def error_page(status: int) -> str:
    """The HTML body the server sends with a 404 or 500."""
    if status == 404:
        title, text = (
            "Page not found",
            "We can't find the page you asked for. If you followed a link to a story, the story "
            "may have been moved or taken down.",
        )
    else:
        title, text = (
            "Something went wrong",
            "Our publishing system could not show this page just now. Please try again later.",
        )
    return page(
        title=f"{title} | {SITE_NAME}",
        content=[
            '<div class="error-page">',
            f"<h1>{title}</h1>",
            f"<p>{esc(text)}</p>",
            '<p>Try the <a href="/">front page</a>, or the <a href="/news/">news</a>, '
            '<a href="/business/">business</a> and <a href="/culture/">culture</a> sections.</p>',
            "</div>",
        ],
        head=['<meta name="robots" content="noindex">'],
        body_class="error",
    )
