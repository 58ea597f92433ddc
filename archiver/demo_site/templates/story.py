"""Story pages in their layouts: byline, dateline, body, share, related and comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from archiver.demo_site.content import Comment, Story
from archiver.demo_site.dates import visible_date
from archiver.demo_site.markup import esc, figure_parts, inline_html
from archiver.demo_site.paths import section_of, story_path
from archiver.demo_site.templates.chrome import SITE_NAME, breadcrumb, newsletter_html, page
from archiver.demo_site.templates.story_head import story_head

COMMENT_POLICY = "Comments are moderated and may take a little while to appear."
#: When reader comments arrived, in minutes after publication.
COMMENT_DELAYS = (47, 132, 301, 588)


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
