"""HTML + URL -> article fields: trafilatura and our passes (decoding, structured data,
dates, authors, titles), the worker pool and the evaluation against ground truth.

Plain Python and lxml only; trafilatura is imported by :mod:`archiver.extraction.extract` alone.
"""
