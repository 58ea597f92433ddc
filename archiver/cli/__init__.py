"""The `archiver` command (see `archiver --help`); each module registers its commands."""

from archiver.cli import crawling, looking, upkeep
from archiver.cli.base import ConfigProblem, Failed, cli, main

__all__ = ["ConfigProblem", "Failed", "cli", "crawling", "looking", "main", "upkeep"]
