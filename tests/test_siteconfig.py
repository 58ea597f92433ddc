"""Site config model, loader, error messages and JSON Schema (archiver.config)."""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from archiver.config import (
    SCHEMA_PATH,
    ArticleRules,
    ConfigError,
    CrawlSettings,
    ExtractHints,
    Section,
    SiteConfig,
    config_json_schema,
    load_site_config,
    main,
    parse_duration,
    parse_site_config,
    write_config_json_schema,
)

REPO = Path(__file__).resolve().parent.parent
CONFIGS = sorted((REPO / "configs").glob("*.yaml"))
EXAMPLES = [REPO / "configs" / "example-en.yaml", REPO / "configs" / "example-de.yaml"]

MINIMAL: dict[str, Any] = {
    "site": "example-news",
    "name": "Example News",
    "allowed_domains": ["news.example.com"],
    "sections": [{"url": "https://news.example.com/world"}],
    "articles": {},
}
ALL_KEYS = ", ".join(SiteConfig.model_fields)


def write(tmp_path: Path, data: Any, name: str = "site.yaml") -> Path:
    """Write ``data`` (text as is, anything else as YAML) to a config file."""
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def config_with(**changes: Any) -> dict[str, Any]:
    """MINIMAL with dotted-path changes: ``config_with(**{"crawl.concurrency": 2})``.

    A value of ``...`` deletes the key.
    """
    data = copy.deepcopy(MINIMAL)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if isinstance(node, list):
            node[int(last)] = value
        elif value is ...:
            del node[last]
        else:
            node[last] = value
    return data


def load_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_site_config(path)
    return info.value


# --------------------------------------------------------------------------- valid configs


def test_minimal_config_gets_every_default(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    config = load_site_config(path)

    assert config.site == "example-news"
    assert config.name == "Example News"
    assert config.contact is None
    assert config.allowed_domains == ["news.example.com"]
    assert config.sections == [
        Section(url="https://news.example.com/world", name="world", max_pages=1, next_page=None)
    ]
    assert config.feeds == []
    assert config.sitemaps == []
    assert config.sitemaps_from_robots is False
    assert config.articles == ArticleRules(allow=[], deny=[], max_age=None)
    assert config.articles.max_age_timedelta is None
    assert config.crawl == CrawlSettings(
        schedule=None,
        recapture=[],
        download_delay=1.0,
        obey_robots=True,
        concurrency=4,
        user_agent=None,
        max_pages=None,
    )
    assert config.extract == ExtractHints(body_selector=None, drop_selectors=[], favor=None)
    assert config.source_path == path
    assert config.config_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_design_example_loads(tmp_path: Path) -> None:
    text = r"""
site: example-news            # the key used in paths and ids
name: Example News
allowed_domains: [news.example.com]
sections:                     # listing pages to walk
  - url: https://news.example.com/world
    max_pages: 3              # follow pagination this far
feeds: [https://news.example.com/world/rss.xml]
sitemaps: [https://news.example.com/sitemap-news.xml]
articles:                     # which links are articles
  allow: ['/\d{4}/\d{2}/\d{2}/[\w-]+$']
  deny: ['/live/', '/video/']
  max_age: 7d
crawl: {schedule: '*/30 * * * *', recapture: [1h, 24h, 7d], download_delay: 1.0, obey_robots: true}
extract: {}                   # optional per-site hints (selectors, precision/recall)
"""
    config = load_site_config(write(tmp_path, text))
    assert config.sections[0].max_pages == 3
    assert config.articles.allow == [r"/\d{4}/\d{2}/\d{2}/[\w-]+$"]
    assert config.articles.max_age_timedelta == timedelta(days=7)
    assert config.crawl.recapture_timedeltas == [
        timedelta(hours=1),
        timedelta(hours=24),
        timedelta(days=7),
    ]
    assert config.crawl.schedule == "*/30 * * * *"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://news.example.com/world", "world"),
        ("https://news.example.com/world/", "world"),
        ("https://news.example.com/world/europe?page=1", "europe"),
        ("https://news.example.com/caf%C3%A9", "café"),
        ("https://news.example.com/", "home"),
        ("https://news.example.com", "home"),
    ],
)
def test_section_name_defaults_to_last_path_segment(url: str, name: str) -> None:
    assert Section(url=url).name == name


