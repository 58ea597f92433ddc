"""Helpers of :mod:`archiver.extract`: decoding, structured data, dates, authors, titles.

Plain Python and lxml only; trafilatura is imported by :mod:`archiver.extract` alone.
"""
