"""Config values are bounded and URL rules run in linear time (issue 15).

Each config here used to pass validation and then hang or crash the crawl.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from archiver.config import ConfigError, load_site_config
from archiver.config.checks import parse_duration
from archiver.config.urlrules import compile_url_rule
from tests.support import run_archiver

REPO = Path(__file__).resolve().parent.parent

HEAD = (
    "site: x\nname: X\nallowed_domains: [example.org]\nsections: [{url: 'https://example.org/'}]\n"
)
BACKTRACKING = r"/a/(\w+)+\.html$"

# The measured problems: (YAML after HEAD, the key the error must name).
BAD_CONFIGS = {
    "infinite-delay": ("articles: {}\ncrawl: {download_delay: .inf}\n", "crawl.download_delay"),
    "overflowing-max-age": ("articles: {max_age: 99999999999999999d}\n", "articles.max_age"),
    "huge-max-age": ("articles: {max_age: 999999999d}\n", "articles.max_age"),
    "deep-nesting": ("articles: {allow: " + "[" * 100_000 + "}\n", "articles.allow[0]"),
}


def write_config(tmp_path: Path, tail: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + tail, encoding="utf-8")
    return path


def error_of(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_site_config(path)
    return info.value


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_config_check_exits_2_naming_the_key(tmp_path: Path, case: str) -> None:
    tail, key = BAD_CONFIGS[case]
    path = write_config(tmp_path, tail)
    result = subprocess.run(
        [sys.executable, "-m", "archiver.config", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}: {key}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_crawl_refuses_before_fetching_anything(tmp_path: Path, case: str) -> None:
    tail, key = BAD_CONFIGS[case]
    path = write_config(tmp_path, tail)
    archive = tmp_path / "archive"
    result = run_archiver("crawl", str(path), "--archive", str(archive))
    assert result.returncode == 2, result.stderr
    assert f"{path}: {key}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not archive.exists()


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("tail", "key", "message"),
    [
        (
            "articles: {}\ncrawl: {download_delay: .nan}\n",
            "crawl.download_delay",
            "expected a finite number from 0 to 3600, got .nan",
        ),
        (
            "articles: {}\ncrawl: {download_delay: -.inf}\n",
            "crawl.download_delay",
            "expected a finite number from 0 to 3600, got -.inf",
        ),
        (
            "articles: {}\ncrawl: {download_delay: 3601}\n",
            "crawl.download_delay",
            "expected a number <= 3600, got 3601",
        ),
        (
            "articles: {}\ncrawl: {concurrency: 101}\n",
            "crawl.concurrency",
            "expected an integer <= 100, got 101",
        ),
        (
            "articles: {}\ncrawl: {max_pages: 99999999999999999999}\n",
            "crawl.max_pages",
            "expected an integer <= 1000000000, got 99999999999999999999",
        ),
        (
            "articles: {}\nrequisites: {timeout: .nan}\n",
            "requisites.timeout",
            "expected a finite number",
        ),
        (
            "articles: {max_age: 36526d}\n",
            "articles.max_age",
            "expected a duration of at most 36525d (100 years), got '36526d'",
        ),
        (
            "articles: {max_age: " + "9" * 5000 + "s}\n",
            "articles.max_age",
            "expected a duration of at most 36525d (100 years)",
        ),
        (
            "articles: {}\ncrawl: {recapture: [1h, 99999999999999999999w]}\n",
            "crawl.recapture[1]",
            "expected a duration of at most 36525d (100 years)",
        ),
        (
            "articles: {}\ncrawl: {recapture: ["
            + ", ".join(f"{i}h" for i in range(1, 102))
            + "]}\n",
            "crawl.recapture",
            "expected a list of at most 100 items, got 101",
        ),
    ],
)
def test_out_of_bounds_value_names_the_key(
    tmp_path: Path, tail: str, key: str, message: str
) -> None:
    err = error_of(write_config(tmp_path, tail))
    assert err.key == key
    assert err.message.startswith(message), err.message


def test_values_at_the_bounds_are_accepted(tmp_path: Path) -> None:
    config = load_site_config(
        write_config(
            tmp_path,
            "articles: {max_age: 36525d}\n"
            "crawl: {download_delay: 3600, concurrency: 100, max_pages: 1000000000, "
            "recapture: [1h, 5217w]}\n",
        )
    )
    assert config.articles.max_age_timedelta is not None
    assert config.articles.max_age_timedelta.days == 36525
    assert config.crawl.download_delay == 3600
    assert config.crawl.concurrency == 100


def test_parse_duration_beyond_a_timedelta_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="under 999999999 days"):
        parse_duration("99999999999999999d")


# --------------------------------------------------------------------------- nesting


def test_whole_file_nested_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text("[" * 100_000, encoding="utf-8")
    err = error_of(path)
    assert err.key == "(top level)"
    assert err.message.startswith("mappings and lists nested more than 32 levels deep")


def test_nesting_names_mapping_keys_on_the_way(tmp_path: Path) -> None:
    err = error_of(write_config(tmp_path, "articles: {allow: [{a: {b: " + "[" * 40 + "}}]}\n"))
    assert err.key == "articles.allow[0].a.b[0]..."


def test_ordinary_nesting_still_loads(tmp_path: Path) -> None:
    data = yaml.safe_load(HEAD + "articles: {allow: ['/news/']}\n")
    data["extract"] = {"drop_selectors": ["aside"]}
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_site_config(path).extract.drop_selectors == ["aside"]


# --------------------------------------------------------------------------- URL rules


def test_backtracking_pattern_runs_in_linear_time(tmp_path: Path) -> None:
    """The pattern that took over a minute with Python's re, on a 100,000-character link."""
    path = write_config(tmp_path, f"articles: {{allow: ['{BACKTRACKING}']}}\n")
    code = (
        "import sys\n"
        "from archiver.config import load_site_config\n"
        "from archiver.crawl.links import is_article_url\n"
        "config = load_site_config(sys.argv[1])\n"
        "long_link = 'https://example.org/a/' + 'a' * 100_000 + '!'\n"
        "print(is_article_url(config, long_link))\n"
        "print(is_article_url(config, 'https://example.org/a/story.html'))\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            timeout=120,  # Python's re took well over a minute; RE2 takes milliseconds
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("matching a long link against the URL rule hung")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("pattern", "key", "reason"),
    [
        ("(?<!/live)/story", "articles.allow[0]", "invalid perl operator: (?<!"),
        ("/(?=news)", "articles.allow[0]", "invalid perl operator: (?="),
        (r"/(\d+)/\1/", "articles.allow[0]", r"invalid escape sequence: \1"),
        (r"/x[\W]", "articles.allow[0]", r"\W inside [...] is not supported in URL rules"),
    ],
)
def test_pattern_re2_cannot_run_is_refused_naming_the_key(
    tmp_path: Path, pattern: str, key: str, reason: str
) -> None:
    err = error_of(write_config(tmp_path, f"articles: {{allow: ['{pattern}']}}\n"))
    assert err.key == key
    assert err.message.startswith(f"unsupported regular expression {pattern!r}: {reason}")


