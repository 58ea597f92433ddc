"""`python -m archiver.config`: validate site configs and regenerate their JSON Schema."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from archiver.config.errors import ConfigError
from archiver.config.loading import load_site_config
from archiver.config.schema import SCHEMA_PATH, write_config_json_schema

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Check site configs and/or write the JSON Schema (see ``--help``); returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m archiver.config",
        description="Validate site configs; regenerate the site config JSON Schema.",
        epilog="example: python -m archiver.config --write-schema configs/*.yaml",
    )
    parser.add_argument("configs", nargs="*", type=Path, help="site config files to validate")
    parser.add_argument(
        "--write-schema", action="store_true", help="write the JSON Schema from the model"
    )
    parser.add_argument(
        "--schema-path",
        type=Path,
        default=SCHEMA_PATH,
        metavar="PATH",
        help=f"where --write-schema writes (default: {SCHEMA_PATH})",
    )
    args = parser.parse_args(argv)
    if not args.write_schema and not args.configs:
        parser.error("nothing to do: give config files and/or --write-schema")
    if args.write_schema:
        write_config_json_schema(args.schema_path)
        print(f"wrote {args.schema_path}", file=sys.stderr)
    status = 0
    for config_path in args.configs:
        try:
            config = load_site_config(config_path)
        except ConfigError as err:
            print(err, file=sys.stderr)
            status = 2
        else:
            print(f"{config_path}: ok ({config.site}, sha256 {config.config_hash[:12]})")
    return status
