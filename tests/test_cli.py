"""The `archiver` command's usage errors and help."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from archiver.cli import cli


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
    for command in (
        "crawl",
        "schedule",
        "archive",
        "list",
        "show",
        "history",
        "sections",
        "search",
        "reextract",
        "replay",
        "export",
        "reindex",
    ):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output and f"archiver {command}" in result.output


def test_list_without_archive_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--archive", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no catalog" in result.output
