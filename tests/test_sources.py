"""Article sources: feeds, sitemaps and robots.txt parsed from bytes, without Scrapy or network."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.crawl import listing as sources  # owns MAX_BODY_BYTES, which a test patches
from archiver.crawl.sources import (
    MAX_BODY_BYTES,
    SourceEntry,
    SourceError,
    SourceListing,
    parse_feed,
    parse_sitemap,
    parse_source,
    parse_w3c_datetime,
    sitemaps_in_robots,
)

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "archiver" / "demo_site" / "site"
MANIFEST = REPO / "archiver" / "demo_site" / "manifest.json"
BASE = "http://127.0.0.1:8093"
SM_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def urls(entries: list[SourceEntry]) -> list[str]:
    return [e.url for e in entries]


# --------------------------------------------------------------------------- feeds

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Example News</title>
    <link>https://example.com/news/</link>
    <description>News</description>
    <item>
      <title>  Harbour wall repairs
        approved  </title>
      <link>/news/2026/11/25/harbour-wall#comments</link>
      <guid isPermaLink="false">story-1</guid>
      <pubDate>Wed, 25 Nov 2026 08:15:00 +0100</pubDate>
    </item>
    <item>
      <title>Guid only</title>
      <guid>https://example.com/news/guid-only</guid>
      <pubDate>Tue, 24 Nov 2026 17:30:00 GMT</pubDate>
    </item>
    <item>
      <title>No URL at all</title>
      <guid>12345</guid>
    </item>
    <item>
      <title>Repeated</title>
      <link>https://example.com/news/2026/11/25/harbour-wall</link>
    </item>
    <item>
      <title>Bad date</title>
      <link>https://example.com/news/bad-date</link>
      <pubDate>the day before yesterday</pubDate>
    </item>
  </channel>
</rss>
"""


def test_rss2_resolves_links_and_reads_pubdate_as_utc() -> None:
    listing = parse_feed(RSS, "https://example.com/news/rss.xml")

    assert listing.kind == "feed"
    assert listing.sitemaps == []
    assert urls(listing.entries) == [
        "https://example.com/news/2026/11/25/harbour-wall",
        "https://example.com/news/guid-only",
        "https://example.com/news/bad-date",
    ]
    first, second, third = listing.entries
    assert first.title == "Harbour wall repairs approved"
    assert first.published == utc(2026, 11, 25, 7, 15)
    assert first.published is not None and first.published.tzinfo is UTC
    assert first.modified is None  # no <atom:updated>; pubDate is not a modification
    assert second.published == utc(2026, 11, 24, 17, 30)
    assert third.published is None
    assert listing.problems == [
        "1 feed entry without an http(s) link",
        "1 unparseable date (first: 'the day before yesterday')",
        "1 duplicate URL ignored",
    ]


def test_relative_guid_is_not_taken_for_a_url() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><guid>abc</guid></item></channel></rss>"""
    listing = parse_feed(body, "https://example.com/feed/")
    assert listing.entries == []
    assert listing.problems == ["1 feed entry without an http(s) link"]


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Culture</title>
  <id>tag:example.com,2026:culture</id>
  <link rel="self" href="https://example.com/culture/atom.xml"/>
  <link rel="alternate" href="https://example.com/culture/"/>
  <updated>2026-11-26T09:30:00Z</updated>
  <entry>
    <title type="html">Panto puts a pirate &amp;amp; a parrot on the council</title>
    <link rel="enclosure" type="audio/mpeg" href="https://cdn.example.com/panto.mp3"/>
    <link rel="alternate" type="text/html" href="/culture/2026/11/25/panto"/>
    <id>tag:example.com,2026:panto</id>
    <published>2026-11-25T18:00:00+00:00</published>
    <updated>2026-11-26T10:30:00+01:00</updated>
  </entry>
  <entry>
    <title>Updated only</title>
    <link href="https://example.com/culture/2026/11/20/updated-only"/>
    <id>https://example.com/ignored-because-there-is-a-link</id>
    <updated>2026-11-20T10:00:00Z</updated>
  </entry>
  <entry>
    <title>Id only</title>
    <id>https://example.com/culture/2026/11/14/id-only</id>
  </entry>
</feed>
"""


