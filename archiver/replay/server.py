"""The replay web server: stdlib ThreadingHTTPServer in front of `ReplayApp`, GET and HEAD only.

Two listeners on the same host, two origins: the archive's own pages on one port, replayed
captures on another (see `archiver.replay.isolation`); each redirects to the other what belongs
there. Local by default (127.0.0.1). Each request is answered in its own thread; whatever fails
inside is logged and answered with a plain 500, never with a traceback. A request is refused
when its Host is a name the server was not told about (a DNS-rebinding page names its own
domain) and when a browser fetches it as a service worker script; a connection that sends
nothing for `timeout` seconds is closed.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import signal
import string
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver import __version__
from archiver.fsutil import atomic_write_text
from archiver.httpserver import LocalHTTPServer, is_loopback, stop_on_signal
from archiver.replay.app import ReplayApp
from archiver.replay.isolation import CONTENT, PAGES, Origins, origin_url
from archiver.replay.replies import Reply, failure, forbidden, misdirected, not_allowed
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
    server: _Listener

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
            accept_datetime = self.headers.get("Accept-Datetime")  # Memento's TimeGates
            reply = self.server.app.answer(self.path, self._origins(), accept_datetime)
        except Exception:
            logger.exception("Error answering %s %r", self.command, self.path)
            reply = failure()
        self._send(reply, send_body)

    def _origins(self) -> Origins:
        """The two origins as this request names them: its Host's name, each listener's port."""
        name = host_name(self.headers.get("Host") or "")
        if name is None:  # HTTP/1.0 without Host: the bound address, or loopback for "any"
            bound = str(self.server.server_address[0])
            name = "127.0.0.1" if bound in ("0.0.0.0", "::") else bound
        pages, content = self.server.ports
        return Origins(origin_url(name, pages), origin_url(name, content), self.server.role)

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


class _Listener(LocalHTTPServer):
    """One of the replay server's two listeners (`role` is PAGES or CONTENT)."""

    def __init__(
        self,
        address: tuple[str, int],
        app: ReplayApp,
        allowed_hosts: Iterable[str],
        timeout: float,
        role: str,
    ) -> None:
        super().__init__(address, ReplayHandler)
        self.app = app
        self.role = role
        names = {host_name(h) for h in (address[0], *allowed_hosts)} - {None}
        self.allowed_hosts = LOOPBACK_NAMES | {n for n in names if n}
        self.timeout_seconds = timeout
        self.ports = (self.port, self.port)  # (pages, content), set once both are bound


class ReplayServer(_Listener):
    """A threading HTTP server for one archive: the pages listener, and its content listener.

    It answers requests whose Host is an IP address, a loopback name, the host it was bound to
    or one of `allowed_hosts`; a connection silent for `timeout` seconds is closed. Replayed
    captures are served on `content_port` (0: any free port; with `or_any_port`, any free port
    too when that one is taken); `serve_forever` serves both.
    """

    def __init__(
        self,
        address: tuple[str, int],
        app: ReplayApp,
        allowed_hosts: Iterable[str] = (),
        timeout: float = DEFAULT_TIMEOUT,
        content_port: int = 0,
        or_any_port: bool = False,
    ) -> None:
        super().__init__(address, app, allowed_hosts, timeout, PAGES)
        host = address[0]
        try:
            try:
                self.content = _Listener((host, content_port), app, allowed_hosts, timeout, CONTENT)
            except OSError as exc:
                if not or_any_port or exc.errno != errno.EADDRINUSE:
                    raise
                self.content = _Listener((host, 0), app, allowed_hosts, timeout, CONTENT)
        except OSError:
            super().server_close()
            raise
        self.ports = self.content.ports = (self.port, self.content.port)

    @property
    def exposed(self) -> bool:
        """Whether it listens on anything but loopback."""
        return not is_loopback(str(self.server_address[0]))

    @property
    def content_url(self) -> str:
        """``http://HOST:PORT`` of the replayed captures."""
        return self.content.base_url

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve both listeners until `shutdown` (or Ctrl-C) stops this one."""
        thread = threading.Thread(
            target=self.content.serve_forever, args=(poll_interval,), daemon=True
        )
        thread.start()
        try:
            super().serve_forever(poll_interval)
        finally:
            self.content.shutdown()
            thread.join()

    def server_close(self) -> None:
        super().server_close()
        self.content.server_close()


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    allowed_hosts: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    content_port: int | None = None,
) -> ReplayServer:
    """A bound, not yet serving, replay server for the archive at `root`.

    Captures are served on `content_port`; by default the port after `port` (any free port
    when that is taken, or when `port` is 0).
    """
    app = ReplayApp(root, CdxjIndex(root))
    if content_port is not None:
        return ReplayServer((host, port), app, allowed_hosts, timeout, content_port)
    next_port = port + 1 if 0 < port < 65535 else 0
    return ReplayServer((host, port), app, allowed_hosts, timeout, next_port, or_any_port=True)


def run(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8090,
    port_file: Path | None = None,
    allowed_hosts: Iterable[str] = (),
    content_port: int | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM; once listening, `port_file` (written atomically) holds
    the pages port on its first line and the content port on its second."""
    server = make_server(root, host, port, allowed_hosts, content_port=content_port)
    previous = signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        if server.exposed:
            address = str(server.server_address[0])
            print(_EXPOSED_WARNING.format(address=address), file=sys.stderr, flush=True)
        if port_file is not None:
            atomic_write_text(port_file, f"{server.port}\n{server.content.port}\n")
        print(
            f"Replaying {root} on {server.base_url}/, replayed pages from "
            f"{server.content_url}/ (Ctrl-C to stop)",
            file=sys.stderr,
            flush=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
