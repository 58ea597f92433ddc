"""Generate the demo site (``site/``) and its ground truth (``manifest.json``) from ``content``.

Pages, feeds, sitemaps and manifest come from the same stories, so they cannot disagree. The
output is committed, so the site is plain static files; a test rebuilds it and compares.

    python -m archiver.demo_site.build           # rewrite site/ and manifest.json
    python -m archiver.demo_site.build --check   # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archiver.demo_site import assets, feeds
from archiver.demo_site.checks import check_links, check_stories
from archiver.demo_site.content import SECTIONS, Story, all_dead_links
from archiver.demo_site.content import all_stories as load_stories
from archiver.demo_site.content.pages import INFO_PAGES
from archiver.demo_site.manifest import make_manifest
from archiver.demo_site.paths import file_for, page_path, story_path
from archiver.demo_site.server import MANIFEST_PATH, SITE_DIR
from archiver.demo_site.structure import (
    ARCHIVE_PAGE_SECTIONS,
    front_page,
    most_read_links,
    paginate,
    related_stories,
    timestamp,
)
from archiver.demo_site.templates.listings import section_page, teaser_for, teaser_for_dead
from archiver.demo_site.templates.plain import error_page, info_page
from archiver.demo_site.templates.story import story_page


def build() -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file of the site (path under ``site/`` -> bytes) and the manifest."""
    stories = load_stories()
    dead = all_dead_links()
    check_stories(stories, dead)
    files: dict[str, str | bytes] = {}
    related = {s.slug: related_stories(s, stories) for s in stories}
    for story in stories:
        files[file_for(story_path(story))] = story_page(story, related[story.slug])

    listings: dict[str, list[str]] = {}
    listed_on: dict[str, str] = {}
    for section in SECTIONS:
        own = [s for s in stories if s.section == section.name]
        pages = paginate(section, own, [d for d in dead if d.section == section.name])
        extra = section.name in ARCHIVE_PAGE_SECTIONS
        listings[section.name] = [page_path(section.name, n) for n in range(1, len(pages) + 1)]
        for number, entries in enumerate(pages, start=1):
            most_read = most_read_links(own, pages[0]) if number == 1 else []
            teasers = [
                teaser_for(e) if isinstance(e, Story) else teaser_for_dead(e) for e in entries
            ]
            path = page_path(section.name, number)
            html = section_page(section, number, len(pages), teasers, most_read, extra)
            files[file_for(path)] = html
            for entry in entries:
                if isinstance(entry, Story):
                    listed_on[entry.slug] = path
        if extra:
            path = page_path(section.name, len(pages) + 1)
            files[file_for(path)] = section_page(section, len(pages) + 1, len(pages), [], [], True)

    files["index.html"] = front_page(stories)
    for info in INFO_PAGES:
        files[file_for(info.path)] = info_page(info.path, info.title, info.blocks, info.noindex)
    for status in (404, 500):
        files[f"_errors/{status}.html"] = error_page(status)

    by_date = sorted(stories, key=timestamp, reverse=True)
    files["robots.txt"] = feeds.robots_txt()
    files["sitemap.xml"] = feeds.sitemap_xml(by_date)
    files["news-sitemap.xml"] = feeds.news_sitemap_xml(by_date)
    files["news/rss.xml"] = feeds.rss_xml("news", [s for s in by_date if s.section == "news"])
    files["culture/atom.xml"] = feeds.atom_xml(
        "culture", [s for s in by_date if s.section == "culture"]
    )
    files.update(assets.static_files())

    encoded = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in sorted(files.items())}
    manifest = make_manifest(stories, dead, related, listings, listed_on, encoded)
    check_links(encoded, manifest)
    return encoded, manifest


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
