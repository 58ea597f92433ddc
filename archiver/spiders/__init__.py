"""Scrapy spiders of the archiver project."""
