"""Only for `scrapyd-deploy`, which runs `setup.py bdist_egg`: everything is in pyproject.toml.

Without this file scrapyd-deploy writes its own setup.py into the checkout, whose Scrapy entry
point setuptools then ignores (pyproject.toml's [project] wins), and Scrapyd cannot find the
settings. pip and `pip install -e .` do not need it.
"""

from setuptools import setup

setup()
