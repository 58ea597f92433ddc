"""Browser capture decisions, without a browser: when a page is loaded in one, which of the
requests it makes are let through, and what the article document says about it.

The Scrapy + Playwright side (`archiver.browser`) asks these; nothing here imports either.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from archiver.crawl.resources import DeadHosts, ResourcePolicy, host_of
from archiver.warc import HttpExchange

#: `crawl.render`: never (Scrapy only), auto (a browser when the HTML gives too little
#: article text), always (every article in a browser).
RENDER_MODES = ("never", "auto", "always")
#: `crawl.render_min_words`: under this many words of article text, `auto` renders the page.
DEFAULT_MIN_WORDS = 50

#: What a document whose fetched HTML gave no article text says when it was not rendered.
NO_TEXT_NOTE = (
    "the page's HTML holds no article text; it may be built by scripts "
    "(crawl.render: auto would load it in a browser)"
)

#: Playwright's resource types -> the kinds of page resources the block lists know.
_KINDS = {
    "stylesheet": "stylesheet",
    "script": "script",
    "image": "image",
    "font": "font",
    "media": "media",
    "texttrack": "media",
    "document": "frame",
}


def check_mode(mode: str) -> str:
    """A render mode, or ValueError naming the ones there are."""
    if mode not in RENDER_MODES:
        raise ValueError(f"render mode must be one of {', '.join(RENDER_MODES)}, not {mode!r}")
    return mode


def too_little_text(word_count: int | None, min_words: int) -> bool:
    """Whether extraction found too little article text (none at all, or under `min_words`)."""
    return not word_count or word_count < min_words


def auto_reason(word_count: int | None, min_words: int) -> str:
    """Why `auto` loaded a page in the browser, in words for the document."""
    found = f"{word_count} words" if word_count else "no article text"
    return (
        f"auto: the HTML as fetched gave {found} (fewer than {min_words}); "
        "loaded in a browser and extracted from the page it built"
    )


def resource_kind(resource_type: str) -> str:
    """Our kind of page resource for a browser's resource type (xhr, fetch ... are "other")."""
    return _KINDS.get(resource_type, "other")


def find_browser(configured: str | None = None) -> str | None:
    """The Chromium to drive: `configured` (ARCHIVER_BROWSER), else the ARCHIVER_BROWSER
    environment variable, else Debian's ``chromium`` on PATH; None: Playwright's own."""
    return configured or os.environ.get("ARCHIVER_BROWSER") or shutil.which("chromium")


@dataclass(frozen=True)
class RenderOptions:
    """How pages are loaded in the browser (ARCHIVER_RENDER_* settings)."""

    pages: int = 2  # pages open at once (the browser's page pool)
    timeout: float = 30.0  # seconds for a page to load
    max_requests: int = 300  # requests one page may make; the rest are aborted
    scroll_steps: int = 10  # screenfuls scrolled to trigger lazy loading
    scroll_seconds: float = 5.0  # at most this long scrolling
    settle_seconds: float = 3.0  # at most this long waiting for the network to go quiet
    screenshots: bool = True
    browser: str | None = None  # Chromium's path (None: Playwright's own)

    def __post_init__(self) -> None:
        if self.pages < 1 or self.max_requests < 1 or self.scroll_steps < 0:
            raise ValueError("render pages and max requests must be at least 1, scroll steps 0")
        if not self.timeout > 0 or self.scroll_seconds < 0 or self.settle_seconds < 0:
            raise ValueError("render timeout must be positive, scroll and settle times 0 or more")


@dataclass
class BrowserRequestRules:
    """Which requests a page loading in the browser may make: the page resource rules
    (scope, block lists, hosts given up) and a cap per page. The page itself always loads.

    With ``scope: none`` (no page resources fetched) a rendered page still needs its own
    scripts and data: its own host is let through, nothing else.
    """

    policy: ResourcePolicy
    dead_hosts: DeadHosts
    max_requests: int

    def skip_reason(self, url: str, resource_type: str, page_url: str, made: int) -> str | None:
        """Why the `made`-th request (counting from 1) of a page must not be made, or None."""
        if made > self.max_requests:
            return "too-many-requests"
        if not url.startswith(("http://", "https://")):
            return None  # data:, blob: are the page's own
        host = host_of(url)
        if self.dead_hosts.reason(host) is not None:
            return "dead-host"
        if self.policy.rules.scope == "none":
            return None if host == host_of(page_url) else "out-of-scope"
        return self.policy.skip_reason(url, resource_kind(resource_type), page_url)


@dataclass
class BrowserCaptureLog:
    """What loading one page in the browser gave: every exchange, in the order they ended,
    the DOM the scripts built, screenshots, and the requests refused or failed."""

    page_url: str
    exchanges: list[HttpExchange] = field(default_factory=list)
    document: int | None = None  # index in `exchanges` of the page's own (last) response
    dom: str | None = None
    screenshot: bytes | None = None
    full_screenshot: bytes | None = None
    aborted: Counter[str] = field(default_factory=Counter)  # reason -> requests
    failed: Counter[str] = field(default_factory=Counter)  # error -> requests
    scrolled: int = 0  # screenfuls scrolled
    made: int = 0  # requests the page tried to make

    def add(self, exchange: HttpExchange, *, is_document: bool) -> None:
        self.exchanges.append(exchange)
        if is_document:
            self.document = len(self.exchanges) - 1

    def summary(self) -> dict[str, Any]:
        """Counts for the document and the log."""
        return {
            "requests": len(self.exchanges),
            "aborted": dict(sorted(self.aborted.items())),
            "failed": sum(self.failed.values()),
        }
