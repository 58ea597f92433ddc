"""The `archiver` command: data to stdout, progress to stderr; exit 0 done, 1 failed, 2 usage."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TextIO, TypeVar

import click

from archiver import __version__
from archiver.archive import ArchiveLayout
from archiver.catalog import Catalog
from archiver.locking import SiteLocked, acquire_site_lock
from archiver.oneoff import DEFAULT_COLLECTION
from archiver.search import QUERY_SYNTAX, match_expression
from archiver.siteconfig import ConfigError, SiteConfig, load_site_config

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


@cli.command()
@click.argument("configs", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option
@overrides_option("Override a Scrapy/ARCHIVER_* setting (repeatable), as `scrapy crawl -s`.")
@click.option("--warc-max-size", type=int, help="Roll WARC files over at this many bytes.")
@click.option("--workers", type=int, help="Extraction processes (default: one per core).")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the interrupted run of each site where it stopped (its queued requests).",
)
@json_option
@click.option("-v", "--verbose", is_flag=True, help="Log every request (DEBUG).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and the summary.")
def crawl(
    configs: tuple[Path, ...],
    archive_dir: Path,
    overrides: tuple[str, ...],
    warc_max_size: int | None,
    workers: int | None,
    resume: bool,
    as_json: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Crawl the feeds, sitemaps and sections of each site CONFIG into the archive.

    \b
    Example:
        archiver crawl configs/demo.yaml --archive archive/
        archiver crawl configs/demo.yaml --resume     # after Ctrl-C

    Only what is new, or due for a recapture (crawl.recapture), is fetched; unchanged pages
    become WARC revisit records. Progress goes to stderr, then a summary per site; with --json
    the summaries are printed to stdout as JSON. Exit 0 when every crawl finished, 1 when one
    failed or the site is being crawled already, 2 for a bad config or option.
    """
    site_configs = [_load_config(path) for path in configs]
    settings = _parse_overrides(overrides)
    settings["ARCHIVER_ARCHIVE_DIR"] = str(archive_dir)
    settings["LOG_LEVEL"] = "DEBUG" if verbose else ("WARNING" if quiet else "INFO")
    if warc_max_size is not None:
        settings["ARCHIVER_WARC_MAX_SIZE"] = warc_max_size
    if workers is not None:
        settings["ARCHIVER_EXTRACT_WORKERS"] = workers
    from archiver.runner import run_crawls  # imports Scrapy only when crawling

    with ExitStack() as locks:  # one crawl per site at a time; released when the crawls end
        try:
            for config in site_configs:
                locks.enter_context(acquire_site_lock(archive_dir, config.site))
        except SiteLocked as exc:
            raise Failed(str(exc)) from exc
        summaries = run_crawls(site_configs, settings, resume=resume)
    for summary in summaries:
        click.echo(summary.render(), err=True)
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in summaries], indent=2))
    failed = [s for s in summaries if s.failure()]
    if failed:
        raise Failed("; ".join(f"{s.site}: {s.failure()}" for s in failed))


