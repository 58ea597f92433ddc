"""URL paths on the demo site (stories, listings), sections by name, the files serving paths."""

from __future__ import annotations

import re
from datetime import datetime

from archiver.demo_site.content import SECTIONS, Section, Story

#: What an article URL looks like; listings, feeds and other pages never match it.
ARTICLE_PATH_RE = re.compile(r"^/(?:news|business|culture)/\d{4}/\d{2}/\d{2}/[\w-]+$")


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


def page_path(section: str, number: int) -> str:
    """``/news/`` for page 1, ``/news/page/N/`` after."""
    return f"/{section}/" if number == 1 else f"/{section}/page/{number}/"


def section_of(name: str) -> Section:
    """The section called ``name``."""
    return next(s for s in SECTIONS if s.name == name)


def file_for(path: str) -> str:
    """The file under ``site/`` serving a URL path (what the server looks for)."""
    return f"{path.strip('/')}/index.html".lstrip("/") if path.endswith("/") else f"{path[1:]}.html"
