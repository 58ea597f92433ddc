"""Generic page furniture removed around body extraction, and the body's parts gathered.

Only general semantics: HTML elements and ARIA roles meant for side content and dialogs,
hidden elements (attributes, inline styles, the utility classes CSS frameworks use), schema.org
microdata that only carries metadata values, link-dense lists and lists of story cards, hover
cards of links inside a paragraph, class/id tokens that name widgets (related links, newsletter
boxes, share bars, captions, ...), and in the extracted text cross-reference lines such as
"Read more: ...", copyright lines and trailing link lines. No site is named here. An element is
kept when it holds a large share of the page's paragraph text, so a mislabelled article wrapper
never disappears. An article body split into several like-named containers is joined first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml import etree

__all__ = [
    "add_hyphenated_classes",
    "drop_boilerplate",
    "drop_boilerplate_paragraphs",
    "drop_trailing_links",
    "join_split_bodies",
    "link_texts",
]

_WORDS = (
    "related",
    "newsletter",
    "share",
    "sharing",
    "social",
    "promo",
    "teaser",
    "author-bio",
    "caption",
    "credit",
)
_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(re.escape(w) for w in _WORDS) + r")(?:$|[\s_-])", re.I
)
_TAGS = frozenset(("figcaption", "aside"))
_ROLES = frozenset(("complementary",))
# microdata properties whose text is a machine value (dates, URLs, sizes), never prose
_META_PROPS = frozenset(
    (
        "datePublished",
        "dateCreated",
        "dateModified",
        "url",
        "width",
        "height",
        "logo",
        "image",
        "publisher",
        "mainEntityOfPage",
        "thumbnailUrl",
    )
)
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# class names that, by wide convention, keep an element off the screen or out of the page
# (utility classes of CSS frameworks, print-only blocks, dialogs)
_UNSEEN_CLASSES = frozenset(
    ("hide", "hidden", "d-none", "is-hidden", "u-hidden", "print-only", "print-header",
     "print-footer", "modal", "scrim")
)  # fmt: skip
_MAX_SHARE = 0.4  # an element with more of the page's <p> text than this is never dropped
_LINK_LIST_SHARE = 0.6  # a list whose text is at least this much link text is navigation
_CLUSTER_LINKS = 3  # links in an element embedded in a paragraph that make it a link box
_CLUSTER_MIN_CHARS = 60
_CLUSTER_LINK_SHARE = 0.9


_P_TEXTS = etree.XPath(".//p//text()", smart_strings=False)
_TEXT = etree.XPath("string()", smart_strings=False)  # "".join(el.itertext()), built in C


def _text_len(el: Any) -> int:
    return sum(map(len, _P_TEXTS(el)))


def _text_length(el: Any) -> int:
    return len(_TEXT(el).strip())


def _linked_length(anchors: Any) -> int:
    """Characters of text inside these links."""
    return sum(_text_length(a) for a in anchors)


def _is_link_list(lst: Any) -> bool:
    if len(lst.findall("li")) < 2:
        return False
    chars = _text_length(lst)
    return bool(chars) and _linked_length(lst.iter("a")) >= _LINK_LIST_SHARE * chars


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _is_teaser_list(lst: Any) -> bool:
    """A list of story cards: most items hold a linked headline (``<h3><a>``)."""
    items = lst.findall("li")
    if len(items) < 2:
        return False
    cards = sum(
        1
        for li in items
        if any(h.find(".//a[@href]") is not None or h.getparent().tag == "a"
               for h in li.iter(*_HEADINGS))
    )  # fmt: skip
    return cards * 3 >= len(items) * 2


def _is_link_cluster(el: Any) -> bool:
    anchors = el.findall(".//a[@href]")
    if len(anchors) < _CLUSTER_LINKS:
        return False
    chars = _text_length(el)
    return chars >= _CLUSTER_MIN_CHARS and _linked_length(anchors) >= _CLUSTER_LINK_SHARE * chars


def _inline_link_clusters(tree: Any) -> list[Any]:
    """Elements inside paragraphs made of several links and nothing else: hover cards and
    "more on this person" boxes embedded in running text. The innermost one goes, so a
    name link wrapped together with its card stays."""
    found: list[Any] = []
    for para in tree.iter("p"):
        if len(para.findall(".//a[@href]")) < _CLUSTER_LINKS:
            continue
        clusters = [el for el in para.iterdescendants("span", "div", "ul") if _is_link_cluster(el)]
        inner = set(clusters)
        found.extend(el for el in clusters if not any(d in inner for d in el.iterdescendants()))
    return found


def _is_furniture(el: Any) -> bool:
    tag = el.tag
    attrs = el.attrib
    role = attrs.get("role")
    if tag in _TAGS or role in _ROLES or role == "dialog" or "hidden" in attrs:
        return True
    if tag != "a" and attrs.get("itemprop") in _META_PROPS:
        return True
    style = attrs.get("style")
    if style and _HIDDEN_RE.search(style):
        return True
    cls, id_ = attrs.get("class", ""), attrs.get("id", "")
    if (cls or id_) and _names_widget(cls, id_):
        return True
    return tag in ("ul", "ol") and (_is_link_list(el) or _is_teaser_list(el))


@lru_cache(maxsize=4096)
def _names_widget(cls: str, id_: str) -> bool:
    """Class or id names a widget or an element kept off the screen (pages repeat them)."""
    if not _UNSEEN_CLASSES.isdisjoint(cls.split()):
        return True
    attrs = f"{cls} {id_}"
    return bool(attrs.strip()) and bool(_CLASS_RE.search(attrs))


_BODY_CLASS_RE = re.compile(
    r"(?:^|\s)(?:articleBody|article-body|article__body|article-content|article__content|"
    r"entry-content|post-content|story-body)(?:$|\s)"
)
_NEAR = 5  # levels up within which the parts of one split article body meet


def join_split_bodies(tree: Any) -> int:
    """Gather an article body the page splits into several containers (around ads, a
    paywall break or embeds) into the first one; return how many parts were moved.

    Content-area heuristics stop at the first container named as the article body; the
    parts after it are lost. Only containers named exactly alike and close together in
    the tree are joined, so a second story further down the page stays apart.
    """
    found = [
        el
        for el in tree.iter("div", "section")
        if el.get("itemprop") == "articleBody" or _BODY_CLASS_RE.search(el.get("class", ""))
    ]
    found_set = set(found)
    outer = [el for el in found if not any(a in found_set for a in el.iterancestors())]
    if len(outer) < 2:
        return 0
    first = outer[0]
    name = (first.get("class"), first.get("itemprop"))
    near = set(list(first.iterancestors())[:_NEAR])
    story = _story_of(first)
    moved = 0
    for part in outer[1:]:
        if (part.get("class"), part.get("itemprop")) != name or _story_of(part) is not story:
            continue
        if near.isdisjoint(list(part.iterancestors())[:_NEAR]):
            continue
        first.extend(list(part))
        moved += 1
    return moved


def _story_of(el: Any) -> Any:
    """The nearest ``<article>`` around ``el`` (None outside any)."""
    return next(el.iterancestors("article"), None)


_SNAKE_CONTAINERS = ("div", "section", "article", "main")
_SNAKE_TOKEN_RE = re.compile(r"\b[A-Za-z]+(?:_[A-Za-z]+)+\b")


def add_hyphenated_classes(tree: Any) -> None:
    """Give ``article_body``-style class tokens their ``article-body`` spelling too.

    Content-area heuristics (trafilatura's among them) know the hyphenated and BEM names of
    article containers; a site writing them in snake case is not found otherwise.
    """
    for el in tree.iter(_SNAKE_CONTAINERS):
        cls = el.get("class", "")
        if "_" not in cls:
            continue
        extra = [t.replace("_", "-") for t in _SNAKE_TOKEN_RE.findall(cls) if "__" not in t]
        if extra:
            el.set("class", f"{cls} {' '.join(extra)}")


# every element _is_furniture can accept; XPath narrows them down in C, much faster
_MAYBE = "[@class or @id or @role or @hidden or @style or @itemprop or self::ul or self::ol"
_MAYBE += " or self::figcaption or self::aside]"
_MAYBE_FURNITURE = etree.XPath(
    "//*[@class or @id or @role or @hidden or @style or @itemprop]"
    " | //ul | //ol | //figcaption | //aside"
)
# how many of those an element holds (the same test)
_MAYBE_FURNITURE_INSIDE = etree.XPath(f"count(descendant::*{_MAYBE})")


def drop_boilerplate(tree: Any) -> int:
    """Remove side content from ``tree`` in place; return how many elements were removed.

    Elements are judged in document order, each on the page as it was (whatever is dropped
    comes before it or holds it); what a dropped element holds is not looked at.
    """
    clusters = _inline_link_clusters(tree)
    candidates = _MAYBE_FURNITURE(tree)
    total = _text_len(tree) or 1
    removed = 0
    skip = 0
    for el in candidates:
        if skip:
            skip -= 1  # inside an element dropped already
        elif _drop(el, total):
            skip = int(_MAYBE_FURNITURE_INSIDE(el))
            el.drop_tree()
            removed += 1
    for el in clusters:
        if _may_go(el, total) and _in_tree(el, tree):
            el.drop_tree()
            removed += 1
    return removed


def _drop(el: Any, total: int) -> bool:
    """Whether ``el`` is furniture that may go."""
    return el.getparent() is not None and _is_furniture(el) and _may_go(el, total)


def _may_go(el: Any, total: int) -> bool:
    """Not the page itself, nor an element with most of its paragraph text."""
    if el.getparent() is None or el.tag in ("html", "body"):
        return False
    return _text_len(el) <= _MAX_SHARE * total


def _in_tree(el: Any, tree: Any) -> bool:
    """``el`` is still in ``tree``: no ancestor of it was dropped."""
    for ancestor in el.iterancestors():
        if ancestor is tree:
            return True
    return el is tree


# Cross-reference lines ("Read more: <headline>") and bare widget labels, in a few languages.
_XREF_RE = re.compile(
    r"^(?:read more|read also|also read|see more|see also|related(?: articles?| stories)?|"
    r"more|don'?t miss|recommended|watch|listen|lees ook|lesen sie auch|mehr zum thema|"
    r"auch interessant|les også|läs också|lue myös|lire aussi|à lire aussi|leer más|"
    r"lee también|leia também|leggi anche)\s*[:|»>]",
    re.I,
)
_LABEL_RE = re.compile(
    r"^(?:read more|related|related articles|related stories|more on this|tags|share|"
    r"share this(?: article| story)?|comments?|advertisement|anzeige|werbung|"
    r"you may also like|you might also like|recommended|don'?t miss|also read|"
    r"more from [\w .'-]{1,40})\W*$",
    re.I,
)


def drop_boilerplate_paragraphs(text: str) -> str:
    """Drop ``\\n\\n``-separated paragraphs that are cross-reference lines or widget labels."""
    if not text:
        return text
    paras = text.split("\n\n")
    kept = [p for p in paras if not (_XREF_RE.match(p) or _LABEL_RE.match(p))]
    return "\n\n".join(kept) if len(kept) != len(paras) else text


_LONG_PARAGRAPH = 150  # characters: a paragraph of article prose
_SHORT_TAIL = 150  # characters: a trailing line no longer than this may be a link
_TAIL_LINK_SHARE = 0.5  # a trailing line with at least this much link text is a link


def link_texts(tree: Any) -> set[str]:
    """The whitespace-normalised texts of the links in ``tree`` (3 characters or more)."""
    texts = (" ".join("".join(a.itertext()).split()) for a in tree.iter("a"))
    return {t for t in texts if len(t) >= 3}


def _link_share(line: str, links: set[str]) -> float:
    linked = sum(len(link) for link in links if link in line)
    return min(1.0, linked / max(1, len(line)))


_NOTICE_RE = re.compile(r"^[<(\[]?\s*(?:copyright\b|©|ⓒ|\(c\)\s*\d{4})", re.I)
_RIGHTS_RE = re.compile(r"\ball rights reserved\b", re.I)
_MAX_NOTICE = 200  # characters: a copyright line, never a paragraph of the story


def _is_notice(line: str) -> bool:
    """A copyright line ("© 2024 Publisher. All rights reserved.")."""
    return len(line) < _MAX_NOTICE and bool(_NOTICE_RE.match(line) or _RIGHTS_RE.search(line))


def _is_tail_link(line: str, links: set[str]) -> bool:
    if _XREF_RE.match(line) or _LABEL_RE.match(line):
        return True
    return len(line) < _SHORT_TAIL and _link_share(line, links) >= _TAIL_LINK_SHARE


def drop_trailing_links(text: str, links: set[str]) -> str:
    """Drop copyright lines at the end, then the short, link-heavy lines after the last long
    one (lines are paragraphs), from the end up to the first that is not such a line.

    Extractors often run on past the article into "more stories" links and a copyright
    notice; those link lines are short and mostly the text of links on the page.
    """
    if not text:
        return text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    while lines and (not lines[-1] or _is_notice(lines[-1])):
        lines.pop()
    text = "\n".join(lines)
    if not links:
        return text
    last_long = max((i for i, line in enumerate(lines) if len(line) >= _LONG_PARAGRAPH), default=-1)
    if last_long < 0:
        return text
    end = len(lines)
    while end > last_long + 1 and (not lines[end - 1] or _is_tail_link(lines[end - 1], links)):
        end -= 1
    return "\n".join(lines[:end])
