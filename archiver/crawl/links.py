"""Which links a crawl follows: allowed hosts and the article URL rules of a site config."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from archiver.config import SiteConfig


def in_scope(config: SiteConfig, url: str) -> bool:
    """An http(s) URL whose host (port ignored) is within the config's allowed domains."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and config.is_allowed_host(parts.hostname or "")


def is_article_url(config: SiteConfig, url: str) -> bool:
    """In scope, and passing the config's `articles.allow` / `articles.deny` rules."""
    return in_scope(config, url) and config.articles.matches(url)


def absolute_links(hrefs: Iterable[str], base_url: str) -> Iterator[str]:
    """Resolve hrefs against the page URL; drop fragments and non-web schemes."""
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            url, _ = urldefrag(urljoin(base_url, href))
        except ValueError:  # e.g. an invalid IPv6 host: not a link to follow
            continue
        yield url


def unique(urls: Iterable[str]) -> list[str]:
    """URLs in first-seen order, each once."""
    return list(dict.fromkeys(urls))


def section_for(config: SiteConfig, url: str) -> str | None:
    """The section whose URL path is the longest prefix of `url`'s path (for feed entries)."""
    path = urlsplit(url).path
    best: tuple[int, str | None] = (0, None)
    for section in config.sections:
        prefix = urlsplit(section.url).path.rstrip("/") + "/"
        if prefix != "/" and path.startswith(prefix) and len(prefix) > best[0]:
            best = (len(prefix), section.name)
    return best[1]
