"""The chrome every page shares (head, cookie banner, header, footer) and its shared boxes."""

from __future__ import annotations

from collections.abc import Sequence

from archiver.demo_site.markup import esc
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
