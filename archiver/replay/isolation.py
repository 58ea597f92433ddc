"""Keeping replayed pages away from the archive: two origins, a sandbox, and a prelude script.

The archive's own pages (article list, search, reader view, capture lists) are served on one
port, replayed captures on another: two origins. Every capture is also served with the CSP
``sandbox`` directive without ``allow-same-origin``, so the browser gives each replayed page an
opaque origin of its own: its scripts may load what the page needs (scripts, styles, images,
frames from the capture's collection) but cannot read any response, the archive's pages or
another capture, and have no storage and no service workers. A request for a capture on the
pages origin is redirected to the content origin, and the other way round, so addresses handed
out before keep working.

`PRELUDE` runs before the page's own scripts: it removes the channels a browser does not put
under CSP (WebRTC), and gives scripts the storage an opaque origin lacks (in memory, per page)
so that pages which expect it do not break on an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONTENT",
    "PAGES",
    "PRELUDE",
    "SANDBOX",
    "SANDBOX_NO_SCRIPTS",
    "Origins",
    "origin_url",
]

#: Which of the two listeners answered a request.
PAGES = "pages"
CONTENT = "content"

#: The sandbox of a replayed page: scripts, forms and popups, but its own opaque origin.
SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-modals"
#: The sandbox of a capture served as archived (``id_``): nothing runs.
SANDBOX_NO_SCRIPTS = "sandbox"

#: Runs first in every replayed HTML page (kept free of ``<`` and ``&`` for XHTML pages).
PRELUDE = """(function () {
  "use strict";
  var gone = ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
    "RTCIceTransport", "RTCSctpTransport", "RTCDtlsTransport", "RTCRtpSender",
    "RTCRtpReceiver", "RTCRtpTransceiver", "RTCIceCandidate", "RTCSessionDescription"];
  function refuse(name) {
    return function () {
      throw new DOMException(name + " is not available in an archived page", "NotAllowedError");
    };
  }
  gone.forEach(function (name) {
    try {
      Object.defineProperty(window, name, {value: refuse(name), writable: false,
        configurable: false, enumerable: false});
    } catch (e) {}
  });
  try { delete Navigator.prototype.serviceWorker; } catch (e) {}
  function memoryStorage() {
    var data = new Map();
    return {
      getItem: function (k) { k = String(k); return data.has(k) ? data.get(k) : null; },
      setItem: function (k, v) { data.set(String(k), String(v)); },
      removeItem: function (k) { data.delete(String(k)); },
      clear: function () { data.clear(); },
      key: function (i) { var keys = Array.from(data.keys()); return i in keys ? keys[i] : null; },
      get length() { return data.size; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try { void window[name]; } catch (e) {
      try { Object.defineProperty(window, name, {value: memoryStorage(), configurable: true}); }
      catch (e2) {}
    }
  });
  try { void document.cookie; } catch (e) {
    var jar = new Map();
    try {
      Object.defineProperty(document, "cookie", {configurable: true,
        get: function () { return Array.from(jar.values()).join("; "); },
        set: function (v) {
          var pair = String(v).split(";")[0].trim();
          jar.set(pair.split("=")[0].trim(), pair);
        }});
    } catch (e2) {}
  }
})();"""


@dataclass(frozen=True)
class Origins:
    """The two origins of one replay server, as the browser that asked names them."""

    pages: str  # e.g. http://127.0.0.1:8090
    content: str  # e.g. http://127.0.0.1:8091
    serving: str  # PAGES or CONTENT: the one this request came to

    def base(self, role: str) -> str:
        """The origin serving `role` (PAGES or CONTENT)."""
        return self.content if role == CONTENT else self.pages


def origin_url(host: str, port: int) -> str:
    """``http://HOST:PORT``, an IPv6 address in brackets."""
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
