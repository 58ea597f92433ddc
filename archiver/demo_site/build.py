"""Generate the demo site (``site/``) and its ground truth (``manifest.json``) from ``content``.

Pages, feeds, sitemaps and manifest come from the same stories, so they cannot disagree. The
output is committed, so the site is plain static files; a test rebuilds it and compares.

    python -m archiver.demo_site.build           # rewrite site/ and manifest.json
    python -m archiver.demo_site.build --check   # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver.demo_site import assets, feeds, templates
from archiver.demo_site.content import SECTIONS, DeadLink, Section, Story, all_dead_links
from archiver.demo_site.content import all_stories as load_stories
from archiver.demo_site.content.pages import INFO_PAGES
from archiver.demo_site.server import BASE_URL_PLACEHOLDER, MANIFEST_PATH, SITE_DIR
from archiver.demo_site.templates import (
    Teaser,
    is_paragraph,
    listed_path,
    old_path,
    page_path,
    plain_text,
    story_path,
    teaser_for,
    teaser_for_dead,
)

#: What an article URL looks like; listings, feeds and other pages never match it.
ARTICLE_PATH_RE = re.compile(r"^/(?:news|business|culture)/\d{4}/\d{2}/\d{2}/[\w-]+$")
#: Sections whose last listing page links on to a page beyond the crawl's max_pages.
ARCHIVE_PAGE_SECTIONS = ("news",)
CHUNKED_PATHS = ("/culture/",)
MAX_PAGES = 3
WORDS = (250, 700)
HOME_REF = "ref=home"

_SENTENCE_END_RE = re.compile(r"(?<=[.!?”])\s+(?=[A-Z0-9“\"'])")


class BuildError(Exception):
    """The content breaks one of the site's promises (a word count, a link, a date)."""


