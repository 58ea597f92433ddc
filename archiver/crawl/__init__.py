"""What to fetch besides what the spider asks for: page resources, their rules, failed hosts.

Plain Python, no Scrapy: the Scrapy adapters (spiders, middlewares) delegate here.
"""
