"""Property-based tests (issue 15): arbitrary input gives a result or a clear error.

Config loading, feed and sitemap parsing, URL normalisation, the article document round trip
and the replay URL parser each get input no test author would think of; each must answer with
its result or its documented error, never another exception or a hang.
"""

from __future__ import annotations

import json
import re
import string
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from archiver.config import (
    ArticleRules,
    ConfigError,
    CrawlSettings,
    ExtractHints,
    RequisiteRules,
    Section,
    SiteConfig,
    load_site_config,
    parse_site_config,
)
from archiver.crawl.feeds import parse_feed
from archiver.crawl.links import absolute_links
from archiver.crawl.listing import SourceError, SourceListing, absolute_url
from archiver.crawl.normalise import UrlCleaner, is_tracking_param
from archiver.crawl.sitemaps import parse_sitemap, parse_w3c_datetime, sitemaps_in_robots
from archiver.extraction.extract import extract
from archiver.replay.urls import (
    MODIFIERS,
    BadPath,
    ReplayTarget,
    ReplayUrls,
    captures_path,
    parse_replay_path,
    replay_path,
)
from archiver.store.document import Article
from archiver.store.identity import article_id, identity_url, normalise_url

FEW = settings(max_examples=150, deadline=None)

# --------------------------------------------------------------------------- config loading

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
PARTS = (ArticleRules, CrawlSettings, ExtractHints, RequisiteRules, Section)
SUB_KEYS = sorted({key for part in PARTS for key in part.model_fields})
CONFIG_KEYS = sorted(SiteConfig.model_fields) + SUB_KEYS
KEYS = st.sampled_from(CONFIG_KEYS) | st.text(max_size=10)
NESTED = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)
# A top level that looks like a config: the real keys, arbitrary values.
CONFIG_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "site": st.from_regex(r"[a-z0-9][a-z0-9_-]{0,8}", fullmatch=True) | SCALARS,
        "name": st.text(max_size=10) | SCALARS,
        "allowed_domains": st.lists(st.sampled_from(["example.org", "a.b", ""]) | SCALARS),
        "sections": st.lists(st.fixed_dictionaries({"url": urls() | SCALARS}) | NESTED, max_size=3),
        "articles": st.dictionaries(st.sampled_from(["allow", "deny", "max_age"]), NESTED),
        "crawl": st.dictionaries(KEYS, NESTED, max_size=4),
        "feeds": st.lists(urls() | SCALARS, max_size=3),
        "sitemaps": st.lists(urls() | SCALARS, max_size=3),
    },
)

# A valid config with some keys (or keys of its parts) replaced by arbitrary values, so the
# checks behind the first layer of validation see odd input too.
VALID = {
    "site": "x",
    "name": "X",
    "allowed_domains": ["example.org"],
    "sections": [{"url": "https://example.org/news/"}],
    "articles": {"allow": ["/a/"]},
}
PART_OF = {"articles": ArticleRules, "crawl": CrawlSettings, "extract": ExtractHints}
PART_OF |= {"requisites": RequisiteRules}


@st.composite
def mutated_configs(draw: st.DrawFn) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(json.dumps(VALID))
    for key in draw(st.lists(st.sampled_from(sorted(SiteConfig.model_fields)), max_size=3)):
        part = PART_OF.get(key)
        if part is not None and draw(st.booleans()):
            sub = st.sampled_from(sorted(part.model_fields))
            config[key] = draw(st.dictionaries(sub, NESTED | urls() | st.from_regex(r"\d+[smhd]")))
        elif key == "sections":
            config[key] = [
                draw(
                    st.dictionaries(st.sampled_from(sorted(Section.model_fields)), NESTED | urls())
                )
            ]
        else:
            config[key] = draw(NESTED)
    return config


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("configs")


