"""The JSON Schema of a site config, generated from the model and shipped for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archiver.config.model import SiteConfig

__all__ = ["SCHEMA_ID", "SCHEMA_PATH", "config_json_schema", "write_config_json_schema"]

SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "siteconfig.schema.json"
SCHEMA_ID = "https://archiver.invalid/schemas/siteconfig.schema.json"


def config_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a site config, for editors and other tools."""
    schema = SiteConfig.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "archiver site config",
    }


def write_config_json_schema(path: Path = SCHEMA_PATH) -> None:
    """Regenerate the shipped schema file from the model."""
    text = json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
