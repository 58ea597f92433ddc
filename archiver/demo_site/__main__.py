"""``python -m archiver.demo_site``: serve the demo site until interrupted.

``python -m archiver.demo_site --port 0 --port-file /tmp/demo.port`` binds a free port and writes
it to the file once listening, so callers poll the file instead of sleeping.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from archiver.demo_site.server import SITE_DIR, SiteFiles, load_manifest, make_server
from archiver.fsutil import atomic_write_text
from archiver.httpserver import stop_on_signal

DEFAULT_PORT = 8093


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m archiver.demo_site",
        description="Serve the demo news site (The Harbour Gazette) for crawl demos and tests.",
        epilog="example: python -m archiver.demo_site --port 0 --port-file /tmp/demo.port",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port; 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--port-file",
        type=Path,
        help="write the bound port here once listening (for callers to poll)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        help="serve this copy of the site directory instead of the bundled one "
        "(e.g. to change pages between crawls)",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        help="the manifest (special paths, dates) to serve with --root (default: the bundled one)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve in the foreground: 0 after a clean stop (Ctrl-C, SIGTERM), 1 if it cannot bind."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        site = None
        if args.root or args.manifest:
            manifest = load_manifest(args.manifest) if args.manifest else None
            site = SiteFiles(args.root or SITE_DIR, manifest)
        server = make_server(args.host, args.port, site)
    except OSError as err:
        print(f"Cannot serve the demo site on {args.host}:{args.port}: {err}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        if args.port_file:
            atomic_write_text(args.port_file, f"{server.port}\n")
        print(f"Demo site serving on {server.base_url}/", file=sys.stderr, flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
