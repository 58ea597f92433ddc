"""A local news site of N articles built from the real pages of the evaluation corpus.

Usage (from the repo root, or from a script that put the repo root on ``sys.path``)::

    from benchmarks.newssite import serve_site

    with serve_site(articles=300) as site:
        site.write_config(tmp / "bench.yaml")      # a site config for `archiver crawl`
        ...                                        # crawl site.base_url
        print(site.hits, site.resource_hosts())

    python benchmarks/newssite.py --articles 300    # serve it until Ctrl-C, print the stats

For a static server (nginx), ``site.write_static(directory)`` writes the same pages as files (see
`StaticSite` for the layout a server needs); nothing else of the corpus is ever written.

The pages come from ``$ARCHIVER_CORPUS`` (default /work/shared/corpus, its ``aeb`` and ``fundus``
sets), read at run time and kept in memory: nothing of the corpus is written anywhere. With more
articles than corpus pages, the pages are reused in turn under distinct article ids
(``<corpus id>-<k>``, k counting the rounds).

Layout, all on ``http://127.0.0.1:PORT``:

- ``/robots.txt`` allows everything;
- three sections ``/s/<name>/`` with ``/s/<name>/page/<k>/``: 25 article links a page, newest
  first, and an ``<a rel="next">`` to the next page;
- ``/feed.xml`` (RSS 2.0, the newest 50 articles) and ``/sitemap.xml`` (every article);
- ``/article/<article-id>``: the corpus page with its resources rewritten. Resources on the
  publisher's host or registrable domain point at ``/assets/<original path>`` on the local site
  (query kept); resources on any other host keep scheme and path but move to
  ``<original host>.invalid``, which never resolves. ``<a href>`` links to the publisher's own
  pages move to the ``.invalid`` host too (outside allowed_domains: never followed), and the
  canonical link and ``og:url`` name the local article URL (so every article has its own id);
- any other path that looks like a static file (by extension, or under ``/assets/``) answers 200
  with a small synthetic body of the right Content-Type (for an ``/assets/`` path with no telling
  extension: by what the pages load it as); a stylesheet names one font and one image on the
  local site. Anything else is 404, as are resources some pages name relative to the local site
  without a static extension.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import math
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import escape as xml_escape

import tldextract
import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from archiver.config import SiteConfig, load_site_config  # noqa: E402
from archiver.crawl.requisites import html_requisites  # noqa: E402
from archiver.extraction.evaluation import CorpusPage, load_corpus  # noqa: E402

__all__ = [
    "ARTICLE_ALLOW",
    "DATASETS",
    "PER_PAGE",
    "SECTIONS",
    "Article",
    "NewsSite",
    "PageResources",
    "ResourceStats",
    "RewrittenPage",
    "StaticSite",
    "corpus_root",
    "load_pages",
    "registrable_domain",
    "rewrite_page",
    "rewrite_pages",
    "section_page_counts",
    "serve_site",
    "site_config",
    "static_file",
    "synthetic_asset",
    "write_config",
]

DATASETS = ("aeb", "fundus")
SECTIONS = ("world", "business", "culture")
PER_PAGE = 25  # article links per section page
FEED_ITEMS = 50
ARTICLE_ALLOW = r"/article/[\w-]+$"
#: Where the canonical link and og:url of a rewritten page go; filled in per article.
ARTICLE_URL_TOKEN = "@@ARTICLE_URL@@"
#: Publication time of the newest article; each older one is an hour before the next.
NEWEST = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
#: Synthetic bodies are padded to about this many bytes.
ASSET_SIZE = 400

_CONTENT_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "application/javascript; charset=utf-8",
    "mjs": "application/javascript; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
    "ico": "image/x-icon",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "mp4": "video/mp4",
    "json": "application/json",
}
#: Content-Type of a known resource path with no telling extension, by requisite kind.
_KIND_EXTENSIONS = {
    "stylesheet": "css",
    "script": "js",
    "image": "gif",
    "icon": "ico",
    "font": "woff2",
    "media": "mp4",
}
_MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff\xe0",
    "jpeg": b"\xff\xd8\xff\xe0",
    "gif": b"GIF89a",
    "webp": b"RIFF\x00\x00\x00\x00WEBP",
    "avif": b"\x00\x00\x00\x1cftypavif",
    "ico": b"\x00\x00\x01\x00",
    "woff": b"wOFF",
    "woff2": b"wOF2",
    "ttf": b"\x00\x01\x00\x00",
    "otf": b"OTTO",
    "mp4": b"\x00\x00\x00\x18ftypmp42",
}
FONT_PATH = "/assets/_bench/font.woff2"
IMAGE_PATH = "/assets/_bench/background.png"

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_A_TAG_RE = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
_LINK_TAG_RE = re.compile(r"<link\s[^>]*>", re.IGNORECASE)
_META_TAG_RE = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_BASE_TAG_RE = re.compile(r"<base\s[^>]*>", re.IGNORECASE)
_ATTR_TEMPLATE = r"""(\b{name}\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
_ARTICLE_PATH_RE = re.compile(r"^/article/([A-Za-z0-9_-]+)$")
_SECTION_PATH_RE = re.compile(r"^/s/([a-z]+)/(?:page/(\d+)/)?$")
# "://" as written in HTML, where the colon and slashes may be character references.
_COLON = r"(?::|&#[xX]0*3[aA];|&#0*58;|&colon;)"
_SLASH = r"(?:/|&#[xX]0*2[fF];|&#0*47;|&sol;)"
# A character of a URL written in HTML, CSS or JS (parentheses only in balanced pairs).
_URL_CHAR = r"""[^\s"'<>()\\`]"""
_URL_SPACE = "".join(chr(c) for c in range(0x21))


# --- the corpus ---------------------------------------------------------------------------


def corpus_root(corpus: str | Path | None = None) -> Path:
    """`corpus`, else ``$ARCHIVER_CORPUS``, else /work/shared/corpus."""
    return Path(corpus or os.environ.get("ARCHIVER_CORPUS") or "/work/shared/corpus")


def load_pages(corpus: str | Path | None = None, seed: int = 0) -> list[CorpusPage]:
    """Every corpus page of both datasets, in a fixed shuffled order (the sets mixed)."""
    root = corpus_root(corpus)
    pages = [page for dataset in DATASETS for page in load_corpus(root, dataset)]
    if not pages:
        raise FileNotFoundError(f"no corpus page under {root}")
    pages.sort(key=lambda p: p.id)
    random.Random(seed).shuffle(pages)
    return pages


# --- rewriting one page -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The bundled suffix list only: never the network, no cache on disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """``bbc.co.uk`` for ``static.files.bbc.co.uk``; the host itself when there is none."""
    parts = _extractor()(host)
    found = getattr(parts, "top_domain_under_public_suffix", None)
    return str(found or host).lower()


@dataclass(frozen=True)
class PageResources:
    """A rewritten page's resources, as `html_requisites` finds them in it."""

    own_domain: int  # resources on the publisher's host or domain, before rewriting
    foreign: int  # resources on other hosts, before rewriting
    local: tuple[str, ...]  # now on the local site
    invalid: tuple[str, ...]  # now on a .invalid host
    other: tuple[str, ...]  # anywhere else (should be none)


@dataclass(frozen=True)
class RewrittenPage:
    """A corpus page ready to serve: HTML with `ARTICLE_URL_TOKEN` for its own URL."""

    corpus_id: str
    original_url: str
    title: str
    html: str
    assets: dict[str, str]  # local path (no query, unquoted) -> requisite kind
    resources: PageResources


def _attr_re(name: str) -> re.Pattern[str]:
    return re.compile(_ATTR_TEMPLATE.format(name=name), re.IGNORECASE)


_HREF_RE = _attr_re("href")
_REL_RE = _attr_re("rel")
_PROPERTY_RE = _attr_re("property")
_CONTENT_RE = _attr_re("content")


def _attr_value(match: re.Match[str]) -> str:
    return next(v for v in match.groups()[1:] if v is not None)


def _set_attr(tag: str, pattern: re.Pattern[str], value: str) -> str:
    """`tag` with the first attribute `pattern` matches set to `value` (already escaped)."""
    return pattern.sub(lambda m: f'{m.group(1)}"{value}"', tag, count=1)


def _invalid_url(url: str) -> str:
    """`url` with ``.invalid`` after its host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = parts.netloc
    at = netloc.rfind("@") + 1
    start = netloc.lower().find(host, at)
    if start < 0:
        return url
    netloc = f"{netloc[: start + len(host)]}.invalid{netloc[start + len(host) :]}"
    return parts._replace(netloc=netloc).geturl()


def _base_href(text: str, page_url: str) -> str | None:
    """The page's first ``<base href>`` resolved against its URL (http(s) only), or None."""
    for tag in _BASE_TAG_RE.finditer(text):
        href = _HREF_RE.search(tag.group(0))
        if href is None:
            continue
        try:
            url = urljoin(page_url, html.unescape(_attr_value(href)).strip(_URL_SPACE))
        except ValueError:
            return None
        return url if urlsplit(url).scheme in ("http", "https") else None
    return None


def _lookup_key(url: str) -> str:
    """A resource URL compared without fragment, with scheme and host lower-cased."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}" + (
        f"?{parts.query}" if parts.query else ""
    )


def rewrite_page(
    page_html: str, page_url: str, base_url: str, corpus_id: str = ""
) -> RewrittenPage:
    """`page_html` (served at `page_url`) made to load its resources from `base_url` or nowhere.

    See the module docstring for the rules. The canonical link and ``og:url`` become
    `ARTICLE_URL_TOKEN`. `resources` is measured by `html_requisites` on the result.
    """
    base_url = base_url.rstrip("/")
    page_host = (urlsplit(page_url).hostname or "").lower()
    own = registrable_domain(page_host)

    def is_own(host: str) -> bool:
        host = host.lower()
        return host == page_host or registrable_domain(host) == own

    found = html_requisites(page_html, page_url)
    base_href = _base_href(page_html, page_url)
    doc_base = base_href or page_url
    local_keys = set()
    hosts = {page_host}
    own_count = 0
    for requisite in found:
        host = (urlsplit(requisite.url).hostname or "").lower()
        hosts.add(host)
        if is_own(host):
            own_count += 1
            local_keys.add(_lookup_key(requisite.url))
    if base_href:  # a <base href> on the publisher's domain moves to the local site
        base_host = (urlsplit(base_href).hostname or "").lower()
        hosts.add(base_host)
        if is_own(base_host):
            local_keys.add(_lookup_key(base_href))

    def a_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF_RE.search(tag)
        if href is None:
            return tag
        raw = html.unescape(_attr_value(href)).strip(_URL_SPACE)
        if not raw or raw.startswith("#"):
            return tag
        try:
            url = urljoin(doc_base, raw)
            parts = urlsplit(url)
        except ValueError:
            return tag
        if parts.scheme not in ("http", "https") or not is_own(parts.hostname or ""):
            return tag
        return _set_attr(tag, _HREF_RE, html.escape(_invalid_url(url)))

    def link_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        rel = _REL_RE.search(tag)
        if rel is None or "canonical" not in _attr_value(rel).lower().split():
            return tag
        return _set_attr(tag, _HREF_RE, ARTICLE_URL_TOKEN)

    def meta_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        prop = _PROPERTY_RE.search(tag)
        if prop is None or _attr_value(prop).strip().lower() != "og:url":
            return tag
        return _set_attr(tag, _CONTENT_RE, ARTICLE_URL_TOKEN)

    text = _A_TAG_RE.sub(a_tag, page_html)
    text = _LINK_TAG_RE.sub(link_tag, text)
    text = _META_TAG_RE.sub(meta_tag, text)

    scheme_default = urlsplit(doc_base).scheme or "https"
    alternatives = "|".join(re.escape(h) for h in sorted(hosts, key=len, reverse=True) if h)
    host_re = re.compile(
        rf"(?P<scheme>\bhttps?{_COLON})?(?P<slashes>{_SLASH}{_SLASH})(?P<host>{alternatives})"
        rf"(?P<port>:\d+)?(?![\w.-])(?P<rest>(?:{_URL_CHAR}|\({_URL_CHAR}*\))*)",
        re.IGNORECASE,
    )

    def reference(match: re.Match[str]) -> str:
        scheme, slashes = match.group("scheme") or "", match.group("slashes")
        host, port, rest = match.group("host"), match.group("port") or "", match.group("rest")
        moved = f"{scheme}{slashes}{host}.invalid{port}{rest}"
        if not is_own(host):
            return moved
        unescaped = html.unescape(rest)
        cut = re.split(r"[\"']", unescaped, maxsplit=1)[0]
        written = html.unescape(scheme) or f"{scheme_default}:"
        for candidate in (unescaped, cut, cut.rstrip(",;")):
            if _lookup_key(f"{written}//{host}{port}{candidate}") in local_keys:
                return f"{base_url}/assets{'' if unescaped.startswith('/') else '/'}{rest}"
        return moved

    if alternatives:
        text = host_re.sub(reference, text)

    sample_url = f"{base_url}/article/sample"
    after = html_requisites(text.replace(ARTICLE_URL_TOKEN, sample_url), sample_url)
    local: list[str] = []
    invalid: list[str] = []
    other: list[str] = []
    assets: dict[str, str] = {}
    local_netloc = urlsplit(base_url).netloc
    for requisite in after:
        parts = urlsplit(requisite.url)
        if parts.netloc == local_netloc:
            local.append(requisite.url)
            assets.setdefault(unquote(parts.path), requisite.kind)
        elif (parts.hostname or "").endswith(".invalid"):
            invalid.append(requisite.url)
        else:
            other.append(requisite.url)
    title_match = _TITLE_RE.search(page_html)
    title = " ".join(html.unescape(title_match.group(1)).split()) if title_match else ""
    return RewrittenPage(
        corpus_id=corpus_id,
        original_url=page_url,
        title=title[:150] or corpus_id,
        html=text,
        assets=assets,
        resources=PageResources(
            own_domain=own_count,
            foreign=len(found) - own_count,
            local=tuple(local),
            invalid=tuple(invalid),
            other=tuple(other),
        ),
    )


def _rewrite_job(job: tuple[str, str, str, str]) -> RewrittenPage:
    page_html, page_url, base_url, corpus_id = job
    return rewrite_page(page_html, page_url, base_url, corpus_id)


def rewrite_pages(
    pages: Sequence[CorpusPage], base_url: str, workers: int | None = None
) -> list[RewrittenPage]:
    """`rewrite_page` for each page, in order; on several processes when there are many."""
    jobs = [(p.html, p.url, base_url, p.id) for p in pages]
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(jobs) < 16:
        return [_rewrite_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_rewrite_job, jobs, chunksize=4))


# --- the site -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """One article of the site: a corpus page under an id of its own."""

    id: str
    page: int  # index into NewsSite.pages
    section: str
    published: datetime
    title: str


@dataclass(frozen=True)
class ResourceStats:
    """How the articles' resources were rewritten (counted per article, pages reused)."""

    articles: int
    local: int  # resource references on the local site, summed over articles
    invalid: int  # on .invalid hosts
    other: int  # anywhere else: a leak to the real web (should be 0)
    own_domain: int  # before rewriting: on the publisher's host or domain
    foreign: int  # before rewriting: on other hosts
    distinct_local: int  # distinct resource URLs over the whole site
    distinct_invalid: int
    distinct_invalid_hosts: int
    other_examples: tuple[str, ...] = ()

    @property
    def local_per_article(self) -> float:
        return self.local / self.articles if self.articles else 0.0

    @property
    def invalid_per_article(self) -> float:
        return self.invalid / self.articles if self.articles else 0.0

    def describe(self) -> str:
        """One line for a report."""
        return (
            f"resources per article: {self.local_per_article:.1f} local, "
            f"{self.invalid_per_article:.1f} on .invalid hosts, {self.other} elsewhere; "
            f"distinct URLs: {self.distinct_local} local, {self.distinct_invalid} .invalid "
            f"on {self.distinct_invalid_hosts} hosts"
        )


def section_page_counts(articles: int, per_page: int = PER_PAGE) -> dict[str, int]:
    """Listing pages per section for a site of `articles` articles (at least one each)."""
    counts = {}
    for index, name in enumerate(SECTIONS):
        listed = len(range(index, articles, len(SECTIONS)))
        counts[name] = max(1, math.ceil(listed / per_page))
    return counts


def site_config(
    base_url: str,
    articles: int,
    site: str = "bench",
    per_page: int = PER_PAGE,
    requisites_scope: str | None = None,
) -> dict[str, Any]:
    """The archiver site config (as data) for a site of `articles` articles at `base_url`.

    `requisites_scope` ("all", "site" or "none") sets ``requisites.scope``; None leaves it out.
    """
    base_url = base_url.rstrip("/")
    host = urlsplit(base_url).hostname or "127.0.0.1"
    pages = section_page_counts(articles, per_page)
    return {
        "site": site,
        "name": "Bench News (corpus pages, local)",
        "contact": "https://example.org/archiving",
        "allowed_domains": [host],
        "sections": [
            {"url": f"{base_url}/s/{name}/", "name": name, "max_pages": pages[name]}
            for name in SECTIONS
        ],
        "feeds": [f"{base_url}/feed.xml"],
        "sitemaps": [f"{base_url}/sitemap.xml"],
        "articles": {"allow": [ARTICLE_ALLOW]},
        "crawl": {"download_delay": 0, "obey_robots": True, "concurrency": 8},
        "extract": {},
    } | ({"requisites": {"scope": requisites_scope}} if requisites_scope else {})


def write_config(
    path: str | Path,
    base_url: str,
    site: str = "bench",
    articles: int = 300,
    requisites_scope: str | None = None,
) -> SiteConfig:
    """Write the site config YAML for the site at `base_url`; returns it loaded (validated)."""
    path = Path(path)
    header = (
        f"# Site config for the local benchmark news site at {base_url} ({articles} articles),\n"
        "# written by benchmarks/newssite.py.\n"
    )
    data = site_config(base_url, articles, site, requisites_scope=requisites_scope)
    path.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_site_config(path)


def static_file(path: str) -> str:
    """Where `write_static` puts the page at URL path `path`, relative to its root."""
    name = path.lstrip("/")
    return f"{name}index.html" if not name or name.endswith("/") else name


@dataclass(frozen=True)
class StaticSite:
    """A site written as files by `NewsSite.write_static`.

    A server must answer a directory with its ``index.html``, an article file (no extension)
    as ``text/html; charset=utf-8``, ``feed.xml`` as ``application/rss+xml`` and
    ``sitemap.xml`` as ``application/xml``.
    """

    root: Path
    files: int
    bytes: int


def _static_extension(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    extension = name.rsplit(".", 1)[-1].lower()
    return extension if extension in _CONTENT_TYPES else None


def synthetic_asset(path: str, extension: str | None) -> tuple[str, bytes]:
    """Content-Type and a small body for a resource at `path` of the local site."""
    extension = extension or "bin"
    content_type = _CONTENT_TYPES.get(extension, "application/octet-stream")
    label = re.sub(r"[^\w./-]", "_", path)[:120]
    if extension == "css":
        body = (
            f"/* synthetic stylesheet for {label} */\n"
            f'@font-face{{font-family:"Bench";src:url("{FONT_PATH}") format("woff2")}}\n'
            f'body{{font-family:"Bench",serif;background:url("{IMAGE_PATH}") repeat-x}}\n'
        ).encode()
    elif extension in ("js", "mjs"):
        body = f"/* synthetic script for {label} */\nvoid 0;\n".encode()
    elif extension == "json":
        body = f'{{"synthetic": true, "path": "{label}"}}\n'.encode()
    elif extension == "svg":
        body = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">'
            f"<!-- synthetic image for {label} --></svg>\n"
        ).encode()
    elif extension == "html":
        body = f"<!doctype html><title>frame</title><p>synthetic frame for {label}</p>\n".encode()
    else:
        body = _MAGIC.get(extension, b"") + f"synthetic {label}".encode()
    if content_type.startswith(("text/", "application/javascript", "application/json")):
        padding = b"\n" + b" " * max(0, ASSET_SIZE - len(body) - 1)
    elif extension == "svg":
        padding = b"\n" * max(0, ASSET_SIZE - len(body))
    else:
        padding = b"\x00" * max(0, ASSET_SIZE - len(body))
    return content_type, body + padding


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: NewsSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return  # the crawler went away: not worth a traceback
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BenchNews/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        site = cast(_Server, self.server).site
        status, content_type, body, kind = site.respond(self.path)
        site.count(kind)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class NewsSite:
    """The site: pages built in memory, served by a thread once `start` is called."""

    def __init__(
        self,
        articles: int = 300,
        corpus: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        per_page: int = PER_PAGE,
        workers: int | None = None,
    ) -> None:
        if articles < 1:
            raise ValueError("a site needs at least one article")
        self.per_page = per_page
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self._thread: threading.Thread | None = None
        self._server = _Server((host, port), _Handler)
        self._server.site = self
        self.host, self.port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{self.port}"
        try:
            corpus_pages = load_pages(corpus)
            used = corpus_pages[: min(articles, len(corpus_pages))]
            started = time.perf_counter()
            self.pages: list[RewrittenPage] = rewrite_pages(used, self.base_url, workers)
            self.build_seconds = time.perf_counter() - started
        except BaseException:
            self._server.server_close()
            raise
        self.articles: list[Article] = []
        for i in range(articles):
            round_, index = divmod(i, len(self.pages))
            page = self.pages[index]
            self.articles.append(
                Article(
                    id=f"{page.corpus_id}-{round_}",
                    page=index,
                    section=SECTIONS[i % len(SECTIONS)],
                    published=NEWEST - timedelta(hours=i),
                    title=page.title,
                )
            )
        self._by_id = {a.id: a for a in self.articles}
        self._sections = {
            name: [a for a in self.articles if a.section == name] for name in SECTIONS
        }
        self._assets: dict[str, str] = {}
        for page in self.pages:
            for path, kind in page.assets.items():
                self._assets.setdefault(path, kind)
        self._fixed = {
            "/": ("text/html; charset=utf-8", self._home()),
            "/robots.txt": (
                "text/plain; charset=utf-8",
                f"User-agent: *\nAllow: /\n\nSitemap: {self.base_url}/sitemap.xml\n".encode(),
            ),
            "/feed.xml": ("application/rss+xml; charset=utf-8", self._feed()),
            "/sitemap.xml": ("application/xml; charset=utf-8", self._sitemap()),
        }

    # -- public ----------------------------------------------------------------------------

    @property
    def article_ids(self) -> list[str]:
        """Every article id, newest first."""
        return [a.id for a in self.articles]

    def article_url(self, article_id: str) -> str:
        return f"{self.base_url}/article/{article_id}"

    @property
    def hits(self) -> dict[str, int]:
        """Requests answered so far by kind: page, asset, other (404)."""
        with self._lock:
            return {kind: self._hits[kind] for kind in ("page", "asset", "other")}

    def reset_hits(self) -> dict[str, int]:
        """The counters, then zeroed."""
        with self._lock:
            before = {kind: self._hits[kind] for kind in ("page", "asset", "other")}
            self._hits.clear()
        return before

    def count(self, kind: str) -> None:
        with self._lock:
            self._hits[kind] += 1

    def section_pages(self) -> dict[str, int]:
        """Listing pages per section."""
        return section_page_counts(len(self.articles), self.per_page)

    def site_config(
        self, site: str = "bench", requisites_scope: str | None = None
    ) -> dict[str, Any]:
        return site_config(self.base_url, len(self.articles), site, self.per_page, requisites_scope)

    def write_config(
        self, path: str | Path, site: str = "bench", requisites_scope: str | None = None
    ) -> SiteConfig:
        """Write the site config YAML for this site; returns it loaded (validated)."""
        return write_config(path, self.base_url, site, len(self.articles), requisites_scope)

    def page_paths(self) -> list[str]:
        """URL paths of the pages a crawl of `site_config` fetches, robots.txt aside.

        The feed, the sitemap, every section page and every article.
        """
        paths = ["/feed.xml", "/sitemap.xml"]
        for name, count in self.section_pages().items():
            paths.append(f"/s/{name}/")
            paths.extend(f"/s/{name}/page/{k}/" for k in range(2, count + 1))
        paths.extend(f"/article/{a.id}" for a in self.articles)
        return paths

    def write_static(self, root: str | Path) -> StaticSite:
        """Write the home page, robots.txt and every page of `page_paths` as files under `root`.

        Page resources are not written (a static server answers 404 for them).
        """
        root = Path(root)
        files = size = 0
        for path in ["/", "/robots.txt", *self.page_paths()]:
            status, _, body, _ = self.respond(path)
            if status != 200:
                raise RuntimeError(f"{path} answers {status}")
            target = root / static_file(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            files += 1
            size += len(body)
        return StaticSite(root=root, files=files, bytes=size)

    def resource_hosts(self) -> ResourceStats:
        """Where the articles' resources point now, counted per article."""
        local = invalid = other = own = foreign = 0
        distinct_local: set[str] = set()
        distinct_invalid: set[str] = set()
        others: list[str] = []
        for article in self.articles:
            res = self.pages[article.page].resources
            local += len(res.local)
            invalid += len(res.invalid)
            other += len(res.other)
            own += res.own_domain
            foreign += res.foreign
            distinct_local.update(res.local)
            distinct_invalid.update(res.invalid)
            others.extend(u for u in res.other if len(others) < 5)
        return ResourceStats(
            articles=len(self.articles),
            local=local,
            invalid=invalid,
            other=other,
            own_domain=own,
            foreign=foreign,
            distinct_local=len(distinct_local),
            distinct_invalid=len(distinct_invalid),
            distinct_invalid_hosts=len({urlsplit(u).hostname for u in distinct_invalid}),
            other_examples=tuple(others),
        )

    def start(self) -> NewsSite:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.2},
                name=f"newssite:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering -------------------------------------------------------------------------

    def respond(self, target: str) -> tuple[int, str, bytes, str]:
        """(status, Content-Type, body, hit kind) for a request target."""
        path = urlsplit(target).path or "/"
        fixed = self._fixed.get(path)
        if fixed is not None:
            return 200, fixed[0], fixed[1], "page"
        html_type = "text/html; charset=utf-8"
        match = _ARTICLE_PATH_RE.match(path)
        if match:
            article = self._by_id.get(match.group(1))
            if article is not None:
                return 200, html_type, self._article(article), "page"
        match = _SECTION_PATH_RE.match(path)
        if match and match.group(1) in self._sections and match.group(2) != "1":
            number = int(match.group(2) or 1)
            if 1 <= number <= self.section_pages()[match.group(1)]:
                return 200, html_type, self._section(match.group(1), number), "page"
        extension = _static_extension(path)
        if extension or path.startswith("/assets/"):
            kind = self._assets.get(unquote(path)) if extension is None else None
            if kind is not None:  # no telling extension: what the page loads it as
                extension = "html" if kind == "frame" else _KIND_EXTENSIONS.get(kind)
            content_type, body = synthetic_asset(path, extension)
            if extension == "html":
                content_type = html_type
            return 200, content_type, body, "asset"
        body = b"<!doctype html><title>Not found</title><h1>Not found</h1>\n"
        return 404, html_type, body, "other"

    def _article(self, article: Article) -> bytes:
        page = self.pages[article.page]
        return page.html.replace(ARTICLE_URL_TOKEN, self.article_url(article.id)).encode("utf-8")

    def _page(self, title: str, body: Iterable[str]) -> bytes:
        nav = " | ".join(f'<a href="/s/{name}/">{name.title()}</a>' for name in SECTIONS)
        lines = [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(title)} - Bench News</title>",
            f'<link rel="alternate" type="application/rss+xml" href="{self.base_url}/feed.xml">',
            "</head><body>",
            f'<nav><a href="/">Bench News</a> | {nav}</nav>',
            f"<h1>{html.escape(title)}</h1>",
            *body,
            "</body></html>",
            "",
        ]
        return "\n".join(lines).encode("utf-8")

    def _home(self) -> bytes:
        items = [
            f'<li><a href="/article/{a.id}">{html.escape(a.title)}</a></li>'
            for a in self.articles[: self.per_page]
        ]
        return self._page("Latest", ["<ul>", *items, "</ul>"])

    def _section(self, name: str, number: int) -> bytes:
        start = (number - 1) * self.per_page
        listed = self._sections[name][start : start + self.per_page]
        items = [
            f'<li><a href="/article/{a.id}">{html.escape(a.title)}</a> '
            f'<time datetime="{a.published.isoformat()}">{a.published:%d %b %Y %H:%M}</time></li>'
            for a in listed
        ]
        body = ["<ul>", *items, "</ul>"]
        if number < self.section_pages()[name]:
            body.append(f'<a rel="next" href="/s/{name}/page/{number + 1}/">Older stories</a>')
        title = name.title() if number == 1 else f"{name.title()}, page {number}"
        return self._page(title, body)

    def _feed(self) -> bytes:
        items = [
            "<item>"
            f"<title>{xml_escape(a.title)}</title>"
            f"<link>{self.article_url(a.id)}</link>"
            f'<guid isPermaLink="true">{self.article_url(a.id)}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate>"
            f"<category>{a.section}</category>"
            "</item>"
            for a in self.articles[:FEED_ITEMS]
        ]
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<rss version="2.0"><channel>',
            "<title>Bench News</title>",
            f"<link>{self.base_url}/</link>",
            "<description>Corpus pages served locally for benchmarks</description>",
            f"<lastBuildDate>{format_datetime(NEWEST)}</lastBuildDate>",
            *items,
            "</channel></rss>",
            "",
        ]
        return "\n".join(lines).encode("utf-8")

    def _sitemap(self) -> bytes:
        urls = [
            f"<url><loc>{self.article_url(a.id)}</loc>"
            f"<lastmod>{a.published.isoformat()}</lastmod></url>"
            for a in self.articles
        ]
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *urls,
            "</urlset>",
            "",
        ]
        return "\n".join(lines).encode("utf-8")


@contextlib.contextmanager
def serve_site(
    articles: int = 300,
    corpus: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    workers: int | None = None,
) -> Iterator[NewsSite]:
    """Build the site and serve it in a daemon thread for the duration of the block."""
    site = NewsSite(articles=articles, corpus=corpus, host=host, port=port, workers=workers)
    with site:
        yield site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles (default 300)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--corpus", type=Path, help="corpus root (default $ARCHIVER_CORPUS)")
    parser.add_argument("--config", type=Path, help="also write a site config here")
    args = parser.parse_args()
    with serve_site(args.articles, args.corpus, port=args.port) as site:
        print(f"{site.base_url}/  {len(site.articles)} articles from {len(site.pages)} pages")
        print(f"built in {site.build_seconds:.1f}s; {site.resource_hosts().describe()}")
        if args.config:
            site.write_config(args.config)
            print(f"config: {args.config}")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
        print(f"hits: {site.hits}")


if __name__ == "__main__":
    main()
