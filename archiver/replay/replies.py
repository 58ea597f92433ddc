"""The replay server's answers as values: `Reply`, the security headers every answer carries
(the content security policies of captures and of the archive's own pages), and the archive's
own short answers (errors, redirects). No sockets here; `archiver.replay.server` sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archiver.replay import pages
from archiver.replay.isolation import SANDBOX, SANDBOX_NO_SCRIPTS

__all__ = [
    "COMMON_HEADERS",
    "PAGES_CSP",
    "RAW_CSP",
    "RENDERED_CSP",
    "REPLAY_CSP",
    "SCREENSHOT_CSP",
    "Reply",
    "bad_request",
    "failure",
    "forbidden",
    "misdirected",
    "not_allowed",
    "not_found",
    "page_reply",
    "redirect",
    "sandboxed",
]

_SCRIPTS = "script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
_CONFINED = (
    f"default-src 'self' data: blob:; {_SCRIPTS}"
    "style-src 'self' 'unsafe-inline' data:; img-src 'self' data: blob:; font-src 'self' data:; "
    "media-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; form-action 'self'; "
    "base-uri 'self'"
)
#: Confines a replayed page to the replay's content origin, nothing from the live web loaded
#: even where rewriting missed a URL, and sandboxes it in an opaque origin of its own: it can
#: load what it needs but read nothing (see `archiver.replay.isolation`).
REPLAY_CSP = f"{_CONFINED}; {SANDBOX}"
#: A capture served as archived (``id_``): the same, and no script runs in it.
RAW_CSP = f"{_CONFINED}; {SANDBOX_NO_SCRIPTS}"
#: A rendered DOM: confined the same, and no script runs, not even an event handler.
RENDERED_CSP = _CONFINED.replace(_SCRIPTS, "script-src 'none'; ") + f"; {SANDBOX_NO_SCRIPTS}"
#: A screenshot, served on the pages origin: an image, nothing else.
SCREENSHOT_CSP = f"default-src 'none'; {SANDBOX_NO_SCRIPTS}"
#: The archive's own pages run no script at all.
PAGES_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'self'"
)
COMMON_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-DNS-Prefetch-Control", "off"),  # no DNS lookups of names a page's script makes up
]


@dataclass(frozen=True)
class Reply:
    """A complete answer: status, headers (Content-Length is added when sent), body."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def page_reply(status: int, text: str) -> Reply:
    """One of the archive's own pages (no script in them, none allowed)."""
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Security-Policy", PAGES_CSP),
        ("Cache-Control", "no-store"),
        *COMMON_HEADERS,
    ]
    return Reply(status, text.encode("utf-8"), headers)


def redirect(location: str) -> Reply:
    headers = [
        ("Location", location),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Security-Policy", REPLAY_CSP),
        ("Cache-Control", "no-store"),
        *COMMON_HEADERS,
    ]
    return Reply(302, f"See {location}\n".encode(), headers)


def not_found(message: str = "There is nothing at this address.") -> Reply:
    return page_reply(404, pages.error_page(404, "Not found", message))


def failure() -> Reply:
    """The answer to a request that failed inside (the details are logged, never sent)."""
    return page_reply(
        500, pages.error_page(500, "Internal error", "Something went wrong; see the log.")
    )


def misdirected() -> Reply:
    """The answer to a request whose Host is not one this server answers to (DNS rebinding)."""
    message = "This server does not answer to that host name; use 127.0.0.1 or localhost."
    return page_reply(421, pages.error_page(421, "Misdirected request", message))


def forbidden(message: str) -> Reply:
    return page_reply(403, pages.error_page(403, "Forbidden", message))


def not_allowed() -> Reply:
    reply = page_reply(405, pages.error_page(405, "Method not allowed", "Only GET and HEAD."))
    return Reply(reply.status, reply.body, [*reply.headers, ("Allow", "GET, HEAD")])


def bad_request(message: str) -> Reply:
    return page_reply(400, pages.error_page(400, "Bad request", message))


def sandboxed(reply: Reply) -> Reply:
    """`reply` with a sandboxed CSP (the archive's own pages, when the content origin sends
    them: a 404, a redirect); the captures' own policies already are."""
    headers = [
        (
            name,
            value
            if name != "Content-Security-Policy" or "sandbox" in value
            else f"{value}; {SANDBOX_NO_SCRIPTS}",
        )
        for name, value in reply.headers
    ]
    if not any(name == "Content-Security-Policy" for name, _ in headers):
        headers.append(("Content-Security-Policy", f"default-src 'none'; {SANDBOX_NO_SCRIPTS}"))
    return Reply(reply.status, reply.body, headers)