def _load(directory: Path, raw: bytes) -> SiteConfig | ConfigError:
    path = directory / "site.yaml"
    path.write_bytes(raw)
    try:
        return load_site_config(path)
    except ConfigError as err:
        assert str(err).startswith(str(path))
        assert err.errors and all(key and message for key, message in err.errors)
        return err


@FEW
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@example(raw=b"site: x\n" + b"[" * 5000)
@example(raw=b"\xef\xbb\xbf")
@example(raw=b"&a [*a]")
@example(raw=b"- !!python/object:os.system ls")
def test_config_from_arbitrary_bytes_is_a_config_or_a_config_error(
    config_dir: Path, raw: bytes
) -> None:
    assert isinstance(_load(config_dir, raw), SiteConfig | ConfigError)


@FEW
@given(data=NESTED | CONFIG_LIKE | mutated_configs())
def test_config_from_arbitrary_yaml_data_is_a_config_or_a_config_error(
    config_dir: Path, data: Any
) -> None:
    from_file = _load(config_dir, yaml.safe_dump(data, sort_keys=False).encode())
    try:
        from_data: SiteConfig | ConfigError = parse_site_config(data, config_dir / "site.yaml")
    except ConfigError as err:
        assert err.errors and all(key and message for key, message in err.errors)
        from_data = err
    # The file loader and the data parser agree (the file only adds the depth limit).
    if isinstance(from_file, SiteConfig):
        assert isinstance(from_data, SiteConfig)
        assert from_file.model_dump() == from_data.model_dump()
    elif data is None:  # dumped as an empty document, which the loader names as such
        assert "the file is empty" in from_file.message
    elif isinstance(from_data, ConfigError):
        assert from_file.errors == from_data.errors
    else:
        assert "nested more than" in from_file.message


# --------------------------------------------------------------------------- feeds and sitemaps

TAGS = st.sampled_from(
    [
        "rss", "channel", "item", "link", "guid", "pubDate", "title", "description",
        "feed", "entry", "id", "updated", "published", "atom:link", "rdf:RDF",
        "urlset", "url", "loc", "lastmod", "news:news", "news:publication_date", "news:title",
        "sitemapindex", "sitemap", "x",
    ]
)  # fmt: skip
ATTRS = st.dictionaries(
    st.sampled_from(["href", "rel", "type", "xmlns", "xmlns:news", "version", "isPermaLink"]),
    st.sampled_from(["alternate", "text/html", "html", "http://www.w3.org/2005/Atom", "2.0"])
    | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
    max_size=3,
)
TEXTS = st.sampled_from(
    [
        "https://example.org/a/1", "/relative", "http://[::1", "javascript:alert(1)",
        "2026-11-30T09:00:00Z", "Mon, 30 Nov 2026 09:00:00 GMT", "99999-99-99", "&amp;",
        "&lol;", "&#0;", "&#x110000;", "&#xD800;", "]]>", "<![CDATA[x]]>", "&", "<", "\x00",
    ]
) | st.text(max_size=20)  # fmt: skip


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


ELEMENTS = st.recursive(
    TEXTS,
    lambda inner: st.builds(
        lambda tag, attrs, children: (
            f"<{tag}"
            + "".join(f' {k}="{_escape_attr(v)}"' for k, v in attrs.items())
            + ">"
            + "".join(children)
            + f"</{tag}>"
        ),
        TAGS,
        ATTRS,
        st.lists(inner, max_size=4),
    ),
    max_leaves=20,
)
DECLARED = st.sampled_from(["", "utf-8", "UTF-16", "iso-8859-1", "shift_jis", "bogus", "ebcdic"])
ACTUAL = st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"])


@st.composite
def xml_documents(draw: st.DrawFn) -> bytes:
    """Plausible XML: random feed/sitemap elements, maybe a wrong encoding declared."""
    declared = draw(DECLARED)
    head = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    text = head + draw(ELEMENTS)
    return text.encode(draw(ACTUAL), errors="replace")


