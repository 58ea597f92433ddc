"""The standfirst: the summary paragraph a page shows between headline and body.

Extractors often leave it out, as it sits in the article header rather than the body;
it is the publisher's text, so it leads the article's text when the page shows it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from archiver.extraction.structured import text_of

__all__ = ["with_standfirst"]

_WORD_RE = re.compile(r"\w+")
_STANDFIRST_TAGS = ("p", "div", "h2", "span", "strong")
_MIN_STANDFIRST = 60  # characters: shorter descriptions are labels, not a standfirst
_MAX_STANDFIRST = 600
_MEDIA_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:image|img|photo|picture|media|caption|figure|video)", re.I
)
_STANDFIRST_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:standfirst|excerpt|lead|lede|dek|deck|intro|summary|sapo|chapo|vorspann)"
    r"(?:$|[\s_-])",
    re.I,
)


def with_standfirst(tree: Any, text: str, description: str | None) -> str:
    """``text`` led by the article's standfirst when the page shows it but the body lacks it.

    The standfirst is the summary paragraph between headline and body. It is an element
    whose whole text is the page's meta description, or one whose class names it
    (``standfirst``, ``lead``, ``excerpt``, ``dek``, ...), and it must come before the
    paragraph the body starts with; images and their captions never count.
    """
    if not text:
        return text
    wanted = " ".join(description.split()) if description else ""
    first_para = text.partition("\n\n")[0][:80]
    found: str | None = None
    opening = wanted[:20]
    named = False
    for el in tree.iter(*_STANDFIRST_TAGS):
        is_para = el.tag == "p"
        if not is_para:  # cheap tests first: this loop sees every element of those kinds
            if found is not None:
                continue
            named = _names_standfirst(el.get("class", ""))
            if not (named or (opening and (el.text or "").lstrip().startswith(opening))):
                continue
            if not _is_one_paragraph(el):
                continue
        content = text_of(el)
        if is_para and first_para in content:
            break  # the body starts here
        if found is not None or not _MIN_STANDFIRST <= len(content) <= _MAX_STANDFIRST:
            continue
        if is_para:
            named = _names_standfirst(el.get("class", ""))
        named = named and _is_one_paragraph(el)
        if (content == wanted or named) and "©" not in content and not _off_the_story(el):
            found = content
    else:
        return text  # the body's first paragraph is not on the page as such
    if found is None or " ".join(_WORD_RE.findall(found)) in " ".join(_WORD_RE.findall(text)):
        return text
    return f"{found}\n\n{text}"


@lru_cache(maxsize=1024)
def _names_standfirst(cls: str) -> bool:
    """The class names a standfirst (pages repeat their classes)."""
    return bool(_STANDFIRST_CLASS_RE.search(cls))


_BLOCKS = ("div", "section", "article", "header", "ul", "ol", "table", "figure", "script",
           "style", "h1", "h2", "h3", "h4", "h5", "h6")  # fmt: skip


def _is_one_paragraph(el: Any) -> bool:
    """Inline content only, or a single ``<p>`` of it."""
    return next(el.iterdescendants(*_BLOCKS), None) is None and len(el.findall(".//p")) <= 1


_ASIDE_TAGS = frozenset(("figure", "figcaption", "picture", "aside", "nav", "footer"))


def _off_the_story(el: Any) -> bool:
    """In a figure (or named like media), an aside, navigation or a footer.

    Hidden elements are not ruled out: pages streamed by React hold their content in a
    ``<div hidden>`` until a script moves it into place.
    """
    return any(
        a.tag in _ASIDE_TAGS or _MEDIA_CLASS_RE.search(a.get("class", ""))
        for a in (el, *el.iterancestors())
    )
