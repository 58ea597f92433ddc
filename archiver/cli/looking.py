"""Commands that read the archive: extract, list, show, history, search, sections."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import click

from archiver.cli.base import (
    ConfigProblem,
    Failed,
    archive_option,
    cli,
    json_option,
    load_config,
    open_catalog,
)
from archiver.cli.filtering import FILTERS_HELP, filter_options
from archiver.store.catalog import ArticleMarks
from archiver.store.filters import ArticleFilter
from archiver.store.page_resources import PageResourceReport
from archiver.store.search import QUERY_SYNTAX, match_expression
from archiver.textsafe import terminal_json
from archiver.textsafe import terminal_text as safe


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
    from archiver.extraction.extract import ExtractionError, extract
    from archiver.extraction.fields import EXTRACTOR_NAME, EXTRACTOR_VERSION
    from archiver.jobs.oneoff import BadUrl, check_url

    try:
        check_url(url)
    except BadUrl as exc:
        raise ConfigProblem(str(exc)) from exc
    hints = load_config(config_path).extract if config_path else None
    try:
        article = extract(html_file.read(), url, hints, encoding=encoding)
    except ExtractionError as exc:
        raise Failed(f"cannot extract {html_file.name}: {exc}") from exc
    document = {
        **article.to_dict(),
        "extractor": {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION},
    }
    click.echo(terminal_json(json.dumps(document, indent=2, ensure_ascii=False)))


@cli.command("list", epilog=FILTERS_HELP)
@archive_option
@filter_options
@click.option("--limit", type=int, help="At most this many articles.")
@click.option("--all", "include_all", is_flag=True, help="Include pages that are not articles.")
@json_option
def list_articles(
    archive_dir: Path,
    matching: ArticleFilter,
    limit: int | None,
    include_all: bool,
    as_json: bool,
) -> None:
    """List archived articles, newest first: site, published, title, URL.

    \b
    Example:
        archiver list --site demo --limit 10
        archiver list --since 7d --lang de --section news
        archiver list --author "jane doe" --changed --json

    Each article is listed once (its newest version); the versions of a changed article and
    a takedown are marked after the title. --json prints one object per line (the catalog's
    row, with "versions" and "takedown": the newest takedown or restored event, or null).
    """
    with open_catalog(archive_dir) as catalog:
        rows = catalog.list_articles(limit=limit, only_articles=not include_all, matching=matching)
        marks = catalog.article_marks(r.id for r in rows)
    for row in rows:
        mark = marks[row.id]
        if as_json:
            listed = {**row.__dict__, "versions": mark.versions, "takedown": mark.event}
            click.echo(terminal_json(json.dumps(listed, ensure_ascii=False)))
            continue
        published = (row.published or "-")[:16]
        title = safe(row.title or "(no title)")
        notes = _notes(mark)
        click.echo(f"{safe(row.id)}  {safe(row.site):<12} {safe(published):<16}  {title}{notes}")
        click.echo(f"{'':18}{safe(row.url)}")
    click.echo(f"{len(rows)} article(s)", err=True)


def _notes(mark: ArticleMarks) -> str:
    """What `archiver list` says after a title: "[3 versions]", "[taken down]"."""
    notes = []
    if mark.versions > 1:
        notes.append(f"{mark.versions} versions")
    if mark.event == "takedown":
        notes.append("taken down")
    elif mark.event == "restored":
        notes.append("taken down, restored")
    return f"  [{'; '.join(notes)}]" if notes else ""


@cli.command()
@click.argument("article_id")
@archive_option
@click.option("--version", "version", type=int, help="This version (default: the newest).")
def show(article_id: str, archive_dir: Path, version: int | None) -> None:
    """Print one article document (JSON) by its id; on stderr, what its page resources became.

    \b
    Example:
        archiver show 3f2a9c0d41b7e8aa
    """
    with open_catalog(archive_dir) as catalog:
        row = catalog.article(article_id, version)
        resources = catalog.page_resources(row.record_id) if row is not None else None
    if row is None:
        raise Failed(f"no article {article_id!r} in {archive_dir}")
    path = archive_dir / row.json_path
    try:
        click.echo(terminal_json(path.read_text(encoding="utf-8")), nl=False)
    except OSError as exc:
        raise Failed(f"cannot read {path}: {exc}") from exc
    if resources is not None:
        click.echo(_resources_note(resources.report), err=True)


#: `archiver show` lists at most this many missing page resources.
_MISSING_SHOWN = 20


def _resources_note(report_json: str) -> str:
    """What became of a capture's page resources, for stderr under `archiver show`."""
    report = PageResourceReport.from_dict(json.loads(report_json))
    lines = [f"page resources: {report.archived} of {report.needed} archived"]
    if report.missing:
        why = safe(", ".join(f"{k} {v}" for k, v in report.reasons().items()))
        lines[0] += f"; {report.missing_count} not archived ({why})"
        shown = report.missing[:_MISSING_SHOWN]
        lines += [f"  missing: {safe(m.url)} ({safe(m.kind)}, {safe(m.reason)})" for m in shown]
        if len(report.missing) > _MISSING_SHOWN:
            lines.append(f"  ... and {len(report.missing) - _MISSING_SHOWN} more")
    return "\n".join(lines)


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
    with open_catalog(archive_dir) as catalog:
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
            terminal_json(
                json.dumps(
                    {
                        "id": article_id,
                        "versions": [
                            {**v.__dict__, "changed": changes[v.version]} for v in versions
                        ],
                        "fetches": [f.__dict__ for f in fetches],
                        "events": [e.__dict__ for e in events],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        )
        return
    click.echo(f"{safe(article_id)}  {safe(versions[-1].title or '(no title)')}")
    for v in versions:
        what = ", ".join(changes[v.version]) if v.version > 1 else "first capture"
        click.echo(f"  v{v.version}  {v.fetched_at}  {safe(what)}  ({safe(v.json_path)})")
    for f in fetches:
        kind = "revisit (unchanged)" if f.record_type == "revisit" else "response"
        click.echo(f"  fetch  {safe(f.date)}  {f.status}  {kind}  {safe(f.url)}")
    for e in events:
        click.echo(f"  {safe(e.kind)}  {safe(e.date)}  {safe(e.detail)}  {safe(e.url)}")


def _changed_fields(path: Path) -> list[str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["(document unreadable)"]
    changes = doc.get("changes") or {}
    fields: list[str] = changes.get("fields", [])
    return fields


@cli.command(epilog=f"Query syntax: {QUERY_SYNTAX}\n\n{FILTERS_HELP}")
@click.argument("query")
@archive_option
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N hits."
)
@json_option
def search(
    query: str, archive_dir: Path, matching: ArticleFilter, limit: int, as_json: bool
) -> None:
    """Find articles by the words of their title and text, best match first.

    \b
    Example:
        archiver search harbour
        archiver search '"marsh lane" librar*' --site demo --json
        archiver search council --since 2026-11-01 --until 2026-11-30 --lang en

    Searches the newest version of each article. A hit is a block of id, site, published date
    and title, URL, and a snippet with the matches in [brackets]; --json prints one object per
    line. Exit 0 with hits, 1 with none.
    """
    if match_expression(query) is None:
        raise click.UsageError(f"nothing to search for in {query!r}: it has no word")
    with open_catalog(archive_dir) as catalog:
        hits = catalog.search(query, limit=limit, matching=matching)
        total = catalog.search_count(query, matching=matching) if hits else 0
    for hit in hits:
        if as_json:
            click.echo(terminal_json(json.dumps(dataclasses.asdict(hit), ensure_ascii=False)))
            continue
        published = (hit.published or "-")[:16]
        title = safe(hit.title or "(no title)")
        click.echo(f"{safe(hit.id)}  {safe(hit.site):<12} {safe(published):<16}  {title}")
        click.echo(f"{'':18}{safe(hit.url)}")
        click.echo(f"{'':18}{safe(hit.snippet)}")
        click.echo()
    if not hits:
        where = "" if matching.is_empty() else " (with the filters given)"
        if (
            matching.site
            and len(matching.site) == 1
            and matching == ArticleFilter(site=matching.site, by=matching.by)
        ):
            where = f" in site {matching.site[0]!r}"
        raise Failed(f"no article matches {query!r}{where}")
    click.echo(f"{len(hits)} of {total} article(s) matching {query!r}", err=True)


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
    with open_catalog(archive_dir) as catalog:
        rows = catalog.snapshots_at(site, stamp, kind=kind, section=section)
    if as_json:
        text = json.dumps([row.__dict__ for row in rows], indent=2, ensure_ascii=False)
        click.echo(terminal_json(text))
    for row in [] if as_json else rows:
        label = safe(f"{row.kind} {row.section}" if row.section else row.kind)
        click.echo(f"== {label}: {safe(row.source_url)}")
        click.echo(f"   fetched {row.fetched_at}, {len(row.urls)} article(s)")
        for n, url in enumerate(row.urls, 1):
            click.echo(f"{n:4}. {safe(url)}")
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
