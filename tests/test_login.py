"""Logged-in crawling: a site config's request headers, cookies (from the environment or a
cookies.txt file) and proxy; sent to the site's own hosts only, and never archived or logged.

The site is tests/login_site.py: articles only with the session cookie, images on a second
host that records what it was sent, a forwarding proxy.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archiver.config import ConfigError, load_site_config, parse_site_config
from archiver.config.secrets import UnsetVariable, expand_env, read_cookies_file
from archiver.crawl.credentials import REDACTED, Redactor, SiteCredentials
from archiver.middlewares import SiteCredentialsMiddleware
from archiver.warc import records
from tests import login_site as ls
from tests.browser import chromium_path
from tests.crawling import crawl_config
from tests.support import article_documents, html_exchange, run_archiver, tool, warc_files

#: The config's login: the cookie and the card header, both from the environment.
LOGIN = f"""request:
  headers: {{{ls.CARD_HEADER}: '${{LIB_CARD}}'}}
  cookies: {{{ls.COOKIE_NAME}: '${{LIB_SESSION}}'}}
"""
SECRETS = {"LIB_CARD": ls.CARD, "LIB_SESSION": ls.SESSION}
DEADLINE = 180


@dataclass
class Crawl:
    site: ls.LoginSite
    archive: Path
    done: subprocess.CompletedProcess[str]

    @property
    def summary(self) -> dict[str, Any]:
        (summary,) = json.loads(self.done.stdout)
        return dict(summary)


def crawl(site: ls.LoginSite, tmp: Path, request: str, env: dict[str, str]) -> Crawl:
    """`archiver crawl CONFIG --json -v` (every request logged) in a subprocess."""
    archive = tmp / "archive"
    config = site.config(tmp, request)
    done = run_archiver(
        "crawl",
        str(config),
        "--archive",
        str(archive),
        "--json",
        "--workers",
        "0",
        "-v",
        env=env,
        timeout=DEADLINE,
    )
    return Crawl(site, archive, done)


@pytest.fixture(scope="module")
def site() -> Iterator[ls.LoginSite]:
    with ls.login_site() as served:
        yield served


@pytest.fixture(scope="module")
def logged_in(site: ls.LoginSite, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return crawl(site, tmp_path_factory.mktemp("logged-in"), LOGIN, SECRETS)


def every_byte_string(archive: Path) -> Iterator[tuple[str, bytes]]:
    """(where, bytes) of every file under ``archive`` (gzip files also decompressed), and of
    every WARC record's headers and payload as warcio reads them."""
    for path in sorted(p for p in archive.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield str(path), data
        if data[:2] == b"\x1f\x8b":
            yield f"{path} (gunzipped)", gzip.decompress(data)
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                where = (
                    f"{path}: {record.rec_type} {record.rec_headers.get_header('WARC-Target-URI')}"
                )
                yield where, record.rec_headers.to_str().encode("utf-8")
                if record.http_headers is not None:
                    yield where, record.http_headers.to_str().encode("latin-1", "replace")
                yield where, record.content_stream().read()


def leaks(archive: Path, *secrets: str) -> list[str]:
    return [
        f"{where}: {secret!r}"
        for where, data in every_byte_string(archive)
        for secret in secrets
        if secret.encode() in data
    ]


def request_records(archive: Path) -> dict[str, list[list[tuple[str, str]]]]:
    """Target URI -> the HTTP headers of each request record for it."""
    found: dict[str, list[list[tuple[str, str]]]] = {}
    for path in warc_files(archive):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "request":
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    found.setdefault(uri, []).append(list(record.http_headers.headers))
    return found


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


# --------------------------------------------------------------------------- a logged-in crawl


def test_a_logged_in_crawl_archives_every_article_with_its_text(logged_in: Crawl) -> None:
    assert logged_in.done.returncode == 0, logged_in.done.stderr[-3000:]
    docs = article_documents(logged_in.archive)
    assert sorted(d["url"] for d in docs) == sorted(
        logged_in.site.base + p for p in logged_in.site.article_paths()
    )
    assert all(d["word_count"] > 50 for d in docs)


def test_the_secrets_appear_nowhere_in_the_archive_nor_the_logs(logged_in: Crawl) -> None:
    assert leaks(logged_in.archive, ls.SESSION, ls.CARD) == []
    for output in (logged_in.done.stdout, logged_in.done.stderr):
        assert ls.SESSION not in output
        assert ls.CARD not in output
    assert "DEBUG: Crawled (200)" in logged_in.done.stderr  # the log did name every request


def test_request_records_keep_the_header_names_with_redacted_values(logged_in: Crawl) -> None:
    site = logged_in.site
    recorded = request_records(logged_in.archive)
    (article,) = recorded[site.base + site.article_paths()[0]]
    assert header(article, "Cookie") == f"{ls.COOKIE_NAME}={REDACTED}"
    assert header(article, ls.CARD_HEADER) == REDACTED


def test_the_site_got_the_login_and_the_other_host_nothing(logged_in: Crawl) -> None:
    site = logged_in.site
    on_site = [s for s in site.seen_on("127.0.0.1") if s.path in site.article_paths()]
    assert len(on_site) == ls.ARTICLES
    assert all(s.cookie == f"{ls.COOKIE_NAME}={ls.SESSION}" for s in on_site)
    assert all(s.card == ls.CARD for s in on_site)
    elsewhere = site.seen_on("localhost")
    # Each article's own image there, and the image the site redirects there.
    assert {s.path for s in elsewhere} >= {"/img/moved.png", f"/img/{ls.stories()[0].slug}.png"}
    assert [(s.cookie, s.card, s.authorization) for s in elsewhere] == [(None, None, None)] * len(
        elsewhere
    )


def test_the_warc_files_pass_warcio_check(logged_in: Crawl) -> None:
    files = warc_files(logged_in.archive)
    assert files
    for path in files:
        check = subprocess.run([tool("warcio"), "check", "-v", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout


def test_warcinfo_names_the_login_without_its_values(logged_in: Crawl) -> None:
    with warc_files(logged_in.archive)[0].open("rb") as fh:
        info = next(iter(ArchiveIterator(fh))).content_stream().read().decode()
    line = next(x for x in info.splitlines() if x.startswith("archiver-request:"))
    assert ls.CARD_HEADER in line and ls.COOKIE_NAME in line and "[redacted]" in line


# --------------------------------------------------------------------------- without the login


def test_without_the_cookie_no_article_is_archived_and_the_crawl_fails(
    site: ls.LoginSite, tmp_path: Path
) -> None:
    logged_out = crawl(site, tmp_path, "", {})
    summary = logged_out.summary
    assert logged_out.done.returncode == 1, logged_out.done.stderr[-3000:]
    assert article_documents(tmp_path / "archive") == []
    assert summary["pages_by_status"]["403"] == ls.ARTICLES
    assert summary["failure"] == "sources were reachable but no article was archived"


def test_an_unset_variable_is_a_config_error_naming_key_and_variable(
    site: ls.LoginSite, tmp_path: Path
) -> None:
    done = crawl(site, tmp_path, LOGIN, {"LIB_CARD": ls.CARD}).done
    assert done.returncode == 2
    assert "request.cookies.libsession: environment variable LIB_SESSION is not set" in done.stderr
    assert not (tmp_path / "archive" / "warc").exists()


# --------------------------------------------------------------------------- in-process crawls


def test_keep_secrets_keeps_the_exact_request(
    site: ls.LoginSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    archive = tmp_path / "archive"
    summary = crawl_config(site.config(tmp_path, LOGIN), archive, "ARCHIVER_KEEP_SECRETS=1")
    assert summary.failure() is None, summary.render()
    (article,) = request_records(archive)[site.base + site.article_paths()[1]]
    assert header(article, "Cookie") == f"{ls.COOKIE_NAME}={ls.SESSION}"
    assert header(article, ls.CARD_HEADER) == ls.CARD


def write_cookies_txt(path: Path, domain: str = "127.0.0.1") -> Path:
    """A cookies.txt file as curl writes it: session cookies (expiry 0) for ``domain`` (with a
    leading dot: and its subdomains)."""
    subdomains = "TRUE" if domain.startswith(".") else "FALSE"
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        f"{domain}\t{subdomains}\t/\tFALSE\t0\t{ls.COOKIE_NAME}\t{ls.SESSION}\n"
        f"{domain}\t{subdomains}\t/private\tFALSE\t0\tonly_private\tpppp-1111\n"
        f"{domain}\t{subdomains}\t/\tFALSE\t1000\texpired\tlong-ago\n",
        encoding="utf-8",
    )
    return path


def test_a_cookies_txt_file_logs_in(site: ls.LoginSite, tmp_path: Path) -> None:
    write_cookies_txt(tmp_path / "login.cookies.txt")
    archive = tmp_path / "archive"
    config = site.config(tmp_path, "request: {cookies_file: login.cookies.txt}\n")
    summary = crawl_config(config, archive)
    assert summary.failure() is None, summary.render()
    assert len(article_documents(archive)) == ls.ARTICLES
    assert leaks(archive, ls.SESSION) == []


def test_the_proxy_key_sends_every_request_through_the_proxy(
    site: ls.LoginSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**SECRETS, "PROXY_PASS": "pr0xy-pa55w0rd"}.items():
        monkeypatch.setenv(name, value)
    proxy = site.proxy.replace("http://", "http://reader:${PROXY_PASS}@")
    archive = tmp_path / "archive"
    config = site.config(tmp_path, f"{LOGIN}proxy: '{proxy}'\n")
    with site.lock:
        site.proxied.clear()
        site.proxy_auth.clear()
    summary = crawl_config(config, archive)
    assert summary.failure() is None, summary.render()
    assert len(article_documents(archive)) == ls.ARTICLES
    with site.lock:
        proxied, auth = list(site.proxied), set(site.proxy_auth)
    assert {site.base + p for p in site.article_paths()} <= set(proxied)
    assert any(url.startswith(site.cdn) for url in proxied)  # resources too
    assert auth == {"Basic cmVhZGVyOnByMHh5LXBhNTV3MHJk"}  # reader:pr0xy-pa55w0rd
    assert leaks(archive, "pr0xy-pa55w0rd", "cmVhZGVyOnByMHh5LXBhNTV3MHJk", ls.SESSION) == []


def test_pages_loaded_in_the_browser_send_the_cookies_to_the_site_only(
    site: ls.LoginSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium_path()  # skips without Debian's chromium
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    archive = tmp_path / "archive"
    with site.lock:
        site.seen.clear()
    summary = crawl_config(site.config(tmp_path, LOGIN, render="always"), archive)
    assert summary.failure() is None, summary.render()
    docs = article_documents(archive)
    assert len(docs) == ls.ARTICLES and all(d["rendering"]["rendered"] for d in docs)
    by_browser = [s for s in site.seen_on("127.0.0.1") if s.browser]
    assert {s.path for s in by_browser} >= set(site.article_paths())
    assert {s.cookie for s in by_browser} == {f"{ls.COOKIE_NAME}={ls.SESSION}"}
    # Headers are not sent by the browser: Chromium would carry them over redirects.
    assert {s.card for s in by_browser} == {None}
    elsewhere = [s for s in site.seen_on("localhost") if s.browser]
    assert {s.path for s in elsewhere} >= {"/img/moved.png"}  # through a redirect too
    assert [(s.cookie, s.card) for s in elsewhere] == [(None, None)] * len(elsewhere)
    assert leaks(archive, ls.SESSION, ls.CARD) == []


# --------------------------------------------------------------------------- units


def config_data(request: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "site": "login",
        "name": "Login",
        "allowed_domains": ["news.example.com"],
        "sections": [{"url": "https://news.example.com/"}],
        "articles": {},
        **more,
    }
    if request is not None:
        data["request"] = request
    return data


def test_expand_env_reads_variables_and_keeps_escaped_dollars() -> None:
    env = {"A": "x", "B_2": "y"}
    assert expand_env("${A}-${B_2}-$${A}-$A", env) == "x-y-${A}-$A"
    with pytest.raises(UnsetVariable, match="environment variable C is not set"):
        expand_env("${C}", env)


@pytest.mark.parametrize(
    ("request_", "key", "message"),
    [
        ({"headers": {"Host": "x"}}, "request.headers.Host", "the URL gives it"),
        ({"headers": {"User-Agent": "x"}}, "request.headers.User-Agent", "crawl.user_agent"),
        (
            {"headers": {"Cookie": "a=b"}, "cookies": {"a": "b"}},
            "request.headers.Cookie",
            "given in request.cookies",
        ),
        ({"headers": {"X-A": "a\nb"}}, "request.headers.X-A", "without line breaks"),
    ],
)
def test_headers_the_config_may_not_set_are_config_errors(
    request_: dict[str, Any], key: str, message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_site_config(config_data(request_), "site.yaml")
    assert err.value.key == key
    assert message in err.value.message


def test_a_bad_proxy_and_an_unreadable_cookies_file_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_site_config(config_data(proxy="socks5://p:1080"), "site.yaml")
    assert err.value.key == "proxy"
    (tmp_path / "bad.txt").write_text("this is not a cookies file\n")
    for name in ("missing.txt", "bad.txt"):
        path = tmp_path / "site.yaml"
        path.write_text(json.dumps(config_data({"cookies_file": name})))
        with pytest.raises(ConfigError) as err:
            load_site_config(path)
        assert err.value.key == "request.cookies_file"
        assert name in err.value.message


def test_secret_values_never_show_in_the_config_repr_or_dump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOKEN", "t0ken-value")
    config = parse_site_config(config_data({"headers": {"Authorization": "Bearer ${TOKEN}"}}))
    assert config.request.headers["Authorization"].get_secret_value() == "Bearer t0ken-value"
    assert "t0ken" not in repr(config) + json.dumps(config.model_dump(mode="json"))
    credentials = SiteCredentials.from_config(config)
    assert credentials is not None and "t0ken" not in repr(credentials)
    plain = parse_site_config(config_data())
    assert SiteCredentials.from_config(plain) is None
    assert plain.config_hash != config.config_hash


def test_cookies_go_to_the_site_hosts_only(tmp_path: Path) -> None:
    jar = write_cookies_txt(tmp_path / "c.txt", domain=".news.example.com")
    (cookie, private) = read_cookies_file(jar)
    assert (cookie.name, cookie.host_only, private.path) == (ls.COOKIE_NAME, False, "/private")
    config = parse_site_config(config_data({"cookies": {"a": "1"}, "headers": {"X-K": "k"}}))
    credentials = SiteCredentials(
        domains=("news.example.com",),
        headers=(("X-K", "k"),),
        cookies=(("a", "1"),),
        file_cookies=(cookie, private),
    )
    assert credentials.cookies_for("https://www.news.example.com/x") == [
        ("a", "1"),
        (ls.COOKIE_NAME, ls.SESSION),
    ]
    assert ("only_private", "pppp-1111") in credentials.cookies_for(
        "https://news.example.com/private/y"
    )
    assert credentials.cookies_for("https://cdn.example.net/x") == []
    assert credentials.headers_for("https://news.example.com.evil.net/") == []
    assert credentials.headers_for("https://news.example.com/") == [("X-K", "k")]
    assert SiteCredentials.from_config(config) is not None
    # In the browser's cookie store: the site's domain and subdomains (an IP: itself only).
    wider = dataclasses.replace(cookie, domain="example.com")
    stores = dataclasses.replace(credentials, file_cookies=(wider,)).browser_cookies()
    assert [(c["name"], c["domain"]) for c in stores] == [
        ("a", ".news.example.com"),
        (ls.COOKIE_NAME, ".news.example.com"),  # narrowed from .example.com
    ]
    on_ip = SiteCredentials(domains=("127.0.0.1",), cookies=(("a", "1"),)).browser_cookies()
    assert [c["domain"] for c in on_ip] == ["127.0.0.1"]


def test_the_middleware_strips_the_login_from_a_redirect_off_the_site() -> None:
    credentials = SiteCredentials(
        domains=("news.example.com",),
        headers=(("X-K", "k"),),
        cookies=(("a", "1"),),
        proxy="http://proxy.example:3128",
    )
    crawler = get_crawler(settings_dict={"ARCHIVER_CREDENTIALS": credentials})
    middleware = SiteCredentialsMiddleware.from_crawler(crawler)
    on_site = Request("https://news.example.com/a", headers={"Cookie": "server=s"})
    middleware.process_request(on_site)
    assert on_site.headers.get(b"Cookie") == b"server=s; a=1"
    assert on_site.headers.get(b"X-K") == b"k"
    assert on_site.meta["proxy"] == "http://proxy.example:3128"
    off_site = on_site.replace(url="https://cdn.example.net/a")  # a copy made mid-download
    middleware.process_request(off_site)
    assert off_site.headers.get(b"Cookie") == b"server=s"
    assert b"X-K" not in off_site.headers


def test_the_login_is_taken_off_a_request_once_answered() -> None:
    """Before a redirect or a retry copies it into the request queue (JOBDIR keeps that on
    disk): the copy gets the login again when it is downloaded, if it goes to the site."""
    credentials = SiteCredentials(
        domains=("news.example.com",),
        headers=(("X-K", "k"),),
        cookies=(("a", "1"),),
        proxy="http://u:p4ss@proxy.example:3128",
    )
    crawler = get_crawler(settings_dict={"ARCHIVER_CREDENTIALS": credentials})
    middleware = SiteCredentialsMiddleware.from_crawler(crawler)
    proxies = HttpProxyMiddleware.from_crawler(crawler)
    redirects = RedirectMiddleware.from_crawler(crawler)
    request = Request("https://news.example.com/a", headers={"Cookie": "server=s"})
    middleware.process_request(request)
    proxies.process_request(request)
    assert request.headers.get(b"Proxy-Authorization") == b"Basic dTpwNHNz"
    response = Response(request.url, status=302, headers={"Location": "/b"}, request=request)
    middleware.process_response(request, response)
    again = redirects.process_response(request, response)
    assert isinstance(again, Request)
    for copy in (request, again):
        assert copy.headers.get(b"Cookie") == b"server=s"
        assert b"X-K" not in copy.headers and b"Proxy-Authorization" not in copy.headers
        assert "p4ss" not in repr(copy.meta)
    middleware.process_request(again)
    proxies.process_request(again)
    assert again.headers.get(b"Cookie") == b"server=s; a=1"
    assert again.headers.get(b"Proxy-Authorization") == b"Basic dTpwNHNz"


def test_redacted_request_records_have_digests_of_what_is_written() -> None:
    exchange = dataclasses.replace(
        html_exchange("https://news.example.com/a"),
        request_headers=[
            ("Cookie", "server=s; a=v4lue-1"),
            ("X-K", "k3y-value"),
            ("Proxy-Authorization", "Basic eDp5"),
            ("Referer", "https://news.example.com/?k=k3y-value"),
        ],
    )
    credentials = SiteCredentials(
        domains=("news.example.com",), headers=(("X-K", "k3y-value"),), cookies=(("a", "v4lue-1"),)
    )
    redacted = Redactor(credentials).exchange(exchange)
    assert redacted.request_headers == [
        ("Cookie", f"server=s; a={REDACTED}"),
        ("X-K", REDACTED),
        ("Proxy-Authorization", REDACTED),
        ("Referer", f"https://news.example.com/?k={REDACTED}"),
    ]
    record_id, response_id = "<urn:uuid:1>", "<urn:uuid:2>"
    data = records.serialize(
        records.request_record(redacted, record_id=record_id, concurrent_to=response_id)
    )
    assert b"v4lue" not in data and b"k3y" not in data
    record = next(iter(ArchiveIterator(BytesIO(data), check_digests=True)))
    record.content_stream().read()
    assert record.digest_checker.passed is True
    plain = html_exchange("https://news.example.com/a")
    assert Redactor().exchange(plain) is plain  # nothing secret: the same bytes as before
