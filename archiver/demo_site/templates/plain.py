"""Pages that are not news: about, contact and the like, and the error pages the server sends."""

from __future__ import annotations

from collections.abc import Sequence

from archiver.demo_site.markup import esc, inline_html, plain_text
from archiver.demo_site.templates.chrome import SITE_NAME, basic_head, breadcrumb, page


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
