"""The demo site's ground truth (``manifest.json``): what tests expect a crawl of it to find."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from archiver.demo_site import feeds
from archiver.demo_site.checks import BuildError
from archiver.demo_site.content import SECTIONS, DeadLink, Story
from archiver.demo_site.dates import TIMED_STYLES, visible_date
from archiver.demo_site.markup import is_paragraph, plain_text
from archiver.demo_site.paths import (
    ARTICLE_PATH_RE,
    file_for,
    listed_path,
    old_path,
    page_path,
    story_path,
)
from archiver.demo_site.samples import body_sample, body_text, boilerplate_samples
from archiver.demo_site.server import BASE_URL_PLACEHOLDER
from archiver.demo_site.structure import ARCHIVE_PAGE_SECTIONS
from archiver.demo_site.templates.chrome import SITE_NAME

#: Paths the server sends with chunked transfer encoding.
CHUNKED_PATHS = ("/culture/",)
#: The listing pages a crawl of the demo site follows per section.
MAX_PAGES = 3


def make_manifest(
    stories: list[Story],
    dead: list[DeadLink],
    related: dict[str, list[Story]],
    listings: dict[str, list[str]],
    listed_on: dict[str, str],
    files: dict[str, bytes],
) -> dict[str, Any]:
    """The manifest: site, sections, articles and special paths, from what the build made."""
    articles = []
    for s in stories:
        text = body_text(s)
        sample = body_sample(s)
        boilerplate = boilerplate_samples(s, related[s.slug])
        if any(b in text for b in boilerplate) or any(sample in b for b in boilerplate):
            raise BuildError(f"{s.slug}: a boilerplate sample overlaps the body")
        timed = s.date_style in TIMED_STYLES
        articles.append(
            {
                "path": listed_path(s),
                "canonical_path": story_path(s),
                "section": s.section,
                "title": s.title,
                "description": s.description,
                "authors": list(s.authors),
                "author_role": s.role,
                "published": s.published,
                "modified": s.modified,
                "date_precision": "minute" if timed or s.meta or s.jsonld else "day",
                "visible_date": visible_date(s.published, s.date_style),
                "language": s.language,
                "has_jsonld": s.jsonld is not None,
                "jsonld_style": s.jsonld,
                "has_meta": s.meta,
                "has_canonical_link": s.meta,
                "layout": s.layout,
                "tags": list(s.tags),
                "image": f"/static/img/{s.image}" if s.meta or s.jsonld else None,
                "listed_on": listed_on[s.slug],
                "redirected_from": old_path(s),
                "word_count": len(
                    " ".join(plain_text(b) for b in s.body if is_paragraph(b)).split()
                ),
                "comment_count": len(s.comments),
                "related_paths": [story_path(r) for r in related[s.slug]],
                "body_sample": sample,
                "boilerplate_samples": boilerplate,
            }
        )
    sections = []
    for section in SECTIONS:
        pages = listings[section.name]
        beyond = (
            [page_path(section.name, len(pages) + 1)]
            if (section.name in ARCHIVE_PAGE_SECTIONS)
            else []
        )
        sections.append(
            {
                "name": section.name,
                "title": section.title,
                "url": f"/{section.name}/",
                "pages": pages,
                "pages_beyond_max": beyond,
            }
        )
    story_files = {file_for(story_path(s)) for s in stories}
    non_articles = sorted(
        "/" + name.removesuffix("index.html")
        for name in files
        if name.endswith(".html") and name not in story_files and not name.startswith("_")
    )
    updated = max((s.modified or s.published for s in stories), key=datetime.fromisoformat)
    return {
        "schema": 1,
        "site": {
            "name": SITE_NAME,
            "key": "demo",
            "default_base_url": "http://127.0.0.1:8093",
            "base_url_placeholder": BASE_URL_PLACEHOLDER,
            "updated": updated,
        },
        "article_path_pattern": ARTICLE_PATH_RE.pattern,
        "max_pages": MAX_PAGES,
        "sections": sections,
        "articles": articles,
        "missing_paths": [d.path for d in dead if d.status == 404],
        "redirects": [
            {"from": old_path(s), "to": story_path(s), "status": 301} for s in stories if s.old_slug
        ],
        "error_paths": [d.path for d in dead if d.status == 500],
        "non_article_paths": non_articles,
        "chunked_paths": list(CHUNKED_PATHS),
        "feeds": [
            {"path": "/news/rss.xml", "format": "rss", "section": "news"},
            {"path": "/culture/atom.xml", "format": "atom", "section": "culture"},
        ],
        "sitemaps": [
            {"path": "/sitemap.xml", "kind": "sitemap"},
            {"path": "/news-sitemap.xml", "kind": "news"},
        ],
        "robots": {"path": "/robots.txt", "disallow": list(feeds.DISALLOWED)},
        "static_paths": sorted("/" + name for name in files if name.startswith("static/")),
    }
