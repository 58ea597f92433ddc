"""Site configs: the model, its checks and messages, loading from YAML, and the JSON Schema."""

from __future__ import annotations

from archiver.config.site import (
    SCHEMA_PATH,
    SITE_KEY_RE,
    ArticleRules,
    ConfigError,
    CrawlSettings,
    ExtractHints,
    RequisiteRules,
    Section,
    SiteConfig,
    config_json_schema,
    load_site_config,
    main,
    parse_duration,
    parse_site_config,
    write_config_json_schema,
)

__all__ = [
    "SCHEMA_PATH",
    "SITE_KEY_RE",
    "ArticleRules",
    "ConfigError",
    "CrawlSettings",
    "ExtractHints",
    "RequisiteRules",
    "Section",
    "SiteConfig",
    "config_json_schema",
    "load_site_config",
    "main",
    "parse_duration",
    "parse_site_config",
    "write_config_json_schema",
]
