"""The `archiver` group, its shared options and errors: data to stdout, progress to stderr;
exit 0 done, 1 failed, 2 usage."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from archiver import __version__
from archiver.config import ConfigError, SiteConfig, load_site_config
from archiver.crawl.resources import SCOPES
from archiver.store.catalog import Catalog
from archiver.store.layout import ArchiveLayout
from archiver.store.locking import LockBusy

F = TypeVar("F", bound=Callable[..., Any])


class ConfigProblem(click.ClickException):
    """A bad config: names the file and key; exit status 2."""

    exit_code = 2


class Failed(click.ClickException):
    """The command ran but did not succeed; exit status 1."""

    exit_code = 1


def archive_option(func: F) -> F:
    """--archive DIR, shared by every command that reads or writes an archive."""
    return click.option(
        "--archive",
        "archive_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("archive"),
        show_default=True,
        envvar="ARCHIVER_ARCHIVE",
        help="Archive directory (env ARCHIVER_ARCHIVE).",
    )(func)


def overrides_option(help_text: str) -> Callable[[F], F]:
    """-s/--set KEY=VALUE (repeatable), for the commands that run crawls."""
    return click.option(
        "-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help=help_text
    )


def json_option(func: F) -> F:
    """--json: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archiver")
def cli() -> None:
    """Archive news sites into WARC files and clean article JSON."""


def load_config(path: Path) -> SiteConfig:
    try:
        return load_site_config(path)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from exc


def parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        settings[key.strip()] = value
    scope = settings.get("ARCHIVER_REQUISITES_SCOPE")
    if scope is not None and scope not in SCOPES:
        raise click.BadParameter(
            f"ARCHIVER_REQUISITES_SCOPE must be one of {', '.join(SCOPES)}, got {scope!r}",
            param_hint="--set",
        )
    prefix = settings.get("ARCHIVER_WARC_PREFIX")
    if prefix and not _WARC_PREFIX_RE.fullmatch(str(prefix)):
        raise click.BadParameter(
            "ARCHIVER_WARC_PREFIX must be 1 to 100 letters, digits, '.', '_' or '-' (a file "
            f"name's start), got {prefix!r}",
            param_hint="--set",
        )
    for name, (low, high) in NUMBER_BOUNDS.items():
        _check_number(settings, name, low, high)
    for name in str(settings.get("ARCHIVER_REQUISITES_BLOCK_LISTS", "")).split(","):
        if name.strip() and not Path(name.strip()).is_file():
            raise click.BadParameter(
                f"ARCHIVER_REQUISITES_BLOCK_LISTS: no file {name.strip()!r}", param_hint="--set"
            )
    return settings


_WARC_PREFIX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: Numeric `-s` settings and their bounds: values that would hang a crawl (a delay of `inf`) or
#: overflow are refused, as the site config's own bounds are.
NUMBER_BOUNDS: dict[str, tuple[float, float]] = {
    "ARCHIVER_WARC_GZIP_LEVEL": (0, 9),
    "ARCHIVER_EXTRACT_TIMEOUT": (0, 86_400),
    "ARCHIVER_WARC_MAX_AGE": (0, 36_525 * 86_400),
    "DOWNLOAD_DELAY": (0, 3600),
    "DOWNLOAD_TIMEOUT": (0, 86_400),
    "CONCURRENT_REQUESTS": (1, 1000),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (1, 1000),
    "RETRY_TIMES": (0, 100),
    "REDIRECT_MAX_TIMES": (0, 100),
    "DOWNLOAD_MAXSIZE": (0, 2**40),
    "DOWNLOAD_WARNSIZE": (0, 2**40),
    "CLOSESPIDER_TIMEOUT": (0, 36_525 * 86_400),
    "CLOSESPIDER_ITEMCOUNT": (0, 10**12),
    "CLOSESPIDER_PAGECOUNT": (0, 10**12),
}


def _check_number(settings: dict[str, Any], name: str, low: float, high: float) -> None:
    """A numeric `-s` setting within its range (a click error, exit 2, otherwise)."""
    if name not in settings:
        return
    try:
        value = float(settings[name])
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # NaN fails too
        raise click.BadParameter(
            f"{name} must be a number from {low:g} to {high:g}, got {settings[name]!r}",
            param_hint="--set",
        )


def open_catalog(archive_dir: Path) -> Catalog:
    layout = ArchiveLayout(archive_dir)
    if not layout.catalog_path.exists():
        raise Failed(f"no catalog at {layout.catalog_path} (run a crawl or `archiver reindex`)")
    return Catalog(layout.catalog_path)


def recover(archive_dir: Path) -> None:
    """Finish what killed runs left in the archive (open WARC files, missing indexes and catalog
    rows) and say what was done, on stderr; sites being written now are left to their writer."""
    from archiver.jobs.recovery import recover_archive

    try:
        done = recover_archive(archive_dir)
    except LockBusy as exc:  # the archive is being rebuilt: it will be recovered by that
        click.echo(f"recovery skipped: {exc}", err=True)
        return
    if done:
        click.echo(done.render(), err=True)


def main(args: Sequence[str] | None = None) -> None:
    """Console-script entry point; `args` lets tests call it directly."""
    cli.main(args=list(args) if args is not None else None, prog_name="archiver")
