"""Site configs (configs/<site>.yaml): the typed model, the YAML loader and its JSON Schema.

A config is validated before anything runs. Every problem is reported as
``<file>: <key path>: <what was expected>``, all of them at once, through :class:`ConfigError`.
Plain Python: this package never imports Scrapy.
"""

from __future__ import annotations

from archiver.config.checks import RESERVED_SITE_KEYS, SITE_KEY_RE, parse_duration
from archiver.config.cli import main
from archiver.config.errors import ConfigError
from archiver.config.loading import load_site_config, parse_site_config
from archiver.config.model import SiteConfig
from archiver.config.parts import (
    ArticleRules,
    CrawlSettings,
    ExtractHints,
    RequisiteRules,
    Section,
    UrlRules,
)
from archiver.config.schema import SCHEMA_PATH, config_json_schema, write_config_json_schema

__all__ = [
    "RESERVED_SITE_KEYS",
    "SCHEMA_PATH",
    "SITE_KEY_RE",
    "ArticleRules",
    "ConfigError",
    "CrawlSettings",
    "ExtractHints",
    "RequisiteRules",
    "Section",
    "SiteConfig",
    "UrlRules",
    "config_json_schema",
    "load_site_config",
    "main",
    "parse_duration",
    "parse_site_config",
    "write_config_json_schema",
]
