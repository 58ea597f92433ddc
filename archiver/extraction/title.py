"""Choose the headline: the on-page ``<h1>`` when it agrees with the declared titles."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

__all__ = ["choose_title", "similar", "strip_site_suffix"]

_SEP_RE = re.compile(r"\s+(?:[|\-\u2013\u2014:·•»«/~]|::)\s+")
_NORM_RE = re.compile(r"[^\w]+")
# Separators written without surrounding spaces; U+3163 (Hangul vowel) is used as a pipe.
_GLUED_SEP = r"[|\uff5c\u3163\-\u2013\u2014·•»/]"
_GLUED_SEP_RE = re.compile(rf"(?<=\S){_GLUED_SEP}(?=\S)")
_ATTACHED_SECTION_RE = re.compile(rf"(?<=\S){_GLUED_SEP}[^\s|\uff5c\u3163\-\u2013\u2014]{{1,12}}$")


def _norm(text: str) -> str:
    return " ".join(_NORM_RE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def similar(a: str, b: str) -> bool:
    """Same headline up to punctuation/case, or one contains the other and most of it."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    if short in long_ and len(short) >= 0.4 * len(long_) and len(short.split()) >= 2:
        return True
    ta, tb = set(na.split()), set(nb.split())
    common = len(ta & tb)
    return common >= 3 and 2 * common / (len(ta) + len(tb)) >= 0.8


def _site_keys(site_names: Iterable[str], url: str) -> set[str]:
    keys = {_norm(s) for s in site_names if s}
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    if host:
        keys.add(_norm(host))
        keys.add(_norm(host.split(".")[0]))
    return {k for k in keys if k}


def _is_site(part: str, keys: set[str]) -> bool:
    n = _norm(part)
    if not n:
        return True
    n_compact = n.replace(" ", "")
    for key in keys:
        k_compact = key.replace(" ", "")
        if n == key or n_compact == k_compact or (len(k_compact) >= 3 and k_compact in n_compact):
            return True
    return False


def strip_site_suffix(title: str, site_names: Iterable[str], url: str) -> str:
    """Drop leading/trailing segments naming the site (``"Headline | Site"`` -> ``"Headline"``)."""
    title = " ".join(title.split())
    parts = _SEP_RE.split(title)
    if len(parts) < 2:
        return title
    keys = _site_keys(site_names, url)
    seps = _SEP_RE.findall(title)
    start, end = 0, len(parts)
    while end - start > 1 and _is_site(parts[end - 1], keys):
        end -= 1
    while end - start > 1 and _is_site(parts[start], keys):
        start += 1
    if (start, end) == (0, len(parts)) and seps[-1].strip() == "|":
        end -= 1  # "Headline | Section | Brand": a pipe almost always precedes branding
    out = parts[start]
    for i in range(start + 1, end):
        out += seps[i - 1] + parts[i]
    return out.strip()


def _trim_attached_site(title: str, keys: set[str]) -> str:
    """Drop branding glued on without spaces (``"Headline-Section|Site"`` -> ``"Headline"``)."""
    cuts = [m.start() for m in _GLUED_SEP_RE.finditer(title) if len(title) - m.start() <= 41]
    cut = next((c for c in reversed(cuts) if _is_site(title[c + 1 :], keys)), None)
    if cut is None:
        return title
    head = title[:cut].rstrip()
    # One short section label may sit between the headline and the brand ("-Politics|Site").
    sec = _ATTACHED_SECTION_RE.search(head)
    if sec is not None and len(head) - len(sec.group(0)) >= 10:
        head = head[: sec.start()].rstrip()
    return head if len(head) >= 10 else title


def choose_title(
    h1s: Sequence[str],
    declared: Sequence[str | None],
    site_names: Iterable[str],
    url: str,
    fallback: Sequence[str | Callable[[], str | None] | None] = (),
) -> str | None:
    """Headline from ``<h1>`` candidates and declared titles (og:title, JSON-LD, ``<title>``).

    ``declared`` are the publisher's independent statements of the title; ``fallback`` are
    derived guesses used only when nothing else is found. An ``<h1>`` that differs from
    declared titles which all agree with each other is a display variant.
    """
    names = [s for s in site_names if s]
    keys = _site_keys(names, url)
    cleaned = [
        _trim_attached_site(strip_site_suffix(html.unescape(t), names, url), keys)
        for t in declared
        if t and t.strip()
    ]
    cleaned = [t for t in cleaned if t]
    heads = [h for h in h1s[:8] if 2 <= len(h) <= 400]
    head = next((h for h in heads if any(similar(h, d) for d in cleaned)), None)
    if len(cleaned) >= 2 and len({_norm(t) for t in cleaned}) == 1:
        # Every declared title says the same thing: an <h1> that differs is a display variant.
        return cleaned[0]
    if head is not None:
        declared_title = next(d for d in cleaned if similar(head, d))
        # The page's own title wins when the two differ only by a leading kicker
        # ("Kicker: Headline"); an extra tail usually is unstripped branding.
        nh, nd = _norm(head), _norm(declared_title)
        return declared_title if nh.endswith(nd) or nd.endswith(nh) else head
    if cleaned:
        return cleaned[0]
    if heads:
        return heads[0]
    for guess in fallback:
        value = guess() if callable(guess) else guess
        if value and value.strip():
            return strip_site_suffix(value, names, url)
    return None