def test_section_name_given_is_kept() -> None:
    assert Section(url="https://news.example.com/world", name="Welt").name == "Welt"


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/x",
        "https://NEWS.example.com/x",
        "https://www.news.example.com/x",
        "http://news.example.com:8080/x",
    ],
)
def test_section_on_allowed_domain_or_subdomain(tmp_path: Path, url: str) -> None:
    config = load_site_config(write(tmp_path, config_with(**{"sections.0.url": url})))
    assert config.sections[0].url == url


def test_allowed_domains_are_lowercased_and_match_hosts() -> None:
    config = parse_site_config(config_with(allowed_domains=["News.Example.COM", "127.0.0.1"]))
    assert config.allowed_domains == ["news.example.com", "127.0.0.1"]
    assert config.is_allowed_host("cdn.news.example.com")
    assert config.is_allowed_host("127.0.0.1")
    assert not config.is_allowed_host("badnews.example.com")
    assert not config.is_allowed_host("example.com")


@pytest.mark.parametrize(
    "sources",
    [
        {"feeds": ["https://news.example.com/rss.xml"]},
        {"sitemaps": ["https://news.example.com/sitemap.xml"]},
        {"sitemaps_from_robots": True},
    ],
)
def test_sections_may_be_empty_with_another_source(sources: dict[str, Any]) -> None:
    config = parse_site_config({**config_with(sections=[]), **sources})
    assert config.sections == []


@pytest.mark.parametrize(
    "schedule",
    [
        "*/30 * * * *",
        "0 9-17 * * mon-fri",
        "0 0 1 jan,jul *",
        "5,35 */2 * * 0",
        "0 0 * * 7",
        "59 23 31 12 SAT",
        "0-30/5 1 1-15/2 * *",
        "@daily",
        "@hourly",
    ],
)
def test_valid_cron_expressions(schedule: str) -> None:
    config = parse_site_config(config_with(**{"crawl.schedule": schedule}))
    assert config.crawl.schedule == schedule


@pytest.mark.parametrize("contact", ["https://example.org/archiving", "mailto:me@example.org"])
def test_contact_url_or_mailto(contact: str) -> None:
    assert parse_site_config(config_with(contact=contact)).contact == contact


def test_article_rules_match() -> None:
    rules = ArticleRules(allow=[r"/\d{4}/\d{2}/\d{2}/"], deny=["/live/"])
    assert rules.matches("https://n.example.com/2024/05/14/slug")
    assert not rules.matches("https://n.example.com/live/2024/05/14/slug")
    assert not rules.matches("https://n.example.com/about")
    assert ArticleRules().matches("https://n.example.com/anything")
    assert not ArticleRules(deny=["/video/"]).matches("https://n.example.com/video/x")


def test_config_hash_is_of_file_bytes(tmp_path: Path) -> None:
    one = write(tmp_path, MINIMAL, "one.yaml")
    two = write(tmp_path, "# a comment changes the file, so the hash\n" + one.read_text(), "2.yaml")
    assert load_site_config(one).config_hash != load_site_config(two).config_hash
    assert load_site_config(one).config_hash == load_site_config(one).config_hash


def test_config_built_in_code_has_a_stable_hash_and_no_source() -> None:
    config = SiteConfig.model_validate(MINIMAL)
    assert config.source_path is None
    assert config.config_hash == SiteConfig.model_validate(MINIMAL).config_hash
    assert len(config.config_hash) == 64


# --------------------------------------------------------------------------- one error each