BODIES = st.binary(max_size=400) | xml_documents()
BASE = st.sampled_from(["https://example.org/feed.xml", "http://example.org/", "https://[::1]/s"])


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _listing_or_error(parse: Any, body: bytes, base: str) -> None:
    try:
        listing = parse(body, base)
    except SourceError as err:
        assert err.reason and str(err)
        return
    assert isinstance(listing, SourceListing)
    for entry in [*listing.entries, *listing.sitemaps]:
        assert _is_web(entry.url)
        # The section snapshot document writes both as UTF-8.
        assert not re.search("[\ud800-\udfff]", entry.url + (entry.title or ""))
    assert all(isinstance(problem, str) for problem in listing.problems)


@FEW
@given(body=BODIES, base=BASE)
@example(body=b"<rss><channel><item><link>http://[::1</link></item></channel></rss>", base="x")
@example(body=b"<>&#2000000;", base="https://example.org/feed.xml")  # was ValueError
@example(body=b"<>&#xD800;", base="https://example.org/feed.xml")  # was UnicodeEncodeError
@example(body=b"<>&#" + b"9" * 5000 + b";", base="https://example.org/feed.xml")
def test_feed_parsing_gives_entries_or_a_source_error(body: bytes, base: str) -> None:
    _listing_or_error(parse_feed, body, base)


@FEW
@given(body=BODIES, base=BASE)
@example(body=b"<urlset><url><loc>http://[::1</loc></url></urlset>", base="x")
def test_sitemap_parsing_gives_entries_or_a_source_error(body: bytes, base: str) -> None:
    _listing_or_error(parse_sitemap, body, base)


@FEW
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode), base=BASE)
def test_robots_sitemap_lines_are_web_urls(body: bytes, base: str) -> None:
    found = sitemaps_in_robots(body, base)
    assert all(_is_web(url) for url in found)
    assert len(found) == len(set(found))


@FEW
@given(raw=st.text(max_size=40) | st.from_regex(r"\d{4}(-\d\d(-\d\dT\d\d:\d\d(:\d\d)?)?)?.{0,6}"))
def test_w3c_dates_parse_to_aware_datetimes_or_none(raw: str) -> None:
    value = parse_w3c_datetime(raw)
    assert value is None or value.utcoffset() is not None


LAUGHS = "\n".join(
    ['<!DOCTYPE lolz [', '<!ENTITY lol0 "lollollollollollollollollollol">']
    + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    + [']>']
)  # fmt: skip


def test_billion_laughs_in_a_sitemap_is_not_expanded() -> None:
    body = f"<?xml version='1.0'?>\n{LAUGHS}\n<urlset><url><loc>https://example.org/&lol9;</loc>"
    body += "<lastmod>&lol9;</lastmod></url></urlset>"
    listing = parse_sitemap(body.encode(), "https://example.org/sitemap.xml")
    # The entity is left out, not expanded: 10**9 "lol"s would be 3 GB.
    assert [entry.url for entry in listing.entries] == ["https://example.org/"]


def test_billion_laughs_in_a_feed_is_not_expanded() -> None:
    body = f"<?xml version='1.0'?>\n{LAUGHS}\n<rss version='2.0'><channel><item>"
    body += "<title>&lol9;</title><link>https://example.org/a/1</link></item></channel></rss>"
    listing = parse_feed(body.encode(), "https://example.org/feed.xml")
    # feedparser drops the entity declarations: the reference stays as written.
    assert [(entry.url, entry.title) for entry in listing.entries] == [
        ("https://example.org/a/1", "&lol9;")
    ]


# --------------------------------------------------------------------------- URLs

TEXT_URLS = st.text(max_size=60) | st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from(["http://", "HTTPS://", "http:", "ftp://", "//", ""]),
    st.text(string.printable, max_size=40),
)
IPV6_URLS = st.builds(
    lambda host, port, path: f"http://[{host}]{port}{path}",
    st.ip_addresses(v=6).map(str),
    st.sampled_from(["", ":80", ":8080", ":443"]),
    st.sampled_from(["", "/", "/a?b=1#c"]),
)


