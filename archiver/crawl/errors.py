"""Network failures in words: one stable kind per failure, for counters, logs and the catalog.

Matched by exception class name (through the class hierarchy), so this module needs neither
Twisted nor Scrapy.
"""

from __future__ import annotations

__all__ = ["HOST_FAILURES", "error_kind", "http_kind"]

# Class names (Twisted, Scrapy, the standard library) and the kind each stands for; the first
# name found along an exception's class hierarchy wins.
_KINDS = {
    "DNSLookupError": "dns",
    "CannotResolveHostError": "dns",
    "gaierror": "dns",
    "ConnectionRefusedError": "refused",
    "NoRouteError": "unreachable",
    "TCPTimedOutError": "timeout",
    "TimeoutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "SSLError": "tls",
    "Error": "tls",  # OpenSSL.SSL.Error; only reached for classes under an SSL module
    "ConnectionLost": "reset",
    "ConnectionDone": "reset",
    "ConnectionResetError": "reset",
    "ResponseNeverReceived": "reset",
    "ResponseFailed": "reset",
    "PotentialDataLoss": "reset",
    "DownloadFailedError": "reset",
}

#: Kinds that say the host cannot be reached at all: after a set number of them (one by
#: default) a crawl stops asking that host for page resources.
HOST_FAILURES = frozenset({"dns", "refused", "unreachable", "timeout"})


def error_kind(exc: BaseException) -> str:
    """``dns``, ``refused``, ``unreachable``, ``timeout``, ``tls``, ``reset`` or ``other``.

    Twisted wraps the real reason of a failed HTTP/1.1 request in ``ResponseNeverReceived``
    (``reasons``): the first wrapped reason decides when there is one.
    """
    reasons = getattr(exc, "reasons", None)
    if reasons:
        inner = getattr(reasons[0], "value", None)
        if isinstance(inner, BaseException) and inner is not exc:
            kind = error_kind(inner)
            if kind != "other":
                return kind
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