# (changes to MINIMAL, key path, the whole expected message)
ERROR_CASES: list[tuple[dict[str, Any], str, str]] = [
    (
        {"foo": 1},
        "foo",
        f"unknown key 'foo' (allowed: {ALL_KEYS})",
    ),
    (
        {"crawl.concurency": 2},
        "crawl.concurency",
        "unknown key 'concurency' (did you mean 'concurrency'? allowed: schedule, recapture, "
        "recapture_from, "
        "download_delay, obey_robots, concurrency, user_agent, max_pages, render, "
        "render_min_words)",
    ),
    (
        {"sections.0": {"url": "https://news.example.com/world", "pages": 2}},
        "sections[0].pages",
        "unknown key 'pages' (did you mean 'max_pages'? allowed: url, name, max_pages, next_page, "
        "render)",
    ),
    (
        {"sections.0": {"url": "https://news.example.com/world", "max_pages": "three"}},
        "sections[0].max_pages",
        "expected an integer >= 1, got 'three'",
    ),
    (
        {"sections.0": {"url": "https://news.example.com/world", "max_pages": 0}},
        "sections[0].max_pages",
        "expected an integer >= 1, got 0",
    ),
    ({"crawl.concurrency": 2.5}, "crawl.concurrency", "expected an integer >= 1, got 2.5"),
    ({"crawl.max_pages": True}, "crawl.max_pages", "expected an integer >= 1, got true"),
    ({"crawl.download_delay": -1}, "crawl.download_delay", "expected a number >= 0, got -1"),
    ({"crawl.download_delay": "1s"}, "crawl.download_delay", "expected a number >= 0, got '1s'"),
    (
        {"crawl.obey_robots": "yes please"},
        "crawl.obey_robots",
        "expected true or false, got 'yes please'",
    ),
    ({"name": 42}, "name", "expected a string, got 42"),
    ({"name": ""}, "name", "expected a non-empty string, got ''"),
    (
        {"feeds": "https://news.example.com/rss"},
        "feeds",
        "expected a list, got 'https://news.example.com/rss'",
    ),
    (
        {"crawl": ["1h"]},
        "crawl",
        "expected a mapping with keys schedule, recapture, recapture_from, download_delay, "
        "obey_robots, "
        "concurrency, user_agent, max_pages, render, render_min_words, got a list",
    ),
    (
        {"sections.0": "https://news.example.com/world"},
        "sections[0]",
        "expected a mapping with keys url, name, max_pages, next_page, render, "
        "got 'https://news.example.com/world'",
    ),
    (
        {"allowed_domains": []},
        "allowed_domains",
        "expected a list of at least 1 item, got an empty list",
    ),
    (
        {"articles.allow": [r"/\d+/", "("]},
        "articles.allow[1]",
        "invalid regular expression '(': missing ), unterminated subpattern at position 0",
    ),
    (
        {"articles.deny": ["[a-"]},
        "articles.deny[0]",
        "invalid regular expression '[a-': unterminated character set at position 0",
    ),
    ({"feeds": ["ftp://x"]}, "feeds[0]", "expected an http(s) URL, got 'ftp://x'"),
    (
        {"sitemaps": ["news.example.com/s.xml"]},
        "sitemaps[0]",
        "expected an http(s) URL, got 'news.example.com/s.xml'",
    ),
    (
        {"sections.0.url": "https:///world"},
        "sections[0].url",
        "expected an http(s) URL, got 'https:///world'",
    ),
    (
        {"sections.0.url": "https://news.example.com:99999/"},
        "sections[0].url",
        "expected an http(s) URL, got 'https://news.example.com:99999/'",
    ),
    ({"name": ...}, "name", "required key missing"),
    ({"articles": ...}, "articles", "required key missing"),
    ({"sections.0": {"max_pages": 2}}, "sections[0].url", "required key missing"),
    (
        {"sections.0.url": "https://evil.example.net/world"},
        "sections[0].url",
        "expected a URL on one of allowed_domains (news.example.com) or their subdomains, "
        "got 'https://evil.example.net/world'",
    ),
    (
        {"sections.0.url": "https://badnews.example.com/world"},
        "sections[0].url",
        "expected a URL on one of allowed_domains (news.example.com) or their subdomains, "
        "got 'https://badnews.example.com/world'",
    ),
    (
        {"allowed_domains": ["https://news.example.com/"]},
        "allowed_domains[0]",
        "expected a host name like 'news.example.com' (no scheme, port or path), "
        "got 'https://news.example.com/'",
    ),
    (
        {"allowed_domains": ["news.example.com:8080"]},
        "allowed_domains[0]",
        "expected a host name like 'news.example.com' (no scheme, port or path), "
        "got 'news.example.com:8080'",
    ),
    (
        {"site": "Example News"},
        "site",
        "expected a site key of lowercase letters, digits, '-' and '_', starting with a letter "
        "or digit, at most 63 characters, got 'Example News'",
    ),
    (
        {"site": "timemap"},
        "site",
        "'timemap' is taken by the replay server's Memento paths; choose another",
    ),
    (
        {"contact": "me"},
        "contact",
        "expected an http(s) URL or a mailto: address, got 'me'",
    ),
    (
        {"articles.max_age": "7 days"},
        "articles.max_age",
        "expected a duration like 90s, 30m, 1h, 7d or 2w, got '7 days'",
    ),
    (
        {"articles.max_age": 3600},
        "articles.max_age",
        "expected a duration like 90s, 30m, 1h, 7d or 2w, got 3600",
    ),
    (
        {"articles.max_age": "0d"},
        "articles.max_age",
        "expected a duration longer than zero, got '0d'",
    ),
    (
        {"crawl.recapture": ["1h", "1y"]},
        "crawl.recapture[1]",
        "expected a duration like 90s, 30m, 1h, 7d or 2w, got '1y'",
    ),
    (
        {"crawl.recapture": ["1h", "24h", "1d"]},
        "crawl.recapture[2]",
        "expected durations in strictly increasing order: '1d' is not longer than '24h' before it",
    ),
    (
        {"crawl.schedule": "*/30 * * *"},
        "crawl.schedule",
        "expected a cron expression of 5 fields (minute hour day-of-month month day-of-week, "
        "e.g. '*/30 * * * *') or a macro like @hourly or @daily, got '*/30 * * *' (4 fields)",
    ),
    (
        {"crawl.schedule": "61 * * * *"},
        "crawl.schedule",
        "invalid minute field '61' in '61 * * * *': values must be 0-59",
    ),
    (
        {"crawl.schedule": "0 0 * * funday"},
        "crawl.schedule",
        "invalid day-of-week field 'funday' in '0 0 * * funday': 'funday' is not a "
        "day-of-week value",
    ),
    (
        {"crawl.schedule": "0 0 ? * *"},
        "crawl.schedule",
        "invalid day-of-month field '?' in '0 0 ? * *': expected '*', a value, a range a-b, "
        "each optionally with a step /n, got '?'",
    ),
    (
        {"crawl.schedule": "0 17-9 * * *"},
        "crawl.schedule",
        "invalid hour field '17-9' in '0 17-9 * * *': range '17-9' runs backwards",
    ),
    (
        {"crawl.schedule": "*/0 * * * *"},
        "crawl.schedule",
        "invalid minute field '*/0' in '*/0 * * * *': a step must be at least 1",
    ),
    (
        {"sections.0.next_page": "a["},
        "sections[0].next_page",
        "invalid CSS selector 'a[': Expected ident or '*', got <EOF at 2>",
    ),
    (
        {"extract.drop_selectors": ["aside", "div >> p"]},
        "extract.drop_selectors[1]",
        "invalid CSS selector 'div >> p': Expected selector, got <DELIM '>' at 5>",
    ),
    (
        {"extract.body_selector": ""},
        "extract.body_selector",
        "expected a CSS selector, got an empty string",
    ),
    (
        {"extract.favor": "speed"},
        "extract.favor",
        "expected 'precision', 'recall' or null, got 'speed'",
    ),
    (
        {"sections": []},
        "sections",
        "expected at least one source: a section, a feed or a sitemap "
        "(or sitemaps_from_robots: true); all are empty",
    ),
]


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    ERROR_CASES,
    ids=[f"{c[1]}-{i}" for i, c in enumerate(ERROR_CASES)],
)
def test_each_problem_gives_one_clear_message(
    tmp_path: Path, changes: dict[str, Any], key: str, message: str
) -> None:
    path = write(tmp_path, config_with(**changes))
    err = load_error(path)
    assert err.errors == [(key, message)]
    assert (err.path, err.key, err.message) == (path, key, message)
    assert str(err) == f"{path}: {key}: {message}"


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "site: x\nname: [Example\nallowed_domains: [a.com]\n")
    err = load_error(path)
    assert err.key == "(file)"
    assert err.message == (
        "invalid YAML at line 3, column 16: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence at line 2, column 7)"
    )
    assert str(err) == f"{path}: (file): {err.message}"


