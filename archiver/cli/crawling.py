"""Commands that fetch: crawl, schedule, archive."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

import click

from archiver.cli.base import (
    ConfigProblem,
    Failed,
    archive_option,
    cli,
    json_option,
    load_config,
    overrides_option,
    parse_overrides,
)
from archiver.config import SiteConfig
from archiver.fsutil import as_disk_full, ignore_file_size_signal
from archiver.jobs.oneoff import DEFAULT_COLLECTION
from archiver.jobs.summary import DISK_FULL_ADVICE
from archiver.store.locking import LockBusy, SiteLock, acquire_site_lock, lock_path
from archiver.textsafe import terminal_json, terminal_text


def take_site_lock(archive_dir: Path, site: str) -> SiteLock:
    """The site's lock, or exit 1: another process holds it (or the archive, for a reindex),
    or there is no room to take it."""
    try:
        return acquire_site_lock(archive_dir, site)
    except LockBusy as exc:
        raise Failed(str(exc)) from exc
    except OSError as exc:
        full = as_disk_full(exc, exc.filename or lock_path(archive_dir, site))
        if full is None:
            raise
        click.echo(DISK_FULL_ADVICE, err=True)
        raise Failed(str(full)) from exc


def check_redis(url: str) -> None:
    """The Redis server of a distributed crawl answers (exit 1 saying why, otherwise)."""
    missing = [n for n in ("redis", "scrapy_redis") if importlib.util.find_spec(n) is None]
    if missing:  # found, not imported: the CLI imports Scrapy only when it crawls
        raise Failed(
            f"distributed crawling needs {missing[0]}: pip install 'archiver[distributed]'"
        )
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=10).ping()
    except (ValueError, redis.RedisError) as exc:
        raise Failed(f"cannot reach Redis at {url}: {exc}") from exc


@cli.command()
@click.argument("configs", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option
@overrides_option("Override a Scrapy/ARCHIVER_* setting (repeatable), as `scrapy crawl -s`.")
@click.option("--warc-max-size", type=int, help="Roll WARC files over at this many bytes.")
@click.option("--workers", type=int, help="Extraction processes (default: one per core).")
@click.option(
    "--no-extract",
    "no_extract",
    is_flag=True,
    help="Archive only: WARC, captures and section snapshots, no article documents; "
    "`archiver reextract` makes them later.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the interrupted run of each site where it stopped (its queued requests).",
)
@click.option(
    "--redis",
    "redis_url",
    envvar="ARCHIVER_REDIS_URL",
    metavar="redis://HOST:PORT/DB",
    help="Crawl together with every other worker given this Redis server: a shared queue "
    "of articles and shared URL state (env ARCHIVER_REDIS_URL).",
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
    no_extract: bool,
    resume: bool,
    redis_url: str | None,
    as_json: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Crawl the feeds, sitemaps and sections of each site CONFIG into the archive.

    \b
    Example:
        archiver crawl configs/demo.yaml --archive archive/
        archiver crawl configs/demo.yaml --resume     # after Ctrl-C
        archiver crawl configs/demo.yaml --no-extract && archiver reextract
        archiver crawl configs/demo.yaml --redis redis://10.0.0.5:6379/0 --archive w1/

    Only what is new, or due for a recapture (crawl.recapture), is fetched; unchanged pages
    become WARC revisit records. Progress goes to stderr, then a summary per site; with --json
    the summaries are printed to stdout as JSON. Exit 0 when every crawl finished, 1 when one
    failed or the site is being crawled already, 2 for a bad config or option. A full disk
    stops the crawl at once (exit 1); run it again once there is space.
    """
    site_configs = [load_config(path) for path in configs]
    ignore_file_size_signal()  # past RLIMIT_FSIZE: a clear error, not death by SIGXFSZ
    settings = parse_overrides(overrides)
    check_browser(path for path, c in zip(configs, site_configs, strict=True) if renders(c))
    if str(settings.get("ARCHIVER_RENDER", "never")) != "never":
        check_browser(["-s ARCHIVER_RENDER"])
    settings["ARCHIVER_ARCHIVE_DIR"] = str(archive_dir)
    settings["LOG_LEVEL"] = "DEBUG" if verbose else ("WARNING" if quiet else "INFO")
    if warc_max_size is not None:
        settings["ARCHIVER_WARC_MAX_SIZE"] = warc_max_size
    if workers is not None:
        settings["ARCHIVER_EXTRACT_WORKERS"] = workers
    if no_extract:
        settings["ARCHIVER_EXTRACT_ENABLED"] = False
    if redis_url:
        if resume:
            raise click.BadParameter(
                "a distributed crawl keeps its queue in Redis: there is nothing to resume",
                param_hint="--resume",
            )
        check_redis(redis_url)
        settings["ARCHIVER_REDIS_URL"] = redis_url
    from archiver.runner import run_crawls  # imports Scrapy only when crawling

    with ExitStack() as held:  # one crawl per site at a time; released when the crawls end
        locks = {}
        for config in site_configs:
            locks[config.site] = held.enter_context(take_site_lock(archive_dir, config.site))
        summaries = run_crawls(site_configs, settings, resume=resume, locks=locks)
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
    from archiver.jobs.schedule import ScheduledSite, Scheduler

    parse_overrides(overrides)  # usage errors now, not in every run
    sites: dict[str, ScheduledSite] = {}
    for path in configs:
        config = load_config(path)
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


