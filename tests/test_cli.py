"""The `archiver` command's usage errors and help."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archiver.cli import cli
from tests.support import run_archiver


def test_crawl_with_bad_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "site: x\nname: X\nallowed_domains: [example.org]\n"
        "sections: [{url: 'https://example.org/', max_pages: three}]\narticles: {allow: []}\n"
    )
    result = CliRunner().invoke(cli, ["crawl", str(bad), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2, result.output
    assert str(bad) in result.output
    assert "sections[0].max_pages" in result.output
    assert not (tmp_path / "a").exists()


def test_crawl_with_missing_config_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.output


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    assert {"crawl", "archive", "replay", "reindex", "verify"} <= set(cli.commands)
    for command in sorted(cli.commands):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output and f"archiver {command}" in result.output


def test_list_without_archive_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--archive", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no catalog" in result.output


def test_extract_a_local_file_without_network(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parent.parent / "archiver" / "demo_site"
    page = demo / "site" / "news" / "2026" / "11" / "25" / "harbour-wall-repairs-approved.html"
    url = "http://127.0.0.1:8093/news/2026/11/25/harbour-wall-repairs-approved"
    result = run_archiver("extract", str(page), "--url", url)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["is_article"] is True
    assert doc["title"] == "Harbour wall repairs approved after November storms"
    assert doc["authors"] == ["Jane Doe", "Tom Field"]
    assert doc["published"] == "2026-11-25T08:15:00+00:00"
    assert doc["extractor"]["name"] and doc["text"].count("\n\n") >= 3
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    failed = run_archiver("extract", str(empty), "--url", url)
    assert failed.returncode == 1 and "cannot extract" in failed.stderr
    assert run_archiver("extract", str(page), "--url", "ftp://x/y").returncode == 2
