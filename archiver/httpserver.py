"""What the project's small HTTP servers (demo site, replay) share: binding, addresses, errors."""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any

logger = logging.getLogger(__name__)


class LocalHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server on a given address (IPv6 too) that reports where it listens."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` without a trailing slash."""
        host = str(self.server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up are normal; anything else is logged."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            logger.debug("client %s went away: %r", client_address, error)
        else:
            logger.exception("error answering %s", client_address)


def is_loopback(address: str) -> bool:
    """Whether a bound address (an IP literal, as `server_address[0]` gives it) is loopback."""
    try:
        return ipaddress.ip_address(address.strip("[]").partition("%")[0]).is_loopback
    except ValueError:
        return address.lower() == "localhost"


def stop_on_signal(signum: int, frame: FrameType | None) -> None:
    """A SIGTERM handler that stops `serve_forever` the way Ctrl-C does."""
    raise KeyboardInterrupt