def test_atom_takes_the_alternate_link_and_published_or_updated() -> None:
    listing = parse_feed(ATOM, "https://example.com/culture/atom.xml")

    assert listing.kind == "feed"
    assert listing.problems == []
    assert urls(listing.entries) == [
        "https://example.com/culture/2026/11/25/panto",
        "https://example.com/culture/2026/11/20/updated-only",
        "https://example.com/culture/2026/11/14/id-only",
    ]
    panto, updated_only, id_only = listing.entries
    assert panto.title == "Panto puts a pirate & a parrot on the council"  # HTML to text
    assert panto.published == utc(2026, 11, 25, 18, 0)
    assert panto.modified == utc(2026, 11, 26, 9, 30)
    assert updated_only.published == utc(2026, 11, 20, 10, 0)
    assert updated_only.modified == utc(2026, 11, 20, 10, 0)
    assert (id_only.published, id_only.modified) == (None, None)


def test_rss_with_a_malformed_tail_returns_the_recovered_entries() -> None:
    body = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://example.com/one</link>
<pubDate>Mon, 23 Nov 2026 10:05:00 GMT</pubDate></item>
<item><title>Two</title><link>https://example.com/two</link></item>
<item><title>Three & <b>broken</title><link>https://example.com/thr"""
    listing = parse_feed(body, "https://example.com/rss")

    assert urls(listing.entries)[:2] == ["https://example.com/one", "https://example.com/two"]
    assert listing.entries[0].published == utc(2026, 11, 23, 10, 5)
    assert listing.entries[0].title == "One"
    assert listing.problems[0].startswith("feed is not well-formed: ")
    assert listing.problems[0].endswith(f"; {len(listing.entries)} entries recovered")


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>News</title></head>"
        b"<body><a href='/news/a'>A story</a></body></html>",
        b"<html><body><p>Unclosed <b>markup",
        (SITE / "sitemap.xml").read_bytes(),
        b"just some text",
    ],
    ids=["html", "broken-html", "a-sitemap", "text"],
)
def test_a_page_that_is_not_a_feed_raises(body: bytes) -> None:
    with pytest.raises(SourceError) as info:
        parse_feed(body, "https://example.com/feed")
    assert info.value.reason == "not-a-feed"


def test_an_empty_channel_is_an_empty_listing() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>
    <link>https://example.com/</link><description>nothing yet</description></channel></rss>"""
    assert parse_feed(body, "https://example.com/rss") == SourceListing("feed", [], [], [])


def test_rdf_rss_1_0_is_a_feed() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.com/"><title>t</title></channel>
  <item rdf:about="https://example.com/a"><title>A</title><link>https://example.com/a</link>
  <dc:date>2026-11-25T08:15:00Z</dc:date></item>
