"""HTML + URL -> article fields: trafilatura and our passes (decoding, structured data,
dates, authors, titles), the worker pool and the evaluation against ground truth.

Plain Python and lxml; trafilatura loads only with :mod:`archiver.extraction.extract` (its
:mod:`.parse`, :mod:`.body` and :mod:`.fallback` steps) and the :mod:`.pool` that runs it.
"""
