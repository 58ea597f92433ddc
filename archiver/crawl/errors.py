"""Network failures in words: one stable kind per failure, for counters, logs and the catalog.

Matched by exception class name (through the class hierarchy), so this module needs neither
Twisted nor Scrapy.
"""

from __future__ import annotations

__all__ = ["HOST_FAILURES", "error_kind", "http_kind"]

# Class names (Twisted, Scrapy, the standard library) and the kind each stands for; the first
# name found along an exception's class hierarchy wins.
_KINDS = {
    # Scrapy aborts a download past DOWNLOAD_MAXSIZE (an answer with no Content-Length just
    # cancelled, without a message): nothing else cancels a download.
    "DownloadCancelledError": "too-large",
    "DownloadConnectionRefusedError": "refused",  # Scrapy's own (2.13+) come first
    "CannotResolveHostError": "dns",
    "DownloadTimeoutError": "timeout",
    "ResponseDataLossError": "reset",
    "UnsupportedURLSchemeError": "bad-url",
    "TooManyRedirects": "redirect-loop",  # archiver.middlewares, past REDIRECT_MAX_TIMES
    "BadUrl": "bad-url",  # archiver.jobs.oneoff
    "DNSLookupError": "dns",
    "gaierror": "dns",
    "ConnectionRefusedError": "refused",
    "NoRouteError": "unreachable",
    "TCPTimedOutError": "timeout",
    "TimeoutError": "timeout",
    "SSLError": "tls",
    "Error": "tls",  # OpenSSL.SSL.Error; only reached for classes under an SSL module
    "ConnectionLost": "reset",
    "ConnectionDone": "reset",
    "ConnectionResetError": "reset",
    "ResponseNeverReceived": "reset",
    "ResponseFailed": "reset",
    "PotentialDataLoss": "reset",
    "DownloadFailedError": "reset",
    "IgnoreRequest": "ignored",  # Scrapy's, for a request dropped on purpose (robots: below)
}

#: Kinds that say the host cannot be reached at all: after a set number of them (one by
#: default) a crawl stops asking that host for page resources.
HOST_FAILURES = frozenset({"dns", "refused", "unreachable", "timeout"})


def error_kind(exc: BaseException) -> str:
    """``dns``, ``refused``, ``unreachable``, ``timeout``, ``tls``, ``reset``, ``too-large``
    (over DOWNLOAD_MAXSIZE as received, or once inflated), ``redirect-loop``, ``bad-url``,
    ``robots`` (refused by robots.txt), ``ignored`` or ``other``.

    A vague kind (``reset``, ``other``) gives way to a more precise one of the exception it
    wraps: Twisted keeps the real reason of a failed HTTP/1.1 request in ``reasons``, Scrapy
    chains its own download errors to the Twisted ones (``__cause__``).
    """
    if "DOWNLOAD_MAXSIZE" in str(exc):  # HttpCompressionMiddleware's IgnoreRequest
        return "too-large"
    kind = _own_kind(exc)
    if kind == "ignored" and "robots" in str(exc).lower():
        return "robots"
    if kind not in ("reset", "other"):
        return kind
    reasons = getattr(exc, "reasons", None) or []
    inner = [getattr(r, "value", None) for r in reasons] + [exc.__cause__, exc.__context__]
    for wrapped in inner:
        if isinstance(wrapped, BaseException) and wrapped is not exc:
            found = error_kind(wrapped)
            if found not in ("reset", "other"):
                return found
    return kind


def _own_kind(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        found = _KINDS.get(cls.__name__)
        if found == "tls" and cls.__name__ == "Error" and "SSL" not in cls.__module__:
            continue
        if found is not None:
            return found
    return "other"


def http_kind(status: int) -> str:
    """``http-4xx`` / ``http-5xx`` style kind of an HTTP error status."""
    return f"http-{status // 100}xx"
