"""The demo site's static files: a style sheet, a script, a logo and three small pictures.

The PNGs are drawn here pixel by pixel and stored uncompressed (deflate "stored" blocks), so
every build writes exactly the same bytes whatever zlib version is installed.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

STYLE_CSS = """/* The Harbour Gazette: a small, plain style sheet. */
:root { --ink: #1d2733; --sea: #1f4e79; --paper: #fbfaf6; --rule: #d9d4c7; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem; background: var(--paper);
  color: var(--ink); font: 17px/1.55 Georgia, "Times New Roman", serif; }
a { color: var(--sea); }
.skip-link, .visually-hidden { position: absolute; left: -9999px; }
.cookie-banner { position: sticky; top: 0; z-index: 2; padding: .75rem 1rem; background: #fff;
  border-bottom: 2px solid var(--sea); font: 14px/1.4 system-ui, sans-serif; }
.cookie-banner.dismissed { display: none; }
.site-header { border-bottom: 3px double var(--rule); padding: 1rem 0; }
.tagline { margin: .25rem 0; font-style: italic; }
.main-nav ul, .footer-columns ul, .breadcrumb ol, .tags { list-style: none; padding: 0; }
.main-nav li, .breadcrumb li, .tags li { display: inline-block; margin-right: 1rem; }
.breadcrumb li + li::before { content: "/"; margin-right: 1rem; color: #888; }
.headline, .story-title { font-size: 2.2rem; line-height: 1.15; margin: .5rem 0; }
.standfirst { font-size: 1.2rem; color: #3d4a57; }
.byline, .dateline, .story-meta, .teaser-meta { font: 14px/1.4 system-ui, sans-serif; color: #555; }
.article-body, .story-body { max-width: 40rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font: 13px/1.4 system-ui, sans-serif; color: #555; }
.ad-slot { margin: 1.5rem 0; padding: 2rem; text-align: center; background: #eee; color: #888;
  font: 12px system-ui, sans-serif; text-transform: uppercase; }
.related, .newsletter, .most-read { margin: 2rem 0; padding: 1rem; border-top: 3px solid var(--sea);
  background: #fff; }
.comments { margin: 2rem 0; font: 15px/1.5 system-ui, sans-serif; }
.comment { margin-bottom: 1rem; padding-bottom: 1rem; border-bottom: 1px solid var(--rule); }
.comment-author { font-weight: bold; }
.teaser { padding: 1rem 0; border-bottom: 1px solid var(--rule); }
.teaser--lead .teaser-title { font-size: 1.8rem; }
.teaser-image img { float: right; margin-left: 1rem; }
.pagination { display: flex; gap: 2rem; margin: 2rem 0; font: 15px system-ui, sans-serif; }
.site-footer { margin-top: 3rem; padding: 1rem 0; border-top: 3px double var(--rule);
  font: 14px/1.5 system-ui, sans-serif; }
.footer-columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); }
"""

SITE_JS = """// The Harbour Gazette: dismiss the cookie banner and copy share links. No tracking.
document.addEventListener("DOMContentLoaded", function () {
  var banner = document.getElementById("cookie-consent");
  if (banner) {
    banner.querySelectorAll("button[data-consent]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.cookie = "consent=" + button.dataset.consent + "; path=/; max-age=31536000";
        banner.classList.add("dismissed");
      });
    });
    if (document.cookie.indexOf("consent=") !== -1) { banner.classList.add("dismissed"); }
  }
  document.querySelectorAll(".share-copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var url = location.origin + button.dataset.sharePath;
      if (navigator.clipboard) { navigator.clipboard.writeText(url); }
    });
  });
});
"""

LOGO_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="48" viewBox="0 0 240 48">
  <title>The Harbour Gazette</title>
  <rect width="240" height="48" fill="#fbfaf6"/>
  <path d="M6 34 q6 -6 12 0 t12 0 t12 0" fill="none" stroke="#1f4e79" stroke-width="3"/>
  <path d="M14 30 l10 -22 l10 22 z" fill="#1d2733"/>
  <rect x="21" y="4" width="6" height="6" fill="#e0a526"/>
  <text x="50" y="31" font-family="Georgia, serif" font-size="19" fill="#1d2733"
    >The Harbour Gazette</text>
</svg>
"""

# Palette colours shared by the pictures.
PALETTE = (
    (0x9C, 0xC9, 0xE8),  # 0 sky
    (0x1F, 0x4E, 0x79),  # 1 sea
    (0x7B, 0x7F, 0x84),  # 2 stone
    (0xF3, 0xF1, 0xEA),  # 3 white
    (0xC0, 0x39, 0x2B),  # 4 red
    (0xE0, 0xA5, 0x26),  # 5 yellow
    (0x1D, 0x27, 0x33),  # 6 night
    (0x6B, 0x4F, 0x2A),  # 7 wood
)

Painter = Callable[[int, int], int]
WIDTH, HEIGHT = 96, 54


def _harbour(x: int, y: int) -> int:
    if (x - 78) ** 2 + (y - 10) ** 2 <= 25:
        return 5  # sun
    if 14 <= x <= 19 and 12 <= y <= 34:
        return 4 if y < 16 else 3  # lighthouse
    if y >= 30 and x <= 58 and y <= 36 - (x // 12):
        return 2  # harbour wall
    if y >= 33:
        return 3 if (x + 3 * y) % 17 == 0 else 1  # sea with glints
    return 0


def _market(x: int, y: int) -> int:
    if y < 14:
        return 0
    if y < 22:
        return 4 if (x // 8) % 2 == 0 else 3  # striped awnings
    if y < 40:
        return 7 if x % 24 in (0, 1) else (5 if (x * 7 + y * 3) % 11 == 0 else 6)  # stalls
    return 2  # cobbles


def _stage(x: int, y: int) -> int:
    if x < 14 or x >= WIDTH - 14:
        return 4 if (x // 3) % 2 else 6  # curtains
    if y >= 44:
        return 7  # boards
    if (x - 48) ** 2 // 3 + (y - 30) ** 2 <= 90:
        return 5  # spotlight
    return 6


PICTURES: dict[str, Painter] = {
    "harbour.png": _harbour,
    "market.png": _market,
    "stage.png": _stage,
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _stored_zlib(data: bytes) -> bytes:
    """A zlib stream of uncompressed deflate blocks (deterministic, no zlib version drift)."""
    out = bytearray(b"\x78\x01")
    for start in range(0, max(len(data), 1), 0xFFFF):
        block = data[start : start + 0xFFFF]
        final = 1 if start + 0xFFFF >= len(data) else 0
        out += bytes([final]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    return bytes(out + struct.pack(">I", zlib.adler32(data)))


def png(painter: Painter, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """An 8-bit palette PNG whose pixel (x, y) is ``PALETTE[painter(x, y)]``."""
    rows = b"".join(b"\x00" + bytes(painter(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    palette = b"".join(bytes(c) for c in PALETTE)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", palette)
        + _chunk(b"IDAT", _stored_zlib(rows))
        + _chunk(b"IEND", b"")
    )


def static_files() -> dict[str, bytes]:
    """Every static file, by path under ``site/``."""
    files = {
        "static/style.css": STYLE_CSS.encode(),
        "static/site.js": SITE_JS.encode(),
        "static/img/logo.svg": LOGO_SVG.encode(),
    }
    for name, painter in PICTURES.items():
        files[f"static/img/{name}"] = png(painter)
    return files
