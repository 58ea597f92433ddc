"""Text samples the manifest gives tests: a distinctive sentence of a body, the body as read."""

from __future__ import annotations

import re

from archiver.demo_site.content import Story
from archiver.demo_site.markup import is_paragraph, plain_text
from archiver.demo_site.templates.chrome import COOKIE_TEXT, NEWSLETTER_TEXT

_SENTENCE_END_RE = re.compile(r"(?<=[.!?”])\s+(?=[A-Z0-9“\"'])")


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


def boilerplate_samples(story: Story, related: list[Story]) -> list[str]:
    """Text on the story's page that is not its body (comment, related title, boxes)."""
    samples = []
    if story.comments:
        samples.append(distinctive(story.comments[0].text))
    samples.append(related[0].title)
    samples.append(NEWSLETTER_TEXT)
    samples.append(COOKIE_TEXT)
    return samples
