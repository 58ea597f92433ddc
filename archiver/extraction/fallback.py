"""trafilatura's own metadata of a page, our last resort for a few fields, worked out lazily."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import unescape
from typing import Any, ClassVar

from htmldate import find_date
from trafilatura.metadata import (
    META_URL,
    check_authors,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, Extractor, set_date_params
from trafilatura.utils import line_processing

__all__ = ["FallbackMetadata"]

logger = logging.getLogger(__name__)

_MAX_CHARS = 10000  # trafilatura's Document.clean_and_trim


class FallbackMetadata:
    """trafilatura's own metadata of the page, each field worked out on first use only.

    It is our last resort for site name, title, authors, date and description. The values
    are those of trafilatura's ``extract_metadata``, whose steps this follows field by field:
    its date search (htmldate) costs about as much as the body extraction, its author search
    copies the page, and it also finds categories, tags and a licence we never ask for; most
    pages need none of it, and the others one or two fields.
    """

    def __init__(self, tree: Any, url: str, options: Extractor) -> None:
        self._tree, self._url, self._options = tree, url, options
        self._meta: Document | None = None
        self._page_url: str | None = None
        self._values: dict[str, str | None] = {}

    def get(self, name: str) -> str | None:
        """One field (``sitename``, ``title``, ``author``, ``date``, ``description``)."""
        if name not in self._values:
            try:
                value = _trimmed(self._FIELDS[name](self))
            except Exception:  # as for the body: one page must never stop a crawl
                logger.exception("trafilatura metadata (%s) failed on %s", name, self._url)
                value = None
            self._values[name] = value
        value = self._values[name]
        return value if value and value.strip() else None

    def _declared(self) -> Document:
        """What the meta tags and JSON-LD say (``extract_metadata``'s first steps)."""
        if self._meta is None:
            meta = examine_meta(self._tree)
            if meta.author and " " not in meta.author:
                meta.author = None
            try:
                meta = extract_meta_json(self._tree, meta)
            except Exception as err:  # trafilatura's own guard around its JSON-LD parser
                logger.warning("error in JSON metadata extraction: %s", err)
            self._meta = meta
        return self._meta

    def _page(self) -> str | None:
        if self._page_url is None:
            self._page_url = self._declared().url or extract_url(self._tree, self._url)
        return self._page_url

    def _title(self) -> str | None:
        return self._declared().title or extract_title(self._tree)

    def _author(self) -> str | None:
        blacklist = self._options.author_blacklist
        author = self._declared().author
        if author and blacklist:
            author = check_authors(author, blacklist)
        if not author:
            author = extract_author(self._tree)
        if author and blacklist:
            author = check_authors(author, blacklist)
        return author

    def _date(self) -> str | None:
        params = self._options.date_params
        config = {**params} if params else set_date_params(self._options.fast)
        config["url"] = self._page()
        return find_date(self._tree, **config)

    def _sitename(self) -> str | None:
        name = self._declared().sitename or extract_sitename(self._tree)
        if name:
            name = name.lstrip("@")
            if name and "." not in name and not name[0].isupper():
                name = name.title()
            return name
        url = self._page()
        match = META_URL.match(url) if url else None
        return match[1] if match else None

    def _description(self) -> str | None:
        return self._declared().description

    _FIELDS: ClassVar[dict[str, Callable[[FallbackMetadata], str | None]]] = {
        "sitename": _sitename,
        "title": _title,
        "author": _author,
        "date": _date,
        "description": _description,
    }


def _trimmed(value: Any) -> str | None:
    """A value as ``Document.clean_and_trim`` leaves it."""
    if not isinstance(value, str):
        return None
    if len(value) > _MAX_CHARS:
        value = value[: _MAX_CHARS - 1] + "…"
    return line_processing(unescape(value))
