"""What identifies what: normalised URLs, article ids, and the URIs of our metadata records."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

#: Target URI prefix of the metadata record holding a page's resource account; the page's
#: response record id follows (not the page's URL, which replay tools would take for the page).
PAGE_RESOURCES_URI = "urn:archiver:page-resources:"
#: Target URI prefixes of the `resource` records of a page rendered in a browser, the page's URL
#: following (as Browsertrix and pywb name them): the DOM the browser built (text/html), and
#: PNG screenshots of the viewport and of the whole page. Each names the page's response
#: record in WARC-Concurrent-To.
RENDERED_DOM_URI = "urn:dom:"
SCREENSHOT_URI = "urn:screenshot:"
FULL_PAGE_SCREENSHOT_URI = "urn:screenshot-full:"


#: What `urlsplit` strips from the front of a URL (C0 controls and space, as WHATWG says).
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


def _trim(url: str) -> str:
    """Leading and trailing whitespace and leading C0 controls, until none is left (one pass
    of each could uncover the other: `"\x1b\xa0/a"`), so normalising twice changes nothing."""
    while (trimmed := url.strip().lstrip(_C0_OR_SPACE)) != url:
        url = trimmed
    return url


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment and a default port; ValueError if bad."""
    parts = urlsplit(_trim(url))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else (f"{host}:{port}")
    )
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def identity_url(url: str, canonical_url: str | None) -> str:
    """The URL an article is identified by: its canonical URL unless that looks bogus."""
    if canonical_url:
        canon = urlsplit(canonical_url)
        page = urlsplit(url)
        points_home = canon.path in ("", "/") and page.path not in ("", "/")
        if canon.scheme in ("http", "https") and canon.hostname and not points_home:
            return normalise_url(canonical_url)
    return normalise_url(url)


def article_id(url: str, canonical_url: str | None = None) -> str:
    """Stable id of an article: 16 hex digits of the SHA-256 of its identity URL."""
    return hashlib.sha256(identity_url(url, canonical_url).encode("utf-8")).hexdigest()[:16]


def article_metadata_uri(art_id: str) -> str:
    """WARC-Target-URI of the metadata record holding an article document."""
    return f"urn:archiver:article:{art_id}"


def page_resources_uri(record_id: str) -> str:
    """``urn:archiver:page-resources:<uuid>`` for the response record ``<urn:uuid:...>``."""
    return PAGE_RESOURCES_URI + record_id.strip("<>").removeprefix("urn:uuid:")
