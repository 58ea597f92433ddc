"""`archiver export`: the archive's article documents as one JSONL, CSV, text or Markdown file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO, cast

import click

from archiver.cli.base import Failed, archive_option, cli, open_catalog
from archiver.cli.filtering import FILTERS_HELP, filter_options
from archiver.cli.upkeep import write_wacz
from archiver.fsutil import DiskFull, atomic_text_file
from archiver.jobs.export import CSV_COLUMNS, FORMATS, ExportResult
from archiver.jobs.export import export_documents as export_to
from archiver.store.catalog import Catalog
from archiver.store.filters import ArticleFilter
from archiver.textsafe import terminal_json

_FORMATS_HELP = (
    "Formats: jsonl, each document as stored, one per line (it validates against the article "
    "schema); csv, a header row then one row per article with the columns "
    + ", ".join(CSV_COLUMNS)
    + " (authors and tags joined with '; ', the text with its line breaks inside a quoted "
    "field); txt, the title, metadata lines, a blank line, the text and a line of '='; md, a "
    "heading, the metadata as a list, the text and a rule."
)


@cli.command("export", epilog=f"{_FORMATS_HELP}\n\n{FILTERS_HELP}")
@archive_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="What to write (see below).",
)
@click.option(
    "--all-versions", is_flag=True, help="Every version of each article, not only the newest."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (replaced only once complete) instead of stdout.",
)
@click.option(
    "--wacz",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead: package the WARC files, an index and the article list as this WACZ file "
    "(*.wacz); only --site applies.",
)
@filter_options
@click.pass_context
def export(
    ctx: click.Context,
    archive_dir: Path,
    fmt: str,
    all_versions: bool,
    output: Path | None,
    wacz: Path | None,
    matching: ArticleFilter,
) -> None:
    """Export article documents, one per line or row, for a corpus: newest version of each;
    or, with --wacz, the whole archive as a WACZ package.

    \b
    Example:
        archiver export > corpus.jsonl
        archiver export --format csv -o corpus.csv --site demo --since 2026-11-01
        archiver export --format md --changed --all-versions -o changed.md
        archiver export --wacz demo.wacz --site demo --archive archive/

    Articles come in id order, each once (with --all-versions, each version once); pages that
    are not articles are left out. The count goes to stderr. Exit 0 when every document was
    written; 1 when some could not be read (the export holds the others, and the summary
    names them).

    The WACZ (1.1.1) opens in ReplayWeb.page or pywb. Files a killed run left open are
    recovered first; files a running crawl is writing are left out (and named). Exit 0 when
    written, 1 when there is nothing to export or a reindex runs, 2 for a bad option.
    """
    if wacz is not None:
        _check_wacz_options(ctx, matching)
        write_wacz(wacz, matching.site[0] if matching.site else None, archive_dir)
        return
    with open_catalog(archive_dir) as catalog:
        try:
            if output is None:
                result = _to_stdout(catalog, archive_dir, fmt, matching, all_versions)
            else:
                with atomic_text_file(output) as out:
                    result = export_to(catalog, archive_dir, out, fmt, matching, all_versions)
        except DiskFull as exc:
            raise Failed(str(exc)) from exc
    where = f" to {output}" if output is not None else ""
    if result.unreadable:
        raise Failed(result.summary() + where)
    click.echo(result.summary() + where, err=True)


def _check_wacz_options(ctx: click.Context, matching: ArticleFilter) -> None:
    """--wacz takes one --site and no other option of the document export (exit 2)."""
    given = [
        f"--{name.replace('_', '-')}"
        for name in ("fmt", "all_versions", "output")
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
    ]
    if len(matching.site) > 1 or matching != ArticleFilter(site=matching.site, by=matching.by):
        given.append("filters other than one --site")
    if given:
        shown = ", ".join(g.replace("--fmt", "--format") for g in given)
        raise click.UsageError(f"--wacz packages the archive as it is; not with {shown}")


def _to_stdout(
    catalog: Catalog, archive_dir: Path, fmt: str, matching: ArticleFilter, all_versions: bool
) -> ExportResult:
    """Export to stdout; on a terminal, control characters are shown escaped."""
    stream: TextIO = sys.stdout
    if stream.isatty():
        stream = cast(TextIO, _TerminalSafe(stream))
    return export_to(catalog, archive_dir, stream, fmt, matching, all_versions)


class _TerminalSafe:
    """A text stream that writes control characters (but line breaks and tabs) escaped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_json(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