def renders(config: SiteConfig) -> bool:
    """Whether a site config loads any article in a browser (`crawl.render`, a section's)."""
    return config.crawl.render != "never" or any(
        s.render not in (None, "never") for s in config.sections
    )


def check_browser(needed_by: Iterable[object]) -> None:
    """A usage error (exit 2, before anything is fetched) when browser capture is asked for
    and scrapy-playwright is not installed."""
    names = [str(n) for n in needed_by]
    if names and importlib.util.find_spec("scrapy_playwright") is None:
        raise ConfigProblem(
            f"{', '.join(names)}: browser capture needs scrapy-playwright "
            "(pip install 'archiver[browser]')"
        )


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
    "--render",
    is_flag=True,
    help="Load each page in headless Chromium (pages built by scripts): every request it "
    "makes, its DOM and screenshots are archived, the article is read from the DOM.",
)
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
    render: bool,
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
        archiver archive --render https://news.example.com/app/story/123

    Prints a line per URL on stdout, tab-separated: status, article id, JSON path, replay
    address, URL. Exit 0 when every URL was archived, 1 when one failed (its response, if
    any, is archived all the same) or the disk filled up, 2 for a bad URL or option (before
    anything is fetched).
    """
    from archiver.jobs.oneoff import BadUrl, check_collection, check_url, read_url_list

    given = [*urls, *(read_url_list(url_file) if url_file else [])]
    if not given:
        raise click.UsageError("give at least one URL (or -i FILE)")
    try:
        checked = list(dict.fromkeys(check_url(u) for u in given))
        check_collection(site)
    except BadUrl as exc:
        raise ConfigProblem(str(exc)) from exc
    settings = parse_overrides(overrides)
    settings["ARCHIVER_ARCHIVE_DIR"] = str(archive_dir)
    settings["LOG_LEVEL"] = "DEBUG" if verbose else ("WARNING" if quiet else "INFO")
    settings["ROBOTSTXT_OBEY"] = not ignore_robots
    settings["DOWNLOAD_TIMEOUT"] = timeout
    if render:
        check_browser(["--render"])
        settings["ARCHIVER_RENDER"] = "always"
    from archiver.runner import run_archive

    ignore_file_size_signal()  # past RLIMIT_FSIZE: a clear error, not death by SIGXFSZ
    lock = take_site_lock(archive_dir, site)  # one writer per collection, as for crawls
    with lock:
        outcomes, summary = run_archive(
            checked, site, settings, requisites=not no_requisites, lock=lock
        )
    if as_json:
        click.echo(
            terminal_json(json.dumps([o.to_dict() for o in outcomes], indent=2, ensure_ascii=False))
        )
    else:
        for outcome in outcomes:
            click.echo(terminal_text(outcome.line(str(archive_dir))))
    for outcome in outcomes:
        what = "archived" if outcome.ok else f"FAILED ({outcome.error})"
        kind = {True: "article", False: "not an article", None: "no document"}[outcome.is_article]
        if outcome.ok and outcome.requisites_missing:
            what = "archived, incomplete"
        resources = "loaded in a browser" if outcome.rendered else outcome.resources_note()
        note = terminal_text(f"{what}: {outcome.url} ({kind}; {resources})")
        click.echo(note, err=True)
    if summary.disk_full:
        click.echo(DISK_FULL_ADVICE, err=True)
        raise Failed(summary.disk_full)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise Failed(f"{len(failed)} of {len(outcomes)} URL(s) could not be archived")
