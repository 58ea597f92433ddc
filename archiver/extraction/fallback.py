"""trafilatura's own metadata of a page, our last resort for a few fields, worked out lazily."""

from __future__ import annotations

import logging
from typing import Any

from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor

__all__ = ["FallbackMetadata"]

logger = logging.getLogger(__name__)


class FallbackMetadata:
    """trafilatura's own metadata of the page, worked out on first use only.

    It is our last resort for site name, title, authors, date and description, and its
    date search (htmldate) costs about as much as the body extraction: most pages never
    need it.
    """

    def __init__(self, tree: Any, url: str, options: Extractor) -> None:
        self._tree, self._url, self._options = tree, url, options
        self._doc: Any = None
        self._done = False

    def get(self, name: str) -> str | None:
        """One field (``sitename``, ``title``, ``author``, ``date``, ``description``)."""
        if not self._done:
            self._done = True
            try:
                self._doc = extract_metadata(
                    self._tree,
                    self._url,
                    self._options.date_params,
                    self._options.fast,
                    self._options.author_blacklist,
                )
            except Exception:  # as for the body: one page must never stop a crawl
                logger.exception("trafilatura metadata failed on %s", self._url)
        value = getattr(self._doc, name, None)
        return value if isinstance(value, str) and value.strip() else None
