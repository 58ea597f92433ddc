"""What may be fetched besides the pages: scope, block rules and lists, dead hosts, the ledger
of what each page lacks, and failures in words. Plain objects, no crawl."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadConnectionRefusedError, DownloadFailedError
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from archiver.config import ConfigError, parse_site_config
from archiver.crawl.errors import error_kind
from archiver.crawl.resources import (
    ARCHIVED,
    DeadHosts,
    HostProbes,
    ResourceLedger,
    ResourcePolicy,
    ResourceRules,
    block_rules_from_file,
)
from archiver.jobs.summary import errors_by_kind, progress_line
from archiver.store.page_resources import PageResourceReport

PAGE = "https://news.example.com/2026/11/27/story"


def policy(**rules: object) -> ResourcePolicy:
    defaults: dict[str, object] = {"site_hosts": ("example.com",), "default_blocklist": False}
    return ResourcePolicy(ResourceRules(**{**defaults, **rules}))  # type: ignore[arg-type]


def test_scope_all_site_and_none() -> None:
    cdn = "https://cdn.other-cdn.net/app.js"
    own = "https://static.example.com/site.css"
    assert policy().skip_reason(cdn, "script", PAGE) is None
    assert policy(scope="site").skip_reason(own, "stylesheet", PAGE) is None
    assert policy(scope="site").skip_reason(cdn, "script", PAGE) == "out-of-scope"
    assert policy(scope="site").skip_reason("https://notexample.com/x.js", "script", PAGE) == (
        "out-of-scope"
    )
    extra = policy(scope="site", site_hosts=("example.com", "other-cdn.net"))
    assert extra.skip_reason(cdn, "script", PAGE) is None
    assert policy(scope="none").skip_reason(own, "stylesheet", PAGE) == "out-of-scope"
    with pytest.raises(ValueError, match="scope must be one of"):
        policy(scope="everything")


def test_block_hosts_and_adblock_filters() -> None:
    rules = policy(block=("ads.example.net", "/banners/*", "||track.example.org^$image"))
    assert rules.skip_reason("https://ads.example.net/a.js", "script", PAGE) == "blocked"
    assert rules.skip_reason("https://eu.ads.example.net/a.js", "script", PAGE) == "blocked"
    assert rules.skip_reason("https://news.example.com/banners/b.png", "image", PAGE) == "blocked"
    assert rules.skip_reason("https://track.example.org/p.gif", "image", PAGE) == "blocked"
    # The filter names images only; and a host that merely ends alike is another host.
    assert rules.skip_reason("https://track.example.org/p.js", "script", PAGE) is None
    assert rules.skip_reason("https://badads.example.net/a.js", "script", PAGE) is None


def test_block_lists_in_hosts_and_easylist_format(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(
        "# blocked hosts\n127.0.0.1 localhost\n0.0.0.0 ads.example.net tracker.example.org"
        " # two on one line\n:: ipv6.example.net\n",
        encoding="utf-8",
    )
    easylist = tmp_path / "list.txt.gz"
    easylist.write_bytes(
        gzip.compress(b"[Adblock Plus 2.0]\n! Title: mine\n||pixel.example.com^\n##.ad-box\n")
    )
    assert block_rules_from_file(hosts) == [
        "||ads.example.net^",
        "||tracker.example.org^",
        "||ipv6.example.net^",
    ]
    assert block_rules_from_file(easylist) == ["||pixel.example.com^", "##.ad-box"]
    rules = policy(block_lists=(hosts, easylist))
    for url in ("https://tracker.example.org/t.js", "https://pixel.example.com/p.gif"):
        assert rules.skip_reason(url, "image", PAGE) == "blocked"
    assert rules.skip_reason("http://localhost/x.png", "image", PAGE) is None


def test_the_default_blocklist_stops_common_ad_and_analytics_hosts() -> None:
    on = policy(default_blocklist=True)
    for url, kind in (
        ("https://www.googletagmanager.com/gtm.js?id=GTM-1", "script"),
        ("https://www.google-analytics.com/analytics.js", "script"),
        ("https://securepubads.g.doubleclick.net/tag/js/gpt.js", "script"),
        ("https://connect.facebook.net/en_US/fbevents.js", "script"),
    ):
        assert on.skip_reason(url, kind, PAGE) == "blocked", url
        assert policy().skip_reason(url, kind, PAGE) is None
    for url, kind in (
        ("https://news.example.com/static/site.css", "stylesheet"),
        ("https://news.example.com/img/2026/harbour.jpg", "image"),
        ("https://fonts.gstatic.com/s/roboto/v30/font.woff2", "font"),
    ):
        assert on.skip_reason(url, kind, PAGE) is None, url


def test_a_host_is_given_up_after_the_set_number_of_failures() -> None:
    once = DeadHosts()
    assert once.failed("a.invalid", "dns") is True
    assert once.failed("a.invalid", "dns") is False  # given up already
    assert once.reason("a.invalid") == "dns" and once.reason("b.invalid") is None
    thrice = DeadHosts(3)
    assert [thrice.failed("slow.example", "timeout") for _ in range(3)] == [False, False, True]
    thrice.failed("gone.example", "refused")
    assert thrice.by_kind() == {"timeout": 1}


def test_one_request_at_a_time_goes_to_a_host_until_it_answers() -> None:
    probes: HostProbes[str] = HostProbes()
    assert probes.admit("cdn.example", "r1")  # the probe
    assert not probes.admit("cdn.example", "r2") and not probes.admit("cdn.example", "r3")
    assert probes.admit("other.example", "o1")  # another host has its own probe
    assert probes.failed("cdn.example", given_up=False) == ["r2"]  # the next one finds out
    assert probes.answered("cdn.example") == ["r3"]
    assert probes.admit("cdn.example", "r4")  # answered: no more waiting
    assert not probes.admit("other.example", "o2")
    assert probes.failed("other.example", given_up=True) == ["o2"]  # all skipped with it


def test_the_ledger_follows_stylesheets_and_keeps_the_first_outcome() -> None:
    ledger = ResourceLedger()
    css, font, img, dead = (f"https://news.example.com/{n}" for n in ("s.css", "f.woff", "i", "d"))
    assert ledger.need(PAGE, css, "stylesheet") and ledger.need(PAGE, img, "image")
    assert ledger.need(css, font, "font")
    assert not ledger.need("https://news.example.com/other", css, "stylesheet")  # shared
    ledger.need(PAGE, dead, "image")
    ledger.settle(css, ARCHIVED)
    ledger.settle(font, "http-404")
    ledger.settle(font, ARCHIVED)  # a later word does not undo the first
    ledger.settle(dead, "dead-host")
    report = ledger.report(PAGE)
    assert (report.needed, report.archived, report.missing_count) == (4, 1, 3)
    assert report.reasons() == {"http-404": 1, "dead-host": 1, "not-fetched": 1}
    assert report.sentence() == "3 of 4 page resources were not archived"
    assert PageResourceReport.from_dict(report.to_dict()) == report
    assert ledger.report("https://news.example.com/other").needed == 2


@pytest.mark.parametrize(
    ("exception", "kind"),
    [
        (twisted_error.DNSLookupError("x.invalid"), "dns"),
        (twisted_error.ConnectionRefusedError(), "refused"),
        (twisted_error.TCPTimedOutError(), "timeout"),
        (twisted_error.TimeoutError(), "timeout"),
        (twisted_error.NoRouteError(), "unreachable"),
        (ResponseNeverReceived([Failure(twisted_error.ConnectionLost())]), "reset"),
        (DownloadConnectionRefusedError("refused"), "refused"),
        (ValueError("Missing scheme in request url"), "other"),
    ],
)
def test_failures_have_stable_kinds(exception: Exception, kind: str) -> None:
    assert error_kind(exception) == kind


def test_a_vague_failure_takes_the_kind_of_what_it_wraps() -> None:
    try:
        try:
            raise twisted_error.DNSLookupError("x.invalid")
        except twisted_error.DNSLookupError as inner:
            raise DownloadFailedError("download failed") from inner
    except DownloadFailedError as outer:
        assert error_kind(outer) == "dns"
    wrapped = ResponseNeverReceived([Failure(twisted_error.ConnectionRefusedError())])
    assert error_kind(wrapped) == "refused"


def test_the_progress_line_splits_errors_by_kind() -> None:
    stats = {
        "archiver/fetch/error/dns": 14,
        "archiver/fetch/error/refused": 3,
        "archiver/fetch/error/timeout": 5,
        "archiver/resources/dead_hosts/dns": 12,
        "archiver/resources/dead_hosts/refused": 1,
        "archiver/pages/status/200": 40,
        "archiver/pages/status/404": 7,
        "archiver/pages/status/410": 2,
        "archiver/pages/status/503": 1,
        "archiver/extract/failed/worker-died": 1,
        "archiver/resources/fetched": 30,
        "archiver/resources/skipped/blocked": 8,
    }
    assert errors_by_kind(stats) == (
        "dns 14 on 12 hosts, refused 3 on 1 host, timeout 5, http 4xx 9, http 5xx 1, extraction 1"
    )
    line = progress_line(stats, 60.0)
    assert line.startswith("pages 50 (50/min), articles 0, resources 30 (skipped 8), errors: dns")
    assert errors_by_kind({"archiver/pages/status/200": 3}) == "none"


def _config(**requisites: object) -> dict[str, object]:
    return {
        "site": "x",
        "name": "X",
        "allowed_domains": ["news.example.com"],
        "sections": [{"url": "https://news.example.com/"}],
        "articles": {},
        "requisites": requisites,
    }


@pytest.mark.parametrize(
    ("requisites", "key", "expected"),
    [
        ({"scope": "cdn"}, "requisites.scope", "'all', 'site' or 'none'"),
        ({"max_per_page": 0}, "requisites.max_per_page", ">= 1"),
        ({"host_failures": 0}, "requisites.host_failures", ">= 1"),
        ({"timeout": 0}, "requisites.timeout", "> 0"),
        ({"block": [""]}, "requisites.block[0]", "a host name"),
        ({"hosts": ["https://cdn.example.com/"]}, "requisites.hosts[0]", "a host name"),
        ({"fetch": True}, "requisites.fetch", "unknown key"),
    ],
)
def test_bad_requisites_settings_name_the_key(
    requisites: dict[str, object], key: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_site_config(_config(**requisites), "site.yaml")
    assert caught.value.key == key
    assert expected in caught.value.message
