"""The promises the content must keep (word counts, unique URLs, live links) before a build."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from archiver.demo_site.content import DeadLink, Story
from archiver.demo_site.markup import is_paragraph, plain_text
from archiver.demo_site.paths import ARTICLE_PATH_RE, file_for, old_path, story_path
from archiver.demo_site.samples import body_sample
from archiver.demo_site.templates.story import COMMENT_DELAYS

#: Words a story body must have, at least and at most.
WORDS = (250, 700)


class BuildError(Exception):
    """The content breaks one of the site's promises (a word count, a link, a date)."""


def check_stories(stories: list[Story], dead: list[DeadLink]) -> None:
    """Unique article URLs, word and comment counts, dates and samples, or a BuildError."""
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
        if s.comments and not 2 <= len(s.comments) <= len(COMMENT_DELAYS):
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


def check_links(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
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
            if path in special or file_for(path) in files or path.lstrip("/") in files:
                continue
            raise BuildError(f"{name}: link to {link} goes nowhere")