@FEW
@given(url=urls() | TEXT_URLS | IPV6_URLS)
@example(url="http://[::1]:8080/a")
@example(url="\x1b\xa00")  # urlsplit strips the control, str.strip the no-break space
def test_normalise_url_returns_a_fixed_point_or_raises_value_error(url: str) -> None:
    try:
        once = normalise_url(url)
    except ValueError:
        return
    assert normalise_url(once) == once
    assert "#" not in once


@FEW
@given(url=urls() | IPV6_URLS)
@example(url="HTTP://Example.ORG:80/a#x")
def test_normalised_web_urls_keep_host_port_and_path(url: str) -> None:
    once = normalise_url(url)
    assert normalise_url(once) == once
    before, after = urlsplit(url), urlsplit(once)
    # The same host (an IPv6 address keeps its brackets) and port, unless the default one.
    assert after.hostname == before.hostname
    default = {"http": 80, "https": 443}[after.scheme]
    assert after.port == (None if before.port == default else before.port)
    assert after.path == (before.path or "/") and after.query == before.query


TRACKED_URLS = st.builds(
    lambda url, extra: url.split("#")[0] + ("&" if "?" in url else "?") + extra,
    urls(),
    st.sampled_from(["utm_source=x", "fbclid=1", "amp=1", "id=2&utm_medium=y"]),
)
AMP_URLS = st.builds(
    lambda host, path, form: form.format(host=host, path=path),
    st.sampled_from(["example.org", "news.example.org:8080"]),
    st.from_regex(r"\A[a-z0-9/.-]{1,20}\Z"),
    st.sampled_from(
        [
            "http://{host}/amp/{path}",
            "http://{host}/{path}/amp",
            "http://amp.{host}/{path}",
            "http://{host}/{path}.amp.html",
            "http://{host}/{path}?outputType=amp",
        ]
    ),
)
CLEANERS = st.builds(
    UrlCleaner,
    strip_tracking=st.booleans(),
    strip_params=st.frozensets(st.sampled_from(["a", "id", "share"])),
    keep_params=st.frozensets(st.sampled_from(["ref", "b"])),
    map_amp=st.booleans(),
    main_hosts=st.just(frozenset({"www.example.org"})),
)


@FEW
@given(url=urls() | TEXT_URLS | IPV6_URLS | TRACKED_URLS | AMP_URLS, cleaner=CLEANERS)
@example(url="http://example.org/amp/amp/amp/x?amp=1&utm_source=a#c", cleaner=UrlCleaner())
def test_cleaning_a_url_returns_a_fixed_point_or_raises_value_error(
    url: str, cleaner: UrlCleaner
) -> None:
    try:
        once = cleaner.clean(url)
    except ValueError:
        return
    assert cleaner.clean(once) == once
    assert cleaner.strip(once) == once
    assert "#" not in once
    # Nothing is added: the cleaned URL's parameters are some of the link's, in its order.
    pieces = [p for p in urlsplit(url).query.split("&") if p]
    kept = [p for p in urlsplit(once).query.split("&") if p]
    assert kept == [p for p in pieces if p in kept]


@FEW
@given(url=urls())
def test_a_url_without_tracking_or_amp_is_left_exactly_as_it_is(url: str) -> None:
    url = url.split("#")[0]
    query = urlsplit(url).query
    assume(not any(is_tracking_param(p.partition("=")[0]) for p in query.split("&")))
    assume("amp" not in url.lower())
    assert UrlCleaner().clean(url) == url


@FEW
@given(url=urls() | TEXT_URLS | IPV6_URLS, canonical=st.none() | urls() | TEXT_URLS)
def test_article_id_is_16_hex_digits_or_value_error(url: str, canonical: str | None) -> None:
    try:
        art_id = article_id(url, canonical)
    except ValueError:
        return
    assert re.fullmatch(r"[0-9a-f]{16}", art_id)
    assert article_id(identity_url(url, canonical)) == art_id


