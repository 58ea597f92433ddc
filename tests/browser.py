"""A real headless Chromium (Debian's) driven by Playwright, logging every request it makes.

Tests that need it call `chromium()`: it skips with the reason when the browser is missing, and
fails instead when ARCHIVER_REQUIRE_BROWSER=1 (CI, where `make test` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

#: The flags the house starts Chromium with: no sandbox (root), no GPU, no phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """Debian's chromium, or skip (fail under ARCHIVER_REQUIRE_BROWSER=1) when it is missing."""
    found = os.environ.get("ARCHIVER_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    reason = "Debian's chromium is not installed (`make test` installs it as root)"
    if os.environ.get("ARCHIVER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and ARCHIVER_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


@dataclass
class BrowserLog:
    """Every request the page made, and every response it got."""

    requests: list[str] = field(default_factory=list)
    responses: dict[str, int] = field(default_factory=dict)  # URL -> status
    failures: list[str] = field(default_factory=list)


@contextmanager
def chromium() -> Iterator[tuple[Any, BrowserLog]]:
    """A fresh page in headless Chromium, with its network log."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    log = BrowserLog()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: log.requests.append(request.url))
            page.on(
                "response", lambda response: log.responses.update({response.url: response.status})
            )
            page.on("requestfailed", lambda request: log.failures.append(request.url))
            yield page, log
        finally:
            browser.close()