</rdf:RDF>"""
    listing = parse_feed(body, "https://example.com/index.rdf")
    assert listing.entries == [
        SourceEntry(
            "https://example.com/a", utc(2026, 11, 25, 8, 15), "A", utc(2026, 11, 25, 8, 15)
        )
    ]


def test_a_body_naming_a_local_file_is_not_opened(tmp_path: Path) -> None:
    # feedparser.parse(b"/some/path") reads that file; ours must treat the bytes as the document.
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    with pytest.raises(SourceError) as info:
        parse_feed(str(feed).encode(), "https://example.com/rss")
    assert info.value.reason == "not-a-feed"


@pytest.mark.parametrize("parse", [parse_feed, parse_sitemap])
@pytest.mark.parametrize("body", [b"", b"  \n\t "])
def test_an_empty_body_raises_empty(parse: Any, body: bytes) -> None:
    with pytest.raises(SourceError) as info:
        parse(body, "https://example.com/x")
    assert info.value.reason == "empty"


# --------------------------------------------------------------------------- sitemaps

URLSET = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {SM_NS}>
  <url><loc> https://example.com/news/a </loc><lastmod>2026-11-25T14:40:00+00:00</lastmod></url>
  <url><loc>/news/b#top</loc><lastmod>2026-11-24</lastmod><changefreq>daily</changefreq></url>
  <url><lastmod>2026-11-23</lastmod></url>
  <url><loc></loc></url>
  <url><loc>https://example.com/news/a</loc><lastmod>2020-01-01</lastmod></url>
  <url><loc>ftp://example.com/file</loc></url>
  <url><loc>https://example.com/news/c</loc><lastmod>last Tuesday</lastmod></url>
</urlset>
""".encode()

INDEX = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex {SM_NS}>
  <sitemap><loc>https://example.com/sitemap-news.xml</loc>
    <lastmod>2026-11-26T11:15:00Z</lastmod></sitemap>
  <sitemap><loc>/sitemap-2026-10.xml.gz</loc></sitemap>
  <sitemap><lastmod>2026-01-01</lastmod></sitemap>
