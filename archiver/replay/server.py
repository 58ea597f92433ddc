"""The replay web server: stdlib ThreadingHTTPServer in front of `ReplayApp`, GET and HEAD only.

Local by default (127.0.0.1). Each request is answered in its own thread; whatever fails inside
is logged and answered with a plain 500, never with a traceback. A request is refused when its
Host is a name the server was not told about (a DNS-rebinding page names its own domain) and when
a browser fetches it as a service worker script; a connection that sends nothing for `timeout`
seconds is closed.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import string
import sys
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver import __version__
from archiver.fsutil import atomic_write_text
from archiver.httpserver import LocalHTTPServer, is_loopback, stop_on_signal
from archiver.replay.app import ReplayApp, Reply, failure, forbidden, misdirected, not_allowed
from archiver.store.cdxj import CdxjIndex
from archiver.textsafe import terminal_text

__all__ = ["ReplayServer", "host_name", "make_server", "run"]

logger = logging.getLogger(__name__)

_ALLOWED_METHODS = frozenset({"GET", "HEAD"})
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")  # RFC 9110
#: Host names always answered to (IP literals are too: no DNS rebinding goes through them).
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Seconds a connection may stay silent (idle, or halfway through a request) before it is closed.
DEFAULT_TIMEOUT = 30.0
_NOT_IN_HOST = frozenset("/?#@\\ \t")
_CHUNK = 64 * 1024  # body writes: the socket timeout applies to each, not to the whole body
_EXPOSED_WARNING = (
    "Warning: listening on {address}, not on a loopback address: the archive is visible to the "
    "network, and replayed pages run their archived scripts in the browsers that open them."
)


def host_name(header: str) -> str | None:
    """The host name of a Host header value (lower case, no port, no brackets), or None."""
    header = header.strip()
    if not header or any(c in _NOT_IN_HOST for c in header):
        return None
    try:
        parts = urlsplit(f"//{header}")
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return None
    return (parts.hostname or "").rstrip(".") or None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


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

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.timeout_seconds)  # each read, each write

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.command not in _ALLOWED_METHODS:
            self.close_connection = True  # a request body may follow: do not read it as a request
            self._send(not_allowed(), send_body=True)
            return False
        if not self._host_allowed():
            self.close_connection = True
            self._send(misdirected(), send_body=self.command != "HEAD")
            return False
        return True

    def _host_allowed(self) -> bool:
        """One Host header naming an allowed host; none at all only before HTTP/1.1 (browsers
        always send one, so a request without it comes from a program, not a web page)."""
        values = self.headers.get_all("Host") or []
        if not values:
            return self.request_version < "HTTP/1.1"
        name = host_name(values[0]) if len(values) == 1 else None
        return name is not None and (_is_ip(name) or name in self.server.allowed_hosts)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def version_string(self) -> str:
        """The Server header (without Python's version)."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines and errors, logged with their control characters escaped."""
        logger.info("%s - %s", self.address_string(), terminal_text(format % args))

    def _answer(self, send_body: bool) -> None:
        if self.headers.get("Service-Worker") is not None:
            # An archived script registered as a service worker would answer for every capture
            # under its scope, in the browser, for good: no capture is served to that fetch.
            self._send(forbidden("Archived scripts cannot be service workers."), send_body)
            return
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
            body = memoryview(reply.body)
            for start in range(0, len(body), _CHUNK):
                self.wfile.write(body[start : start + _CHUNK])


class ReplayServer(LocalHTTPServer):
    """A threading HTTP server for one archive.

    It answers requests whose Host is an IP address, a loopback name, the host it was bound to
    or one of `allowed_hosts`; a connection silent for `timeout` seconds is closed.
    """

    def __init__(
        self,
        address: tuple[str, int],
        app: ReplayApp,
        allowed_hosts: Iterable[str] = (),
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(address, ReplayHandler)
        self.app = app
        names = {host_name(h) for h in (address[0], *allowed_hosts)} - {None}
        self.allowed_hosts = LOOPBACK_NAMES | {n for n in names if n}
        self.timeout_seconds = timeout

    @property
    def exposed(self) -> bool:
        """Whether it listens on anything but loopback."""
        return not is_loopback(str(self.server_address[0]))


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    allowed_hosts: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> ReplayServer:
    """A bound, not yet serving, replay server for the archive at `root`."""
    app = ReplayApp(root, CdxjIndex(root))
    return ReplayServer((host, port), app, allowed_hosts, timeout)


def run(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8090,
    port_file: Path | None = None,
    allowed_hosts: Iterable[str] = (),
) -> None:
    """Serve until SIGINT or SIGTERM; the port goes to `port_file` (atomically) once listening."""
    server = make_server(root, host, port, allowed_hosts)
    previous = signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        if server.exposed:
            address = str(server.server_address[0])
            print(_EXPOSED_WARNING.format(address=address), file=sys.stderr, flush=True)
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
