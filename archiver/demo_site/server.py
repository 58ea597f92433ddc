"""A small HTTP/1.1 server for the demo site: static files plus the quirks a crawler must survive.

Stdlib only. It serves ``site/`` with gzip negotiation, ETag/Last-Modified validators and 304s,
substitutes ``{{BASE_URL}}`` in text files with the URL the client used, answers the manifest's
special paths with 404, 500 and 301, and sends the manifest's ``chunked_paths`` with
``Transfer-Encoding: chunked`` and no Content-Length.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import posixpath
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from archiver.httpserver import LocalHTTPServer

__all__ = [
    "BASE_URL_PLACEHOLDER",
    "MANIFEST_PATH",
    "SITE_DIR",
    "DemoServer",
    "SiteFiles",
    "load_manifest",
    "make_server",
    "running",
    "serve",
    "start_in_thread",
]

logger = logging.getLogger(__name__)

SITE_DIR = Path(__file__).resolve().parent / "site"
MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.json"
BASE_URL_PLACEHOLDER = "{{BASE_URL}}"

#: Content types by file name suffix; text types get ``{{BASE_URL}}`` substituted.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
#: Feeds are named for their format rather than their suffix.
NAMED_CONTENT_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
}
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".xml", ".txt", ".svg"})
#: Sent gzip-encoded when the client accepts it (robots.txt and images never are).
GZIP_SUFFIXES = frozenset({".html", ".css", ".js", ".xml", ".svg"})
CHUNK_SIZE = 1024

_HOST_RE = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """The demo site's ground truth (articles, special paths), as written by ``build.py``."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Representation:
    """One encoding of one resource, ready to send."""

    body: bytes
    content_type: str
    etag: str
    encoding: str | None  # "gzip" or None (identity)


class SiteFiles:
    """The files under ``site/`` and the special paths the manifest names."""

    def __init__(self, root: Path = SITE_DIR, manifest: dict[str, Any] | None = None) -> None:
        self.root = root.resolve()
        manifest = manifest if manifest is not None else load_manifest()
        self.missing = frozenset(manifest["missing_paths"])
        self.errors = frozenset(manifest["error_paths"])
        self.redirects = {r["from"]: (r["to"], int(r["status"])) for r in manifest["redirects"]}
        self.chunked = frozenset(manifest.get("chunked_paths", ()))
        updated = datetime.fromisoformat(manifest["site"]["updated"])
        self.default_modified = updated.astimezone(UTC)
        self.modified: dict[str, datetime] = {}
        for art in manifest["articles"]:
            stamp = datetime.fromisoformat(art["modified"] or art["published"]).astimezone(UTC)
            self.modified[art["canonical_path"]] = stamp

    def find(self, path: str) -> Path | None:
        """The file serving a URL path, or None. Paths are never allowed out of the root."""
        if path in self.missing or not path.startswith("/"):
            return None
        parts = [p for p in path.split("/") if p]
        if any(p.startswith((".", "_")) for p in parts) or posixpath.normpath(path) != (
            path.rstrip("/") or "/"
        ):
            return None
        base = self.root.joinpath(*parts)
        candidates = [base / "index.html"] if path.endswith("/") else [base, Path(f"{base}.html")]
        for candidate in candidates:
            if candidate.is_file() and candidate.resolve().is_relative_to(self.root):
                return candidate
        return None

    def is_directory(self, path: str) -> bool:
        """Whether ``path`` names a directory with an index page (it wants a trailing slash)."""
        return not path.endswith("/") and self.find(path + "/") is not None

    def last_modified(self, path: str) -> datetime:
        """When the resource last changed: the article's date, else the site's last update."""
        return self.modified.get(path, self.default_modified)

    @lru_cache(maxsize=512)  # noqa: B019 - one SiteFiles per server, kept for its lifetime
    def representation(self, file: Path, base_url: str, gzipped: bool) -> Representation:
        """A file's bytes for ``base_url`` (placeholders substituted), gzip-encoded if asked."""
        body = file.read_bytes()
        suffix = file.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            body = body.replace(BASE_URL_PLACEHOLDER.encode(), base_url.encode("ascii"))
        content_type = NAMED_CONTENT_TYPES.get(file.name) or CONTENT_TYPES.get(
            suffix, "application/octet-stream"
        )
        tag = hashlib.sha256(body).hexdigest()[:24]
        if gzipped and suffix in GZIP_SUFFIXES:
            # mtime=0: the same page always has the same encoded bytes (stable payload digests).
            encoded = gzip.compress(body, compresslevel=6, mtime=0)
            return Representation(encoded, content_type, f'"{tag}-gzip"', "gzip")
        return Representation(body, content_type, f'"{tag}"', None)

    def error_page(self, status: int, base_url: str) -> bytes:
        """The HTML body for a 404 or 500 answer."""
        file = self.root / "_errors" / f"{status}.html"
        if file.is_file():
            return self.representation(file, base_url, False).body
        phrase = HTTPStatus(status).phrase
        return f"<!DOCTYPE html><title>{status} {phrase}</title><h1>{phrase}</h1>\n".encode()


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip;q=0`` refuses it)."""
    if not header:
        return False
    best: float | None = None
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if name not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name != "*" or best is None:
            best = quality
    return best is not None and best > 0


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match against a representation's tag (weak comparison, any encoding)."""
    if header.strip() == "*":
        return True
    wanted = etag.strip('"').removesuffix("-gzip")
    for item in header.split(","):
        tag = item.strip().removeprefix("W/").strip('"').removesuffix("-gzip")
        if tag == wanted:
            return True
    return False


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


class DemoHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the site files; everything else is 405."""

    protocol_version = "HTTP/1.1"
    server_version = "HarbourGazetteDemo/1.0"
    sys_version = ""
    server: DemoServer

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self._simple(HTTPStatus.METHOD_NOT_ALLOWED, b"Method not allowed\n", allow="GET, HEAD")

    do_PUT = do_DELETE = do_PATCH = do_POST

    def version_string(self) -> str:
        """The Server header (without Python's version)."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - " + format, self.address_string(), *args)

    # ------------------------------------------------------------------ answering

    def _base_url(self) -> str:
        """The base URL as the client addressed us (the Host header), for absolute links."""
        host = self.headers.get("Host", "").strip()
        return f"http://{host}" if _HOST_RE.match(host) else self.server.base_url

    def _answer(self, send_body: bool) -> None:
        site = self.server.site
        target = urlsplit(self.path)
        path = unquote(target.path) or "/"
        base_url = self._base_url()
        if path in site.errors:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, base_url, send_body)
            return
        if path in site.redirects:
            to, status = site.redirects[path]
            self._redirect(status, base_url + to, send_body)
            return
        file = site.find(path)
        if file is None:
            if site.is_directory(path):
                query = f"?{target.query}" if target.query else ""
                self._redirect(HTTPStatus.MOVED_PERMANENTLY, f"{base_url}{path}/{query}", send_body)
            else:
                self._error(HTTPStatus.NOT_FOUND, base_url, send_body)
            return
        gzipped = accepts_gzip(self.headers.get("Accept-Encoding"))
        rep = site.representation(file, base_url, gzipped)
        modified = site.last_modified(path)
        headers = {
            "Content-Type": rep.content_type,
            "ETag": rep.etag,
            "Last-Modified": _http_date(modified),
            "Cache-Control": "max-age=60" if file.suffix == ".html" else "max-age=86400",
        }
        if file.suffix.lower() in GZIP_SUFFIXES:
            headers["Vary"] = "Accept-Encoding"
        if rep.encoding:
            headers["Content-Encoding"] = rep.encoding
        if self._not_modified(rep.etag, modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                if name in headers:
                    self.send_header(name, headers[name])
            self.end_headers()
            return
        chunked = path in site.chunked and self.request_version == "HTTP/1.1"
        self.send_response(HTTPStatus.OK)
        for name, value in headers.items():
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(rep.body)))
        self.end_headers()
        if not send_body:
            return
        if chunked:
            for start in range(0, len(rep.body), CHUNK_SIZE):
                chunk = rep.body[start : start + CHUNK_SIZE]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(rep.body)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        """RFC 9110 conditional GET: If-None-Match wins; else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, etag)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return modified.replace(microsecond=0) <= when
        return False

    def _error(self, status: HTTPStatus, base_url: str, send_body: bool) -> None:
        body = self.server.site.error_page(int(status), base_url)
        self._simple(status, body, send_body=send_body, content_type=CONTENT_TYPES[".html"])

    def _redirect(self, status: int, location: str, send_body: bool) -> None:
        body = (
            '<!DOCTYPE html>\n<html lang="en"><head><title>Moved</title></head><body>'
            f'<p>This story has moved to <a href="{location}">{location}</a>.</p></body></html>\n'
        ).encode()
        self._simple(
            HTTPStatus(status),
            body,
            send_body=send_body,
            content_type=CONTENT_TYPES[".html"],
            location=location,
        )

    def _simple(
        self,
        status: HTTPStatus,
        body: bytes,
        *,
        send_body: bool = True,
        content_type: str = "text/plain; charset=utf-8",
        location: str | None = None,
        allow: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class DemoServer(LocalHTTPServer):
    """A threading HTTP server for the demo site; ``stop()`` ends it from any thread."""

    def __init__(self, address: tuple[str, int], site: SiteFiles) -> None:
        super().__init__(address, DemoHandler)
        self.site = site
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.serve_forever, name=f"demo-site-{self.port}", daemon=True
            )
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving (if started) and close the listening socket."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.server_close()


def make_server(
    host: str = "127.0.0.1", port: int = 0, site: SiteFiles | None = None
) -> DemoServer:
    """A bound, not yet serving, demo server (port 0: a free port)."""
    return DemoServer((host, port), site if site is not None else SiteFiles())


def serve(host: str = "127.0.0.1", port: int = 0) -> tuple[DemoServer, str]:
    """Start the demo site in a background thread: ``(server, base_url)``; ``server.stop()``."""
    server = make_server(host, port)
    return server, server.start()


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Start the demo site in a background thread: ``(base_url, stop)``."""
    server, base_url = serve(host, port)
    return base_url, server.stop


@contextmanager
def running(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """``with running() as base_url:`` the demo site, stopped on exit."""
    server, base_url = serve(host, port)
    try:
        yield base_url
    finally:
        server.stop()