</sitemapindex>
""".encode()


def test_urlset_entries_with_lastmod() -> None:
    listing = parse_sitemap(URLSET, "https://example.com/sitemap.xml")

    assert listing.kind == "sitemap"
    assert listing.sitemaps == []
    assert listing.entries == [
        SourceEntry("https://example.com/news/a", None, None, utc(2026, 11, 25, 14, 40)),
        SourceEntry("https://example.com/news/b", None, None, utc(2026, 11, 24)),
        SourceEntry("https://example.com/news/c", None, None, None),
    ]
    assert listing.problems == [
        "2 <url> entries without <loc>",
        "1 <url> entry with a non-http(s) <loc>",
        "1 duplicate URL ignored",
        "1 unparseable date (first: 'last Tuesday')",
    ]


def test_sitemap_index_lists_child_sitemaps() -> None:
    listing = parse_sitemap(INDEX, "https://example.com/sitemap_index.xml")

    assert listing.kind == "sitemap-index"
    assert listing.entries == []
    assert listing.sitemaps == [
        SourceEntry("https://example.com/sitemap-news.xml", modified=utc(2026, 11, 26, 11, 15)),
        SourceEntry("https://example.com/sitemap-2026-10.xml.gz"),
    ]
    assert listing.problems == ["1 <sitemap> entry without an http(s) <loc>"]


@pytest.mark.parametrize("body", [URLSET, INDEX], ids=["urlset", "index"])
@pytest.mark.parametrize("url", ["https://example.com/s.xml.gz", "https://example.com/s.xml"])
def test_gzipped_sitemaps_are_detected_by_their_magic(body: bytes, url: str) -> None:
    plain = parse_sitemap(body, url)
    zipped = parse_sitemap(gzip.compress(body), url)
    assert zipped == plain
    assert zipped.entries or zipped.sitemaps
    assert parse_source("sitemap", gzip.compress(body), url) == plain


def test_corrupt_and_truncated_gzip_raise_bad_gzip() -> None:
    zipped = gzip.compress(URLSET)
    for body in (zipped[:10] + b"\x00garbage" + zipped[18:], zipped[: len(zipped) // 2]):
        with pytest.raises(SourceError) as info:
            parse_sitemap(body, "https://example.com/s.xml.gz")
        assert info.value.reason == "bad-gzip"


def test_gzip_inflating_beyond_50_mib_raises_too_large() -> None:
    assert MAX_BODY_BYTES == 50 * 1024 * 1024
    bomb = gzip.compress(b" " * (MAX_BODY_BYTES + 1), compresslevel=1)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(SourceError) as info:
        parse_sitemap(bomb, "https://example.com/s.xml.gz")
    assert info.value.reason == "too-large"


def test_gzip_at_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_BODY_BYTES", len(URLSET))
    assert parse_sitemap(gzip.compress(URLSET), "https://example.com/s.xml").entries
    monkeypatch.setattr(sources, "MAX_BODY_BYTES", len(URLSET) - 1)
    with pytest.raises(SourceError, match="inflates beyond"):
        parse_sitemap(gzip.compress(URLSET), "https://example.com/s.xml")


def test_google_news_sitemap_keeps_publication_date_and_title() -> None:
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {SM_NS} {NEWS_NS}
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://example.com/news/harbour-wall</loc>
    <lastmod>2026-11-25T14:40:00Z</lastmod>
    <image:image><image:loc>https://example.com/i.png</image:loc>
      <image:title>Not the article title</image:title></image:image>
    <news:news>
      <news:publication><news:name>Gazette</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>2026-11-25T08:15:00+00:00</news:publication_date>
      <news:title>Harbour wall repairs &amp; a <![CDATA[<new>]]> mole</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://example.com/news/lindenstade</loc>
    <news:news><news:publication_date>2026-11-03T09:30:00+01:00</news:publication_date>
    <news:title>Lindenstade feiert 30 Jahre Partnerschaft</news:title></news:news>
  </url>
</urlset>""".encode()
    listing = parse_sitemap(body, "https://example.com/news-sitemap.xml")

    assert listing.problems == []
    assert listing.entries == [
        SourceEntry(
            "https://example.com/news/harbour-wall",
            published=utc(2026, 11, 25, 8, 15),
            title="Harbour wall repairs & a <new> mole",
            modified=utc(2026, 11, 25, 14, 40),
        ),
        SourceEntry(
            "https://example.com/news/lindenstade",
            published=utc(2026, 11, 3, 8, 30),
            title="Lindenstade feiert 30 Jahre Partnerschaft",
        ),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026", utc(2026, 1, 1)),
        ("2026-11", utc(2026, 11, 1)),
        ("2026-11-25", utc(2026, 11, 25)),
        (" 2026-11-25T08:15Z ", utc(2026, 11, 25, 8, 15)),
        ("2026-11-25T08:15:30+01:00", utc(2026, 11, 25, 7, 15, 30)),
        ("2026-11-25T08:15:30.5Z", utc(2026, 11, 25, 8, 15, 30, 500000)),
        ("2026-11-25T08:15:30.123456789-05:30", utc(2026, 11, 25, 13, 45, 30, 123456)),
        ("2026-11-25T23:30:00-02:00", utc(2026, 11, 26, 1, 30)),
        ("2026-11-25T08:15:30+0100", utc(2026, 11, 25, 7, 15, 30)),
        ("2026-11-25T08:15:30", utc(2026, 11, 25, 8, 15, 30)),  # no zone: taken as UTC
        ("Wed, 25 Nov 2026 08:15:00 +0100", utc(2026, 11, 25, 7, 15)),
        ("2026-13-01", None),
        ("2026-02-30", None),
        ("2026-11-25T25:00Z", None),
        ("2026-11-25T08:15+01:99", None),
        ("25/11/2026", None),
        ("", None),
        (None, None),
    ],
)
def test_w3c_datetimes(raw: str | None, expected: datetime | None) -> None:
    value = parse_w3c_datetime(raw)
    assert value == expected
    if value is not None:
        assert value.tzinfo is UTC


def test_sitemap_date_forms_and_offsets() -> None:
    body = f"""<urlset {SM_NS}>
<url><loc>https://example.com/a</loc><lastmod>2026-11-25</lastmod></url>
<url><loc>https://example.com/b</loc><lastmod>2026-11-25T23:30:00-02:00</lastmod></url>
<url><loc>https://example.com/c</loc><lastmod>2026-11-31</lastmod></url>
</urlset>""".encode()
    listing = parse_sitemap(body, "https://example.com/sitemap.xml")
    assert [e.modified for e in listing.entries] == [
        utc(2026, 11, 25),
        utc(2026, 11, 26, 1, 30),
        None,
    ]
    assert listing.problems == ["1 unparseable date (first: '2026-11-31')"]


