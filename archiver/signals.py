"""Signals the spiders send, for the components that keep what they saw.

Sent with ``crawler.signals.send_catch_log(signal, item=...)``; the article pipeline stores
them. Not items: they are not the crawl's output (``scrapy crawl -o`` exports articles).
"""

from __future__ import annotations

#: A section page, feed or sitemap was read: ``item`` is an `archiver.items.ListingSnapshot`.
listing_seen = object()
#: An article fetch goes no further: ``item`` is an `archiver.items.PageNotExtracted`.
page_not_extracted = object()
#: Extraction found too little text in a page fetched without a browser, and its render mode
#: is auto: ``item`` is the `archiver.items.FetchedPage`; the spider loads it in the browser.
render_wanted = object()
#: The pipeline stored an article page, a new document or an unchanged re-capture: ``item`` is
#: the `archiver.items.FetchedPage`, ``document`` the article document (dict) it is archived as.
article_stored = object()
