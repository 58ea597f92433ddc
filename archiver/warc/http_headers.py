"""The HTTP part of request, response and revisit records: the first line and the headers.

Headers are normalised to match the body we store and serialised as latin-1, so the bytes
received are the bytes written. Also the small header look-ups the rest of the package uses.
"""

from __future__ import annotations

import http
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders

from archiver.warc.exchange import HttpExchange


class HttpHeaderBlock(StatusAndHeaders):
    """warcio's StatusAndHeaders, serialised as latin-1 instead of %-encoded ASCII.

    warcio percent-encodes non-ASCII header values; we keep the bytes as received instead.
    """

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        lines = [f"{self.protocol} {self.statusline}", *(f"{k}: {v}" for k, v in self.headers)]
        self.headers_buff = b"".join(_encode_line(line) for line in lines) + b"\r\n"


def _encode_line(line: str) -> bytes:
    try:
        return line.encode("latin-1") + b"\r\n"
    except UnicodeEncodeError:
        return line.encode("utf-8") + b"\r\n"


def one_line(value: str) -> str:
    """No CR/LF inside a header line (it would end the line)."""
    return value.replace("\r", " ").replace("\n", " ")


def _clean_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(one_line(name), one_line(value)) for name, value in headers]


def mime_type(content_type: str | None) -> str | None:
    """Media type without parameters, lower-cased (``None`` when absent or empty)."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """First value of a header, by case-insensitive name."""
    lname = name.lower()
    return next((v for k, v in headers if k.lower() == lname), None)


def request_target(url: str) -> str:
    """The request-target of a request line: path plus query string ("/a?b=1")."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query or url.split("#", 1)[0].endswith("?"):
        target += "?" + parts.query
    return target


def status_line(exchange: HttpExchange) -> str:
    """ "200 OK"; an unknown code with no reason keeps the trailing space ("599 ")."""
    reason = exchange.reason
    if reason is None:
        try:
            reason = http.HTTPStatus(exchange.status).phrase
        except ValueError:
            reason = ""
    return f"{exchange.status} {one_line(reason)}"


def _keeps_content_length(exchange: HttpExchange) -> bool:
    """Responses that carry no body by definition keep Content-Length as received."""
    if exchange.body:
        return False
    return (
        exchange.method.upper() == "HEAD"
        or exchange.status in (204, 304)
        or (100 <= exchange.status < 200)
    )


def build_http_headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    """Response headers normalised to match the body we store.

    Drops Transfer-Encoding (the body is de-chunked), and Content-Encoding when the body is
    decoded; sets Content-Length to len(body), in place of the first one or appended. HEAD,
    1xx, 204 and 304 responses with an empty body keep their Content-Length as received.
    Everything else is kept in order, names as given.
    """
    keep_length = _keeps_content_length(exchange)
    length = str(len(exchange.body))
    out: list[tuple[str, str]] = []
    length_set = False
    for name, value in _clean_headers(exchange.response_headers):
        lname = name.strip().lower()
        if lname == "transfer-encoding":
            continue
        if lname == "content-encoding" and exchange.body_is_decoded:
            continue
        if lname == "content-length" and not keep_length:
            if not length_set:
                out.append((name, length))
                length_set = True
            continue
        out.append((name, value))
    if not length_set and not keep_length:
        out.append(("Content-Length", length))
    return out


def build_request_headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    """Request headers as sent, with a Host header (netloc of the URL) first if none."""
    headers = _clean_headers(exchange.request_headers)
    if header_value(headers, "Host") is None:
        headers.insert(0, ("Host", urlsplit(exchange.url).netloc))
    return headers


def response_block(exchange: HttpExchange) -> HttpHeaderBlock:
    """Status line and normalised headers of a response (or revisit) record."""
    return HttpHeaderBlock(
        status_line(exchange), build_http_headers(exchange), protocol=_protocol(exchange)
    )


def request_block(exchange: HttpExchange) -> HttpHeaderBlock:
    """Request line ("GET /path?query HTTP/1.1") and headers of a request record."""
    line = f"{request_target(exchange.url)} {_protocol(exchange)}"
    return HttpHeaderBlock(line, build_request_headers(exchange), protocol=exchange.method)


def _protocol(exchange: HttpExchange) -> str:
    return exchange.protocol or "HTTP/1.1"