def test_malformed_sitemap_returns_what_was_recovered() -> None:
    body = f"""<?xml version="1.0"?><urlset {SM_NS}>
<url><loc>https://example.com/a</loc></url>
<url><loc>https://example.com/b</loc><lastmod>2026-11-25</lastmod></url>
<url><loc>https://example.com/c""".encode()
    listing = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert urls(listing.entries)[:2] == ["https://example.com/a", "https://example.com/b"]
    assert listing.entries[1].modified == utc(2026, 11, 25)
    assert len(listing.problems) == 1
    assert listing.problems[0].startswith("sitemap is not well-formed: ")
    assert listing.problems[0].endswith(f"{len(listing.entries)} entries recovered")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"definitely not xml", "not-xml"),
        (b"\x00\x01\x02\xff\xfe", "not-xml"),
        (b"<html><body><a href='/a'>a</a></body></html>", "not-a-sitemap"),
        (RSS, "not-a-sitemap"),
    ],
)
def test_what_is_not_a_sitemap_raises(body: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_sitemap(body, "https://example.com/sitemap.xml")
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "root",
    [
        "<urlset>",
        '<urlset xmlns="http://www.google.com/schemas/sitemap/0.84">',
        '<urlset xmlns="x">',
    ],
)
def test_elements_match_by_local_name_whatever_the_namespace(root: str) -> None:
    body = f"{root}<url><loc>https://example.com/a</loc><lastmod>2026</lastmod></url></urlset>"
    listing = parse_sitemap(body.encode(), "https://example.com/sitemap.xml")
    assert listing.entries == [SourceEntry("https://example.com/a", modified=utc(2026, 1, 1))]
    assert listing.problems == []


def test_entities_from_files_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    sitemap = f"""<?xml version="1.0"?>{doctype}
<urlset {SM_NS} {NEWS_NS}><url><loc>https://example.com/&xxe;</loc><lastmod>&xxe;</lastmod>
<news:news><news:title>&xxe;</news:title></news:news></url></urlset>""".encode()
    feed = f"""<?xml version="1.0"?>{doctype}
<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>
<link>https://example.com/a</link></item></channel></rss>""".encode()

    for listing in (
        parse_sitemap(sitemap, "https://example.com/s.xml"),
        parse_feed(feed, "https://example.com/rss"),
    ):
        assert "TOP-SECRET" not in repr(listing)
        assert len(listing.entries) == 1
        assert listing.entries[0].url.startswith("https://example.com/")
        assert "xxe" not in listing.entries[0].url


def test_a_billion_laughs_is_not_expanded() -> None:
    lols = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    body = f"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY l0 "lol">{lols}]>
<urlset {SM_NS}><url><loc>https://example.com/&l9;</loc></url></urlset>""".encode()
    listing = parse_sitemap(body, "https://example.com/s.xml")
    assert urls(listing.entries) == ["https://example.com/"]


# --------------------------------------------------------------------------- robots.txt


def test_robots_sitemap_lines() -> None:
    body = b"""\xef\xbb\xbfUser-agent: *
Disallow: /private/
Sitemap: https://example.com/sitemap.xml
sitemap:https://example.com/news-sitemap.xml   # the news one
  SITEMAP  :  /relative/sitemap_index.xml
Sitemap: https://example.com/sitemap.xml
# Sitemap: https://example.com/commented-out.xml
Sitemap:
Sitemap: mailto:webmaster@example.com
Host: example.com\r
Sitemap: https://other.example.org/s.xml#frag\r
"""
    assert sitemaps_in_robots(body, "https://example.com/robots.txt") == [
        "https://example.com/sitemap.xml",
        "https://example.com/news-sitemap.xml",
        "https://example.com/relative/sitemap_index.xml",
        "https://other.example.org/s.xml",
    ]


