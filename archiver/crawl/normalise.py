"""Which URL an article link stands for: tracking parameters, fragments and AMP variants mapped
away, so that one article is fetched, captured and stored once however a site links it.

Tracking parameters are courlan's (`courlan.clean.TRACKERS_RE`, the list trafilatura uses),
matched on whole words only. Nothing else in a URL is touched: the query keeps its order and
encoding, so a link without tracking parameters or AMP markers is left exactly as it was (and its
article id stays what it was).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from courlan.clean import TRACKERS_RE

from archiver.config import SiteConfig

__all__ = ["UrlCleaner", "is_tracking_param"]

#: Query parameters that ask for the AMP rendering of a page: name -> values meaning "AMP".
AMP_PARAMS = {"amp": {"", "1", "true"}, "outputtype": {"amp"}}
#: Path endings of an AMP page: the ending of its non-AMP page.
AMP_SUFFIXES = ((".amp.html", ".html"), (".amp.htm", ".htm"), (".amp", ""))


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter name is one courlan knows as tracking, as a whole word.

    courlan searches its pattern anywhere in the name, so `gallery` (ga), `global` (gl) and
    `refresh` (ref) would go too; here a match must end the name or be followed by a
    non-alphanumeric character (`utm_source`, `fbclid`, `_ga`, `ref`, `at_medium` are tracking).
    """
    lowered = name.lower()
    for match in TRACKERS_RE.finditer(lowered):
        after = lowered[match.end() : match.end() + 1]
        if match.group().endswith("_") or not after or not after.isalnum():
            return True
    return False


@dataclass(frozen=True)
class UrlCleaner:
    """A site's URL rules (the config's `urls:` block) applied to article links.

    `strip` drops the fragment and the parameters to drop; `clean` also maps an AMP variant
    to its non-AMP page. Both are idempotent, raise ValueError only where `urlsplit` does, and
    return the URL unchanged when there is nothing to drop.
    """

    strip_tracking: bool = True
    strip_params: frozenset[str] = frozenset()
    keep_params: frozenset[str] = frozenset()
    map_amp: bool = True
    #: Hosts the site's own listing pages live on: `amp.example.com` maps to
    #: `www.example.com` when that is one of them, else to `example.com`.
    main_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_site(cls, config: SiteConfig) -> UrlCleaner:
        """The cleaner a site config's `urls:` block describes."""
        rules = config.urls
        sources: Iterable[str] = [
            *(str(s.url) for s in config.sections),
            *(str(u) for u in config.feeds),
            *(str(u) for u in config.sitemaps),
        ]
        return cls(
            strip_tracking=rules.strip_tracking,
            strip_params=frozenset(p.lower() for p in rules.strip_params),
            keep_params=frozenset(p.lower() for p in rules.keep_params),
            map_amp=rules.amp == "map",
            main_hosts=frozenset((urlsplit(u).hostname or "") for u in sources),
        )

    def drops(self, name: str) -> bool:
        """Whether a query parameter (by its decoded name) is dropped."""
        lowered = name.lower()
        if lowered in self.keep_params:
            return False
        return lowered in self.strip_params or (self.strip_tracking and is_tracking_param(name))

    def strip(self, url: str) -> str:
        """The URL without its fragment and without the parameters to drop."""
        parts = urlsplit(url)
        query = _filter_query(parts.query, lambda name, _value: self.drops(name))
        if query == parts.query and not parts.fragment and "#" not in url:
            return url
        return urlunsplit(parts._replace(query=query, fragment=""))

    def clean(self, url: str) -> str:
        """`strip`, then (with `amp: map`) the non-AMP page of an AMP variant."""
        url = self.strip(url)
        if not self.map_amp:
            return url
        # Every step shortens the URL (or turns `amp.` into `www.` once): this ends.
        while (mapped := self._unamp(url)) != url:
            url = mapped
        return url

    def _unamp(self, url: str) -> str:
        """One step from an AMP URL towards its non-AMP page (the URL itself if none)."""
        parts = urlsplit(url)
        query = _filter_query(parts.query, _is_amp_param)
        path = _unamp_path(parts.path)
        netloc = self._unamp_host(parts.netloc)
        if (query, path, netloc) == (parts.query, parts.path, parts.netloc):
            return url
        return urlunsplit(parts._replace(netloc=netloc, path=path, query=query))

    def _unamp_host(self, netloc: str) -> str:
        if "@" in netloc or not netloc.lower().startswith("amp."):
            return netloc
        rest = netloc[4:]
        host = rest.rsplit(":", 1)[0] if not rest.endswith("]") else rest
        if "." not in host:
            return netloc  # `amp.local`: no host left to map to
        return "www." + rest if f"www.{host}".lower() in self.main_hosts else rest


def _is_amp_param(name: str, value: str) -> bool:
    return value.lower() in AMP_PARAMS.get(name.lower(), ())


def _unamp_path(path: str) -> str:
    """`/amp/a/x.html`, `/a/x.html/amp`, `/a/x/amp/`, `/a/x.amp.html`, `/a/x.amp` -> non-AMP."""
    if path.startswith("/amp/") and len(path) > len("/amp/"):
        return path[len("/amp") :]
    for ending in ("/amp", "/amp/"):
        head = path[: -len(ending)]
        if path.endswith(ending) and head.strip("/"):
            return head + ending[len("/amp") :]
    last = path.rsplit("/", 1)[-1]
    for amp, plain in AMP_SUFFIXES:
        if last.endswith(amp) and len(last) > len(amp):
            return path[: -len(amp)] + plain
    return path


def _filter_query(query: str, drop: Callable[[str, str], bool]) -> str:
    """The query without the `name=value` pieces `drop` picks; untouched if none is picked."""
    if not query:
        return query
    pieces = query.split("&")
    kept = [p for p in pieces if not (p and drop(*_decode_piece(p)))]
    return query if len(kept) == len(pieces) else "&".join(kept)


def _decode_piece(piece: str) -> tuple[str, str]:
    name, _, value = piece.partition("=")
    return unquote_plus(name), unquote_plus(value)
