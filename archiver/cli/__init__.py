"""The `archiver` command (see `archiver --help`); each module registers its commands."""

from archiver.cli import crawling, exporting, looking, upkeep
from archiver.cli.base import ConfigProblem, Failed, cli, main

__all__ = ["ConfigProblem", "Failed", "cli", "crawling", "exporting", "looking", "main", "upkeep"]