def test_robots_with_undecodable_bytes() -> None:
    body = b"\xff\xfe\x00garbage\nSitemap: https://example.com/s\xe9.xml\n\x80\x81 Sitemap: x\n"
    assert sitemaps_in_robots(body, "https://example.com/robots.txt") == [
        "https://example.com/s\ufffd.xml"
    ]
    assert sitemaps_in_robots(b"", "https://example.com/robots.txt") == []


# --------------------------------------------------------------------------- the demo site


def demo_file(path: str) -> bytes:
    return (SITE / path).read_bytes().replace(b"{{BASE_URL}}", BASE.encode())


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert data["site"]["base_url_placeholder"] == "{{BASE_URL}}"
    assert data["site"]["default_base_url"] == BASE
    return data


def articles(manifest: dict[str, Any], section: str | None = None) -> list[dict[str, Any]]:
    return [a for a in manifest["articles"] if section is None or a["section"] == section]


def iso_utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def test_demo_rss_feed(manifest: dict[str, Any]) -> None:
    feed = next(f for f in manifest["feeds"] if f["format"] == "rss")
    listing = parse_source("feed", demo_file(feed["path"].lstrip("/")), BASE + feed["path"])
    expected = articles(manifest, feed["section"])

    assert listing.kind == "feed"
    assert listing.problems == []
    assert len(listing.entries) == len(expected) == 12
    assert urls(listing.entries) == [BASE + a["canonical_path"] for a in expected]
    assert [e.title for e in listing.entries] == [a["title"] for a in expected]
    assert [e.published for e in listing.entries] == [iso_utc(a["published"]) for a in expected]
    # Fore Street was published at 16:40 BST.
    assert listing.entries[-1].published == utc(2026, 10, 21, 15, 40)
    assert all(e.modified is None for e in listing.entries)


def test_demo_atom_feed(manifest: dict[str, Any]) -> None:
    feed = next(f for f in manifest["feeds"] if f["format"] == "atom")
    listing = parse_source("feed", demo_file(feed["path"].lstrip("/")), BASE + feed["path"])
    expected = articles(manifest, feed["section"])

    assert listing.problems == []
    assert len(listing.entries) == len(expected) == 9
    assert urls(listing.entries) == [BASE + a["canonical_path"] for a in expected]
    assert [e.title for e in listing.entries] == [a["title"] for a in expected]
    assert [e.published for e in listing.entries] == [iso_utc(a["published"]) for a in expected]
    assert [e.modified for e in listing.entries] == [
        iso_utc(a["modified"] or a["published"]) for a in expected
    ]


def test_demo_sitemap(manifest: dict[str, Any]) -> None:
    sitemap = next(s for s in manifest["sitemaps"] if s["kind"] == "sitemap")
    body = demo_file(sitemap["path"].lstrip("/"))
    listing = parse_source("sitemap", body, BASE + sitemap["path"])
    by_url = {BASE + a["canonical_path"]: a for a in articles(manifest)}

    assert listing.kind == "sitemap"
    assert listing.problems == []
    assert len(listing.entries) == len(by_url) == 30
    assert set(urls(listing.entries)) == set(by_url)
    for entry in listing.entries:
        article = by_url[entry.url]
        assert entry.modified == iso_utc(article["modified"] or article["published"])
        assert (entry.published, entry.title) == (None, None)
    # Newest first, as written.
    assert listing.entries[0].url == BASE + "/business/2026/11/26/tidewater-brewing-expansion"
    assert listing.entries[0].modified == utc(2026, 11, 26, 11, 15)


