"""The URLs a piece of CSS loads, found by one regular-expression scan.

The same answers as walking tinycss2's token tree (CSS Syntax Level 3: comments, strings,
escapes, ``url()`` tokens, nested blocks and functions), about 20 times faster: pages carry
hundreds of kilobytes of inline CSS, and a crawl reads every page's. Only what can name a
resource is recognised; everything else is skipped in C by the regex engine.

- ``@import`` gives a stylesheet (its first URL or string), ``url()`` inside ``@font-face`` a
  font, any other ``url()`` / ``src()`` an image, as do the strings of ``image-set()``.
- Other at-rule preludes (``@namespace url(...)``, ``@supports (...)``) name no resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["css_urls"]

_NAME = r"(?:[-\w]|\\[0-9A-Fa-f]{1,6}[ \t\r\n\f]?|\\[^\r\n\f0-9A-Fa-f])"
_NAME_START = r"-?(?:[A-Za-z_]|[^\x00-\x7f]|\\[^\r\n\f])"
# A string token: to its closing quote, a newline (a bad string) or the end.
_STRING = r"""(?:"(?:[^"\\\n]|\\.|\\\n)*(?:"|(?=\n)|\Z)|'(?:[^'\\\n]|\\.|\\\n)*(?:'|(?=\n)|\Z))"""
_BARE_URL = r"""(?![ \t\r\n\f]*["'])[ \t\r\n\f]*
          (?P<bare>(?:[^"'()\\ \t\r\n\f\x00-\x08\x0b\x0e-\x1f\x7f]
            |\\[0-9A-Fa-f]{1,6}[ \t\r\n\f]?|\\[^\r\n\f0-9A-Fa-f]|\\\Z)*)
          [ \t\r\n\f]*
          (?P<url_end>\)|\Z)?"""
_COMMON = (
    r"""
      (?P<comment>/\*.*?(?:\*/|\Z))
    | (?P<string>(?<!(?<!\\)\\)"""
    + _STRING
    + r""")
    | (?P<at>@"""
    + _NAME_START
    + _NAME
    + r"""*)
"""
)


def _name_paren(name: str) -> str:
    """A "(" right after `name` (in any case) where `name` is not the end of a longer name."""
    cased = "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in name)
    return rf"\((?<={cased}\()(?<![-\w\\#@]{cased}\()(?<!\\.{cased}\()"


_URL_PAREN = _name_paren("url")
_SRC_PAREN = _name_paren("src")
_IMAGE_SET_PAREN = f"(?:{_name_paren('image-set')}|{_name_paren('-webkit-image-set')})"
# Outside at-rule preludes and image-set() only these matter: declarations, selectors and
# other function names are skipped. Every alternative starts with one of _PLAIN_START_RE.
_PLAIN_RE = re.compile(
    _COMMON
    + r"""
    | (?P<url>"""
    + _URL_PAREN
    + _BARE_URL
    + r""")
    | (?P<url_function>"""
    + _URL_PAREN
    + "|"
    + _SRC_PAREN
    + r""")
    | (?P<image_set>"""
    + _IMAGE_SET_PAREN
    + r""")
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    """,
    re.VERBOSE | re.DOTALL,
)
_PLAIN_START_RE = re.compile(r"""[/"'@{}()[\]]""")
# Inside them, every bracket and semicolon counts.
_FULL_RE = re.compile(
    _COMMON
    + r"""
    | (?P<url>(?<![-\w\\#@])(?<!\\.)[Uu][Rr][Ll]\("""
    + _BARE_URL
    + r""")
    | (?P<function>(?<![-\w\\#@])(?<!\\.)"""
    + _NAME_START
    + _NAME
    + r"""*\()
    | (?P<open>(?<!(?<!\\)\\)[{(\[])
    | (?P<close>(?<!(?<!\\)\\)[})\]])
    | (?P<semicolon>(?<!(?<!\\)\\);)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE_RE = re.compile(r"\\(?:([0-9A-Fa-f]{1,6})[ \t\r\n\f]?|(\r\n|[\n\r\f])|(.)|\Z)", re.DOTALL)
_IMAGE_SET = frozenset({"image-set", "-webkit-image-set"})
_URL_FUNCTIONS = frozenset({"url", "src"})
_SPACE_OR_COMMENTS = r"(?:[ \t\r\n\f]|/\*.*?(?:\*/|\Z))*"
# What follows "@import": url(x), "x", url("x") (or src("x")).
_IMPORT_RE = re.compile(
    _SPACE_OR_COMMENTS
    + r"(?:[Uu][Rr][Ll]\("
    + _BARE_URL.replace("(?P<url_end>\\)|\\Z)?", "(?:\\)|\\Z)")
    + r"|(?P<import_string>"
    + _STRING
    + r")|(?:[Uu][Rr][Ll]|[Ss][Rr][Cc])\("
    + _SPACE_OR_COMMENTS
    + r"(?P<import_call>"
    + _STRING
    + ")"
    + _SPACE_OR_COMMENTS
    + r"(?:\)|\Z))",
    re.VERBOSE | re.DOTALL,
)
_BAD_URL_RE = re.compile(r"(?:[^)\\]|\\.)*(?:\)|\Z)", re.DOTALL)


def _unescape(text: str) -> str:
    """CSS escapes resolved: ``\\26 `` is "&", an escaped newline is dropped."""
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        hex_digits, newline, char = match.groups()
        if hex_digits is not None:
            code = int(hex_digits, 16)
            if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                return "\ufffd"
            return chr(code)
        if newline is not None:
            return ""
        return "\ufffd" if char is None else str(char)  # an escape at the very end

    return _ESCAPE_RE.sub(one, text)


@dataclass
class _Frame:
    """An open block, function or bracket: what closes it and what its contents mean.

    ``skip``: nothing inside names a resource (an at-rule prelude's brackets, or what follows
    the string of ``url("...")``); ``string_kind``: the kind of the first string inside
    (``url("...")`` / ``src("...")``); ``image_set``: bare strings are image URLs; ``at``: the
    at-rule whose prelude is being read at this level.
    """

    closer: str
    kind: str
    skip: bool = False
    string_kind: str | None = None
    image_set: bool = False
    at: str | None = None

    @property
    def plain(self) -> bool:
        """Only URLs, at-rules and brackets matter here (the fast scan)."""
        return self.at is None and not self.skip and not self.image_set


def css_urls(css: str) -> Iterator[tuple[str, str]]:
    """(URL as written, kind) of every resource `css` loads, in order; never raises."""
    stack = [_Frame("", "image")]
    position, end = 0, len(css)
    # In a stylesheet, what stands outside every block is a rule's prelude (a selector):
    # no resource. A style attribute's declarations stand there.
    stylesheet = "{" in css
    while position < end:
        frame = stack[-1]
        match = _next_plain(css, position) if frame.plain else _FULL_RE.search(css, position)
        if match is None:
            return
        position = match.end()
        group = match.lastgroup
        importing = frame.at == "import"
        skipping = frame.skip or (frame.at is not None and not importing)
        skipping = skipping or (stylesheet and len(stack) == 1)
        if group == "string":
            if css[position : position + 1] == "\n" and not _closed_string(css, match):
                continue  # a string broken by a newline is no string ("bad-string")
            value = _string_value(match.group())
            if frame.string_kind is not None:
                kind, frame.string_kind = frame.string_kind, None
                frame.skip = True  # the rest of url("...") / src("...") is not a resource
                yield value, kind
            elif importing:
                frame.at = "import-done"
                yield value, "stylesheet"
            elif frame.image_set and not skipping:
                yield value, "image"
        elif group == "url":
            if match.group("url_end") is None:  # a bad URL: it runs to the next ")"
                bad = _BAD_URL_RE.match(css, position)
                position = bad.end() if bad else end
                continue
            value = _unescape(match.group("bare"))
            if importing:
                frame.at = "import-done"
                yield value, "stylesheet"
            elif not skipping:
                yield value, frame.kind
        elif group == "at" and frame.at is None:  # (in a prelude it starts no rule)
            frame.at = _unescape(match.group()[1:]).lower()
            if frame.at == "import":  # its URL comes first, or there is none
                frame.at = "import-done"
                imported = _IMPORT_RE.match(css, position)
                if imported is not None:
                    position = imported.end()
                    if not frame.skip:
                        yield _import_value(imported), "stylesheet"
        elif group in ("function", "url_function", "image_set"):
            name = _function_name(group, match.group())
            if name in _URL_FUNCTIONS:  # its first string is the URL; nothing after it counts
                string_kind = "stylesheet" if importing else (None if skipping else frame.kind)
                if importing:
                    frame.at = "import-done"
                skip = skipping or importing
                stack.append(_Frame(")", frame.kind, skip=skip, string_kind=string_kind))
            else:
                skip = skipping or importing
                stack.append(_Frame(")", frame.kind, skip=skip, image_set=name in _IMAGE_SET))
        elif group == "open":
            char = match.group()
            if char == "{":  # an at-rule's block is read (a font-face's holds fonts)
                kind = "font" if frame.at == "font-face" else frame.kind
                garbage = frame.at in ("import", "import-done")  # an @import has no block
                frame.at = None
                stack.append(_Frame("}", kind, skip=frame.skip or garbage))
            else:
                closer = "]" if char == "[" else ")"
                stack.append(_Frame(closer, frame.kind, skip=skipping or importing))
        elif group == "close":
            if len(stack) > 1 and match.group() == frame.closer:
                stack.pop()
        elif group == "semicolon":
            frame.at = None


def _next_plain(css: str, position: int) -> re.Match[str] | None:
    """The next `_PLAIN_RE` token: only where one of its first characters stands is it tried
    (Python's regex engine would try every alternative at every character)."""
    find, match = _PLAIN_START_RE.search, _PLAIN_RE.match
    while (candidate := find(css, position)) is not None:
        start = candidate.start()
        found = None if _escaped(css, start) else match(css, start)
        if found is not None:
            return found
        position = start + 1
    return None


def _closed_string(css: str, match: re.Match[str]) -> bool:
    """Whether a string token ends with its (unescaped) closing quote."""
    text = match.group()
    return len(text) >= 2 and text[-1] == text[0] and not _escaped(css, match.end() - 1)


def _escaped(css: str, position: int) -> bool:
    """Whether the character at `position` is escaped (an odd run of backslashes before it):
    Tailwind's class names are full of ``\\(``, ``\\'`` and ``\\[``."""
    run = 0
    while position - run > 0 and css[position - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _import_value(match: re.Match[str]) -> str:
    """The URL an ``@import`` names, from an `_IMPORT_RE` match."""
    for group in ("import_string", "import_call"):
        if match.group(group) is not None:
            return _string_value(match.group(group))
    return _unescape(match.group("bare"))


def _function_name(group: str, token: str) -> str:
    """The lower-case name of a function token (the fast scan matched only its "(")."""
    if group == "image_set":
        return "image-set"
    if group == "url_function":
        return "url"  # url( or src(: the same to us
    return _unescape(token[:-1]).lower()


def _string_value(token: str) -> str:
    """A string token's value: quotes removed, escapes resolved (one at the end is dropped)."""
    quote, body = token[0], token[1:]
    if body.endswith(quote) and not _escaped(token, len(token) - 1):
        body = body[:-1]
    elif _escaped(body + "x", len(body)):
        body = body[:-1]  # a backslash at the very end of the text escapes nothing
    return _unescape(body)