def test_yaml_tab_indentation(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "site: x\n\tname: y\n"))
    assert err.key == "(file)"
    assert err.message.startswith("invalid YAML at line 2, column 1: found character '\\t'")


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = "site: a\nname: A\ncrawl:\n  concurrency: 2\n  concurrency: 3\n"
    err = load_error(write(tmp_path, text))
    assert err.errors == [
        (
            "(file)",
            "invalid YAML at line 5, column 3: found duplicate key 'concurrency' (first at line 4)",
        )
    ]


def test_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = (
        "_defaults: &d {max_pages: 2}\n"
        "sections: [{<<: *d, url: 'https://news.example.com/a', max_pages: 3}]\n"
    )
    err = load_error(write(tmp_path, text))  # fails on the unknown '_defaults', not on YAML
    assert err.key != "(file)"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    err = load_error(path)
    assert err.errors == [
        (
            "(file)",
            "the file is empty, expected a mapping of config keys "
            "(at least site, name, allowed_domains, articles)",
        )
    ]


@pytest.mark.parametrize(
    ("text", "got"),
    [("- site: x\n", "a list"), ("just a string\n", "'just a string'"), ("42\n", "42")],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, got: str) -> None:
    path = write(tmp_path, text)
    err = load_error(path)
    assert err.errors == [("(top level)", f"expected a mapping of config keys, got {got}")]
    assert str(err) == f"{path}: (top level): expected a mapping of config keys, got {got}"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    err = load_error(path)
    assert str(err) == f"{path}: (file): file not found"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert load_error(tmp_path).errors == [("(file)", "is a directory, expected a YAML file")]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("site: x\nname: Süddeutsche\n".encode("latin-1"))
    err = load_error(path)
    assert err.errors == [("(file)", "expected UTF-8 text, got an invalid byte at offset 15")]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(MINIMAL).encode())
    assert load_site_config(path).site == "example-news"


