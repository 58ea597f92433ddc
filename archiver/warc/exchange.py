"""One HTTP fetch as plain data: what the record builders turn into WARC records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP fetch as plain data (built by the Scrapy adapter from a Request/Response).

    Header names and values are ``str``; decode wire bytes as ISO-8859-1 (latin-1) so that
    every byte round-trips: headers are written back in latin-1 (UTF-8 only for characters
    outside latin-1). CR and LF inside names or values are replaced by spaces.
    """

    url: str  # full URL including the query string; WARC-Target-URI
    method: str  # "GET"
    request_headers: list[tuple[str, str]]  # as sent (names as given)
    request_body: bytes
    protocol: str  # "HTTP/1.1": used in the request line and the status line
    status: int
    reason: str | None  # None -> the http.HTTPStatus phrase, or "" for an unknown code
    response_headers: list[tuple[str, str]]  # as received (may repeat names; order kept)
    body: bytes  # as received: still Content-Encoded, already de-chunked
    body_is_decoded: bool = False  # True when only the decoded body is available
    ip_address: str | None = None  # WARC-IP-Address when known
    fetched_at: datetime = field(default_factory=_utcnow)  # tz-aware; WARC-Date (UTC, µs)

    def __post_init__(self) -> None:
        if self.fetched_at.tzinfo is None:
            raise ValueError("HttpExchange.fetched_at must be timezone-aware")