def test_demo_news_sitemap(manifest: dict[str, Any]) -> None:
    sitemap = next(s for s in manifest["sitemaps"] if s["kind"] == "news")
    body = demo_file(sitemap["path"].lstrip("/"))
    listing = parse_source("sitemap", body, BASE + sitemap["path"])
    by_url = {BASE + a["canonical_path"]: a for a in articles(manifest)}

    assert listing.problems == []
    assert len(listing.entries) == 30
    assert set(urls(listing.entries)) == set(by_url)
    for entry in listing.entries:
        article = by_url[entry.url]
        assert entry.title == article["title"]
        assert entry.published == iso_utc(article["published"])
        assert entry.modified is None
    german = by_url[BASE + "/culture/2026/11/03/lindenstade-partnerschaft-30-jahre"]
    assert german["language"] == "de"
    assert parse_sitemap(gzip.compress(body), BASE + "/news-sitemap.xml.gz") == listing


def test_demo_robots_names_both_sitemaps(manifest: dict[str, Any]) -> None:
    robots = manifest["robots"]["path"]
    found = sitemaps_in_robots(demo_file(robots.lstrip("/")), BASE + robots)
    assert found == [BASE + s["path"] for s in manifest["sitemaps"]]
    assert found == [BASE + "/sitemap.xml", BASE + "/news-sitemap.xml"]


# --------------------------------------------------------------------------- contract


def test_parse_source_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown source kind"):
        parse_source("podcast", RSS, "https://example.com/rss")


def test_source_error_carries_reason_and_message() -> None:
    error = SourceError("not-xml", "not XML: nothing could be parsed")
    assert isinstance(error, ValueError)
    assert (error.reason, str(error)) == ("not-xml", "not XML: nothing could be parsed")


def test_the_module_imports_without_scrapy() -> None:
    code = "import sys; sys.modules['scrapy'] = None\nimport archiver.crawl.sources\nprint('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


XMLISH = st.lists(
    st.sampled_from(
        [
            "<",
            ">",
            "</",
            "/>",
            "<?xml version='1.0'?>",
            "<urlset>",
            "</urlset>",
            "<url>",
            "</url>",
            "<loc>",
            "</loc>",
            "<lastmod>",
            "</lastmod>",
            "<sitemapindex>",
            "<sitemap>",
            "<rss version='2.0'>",
            "<channel>",
            "<item>",
            "<link>",
            "</link>",
            "<pubDate>",
            "<feed xmlns='http://www.w3.org/2005/Atom'>",
            "<entry>",
            "<link href='",
            "'/>",
            "<updated>",
            "<!DOCTYPE x [<!ENTITY e 'v'>]>",
            "&e;",
            "&amp;",
            "&#0;",
            "<![CDATA[",
            "]]>",
            "http://",
            "https://example.com/",
            "/a",
            "2026-11-25",
            "T08:15:00",
            "+01:00",
            "Z",
            "Wed, 25 Nov 2026",
            "\x00",
            "\xff",
            " ",
            "\n",
            "é",
            "#",
        ]
    ),
    max_size=40,
).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))


def _check(parse: Any, body: bytes) -> None:
    try:
        listing = parse(body, "https://example.com/source")
    except SourceError as exc:
        assert exc.reason in {
            "empty",
            "not-xml",
            "not-a-feed",
            "not-a-sitemap",
            "bad-gzip",
            "too-large",
        }
        return
    assert isinstance(listing, SourceListing)
    for entry in [*listing.entries, *listing.sitemaps]:
        assert entry.url.startswith(("http://", "https://"))
        assert "#" not in entry.url
        for value in (entry.published, entry.modified):
            assert value is None or value.tzinfo is UTC


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.binary(max_size=400), XMLISH, XMLISH.map(gzip.compress)))
def test_random_bytes_give_a_listing_or_a_source_error(body: bytes) -> None:
    _check(parse_feed, body)
    _check(parse_sitemap, body)
    assert all(url.startswith(("http://", "https://")) for url in sitemaps_in_robots(body, "x"))
