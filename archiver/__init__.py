"""archiver: news-aware crawling into archival WARC files and clean article JSON."""

from __future__ import annotations

__version__ = "0.1.0"
