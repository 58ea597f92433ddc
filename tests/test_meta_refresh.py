"""The meta-refresh middleware reads a page's head only, and redirects as Scrapy's does."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver.middlewares import HeadMetaRefreshMiddleware

URL = "https://news.example/a/story"
FILLER = "<p>" + "lorem ipsum " * 500 + "</p>"


def page(head: str, body: str = "<p>text</p>", encoding: str = "utf-8") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode(encoding)


CASES = {
    "plain": page(""),
    "refresh": page('<meta http-equiv="refresh" content="0; url=/b/other">'),
    "refresh-with-base": page(
        '<base href="https://cdn.news.example/x/"><meta http-equiv="refresh" content="1;url=y">'
    ),
    "slow-refresh": page('<meta http-equiv="refresh" content="600; url=/later">'),
    "in-noscript": page('<noscript><meta http-equiv="refresh" content="0;url=/nojs"></noscript>'),
    "past-4096-chars": page("", FILLER + '<meta http-equiv="refresh" content="0;url=/deep">'),
    "cp1252": page(
        '<meta charset="windows-1252"><title>Café \u2013 2€</title>'
        '<meta http-equiv="refresh" content="0;url=/caf%E9">',
        encoding="cp1252",
    ),
    "to-ftp": page('<meta http-equiv="refresh" content="0;url=ftp://files.news.example/a">'),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_scrapys_middleware(name: str) -> None:
    crawler = get_crawler()
    ours = HeadMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    request = Request(URL)
    response = HtmlResponse(URL, body=CASES[name], request=request)
    mine, theirs = (
        ours.process_response(request, response),
        scrapys.process_response(request, response),
    )
    assert type(mine) is type(theirs)
    if isinstance(theirs, Request):
        assert isinstance(mine, Request) and mine.url == theirs.url
    else:
        assert mine is response
    redirects = {"refresh", "refresh-with-base", "cp1252"}
    assert isinstance(theirs, Request) == (name in redirects)