def test_null_section_value_is_explained(tmp_path: Path) -> None:
    text = yaml.safe_dump(MINIMAL) + "extract:\n"
    err = load_error(write(tmp_path, text))
    assert err.errors == [
        ("extract", "expected a mapping with keys body_selector, drop_selectors, favor, got null")
    ]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    text = """\
site: Bad Key
name: Example
allowed_domains: [news.example.com]
sections:
  - url: https://elsewhere.example.org/world
    max_pages: three
  - url: ftp://news.example.com/x
articles:
  allow: ['(']
crawl:
  schedule: every hour
  colour: blue
"""
    path = write(tmp_path, text)
    err = load_error(path)
    assert [key for key, _ in err.errors] == [
        "site",
        "sections[0].max_pages",
        "sections[0].url",
        "sections[1].url",
        "articles.allow[0]",
        "crawl.schedule",
        "crawl.colour",
    ]
    lines = str(err).splitlines()
    assert len(lines) == 7
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert (err.key, err.message) == err.errors[0]


def test_config_error_pickles() -> None:
    err = ConfigError.from_errors("c.yaml", [("a", "one"), ("b.c[0]", "two")])
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) == "c.yaml: a: one\nc.yaml: b.c[0]: two"
    assert again.errors == err.errors


def test_parse_site_config_names_the_given_path() -> None:
    with pytest.raises(ConfigError) as info:
        parse_site_config(config_with(foo=1), "settings:ARCHIVER_SITE")
    assert str(info.value).startswith("settings:ARCHIVER_SITE: foo: unknown key 'foo'")


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        ("24h", timedelta(days=1)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(days=14)),
        ("0s", timedelta(0)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "7", "d", "7 d", " 7d", "7d ", "7d\n", "1.5h", "-1h", "7D", "1y", "1h30m", "٣d"]
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"^expected a duration like 90s, 30m, 1h, 7d or 2w, got"):
        parse_duration(text)


UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(sorted(UNIT_SECONDS)))
def test_parse_duration_property(number: int, unit: str) -> None:
    assert parse_duration(f"{number}{unit}").total_seconds() == number * UNIT_SECONDS[unit]


@given(st.text(max_size=12).filter(lambda s: re.fullmatch("[0-9]+[smhdw]", s) is None))
def test_parse_duration_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# --------------------------------------------------------------------------- JSON Schema


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == config_json_schema(), (
        "archiver/schemas/siteconfig.schema.json is stale: "
        "run `python -m archiver.config --write-schema`"
    )


def test_schema_is_valid_and_documented() -> None:
    schema = config_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/siteconfig.schema.json")
    assert schema["title"] == "archiver site config"
    for model in (SiteConfig, Section, ArticleRules, CrawlSettings, ExtractHints):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_write_config_json_schema(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    write_config_json_schema(path)
    assert json.loads(path.read_text(encoding="utf-8")) == config_json_schema()
    assert path.read_text(encoding="utf-8") == SCHEMA_PATH.read_text(encoding="utf-8")


def test_schema_rejects_what_the_model_rejects() -> None:
    validator = jsonschema.Draft202012Validator(config_json_schema())
    assert validator.is_valid(MINIMAL)
    assert not validator.is_valid(config_with(foo=1))
    assert not validator.is_valid(config_with(**{"crawl.concurency": 1}))
    assert not validator.is_valid(config_with(**{"sections.0.max_pages": 0}))
    assert not validator.is_valid(config_with(**{"articles.max_age": "7 days"}))
    assert not validator.is_valid(config_with(site="Bad Key"))
    assert not validator.is_valid(config_with(name=...))


# --------------------------------------------------------------------------- shipped configs


def test_examples_exist() -> None:
    assert all(path.is_file() for path in EXAMPLES)


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_shipped_config_validates(path: Path) -> None:
    config = load_site_config(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(data)
    assert config.config_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        keys.add(prefix + name)
        for sub in (field.annotation, *get_args(field.annotation)):
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                keys |= _keys(sub, f"{prefix}{name}.")
    return keys


def _used_keys(data: Any, prefix: str = "") -> set[str]:
    if isinstance(data, list):
        return set().union(*(_used_keys(item, prefix) for item in data)) if data else set()
    if not isinstance(data, dict):
        return set()
    keys = set()
    for name, value in data.items():
        keys.add(prefix + name)
        keys |= _used_keys(value, f"{prefix}{name}.")
    return keys


def test_english_example_shows_every_key() -> None:
    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    assert _keys(SiteConfig) - _used_keys(data) == set()


# --------------------------------------------------------------------------- entry point


def test_main_writes_schema_and_checks_configs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "out.schema.json"
    good = write(tmp_path, MINIMAL, "good.yaml")
    assert main(["--write-schema", "--schema-path", str(schema), str(good)]) == 0
    assert json.loads(schema.read_text()) == config_json_schema()
    assert f"{good}: ok (example-news" in capsys.readouterr().out

    bad = write(tmp_path, config_with(foo=1), "bad.yaml")
    assert main([str(good), str(bad)]) == 2
    assert f"{bad}: foo: unknown key 'foo'" in capsys.readouterr().err


def test_main_needs_something_to_do() -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_core_does_not_import_scrapy() -> None:
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        "import archiver.config\n"
        "assert 'scrapy' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