@cli.command()
@click.argument("configs", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option
@overrides_option("Passed on to every `archiver crawl` it runs (repeatable).")
@click.option("--run-now", is_flag=True, help="Crawl every site once at start, then as scheduled.")
def schedule(
    configs: tuple[Path, ...], archive_dir: Path, overrides: tuple[str, ...], run_now: bool
) -> None:
    """Crawl each site CONFIG whenever its crawl.schedule (cron, local time) says, until stopped.

    \b
    Example:
        archiver schedule configs/demo.yaml --archive archive/ --run-now

    Each run is an `archiver crawl` of its own, never two of one site at once; its log goes to
    <archive>/logs/<site>/, and one line per run to stdout. Ctrl-C or SIGTERM stops gracefully:
    running crawls finish their pages in flight (a second signal stops them at once).
    """
    from archiver.schedule import ScheduledSite, Scheduler

    _parse_overrides(overrides)  # usage errors now, not in every run
    sites: dict[str, ScheduledSite] = {}
    for path in configs:
        config = _load_config(path)
        if config.crawl.schedule is None:
            raise ConfigProblem(
                f"{path}: crawl.schedule: missing; `archiver schedule` needs a cron expression "
                "such as '*/30 * * * *' or '@hourly'"
            )
        if config.site in sites:
            raise ConfigProblem(
                f"{path}: site: {config.site!r} is also in {sites[config.site].config}"
            )
        sites[config.site] = ScheduledSite(path, config.site, config.crawl.schedule)
    Scheduler(list(sites.values()), archive_dir, overrides, run_now=run_now).run()


@cli.command("archive")
@click.argument("urls", nargs=-1)
@click.option(
    "-i",
    "--input",
    "url_file",
    type=click.File("r", encoding="utf-8"),
    help="Also archive the URLs in FILE, one per line ('-': standard input).",
)
@archive_option
@click.option(
    "--site",
    default=DEFAULT_COLLECTION,
    show_default=True,
    help="Collection to archive into (a config's site key files it with that site's crawls).",
)
@click.option("--no-requisites", is_flag=True, help="Only the pages, not what they need to show.")
@click.option("--ignore-robots", is_flag=True, help="Fetch pages robots.txt disallows.")
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait per request."
)
@overrides_option("Override a Scrapy/ARCHIVER_* setting (repeatable).")
@json_option
@click.option("-v", "--verbose", is_flag=True, help="Log every request (DEBUG).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and the verdicts.")
def archive(
    urls: tuple[str, ...],
    url_file: TextIO | None,
    archive_dir: Path,
    site: str,
    no_requisites: bool,
    ignore_robots: bool,
    timeout: float,
    overrides: tuple[str, ...],
    as_json: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Archive URLs now, each with what it needs to replay: stylesheets, fonts, images, scripts.

    \b
    Example:
        archiver archive https://news.example.com/2026/11/27/story
        archiver archive -i urls.txt --site investigations --json

    Prints a line per URL on stdout, tab-separated: status, article id, JSON path, replay
    address, URL. Exit 0 when every URL was archived, 1 when one failed (its response, if
    any, is archived all the same), 2 for a bad URL or option (before anything is fetched).
    """
    from archiver.oneoff import BadUrl, check_collection, check_url, read_url_list

    given = [*urls, *(read_url_list(url_file) if url_file else [])]
    if not given:
        raise click.UsageError("give at least one URL (or -i FILE)")
    try:
        checked = list(dict.fromkeys(check_url(u) for u in given))
        check_collection(site)
    except BadUrl as exc:
        raise ConfigProblem(str(exc)) from exc
    settings = _parse_overrides(overrides)
    settings["ARCHIVER_ARCHIVE_DIR"] = str(archive_dir)
    settings["LOG_LEVEL"] = "DEBUG" if verbose else ("WARNING" if quiet else "INFO")
    settings["ROBOTSTXT_OBEY"] = not ignore_robots
    settings["DOWNLOAD_TIMEOUT"] = timeout
    from archiver.runner import run_archive

    outcomes, _ = run_archive(checked, site, settings, requisites=not no_requisites)
    if as_json:
        click.echo(json.dumps([o.to_dict() for o in outcomes], indent=2, ensure_ascii=False))
    else:
        for outcome in outcomes:
            click.echo(outcome.line(str(archive_dir)))
    for outcome in outcomes:
        what = "archived" if outcome.ok else f"FAILED ({outcome.error})"
        kind = {True: "article", False: "not an article", None: "no document"}[outcome.is_article]
        requisites = f"{outcome.requisites_fetched} requisites"
        if outcome.requisites_failed:
            requisites += f", {outcome.requisites_failed} failed"
        click.echo(f"{what}: {outcome.url} ({kind}; {requisites})", err=True)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise Failed(f"{len(failed)} of {len(outcomes)} URL(s) could not be archived")


@cli.command("extract")
@click.argument("html_file", type=click.File("rb"))
@click.option("--url", required=True, help="The URL the page was served from (for links, ids).")
@click.option("--encoding", help="Character encoding, if the file's markup does not say.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A site config whose `extract:` hints apply (body selector, drop selectors).",
)
def extract_file(
    html_file: BinaryIO, url: str, encoding: str | None, config_path: Path | None
) -> None:
    """Extract the article from a local HTML file (no network) and print it as JSON.

    \b
    Example:
        archiver extract page.html --url https://news.example.com/2026/11/27/story
        curl -s URL | archiver extract - --url URL

    Exit 0 with the JSON on stdout (is_article false for a page that is not an article),
    1 when the file cannot be read as a page, 2 for a bad option or config.
    """
    from archiver.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, ExtractionError, extract
    from archiver.oneoff import BadUrl, check_url
    from archiver.reextract import hints_from_config

    try:
        check_url(url)
    except BadUrl as exc:
        raise ConfigProblem(str(exc)) from exc
    hints = hints_from_config(_load_config(config_path)) if config_path else None
    try:
        article = extract(html_file.read(), url, hints, encoding=encoding)
    except ExtractionError as exc:
        raise Failed(f"cannot extract {html_file.name}: {exc}") from exc
    document = {
        **article.to_dict(),
        "extractor": {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION},
    }
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@cli.command("list")
@archive_option
@click.option("--site", help="Only this site.")
@click.option("--limit", type=int, help="At most this many articles.")
@click.option("--all", "include_all", is_flag=True, help="Include pages that are not articles.")
@json_option
def list_articles(
    archive_dir: Path, site: str | None, limit: int | None, include_all: bool, as_json: bool
) -> None:
    """List archived articles, newest first: site, published, title, URL.

    \b
    Example:
        archiver list --site demo --limit 10
    """
    with _open_catalog(archive_dir) as catalog:
        rows = catalog.list_articles(site=site, limit=limit, only_articles=not include_all)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row.__dict__, ensure_ascii=False))
        return
    for row in rows:
        published = (row.published or "-")[:16]
        click.echo(f"{row.id}  {row.site:<12} {published:<16}  {row.title or '(no title)'}")
        click.echo(f"{'':18}{row.url}")
    click.echo(f"{len(rows)} article(s)", err=True)


@cli.command()
@click.argument("article_id")
@archive_option
@click.option("--version", "version", type=int, help="This version (default: the newest).")
def show(article_id: str, archive_dir: Path, version: int | None) -> None:
    """Print one article document (JSON) by its id.

    \b
    Example:
        archiver show 3f2a9c0d41b7e8aa
    """
    with _open_catalog(archive_dir) as catalog:
        row = catalog.article(article_id, version)
    if row is None:
        raise Failed(f"no article {article_id!r} in {archive_dir}")
    path = archive_dir / row.json_path
    try:
        click.echo(path.read_text(encoding="utf-8"), nl=False)
    except OSError as exc:
        raise Failed(f"cannot read {path}: {exc}") from exc


@cli.command()
@click.argument("article_id")
@archive_option
@json_option
def history(article_id: str, archive_dir: Path, as_json: bool) -> None:
    """Show how one article changed: its versions, every fetch of it, takedowns.

    \b
    Example:
        archiver history 3f2a9c0d41b7e8aa
    """
    with _open_catalog(archive_dir) as catalog:
        versions = catalog.versions(article_id)
        if not versions:
            raise Failed(f"no article {article_id!r} in {archive_dir}")
        urls = sorted({*catalog.urls_of(article_id), *(v.url for v in versions)})
        fetches = sorted(
            (row for url in urls for row in catalog.fetches(url)), key=lambda r: r.date
        )
        events = catalog.events(article_id=article_id)
    changes = {v.version: _changed_fields(archive_dir / v.json_path) for v in versions}
    if as_json:
        click.echo(
            json.dumps(
                {
                    "id": article_id,
                    "versions": [{**v.__dict__, "changed": changes[v.version]} for v in versions],
                    "fetches": [f.__dict__ for f in fetches],
                    "events": [e.__dict__ for e in events],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"{article_id}  {versions[-1].title or '(no title)'}")
    for v in versions:
        what = ", ".join(changes[v.version]) if v.version > 1 else "first capture"
        click.echo(f"  v{v.version}  {v.fetched_at}  {what}  ({v.json_path})")
    for f in fetches:
        kind = "revisit (unchanged)" if f.record_type == "revisit" else "response"
        click.echo(f"  fetch  {f.date}  {f.status}  {kind}  {f.url}")
    for e in events:
        click.echo(f"  {e.kind}  {e.date}  {e.detail}  {e.url}")


def _changed_fields(path: Path) -> list[str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["(document unreadable)"]
    changes = doc.get("changes") or {}
    fields: list[str] = changes.get("fields", [])
    return fields


@cli.command()
@click.option(
    "--wacz",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a WACZ package to this file (*.wacz).",
)
@click.option("--site", help="Only this site (collection).")
@archive_option
def export(out: Path, site: str | None, archive_dir: Path) -> None:
    """Package the archive's closed WARC files, an index and the article list as one WACZ file.

    \b
    Example:
        archiver export --wacz demo.wacz --site demo --archive archive/

    The WACZ (1.1.1) opens in ReplayWeb.page or pywb; files still being written are left out.
    Exit 0 when written, 1 when there is nothing to export, 2 for a bad option.
    """
    from archiver.wacz import NothingToExport, export_wacz

    if out.suffix != ".wacz":
        raise click.BadParameter(
            f"expected a file name ending in .wacz, got {out}", param_hint="--wacz"
        )
    if not archive_dir.is_dir():
        raise ConfigProblem(f"no archive at {archive_dir}")
    try:
        result = export_wacz(archive_dir, out, site)
    except NothingToExport as exc:
        raise Failed(str(exc)) from exc
    click.echo(
        f"{result.path}: {result.warc_files} WARC file(s), {result.records} records indexed, "
        f"{result.pages} pages, {result.bytes} bytes",
        err=True,
    )


@cli.command(epilog=f"Query syntax: {QUERY_SYNTAX}")
@click.argument("query")
@archive_option
@click.option("--site", help="Only this site.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N hits."
)
@json_option
def search(query: str, archive_dir: Path, site: str | None, limit: int, as_json: bool) -> None:
    """Find articles by the words of their title and text, best match first.

    \b
    Example:
        archiver search harbour
        archiver search '"marsh lane" librar*' --site demo --json

    Searches the newest version of each article. A hit is a block of id, site, published date
    and title, URL, and a snippet with the matches in [brackets]; --json prints one object per
    line. Exit 0 with hits, 1 with none.
    """
    if match_expression(query) is None:
        raise click.UsageError(f"nothing to search for in {query!r}: it has no word")
    with _open_catalog(archive_dir) as catalog:
        hits = catalog.search(query, site=site, limit=limit)
        total = catalog.search_count(query, site=site) if hits else 0
    for hit in hits:
        if as_json:
            click.echo(json.dumps(dataclasses.asdict(hit), ensure_ascii=False))
            continue
        published = (hit.published or "-")[:16]
        click.echo(f"{hit.id}  {hit.site:<12} {published:<16}  {hit.title or '(no title)'}")
        click.echo(f"{'':18}{hit.url}")
        click.echo(f"{'':18}{hit.snippet}")
        click.echo()
    if not hits:
        where = f" in site {site!r}" if site else ""
        raise Failed(f"no article matches {query!r}{where}")
    click.echo(f"{len(hits)} of {total} article(s) matching {query!r}", err=True)


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
    from archiver.reextract import reextract_archive

    _open_catalog(archive_dir).close()  # the usual error when there is none
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
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--port-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the port here once listening (for scripts and tests).",
)
def replay(archive_dir: Path, host: str, port: int, port_file: Path | None) -> None:
    """Browse the archive: article list, search, reader view, and wayback-style replay.

    \b
    Example:
        archiver replay --archive archive/    # then open http://127.0.0.1:8090/

    Replayed pages are served from the archive alone, at /<collection>/<timestamp>/<URL>
    (the address `archiver archive` prints), never from the live web. Ctrl-C or SIGTERM stops.
    """
    from archiver.replay.server import run

    if not archive_dir.is_dir():
        raise ConfigProblem(f"no archive at {archive_dir}")
    try:
        run(archive_dir, host, port, port_file)
    except OSError as exc:
        raise Failed(f"cannot serve on {host}:{port}: {exc}") from exc


@cli.command()
@archive_option
def reindex(archive_dir: Path) -> None:
    """Rebuild the catalog and the CDXJ indexes from the WARC files and JSON documents alone.

    \b
    Example:
        archiver reindex --archive archive/
    """
    from archiver.reindex import rebuild_catalog

    if not archive_dir.is_dir():
        raise ConfigProblem(f"no archive at {archive_dir}")
    result = rebuild_catalog(archive_dir)
    click.echo(
        f"catalog and indexes rebuilt: {result.warc_files} WARC files, {result.captures} "
        f"records, {result.articles} article documents, {result.snapshots} section snapshots",
        err=True,
    )


@cli.command()
@click.argument("site")
@archive_option
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="ISO date or time, UTC unless it has an offset; a date means the end of that day. "
    "Default: now.",
)
@click.option("--section", help="Only this section.")
@click.option(
    "--kind", type=click.Choice(["section", "feed", "sitemap"]), help="Only this kind of source."
)
@json_option
def sections(
    site: str,
    archive_dir: Path,
    at: str | None,
    section: str | None,
    kind: str | None,
    as_json: bool,
) -> None:
    """Show what each section page, feed and sitemap of SITE listed at a given time.

    \b
    Example:
        archiver sections demo --at 2026-11-27T09:00
        archiver sections demo --section news --json
    """
    moment = _parse_moment(at)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with _open_catalog(archive_dir) as catalog:
        rows = catalog.snapshots_at(site, stamp, kind=kind, section=section)
    if as_json:
        click.echo(json.dumps([row.__dict__ for row in rows], indent=2, ensure_ascii=False))
    for row in [] if as_json else rows:
        label = f"{row.kind} {row.section}" if row.section else row.kind
        click.echo(f"== {label}: {row.source_url}")
        click.echo(f"   fetched {row.fetched_at}, {len(row.urls)} article(s)")
        for n, url in enumerate(row.urls, 1):
            click.echo(f"{n:4}. {url}")
    if not rows:
        raise Failed(f"no snapshot of {site!r} at or before {stamp} in {archive_dir}")
    click.echo(f"{len(rows)} source(s) as of {stamp}", err=True)


def _parse_moment(text: str | None) -> datetime:
    """--at: an ISO date or datetime (UTC unless offset given; a date is its last moment)."""
    if not text:
        return datetime.now(UTC)
    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
            return day + timedelta(days=1, microseconds=-1)
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise click.BadParameter(
            f"expected an ISO date or time such as 2026-11-27 or 2026-11-27T09:30, got {text!r}",
            param_hint="--at",
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _load_config(path: Path) -> SiteConfig:
    try:
        return load_site_config(path)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from exc


def _parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        settings[key.strip()] = value
    return settings


def _open_catalog(archive_dir: Path) -> Catalog:
    layout = ArchiveLayout(archive_dir)
    if not layout.catalog_path.exists():
        raise Failed(f"no catalog at {layout.catalog_path} (run a crawl or `archiver reindex`)")
    return Catalog(layout.catalog_path)


def main(args: Sequence[str] | None = None) -> None:
    """Console-script entry point; `args` lets tests call it directly."""
    cli.main(args=list(args) if args is not None else None, prog_name="archiver")
