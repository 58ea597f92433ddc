"""What to fetch: sections' links, feeds and sitemaps, page resources and their rules, recapture.

Plain Python, no Scrapy: the Scrapy adapters (spiders, middlewares) delegate here.
"""
