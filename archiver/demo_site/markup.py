"""Text into HTML: escaping, the story body markup (links, emphasis, figures), JSON-LD."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from archiver.demo_site.content import Story

_LINK_RE = re.compile(r"\[([^\]]+)\]\((/[^)\s]*)\)")
_EM_RE = re.compile(r"\*([^*]+)\*")
_FIGURE_RE = re.compile(r"^\[\[figure:([^|\]]+)\|([^|\]]+)\|([^|\]]+)\]\]$")


def esc(text: str) -> str:
    """HTML-escape text and (double-quoted) attribute values; apostrophes stay as they are."""
    return escape(text, quote=False).replace('"', "&quot;")


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


def json_script(data: Any) -> str:
    """A JSON-LD ``<script>`` element; ``</`` is escaped so the data cannot close it."""
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'