def test_deny_pattern_refused_too(tmp_path: Path) -> None:
    err = error_of(write_config(tmp_path, "articles: {deny: ['/ok/', '(?<=x)y']}\n"))
    assert err.key == "articles.deny[1]"
    assert "lookarounds" in err.message


def _shipped_patterns() -> list[str]:
    patterns: list[str] = []
    for path in sorted((REPO / "configs").glob("*.yaml")):
        articles = yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]
        patterns += articles.get("allow", []) + articles.get("deny", [])
    return patterns


# Python's meanings that RE2 spells differently (its \w, \d and \s are ASCII-only).
SEMANTIC_PATTERNS = [
    *_shipped_patterns(),
    r"[\w-]+$",
    r"^\w+\W\w+$",
    r"\d{2,}",
    r"\D\d",
    r"[^\w/]",
    r"\s|\S\s",
    r"a{,2}b",
    r"(?i)STRASSE|straße",
    r"x\Z",
    r"[\d.]+\u00e9",
]
URL_TEXT = st.text(
    alphabet=st.sampled_from(list("ab/-_.?x9Äö٣٤²ⅫSsé\t\u00a0\u2028 ~#:eEwWdD")), max_size=24
)


@given(pattern=st.sampled_from(SEMANTIC_PATTERNS), text=URL_TEXT)
def test_url_rules_match_as_python_re_does(pattern: str, text: str) -> None:
    expected = re.search(pattern, text)
    found: Any = compile_url_rule(pattern).search(text.encode("utf-8"))
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert found.group().decode("utf-8") == expected.group()


def test_shipped_patterns_keep_matching_their_urls() -> None:
    config = load_site_config(REPO / "configs" / "example-de.yaml")
    assert config.articles.matches("https://www.tagesschau.de/ausland/europa/wahl-100.html")
    assert not config.articles.matches("https://www.tagesschau.de/newsticker/liveblog-100.html")


# --------------------------------------------------------------------------- -s settings


@pytest.mark.parametrize(
    "setting",
    [
        "DOWNLOAD_DELAY=inf",
        "DOWNLOAD_DELAY=nan",
        "DOWNLOAD_TIMEOUT=1e400",
        "CONCURRENT_REQUESTS=0",
        "ARCHIVER_EXTRACT_TIMEOUT=inf",
    ],
)
def test_crawl_refuses_an_unbounded_setting_naming_it(tmp_path: Path, setting: str) -> None:
    path = write_config(tmp_path, "articles: {}\n")
    archive = tmp_path / "archive"
    result = run_archiver("crawl", str(path), "--archive", str(archive), "-s", setting)
    assert result.returncode == 2, result.stderr
    name = setting.split("=")[0]
    assert f"{name} must be a number from" in result.stderr
    assert "Traceback" not in result.stderr
    assert not archive.exists()


def test_settings_within_bounds_are_accepted() -> None:
    from archiver.cli.base import parse_overrides

    pairs = ["DOWNLOAD_DELAY=3600", "DOWNLOAD_TIMEOUT=2", "CONCURRENT_REQUESTS=1"]
    assert parse_overrides(pairs) == dict(p.split("=") for p in pairs)


def test_a_warc_prefix_that_is_no_file_name_start_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, "articles: {}\n")
    archive = tmp_path / "archive"
    setting = "ARCHIVER_WARC_PREFIX=../elsewhere"
    result = run_archiver("crawl", str(path), "--archive", str(archive), "-s", setting)
    assert result.returncode == 2, result.stderr
    assert "ARCHIVER_WARC_PREFIX must be" in result.stderr and not archive.exists()
