"""The machine-readable side of the demo site: robots.txt, sitemaps, RSS and Atom feeds.

Built from the same stories as the pages; URLs are absolute via ``{{BASE_URL}}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from archiver.demo_site.content import Story
from archiver.demo_site.paths import section_of, story_path
from archiver.demo_site.server import BASE_URL_PLACEHOLDER as BASE
from archiver.demo_site.templates.chrome import SITE_NAME

DISALLOWED = ("/private/",)
SITEMAPS = ("/sitemap.xml", "/news-sitemap.xml")


def _x(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


def _updated(story: Story) -> str:
    return story.modified or story.published


def robots_txt() -> str:
    """Everything allowed but the staff area; names the sitemaps."""
    lines = [
        "# robots.txt for The Harbour Gazette (demo site)",
        "# Crawlers are welcome; the staff area is not for them.",
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        *(f"Sitemap: {BASE}{path}" for path in SITEMAPS),
        "",
    ]
    return "\n".join(lines)


def sitemap_xml(stories: Sequence[Story]) -> str:
    """A plain sitemap of every story with its last modification."""
    urls = "".join(
        f"  <url>\n    <loc>{BASE}{story_path(s)}</loc>\n"
        f"    <lastmod>{_updated(s)}</lastmod>\n  </url>\n"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def news_sitemap_xml(stories: Sequence[Story]) -> str:
    """A Google News sitemap: publication, language, publication date and title per story."""
    urls = "".join(
        f"  <url>\n    <loc>{BASE}{story_path(s)}</loc>\n"
        "    <news:news>\n"
        "      <news:publication>\n"
        f"        <news:name>{SITE_NAME}</news:name>\n"
        f"        <news:language>{s.language}</news:language>\n"
        "      </news:publication>\n"
        f"      <news:publication_date>{s.published}</news:publication_date>\n"
        f"      <news:title>{_x(s.title)}</news:title>\n"
        "    </news:news>\n  </url>\n"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
        '        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}</urlset>\n"
    )


def rss_xml(section: str, stories: Sequence[Story]) -> str:
    """An RSS 2.0 feed of one section (dates in RFC 822 form, as RSS wants)."""
    title = section_of(section).title
    newest = max((_updated(s) for s in stories), key=datetime.fromisoformat)
    items = []
    for s in stories:
        url = f"{BASE}{story_path(s)}"
        creators = "".join(f"      <dc:creator>{_x(a)}</dc:creator>\n" for a in s.authors)
        categories = "".join(f"      <category>{_x(t)}</category>\n" for t in s.tags)
        items.append(
            "    <item>\n"
            f"      <title>{_x(s.title)}</title>\n"
            f"      <link>{url}</link>\n"
            f'      <guid isPermaLink="true">{url}</guid>\n'
            f"      <pubDate>{_rfc822(s.published)}</pubDate>\n"
            f"{creators}{categories}"
            f"      <description>{_x(s.description)}</description>\n"
            "    </item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "  <channel>\n"
        f"    <title>{SITE_NAME}: {title}</title>\n"
        f"    <link>{BASE}/{section}/</link>\n"
        f"    <description>{title} from Port Hallow and the Skerra coast.</description>\n"
        "    <language>en-gb</language>\n"
        f"    <lastBuildDate>{_rfc822(newest)}</lastBuildDate>\n"
        f'    <atom:link href="{BASE}/{section}/rss.xml" rel="self" '
        'type="application/rss+xml"/>\n'
        f"{''.join(items)}"
        "  </channel>\n</rss>\n"
    )


def atom_xml(section: str, stories: Sequence[Story]) -> str:
    """An Atom 1.0 feed of one section."""
    title = section_of(section).title
    newest = max((_updated(s) for s in stories), key=datetime.fromisoformat)
    entries = []
    for s in stories:
        url = f"{BASE}{story_path(s)}"
        authors = "".join(f"    <author><name>{_x(a)}</name></author>\n" for a in s.authors)
        categories = "".join(f'    <category term="{_x(t)}"/>\n' for t in s.tags)
        lang = f' xml:lang="{s.language}"' if s.language != "en" else ""
        entries.append(
            f"  <entry{lang}>\n"
            f"    <title>{_x(s.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{url}"/>\n'
            f"    <id>{url}</id>\n"
            f"    <published>{s.published}</published>\n"
            f"    <updated>{_updated(s)}</updated>\n"
            f"{authors}{categories}"
            f"    <summary>{_x(s.description)}</summary>\n"
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">\n'
        f"  <title>{SITE_NAME}: {title}</title>\n"
        f"  <id>{BASE}/{section}/</id>\n"
        f'  <link rel="self" type="application/atom+xml" href="{BASE}/{section}/atom.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{BASE}/{section}/"/>\n'
        f"  <updated>{newest}</updated>\n"
        f"  <author><name>{SITE_NAME}</name></author>\n"
        f"{''.join(entries)}"
        "</feed>\n"
    )


def _rfc822(timestamp: str) -> str:
    return format_datetime(datetime.fromisoformat(timestamp))