@FEW
@given(hrefs=st.lists(TEXT_URLS | urls(), max_size=5), base=BASE | urls())
@example(hrefs=["http://[x", "/ok"], base="https://example.org/")
def test_absolute_links_never_raise(hrefs: list[str], base: str) -> None:
    links = list(absolute_links(hrefs, base))
    assert all("#" not in link for link in links)
    for href in hrefs:
        resolved = absolute_url(base, href)
        # The scheme is kept as written (HTTPS://...): checked without case.
        assert resolved is None or _is_web(resolved)


# --------------------------------------------------------------------------- article document

SAFE_TEXT = st.text(max_size=40)
OPT_TEXT = st.none() | SAFE_TEXT
# Years before 1000 are left out: strftime("%Y") does not pad them to the 4 digits required.
WHEN = st.datetimes(min_value=datetime(1000, 1, 1))
DATES = WHEN.map(lambda d: d.strftime("%Y-%m-%d"))
DATETIMES = st.builds(
    lambda d, frac, tz: d.strftime("%Y-%m-%dT%H:%M") + frac + tz,
    WHEN,
    st.sampled_from(["", ":07", ":07.5", ":07.123456"]),
    st.sampled_from(["Z", "+00:00", "-05:30"]),
)
UTC_STAMPS = st.builds(
    lambda d, frac, tz: d.strftime("%Y-%m-%dT%H:%M:%S") + frac + tz,
    WHEN,
    st.sampled_from(["", ".5", ".123456"]),
    st.sampled_from(["Z", "+00:00"]),
)
ARTICLES = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[0-9a-f]{16}", fullmatch=True),
        "url": urls(),
        "canonical_url": st.none() | urls(),
        "site": st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True),
        "section": OPT_TEXT,
        "title": OPT_TEXT,
        "description": OPT_TEXT,
        "authors": st.lists(SAFE_TEXT, max_size=3),
        "published": st.none() | DATES | DATETIMES,
        "modified": st.none() | DATES | DATETIMES,
        "language": st.none() | st.sampled_from(["en", "de", "pt-BR"]),
        "text": OPT_TEXT | st.text(max_size=400),
        "tags": st.lists(SAFE_TEXT, max_size=3),
        "image": st.none() | urls(),
        "paywalled": st.none() | st.booleans(),
        "word_count": st.integers(min_value=0),
        "fetched_at": UTC_STAMPS,
        "http_status": st.integers(),
        "version": st.integers(min_value=1),
        "provenance": st.fixed_dictionaries(
            {
                "warc_file": SAFE_TEXT,
                "warc_offset": st.integers(min_value=0),
                "warc_record_id": SAFE_TEXT,
                "payload_digest": OPT_TEXT,
            }
        ),
        "extractor": st.fixed_dictionaries({"name": SAFE_TEXT, "version": SAFE_TEXT}),
    },
    optional={
        "requested_url": st.none() | urls(),
        "is_article": st.booleans(),
        "published_raw": OPT_TEXT,
        "modified_raw": OPT_TEXT,
        "changes": st.none()
        | st.fixed_dictionaries(
            {
                "previous_version": st.integers(min_value=1),
                "previous_fetched_at": UTC_STAMPS,
                "fields": st.lists(SAFE_TEXT, max_size=4),
                "diff": st.text(max_size=200),
            }
        ),
    },
)


@FEW
@given(data=ARTICLES)
def test_article_document_round_trips_through_json(data: dict[str, Any]) -> None:
    article = Article.model_validate(data)
    raw = article.to_json_bytes()
    again = Article.model_validate(json.loads(raw))
    assert again == article
    assert again.to_json_bytes() == raw