def build() -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file of the site (path under ``site/`` -> bytes) and the manifest."""
    stories = load_stories()
    dead = all_dead_links()
    _check_stories(stories, dead)
    files: dict[str, str | bytes] = {}
    related = {s.slug: _related(s, stories) for s in stories}
    for story in stories:
        files[_file_for(story_path(story))] = templates.story_page(story, related[story.slug])

    listings: dict[str, list[str]] = {}
    listed_on: dict[str, str] = {}
    for section in SECTIONS:
        own = [s for s in stories if s.section == section.name]
        pages = _paginate(section, own, [d for d in dead if d.section == section.name])
        extra = section.name in ARCHIVE_PAGE_SECTIONS
        listings[section.name] = [page_path(section.name, n) for n in range(1, len(pages) + 1)]
        for number, entries in enumerate(pages, start=1):
            most_read = _most_read(own, pages[0]) if number == 1 else []
            teasers = [
                teaser_for(e) if isinstance(e, Story) else teaser_for_dead(e) for e in entries
            ]
            path = page_path(section.name, number)
            html = templates.section_page(section, number, len(pages), teasers, most_read, extra)
            files[_file_for(path)] = html
            for entry in entries:
                if isinstance(entry, Story):
                    listed_on[entry.slug] = path
        if extra:
            path = page_path(section.name, len(pages) + 1)
            files[_file_for(path)] = templates.section_page(
                section, len(pages) + 1, len(pages), [], [], True
            )

    files["index.html"] = _home(stories)
    for info in INFO_PAGES:
        files[_file_for(info.path)] = templates.info_page(
            info.path, info.title, info.blocks, info.noindex
        )
    for status in (404, 500):
        files[f"_errors/{status}.html"] = templates.error_page(status)

    by_date = sorted(stories, key=_timestamp, reverse=True)
    files["robots.txt"] = feeds.robots_txt()
    files["sitemap.xml"] = feeds.sitemap_xml(by_date)
    files["news-sitemap.xml"] = feeds.news_sitemap_xml(by_date)
    files["news/rss.xml"] = feeds.rss_xml("news", [s for s in by_date if s.section == "news"])
    files["culture/atom.xml"] = feeds.atom_xml(
        "culture", [s for s in by_date if s.section == "culture"]
    )
    files.update(assets.static_files())

    encoded = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in sorted(files.items())}
    manifest = _manifest(stories, dead, related, listings, listed_on, encoded)
    _check_links(encoded, manifest)
    return encoded, manifest


# --------------------------------------------------------------------------- structure


def _timestamp(story: Story | DeadLink) -> float:
    return datetime.fromisoformat(story.published).timestamp()


def _file_for(path: str) -> str:
    """The file under ``site/`` serving a URL path (what the server looks for)."""
    return f"{path.strip('/')}/index.html".lstrip("/") if path.endswith("/") else f"{path[1:]}.html"


def _paginate(
    section: Section, stories: list[Story], dead: list[DeadLink]
) -> list[list[Story | DeadLink]]:
    """Listing pages, newest first; a dead link sits on the page of the story just older."""
    pages: list[list[Story | DeadLink]] = [
        list(stories[i : i + section.per_page]) for i in range(0, len(stories), section.per_page)
    ]
    for link in dead:
        older = [i for i, p in enumerate(pages) if any(_timestamp(s) < _timestamp(link) for s in p)]
        pages[older[0] if older else -1].append(link)
    return [sorted(p, key=_timestamp, reverse=True) for p in pages]


def _most_read(
    stories: list[Story], first_page: Sequence[Story | DeadLink]
) -> list[tuple[str, str]]:
    """The "Most read" box of a section's first page: busy stories from later pages.

    A story that moved is linked by its old URL, as stale widgets do.
    """
    later = [s for s in stories if s not in first_page]
    ranked = sorted(later, key=lambda s: (-len(s.comments), -_timestamp(s)))[:4]
    ranked += [s for s in later if s.old_slug and s not in ranked]
    return [(old_path(s) or listed_path(s), s.title) for s in ranked]


def _related(story: Story, stories: list[Story]) -> list[Story]:
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
            abs(_timestamp(s) - _timestamp(story)),
        ),
    )
    return scored[:3]


def _home(stories: list[Story]) -> str:
    """The front page: teasers from every section, some stories more than once."""
    by_date = sorted(stories, key=_timestamp, reverse=True)
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

    return templates.home_page(
        link(lead),
        [link(s) for s in top],
        [link(s) for s in by_date[:8]],
        [(sec, [link(s) for s in newest[sec.name][:3]]) for sec in SECTIONS],
    )


# --------------------------------------------------------------------------- the manifest


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END_RE.split(text) if s]


def distinctive(text: str) -> str:
    """The first sentence of ``text``, run on into the next ones until it has eight words."""
    sentences = _sentences(text)
    sample = sentences[0]
    for more in sentences[1:]:
        if len(sample.split()) >= 8:
            break
        sample = f"{sample} {more}"
    return sample


def body_sample(story: Story) -> str:
    """A distinctive sentence of the body: the first of its second paragraph."""
    return distinctive(plain_text([b for b in story.body if is_paragraph(b)][1]))


def body_text(story: Story) -> str:
    """The body as a reader sees it, paragraphs and subheadings separated by blank lines."""
    blocks = [plain_text(b.removeprefix("## ")) for b in story.body if not b.startswith("[[")]
    return "\n\n".join(blocks)


def _boilerplate(story: Story, related: list[Story]) -> list[str]:
    samples = []
    if story.comments:
        samples.append(distinctive(story.comments[0].text))
    samples.append(related[0].title)
    samples.append(templates.NEWSLETTER_TEXT)
    samples.append(templates.COOKIE_TEXT)
    return samples


def _manifest(
    stories: list[Story],
    dead: list[DeadLink],
    related: dict[str, list[Story]],
    listings: dict[str, list[str]],
    listed_on: dict[str, str],
    files: dict[str, bytes],
) -> dict[str, Any]:
    articles = []
    for s in stories:
        text = body_text(s)
        sample = body_sample(s)
        boilerplate = _boilerplate(s, related[s.slug])
        if any(b in text for b in boilerplate) or any(sample in b for b in boilerplate):
            raise BuildError(f"{s.slug}: a boilerplate sample overlaps the body")
        timed = s.date_style in templates.TIMED_STYLES
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
                "visible_date": templates.visible_date(s.published, s.date_style),
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
    story_files = {_file_for(story_path(s)) for s in stories}
    non_articles = sorted(
        "/" + name.removesuffix("index.html")
        for name in files
        if name.endswith(".html") and name not in story_files and not name.startswith("_")
    )
    updated = max((s.modified or s.published for s in stories), key=datetime.fromisoformat)
    return {
        "schema": 1,
        "site": {
            "name": templates.SITE_NAME,
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


# --------------------------------------------------------------------------- checks


def _check_stories(stories: list[Story], dead: list[DeadLink]) -> None:
    paths = [story_path(s) for s in stories] + [d.path for d in dead]
    paths += [p for p in (old_path(s) for s in stories) if p]
    if len(set(paths)) != len(paths):
        raise BuildError("two stories share a URL")
    for path in paths:
        if not ARTICLE_PATH_RE.match(path):
            raise BuildError(f"{path}: does not look like an article URL")
    for s in stories:
        words = len(" ".join(plain_text(b) for b in s.body if is_paragraph(b)).split())
        if not WORDS[0] <= words <= WORDS[1]:
            raise BuildError(f"{s.slug}: {words} words, expected {WORDS[0]}-{WORDS[1]}")
        if s.comments and not 2 <= len(s.comments) <= len(templates.COMMENT_DELAYS):
            raise BuildError(f"{s.slug}: {len(s.comments)} comments, expected 0 or 2-4")
        if s.modified and datetime.fromisoformat(s.modified) <= datetime.fromisoformat(s.published):
            raise BuildError(f"{s.slug}: modified is not after published")
        if s.modified and not (s.meta or s.jsonld):
            raise BuildError(f"{s.slug}: an edit date needs machine-readable dates")
        second = [b for b in s.body if is_paragraph(b)][1]
        if plain_text(second) != second:
            raise BuildError(f"{s.slug}: the second paragraph (the body sample) has markup")
    samples = [body_sample(s) for s in stories]
    if len(set(samples)) != len(samples):
        raise BuildError("two stories have the same body sample")


class _Links:
    """Collects href/src values of an HTML page."""

    _ATTR_RE = re.compile(r'\s(?:href|src)="([^"]*)"')

    @classmethod
    def of(cls, html: str) -> list[str]:
        return cls._ATTR_RE.findall(html)


def _check_links(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
    """Every root-relative link resolves to a file or a listed special path."""
    special = {
        *manifest["missing_paths"],
        *manifest["error_paths"],
        *(r["from"] for r in manifest["redirects"]),
    }
    for name, data in files.items():
        if not name.endswith(".html"):
            continue
        for link in _Links.of(data.decode("utf-8")):
            if not link.startswith("/") or link.startswith("//"):
                continue
            path = link.split("#")[0].split("?")[0]
            if path in special or _file_for(path) in files or path.lstrip("/") in files:
                continue
            raise BuildError(f"{name}: link to {link} goes nowhere")


# --------------------------------------------------------------------------- writing


def render(site_dir: Path, manifest_path: Path) -> None:
    """Write the site (replacing ``site_dir``) and the manifest."""
    files, manifest = build()
    if site_dir.exists():
        shutil.rmtree(site_dir)
    for name, data in files.items():
        target = site_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    manifest_path.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def differences(site_dir: Path = SITE_DIR, manifest_path: Path = MANIFEST_PATH) -> list[str]:
    """Files that differ between a fresh build and what is on disk (empty: up to date)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh_site, fresh_manifest = Path(tmp) / "site", Path(tmp) / "manifest.json"
        render(fresh_site, fresh_manifest)
        problems = [] if _same(fresh_manifest, manifest_path) else [str(manifest_path)]
        names = {p.relative_to(fresh_site) for p in fresh_site.rglob("*") if p.is_file()}
        names |= {p.relative_to(site_dir) for p in site_dir.rglob("*") if p.is_file()}
        for name in sorted(names):
            if not _same(fresh_site / name, site_dir / name):
                problems.append(str(site_dir / name))
    return problems


def _same(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the site, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(prog="python -m archiver.demo_site.build", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if site/ is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = differences()
        for name in stale:
            print(f"out of date: {name}", file=sys.stderr)
        return 1 if stale else 0
    render(SITE_DIR, MANIFEST_PATH)
    print(f"wrote {SITE_DIR} and {MANIFEST_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
