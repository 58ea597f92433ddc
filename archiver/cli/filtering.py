"""The article filter options shared by `list`, `search` and `export` (`filter_options`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from archiver.store.filters import DATE_BASES, WHEN_SYNTAX, ArticleFilter, BadWhen, parse_when

F = TypeVar("F", bound=Callable[..., Any])

#: What the filter options mean, for the end of each command's help.
FILTERS_HELP = (
    "Filters (all given must hold; a repeated option means any of its values): --since and "
    "--until take " + WHEN_SYNTAX + "; a day given to --until includes the whole day. They "
    "compare the published date (the capture date where an article has none), or with --by "
    "captured the date the version was captured. --lang matches a language code and its "
    "regional variants (en finds en-GB); --author matches part of any one author's name, case "
    "and accents ignored; --changed keeps articles with more than one version; --takedowns "
    "keeps articles that were ever taken down (even if restored since)."
)


class When(click.ParamType):
    """A date, time or age (see archiver.store.filters.parse_when)."""

    name = "WHEN"

    def __init__(self, *, end: bool) -> None:
        self.end = end

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            return parse_when(str(value), end=self.end)
        except BadWhen as exc:
            self.fail(str(exc), param, ctx)


_NAMES = ("since", "until", "by", "lang", "section", "site", "author", "changed", "takedowns")


def filter_options(func: F) -> F:
    """--since, --until, --by, --lang, --section, --site, --author, --changed, --takedowns,
    handed to the command as one `matching: ArticleFilter` argument."""

    @functools.wraps(func)
    def command(**kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _NAMES}
        since, until = values["since"], values["until"]
        if since is not None and until is not None and since > until:
            raise click.BadParameter(
                f"--since ({since:%Y-%m-%d %H:%M:%S} UTC) is after --until "
                f"({until:%Y-%m-%d %H:%M:%S} UTC)",
                param_hint="--since",
            )
        author = values["author"]
        if author is not None and not author.strip():
            raise click.BadParameter("expected part of a name", param_hint="--author")
        matching = ArticleFilter(
            since=since,
            until=until,
            by=values["by"],
            lang=tuple(values["lang"]),
            section=tuple(values["section"]),
            site=tuple(values["site"]),
            author=author,
            changed=values["changed"],
            takedowns=values["takedowns"],
        )
        return func(matching=matching, **kwargs)

    options = [
        click.option("--since", type=When(end=False), help="From this date, time or age on."),
        click.option("--until", type=When(end=True), help="Up to this date, time or age."),
        click.option(
            "--by",
            type=click.Choice(DATE_BASES),
            default="published",
            show_default=True,
            help="The date --since/--until compare: published (else captured), or captured.",
        ),
        click.option("--lang", multiple=True, metavar="CODE", help="Only this language."),
        click.option("--section", multiple=True, help="Only this section."),
        click.option("--site", multiple=True, help="Only this site."),
        click.option("--author", metavar="TEXT", help="Only articles by an author named so."),
        click.option("--changed", is_flag=True, help="Only articles with more than one version."),
        click.option("--takedowns", is_flag=True, help="Only articles that were taken down."),
    ]
    decorated: Any = command
    for option in reversed(options):
        decorated = option(decorated)
    return decorated
