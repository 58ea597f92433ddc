"""The replay web server: stdlib ThreadingHTTPServer in front of `ReplayApp`, GET and HEAD only.

Local by default (127.0.0.1). Each request is answered in its own thread; whatever fails inside
is logged and answered with a plain 500, never with a traceback.
"""

from __future__ import annotations

import logging
import signal
import string
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.fsutil import atomic_write_text
from archiver.httpserver import LocalHTTPServer, stop_on_signal
from archiver.replay.app import ReplayApp, Reply, failure, not_allowed
from archiver.store.cdxj import CdxjIndex

__all__ = ["ReplayServer", "make_server", "run"]

logger = logging.getLogger(__name__)

_ALLOWED_METHODS = frozenset({"GET", "HEAD"})
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")  # RFC 9110


def _header_value(value: str) -> str:
    """A header value that cannot break the response: no controls, Latin-1 only."""
    return "".join(
        c if c == "\t" or " " <= c <= "~" or "\xa0" <= c <= "\xff" else "?" for c in value
    )


class ReplayHandler(BaseHTTPRequestHandler):
    """Hands GET and HEAD to the app; every other method is 405."""

    protocol_version = "HTTP/1.1"
    server_version = f"archiver-replay/{__version__}"
    sys_version = ""
    server: ReplayServer

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.command not in _ALLOWED_METHODS:
            self.close_connection = True  # a request body may follow: do not read it as a request
            self._send(not_allowed(), send_body=True)
            return False
        return True

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def version_string(self) -> str:
        """The Server header (without Python's version)."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s - " + format, self.address_string(), *args)

    def _answer(self, send_body: bool) -> None:
        try:
            reply = self.server.app.answer(self.path)
        except Exception:
            logger.exception("Error answering %s %r", self.command, self.path)
            reply = failure()
        self._send(reply, send_body)

    def _send(self, reply: Reply, send_body: bool) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name and set(name) <= _TOKEN_CHARS:
                self.send_header(name, _header_value(value))
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if send_body and reply.body:
            self.wfile.write(reply.body)


class ReplayServer(LocalHTTPServer):
    """A threading HTTP server for one archive."""

    def __init__(self, address: tuple[str, int], app: ReplayApp) -> None:
        super().__init__(address, ReplayHandler)
        self.app = app


def make_server(root: Path, host: str = "127.0.0.1", port: int = 0) -> ReplayServer:
    """A bound, not yet serving, replay server for the archive at `root`."""
    return ReplayServer((host, port), ReplayApp(root, CdxjIndex(root)))


def run(
    root: Path, host: str = "127.0.0.1", port: int = 8090, port_file: Path | None = None
) -> None:
    """Serve until SIGINT or SIGTERM; the port goes to `port_file` (atomically) once listening."""
    server = make_server(root, host, port)
    previous = signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        if port_file is not None:
            atomic_write_text(port_file, f"{server.port}\n")
        print(
            f"Replaying {root} on {server.base_url}/ (Ctrl-C to stop)", file=sys.stderr, flush=True
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
