"""Commands that process the archive: reextract, replay, reindex, verify; `export --wacz`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from archiver.cli.base import (
    ConfigProblem,
    Failed,
    archive_option,
    cli,
    json_option,
    open_catalog,
    recover,
)
from archiver.config import ConfigError
from archiver.jobs.recovery import being_written
from archiver.store.locking import LockBusy, acquire_archive_lock


def write_wacz(out: Path, site: str | None, archive_dir: Path) -> None:
    """`archiver export --wacz`: package the archive's closed WARC files, an index and the
    article list as one WACZ file (see archiver.cli.exporting).

    The WACZ (1.1.1) opens in ReplayWeb.page or pywb. Files a killed run left open are
    recovered first; files a running crawl is writing are left out (and named). Exit 0 when
    written, 1 when there is nothing to export or a reindex runs, 2 for a bad option.
    """
    from archiver.jobs.wacz import NothingToExport, export_wacz

    if out.suffix != ".wacz":
        raise click.BadParameter(
            f"expected a file name ending in .wacz, got {out}", param_hint="--wacz"
        )
    if not archive_dir.is_dir():
        raise ConfigProblem(f"no archive at {archive_dir}")
    try:  # a reindex must not rewrite the indexes under the export
        reading = acquire_archive_lock(archive_dir, exclusive=False)
    except LockBusy as exc:
        raise Failed(str(exc)) from exc
    with reading:
        recover(archive_dir)
        try:
            result = export_wacz(archive_dir, out, site)
        except NothingToExport as exc:
            raise Failed(str(exc)) from exc
        writing = being_written(archive_dir, site)
    if writing:
        click.echo(
            f"left out {len(writing)} WARC file(s) still being written: "
            + ", ".join(p.name for p in writing),
            err=True,
        )
    click.echo(
        f"{result.path}: {result.warc_files} WARC file(s), {result.records} records indexed, "
        f"{result.pages} pages, {result.bytes} bytes",
        err=True,
    )


@cli.command()
@archive_option
@click.option("--site", help="Only this site.")
@click.option(
    "--since",
    metavar="DATE",
    help="Only captures fetched on or after this ISO date or time (UTC unless it has an offset).",
)
@click.option(
    "--configs",
    "config_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("configs"),
    show_default=True,
    help="Site configs: DIR/<site>.yaml gives the extraction hints of a site's crawls.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Extraction processes (default: one per core; 0 extracts inline).",
)
@json_option
def reextract(
    archive_dir: Path,
    site: str | None,
    since: str | None,
    config_dir: Path,
    workers: int | None,
    as_json: bool,
) -> None:
    """Run the current extractor over the archived pages; keep a new version where it differs.

    \b
    Example:
        archiver reextract --site demo --since 2026-11-01

    Never fetches anything: the newest version of each article is compared with what the
    extractor now makes of the response record it came from (read back from the WARC file).
    A new version (same capture, the current extractor, `changes` naming the fields) is written
    where any extracted field differs. Prints each new version on stdout and the counts on
    stderr (--json: counts and changed ids on stdout). The sites processed are locked meanwhile,
    as a crawl locks them. Exit 0 unless no article could be re-extracted.
    """
    from archiver.jobs.reextract import reextract_archive

    open_catalog(archive_dir).close()  # the usual error when there is none
    moment = _parse_since(since) if since else None
    try:
        result = reextract_archive(
            archive_dir, site=site, since=moment, config_dir=config_dir, workers=workers
        )
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for new in result.changed:
            click.echo(f"{new.id}  v{new.version}  {', '.join(new.fields)}  ({new.path})")
    click.echo(result.render(), err=True)
    if result.failed and not (result.unchanged or result.changed):
        raise Failed("no article could be re-extracted")


def _parse_since(text: str) -> datetime:
    """--since: an ISO date (its first moment, UTC) or datetime (UTC unless offset given)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise click.BadParameter(
            f"expected an ISO date or time such as 2026-11-27 or 2026-11-27T09:30, got {text!r}",
            param_hint="--since",
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@cli.command()
@archive_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (anything but loopback shows the archive to the network).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8090,
    show_default=True,
    help="Port of the archive's pages; 0 picks a free one.",
)
@click.option(
    "--content-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port replayed pages are served from, a separate origin [default: the port after "
    "--port, or any free one].",
)
@click.option(
    "--port-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Once listening, write the pages port here, and the content port on a second line "
    "(for scripts and tests).",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (repeatable); loopback names, IP addresses "
    "and the --host value are always answered.",
)
def replay(
    archive_dir: Path,
    host: str,
    port: int,
    content_port: int | None,
    port_file: Path | None,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Browse the archive: article list, search, reader view, and wayback-style replay.

    \b
    Example:
        archiver replay --archive archive/    # then open http://127.0.0.1:8090/

    Replayed pages are served from the archive alone, at /<collection>/<timestamp>/<URL>
    (the address `archiver archive` prints), never from the live web, and from a second port:
    an origin of their own, sandboxed, so their scripts cannot read the archive. Ctrl-C or
    SIGTERM stops. A request for another host name (DNS rebinding) is refused with 421, and so
    is a browser's fetch of a service worker script (403).
    """
    from archiver.replay.server import run

    if not archive_dir.is_dir():
        raise ConfigProblem(f"no archive at {archive_dir}")
    recover(archive_dir)
    try:
        run(archive_dir, host, port, port_file, allowed_hosts, content_port)
    except OSError as exc:
        raise Failed(f"cannot serve on {host}:{port}: {exc}") from exc


@cli.command()
@archive_option
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Merge this archive (a worker's, say) into --archive first; repeatable.",
)
def reindex(archive_dir: Path, sources: tuple[Path, ...]) -> None:
    """Rebuild the catalog and the CDXJ indexes from the WARC files and JSON documents alone.

    \b
    Example:
        archiver reindex --archive archive/
        archiver reindex --archive archive/ --from worker-1/ --from worker-2/

    WARC files a killed run left open are recovered first. Nothing may write into the archive
    meanwhile: exit 1, saying who, while a crawl, archive or reextract runs (and they wait
    for the reindex likewise). Readers (replay, list, search) see the old catalog until the
    new one is in place.

    With --from, the closed WARC files, article documents and section snapshots of each DIR
    are brought into the archive first (hard-linked where they can be, else copied; a DIR is
    only read): a file already there with the same bytes is skipped, one with other bytes is
    a conflict, reported, and kept beside under a new name. WARC files still being written in
    a DIR (.open) are left out and named: exit 1 then. A missing DIR, or one holding no
    archive: exit 2.
    """
    from archiver.jobs.merge import NotAnArchive, merge_archives
    from archiver.jobs.reindex import reindex_archive

    if not sources and not archive_dir.is_dir():
        raise ConfigProblem(f"no archive at {archive_dir}")
    left_out = 0
    try:
        if sources:
            merged = merge_archives(archive_dir, list(sources))
            recovered, result = merged.recovered, merged.reindexed
            for source in merged.sources:
                click.echo(source.render(), err=True)
            left_out = merged.left_out
        else:
            recovered, result = reindex_archive(archive_dir)
    except NotAnArchive as exc:
        raise ConfigProblem(str(exc)) from exc
    except LockBusy as exc:
        raise Failed(str(exc)) from exc
    except OSError as exc:
        raise Failed(f"cannot merge into {archive_dir}: {exc}") from exc
    if recovered:
        click.echo(recovered.render(), err=True)
    for moved in result.renumbered:
        click.echo(
            f"{moved.json_path}: version {moved.own_version} of {moved.id} is catalogued as "
            f"version {moved.version} (another document has the same id and version)",
            err=True,
        )
    click.echo(
        f"catalog and indexes rebuilt: {result.warc_files} WARC files, {result.captures} "
        f"records, {result.articles} article documents, {result.snapshots} section snapshots",
        err=True,
    )
    if left_out:
        raise Failed(f"{left_out} WARC file(s) left out: merge again once they are closed")


@cli.command()
@archive_option
@click.option(
    "--repair",
    is_flag=True,
    help="Recover .open files of killed runs, rebuild the catalog and indexes, check again.",
)
@json_option
def verify(archive_dir: Path, repair: bool, as_json: bool) -> None:
    """Check every WARC file, document, catalog row and CDXJ index of the archive.

    \b
    Example:
        archiver verify --archive archive/
        archiver verify --archive archive/ --repair

    Each WARC record's structure and block and payload digests (as `warcio check`), each
    article and snapshot document against its JSON Schema and the record it names, the catalog
    and the CDXJ indexes against the files. Prints what was checked and the problems by kind
    (--json: as JSON). --repair takes the archive to itself (as reindex does: exit 1 while a
    crawl writes), closes the .open files of killed runs after their last whole record,
    rebuilds the catalog and the indexes from the files, checks again, and says what it could
    not fix; it never rewrites a closed WARC file or a document.
    Exit 0 when the archive is sound (after the repair), 1 on any problem, 2 for no archive.
    """
    from archiver.jobs.verify import is_archive, repair_archive, verify_archive

    if not is_archive(archive_dir):
        raise ConfigProblem(f"no archive at {archive_dir}")
    if repair:
        try:
            repaired = repair_archive(archive_dir)
        except LockBusy as exc:
            raise Failed(f"cannot repair: {exc}") from exc
        ok, text, data = repaired.ok, repaired.render(), repaired.to_dict()
        left = len(repaired.after.problems)
    else:
        report = verify_archive(archive_dir)
        ok, text, data = report.ok, report.render(), report.to_dict()
        left = len(report.problems)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if as_json else text)
    if not ok:
        state = "after the repair " if repair else ""
        raise Failed(f"{left} problem{'s' if left != 1 else ''} {state}in {archive_dir}")