SURROGATE_TEXT = st.text(
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.sampled_from("ab \U0001f600"),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(headline=SURROGATE_TEXT, author=SURROGATE_TEXT)
@example(headline="Cut emoji \ud83d", author="Ann \udc00 Lee")
def test_json_ld_with_lone_surrogates_gives_a_writable_document(headline: str, author: str) -> None:
    # json.dumps writes a lone surrogate as the escape a broken page has: "\ud83d".
    ld = json.dumps({"@type": "NewsArticle", "headline": headline, "author": {"name": author}})
    page = f'<html><head><script type="application/ld+json">{ld}</script></head>'
    page += "<body><article><p>" + "Some words of the article. " * 20 + "</p></article></body>"
    fields = extract(page.encode(), "https://example.org/a/1")
    for value in [fields.title, fields.description, *fields.authors, *fields.tags]:
        assert value is None or not re.search("[\ud800-\udfff]", value)
        (value or "").encode("utf-8")  # what the article document does with it


# --------------------------------------------------------------------------- replay URLs

COLLECTIONS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
STAMPS = st.from_regex(r"[0-9]{1,14}", fullmatch=True)
PATH_PIECES = st.sampled_from(
    ["/", "col", "site-1", "20261130090000", "*", "id_", "if_", "xx_", "http:", "https:/",
     "http%3A%2F%2F", "example.org", "..", ".", "%2e", "%2F", "%00", "\\", "?q=1", "#f", "%"]
)  # fmt: skip
RAW_PATHS = st.text(max_size=60) | st.lists(PATH_PIECES | st.text(max_size=4), max_size=12).map(
    "".join
)


@FEW
@given(raw=RAW_PATHS)
@example(raw="/site/2026id_/http://example.org/a/../b")
def test_replay_paths_parse_to_a_target_none_or_bad_path(raw: str) -> None:
    try:
        target = parse_replay_path(raw)
    except BadPath:
        return
    if target is not None:
        assert target.url.startswith(("http://", "https://"))
        assert target.modifier in MODIFIERS


@pytest.mark.parametrize("raw", ["/site/*/http%3A%2F%2F[::1", "/site/2026/http://[x/a"])
def test_replay_path_with_an_unbalanced_ipv6_bracket(raw: str) -> None:
    try:
        target = parse_replay_path(raw)
    except BadPath:
        return
    assert target is None


def _has_dot_segment(url: str) -> bool:
    return bool(re.search(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", urlsplit(url).path, re.IGNORECASE))


@FEW
@given(
    collection=COLLECTIONS, stamp=STAMPS, url=urls(), modifier=st.sampled_from(sorted(MODIFIERS))
)
def test_replay_path_round_trips(collection: str, stamp: str, url: str, modifier: str) -> None:
    path = replay_path(collection, stamp, url, modifier)
    if _has_dot_segment(url) or "%00" in url:  # refused on purpose: see the module docstring
        with pytest.raises(BadPath):
            parse_replay_path(path)
        return
    assert parse_replay_path(path) == ReplayTarget(collection, stamp, modifier, url)
    assert parse_replay_path(captures_path(collection, url)) == ReplayTarget(
        collection, None, "", url, listing=True
    )


@FEW
@given(
    collection=COLLECTIONS,
    stamp=STAMPS,
    value=urls() | TEXT_URLS,
    base=urls(),
    modifier=st.sampled_from(sorted(MODIFIERS)),
)
def test_replay_urls_give_paths_the_server_parses(
    collection: str, stamp: str, value: str, base: str, modifier: str
) -> None:
    path = ReplayUrls(collection, stamp).to(value, base, modifier)
    if path is None:
        return
    try:
        target = parse_replay_path(path)
    except BadPath:
        return  # a URL with dot segments the resolver left (e.g. %2e) is refused, not served
    assert target is not None
    assert (target.collection, target.timestamp, target.modifier) == (collection, stamp, modifier)
