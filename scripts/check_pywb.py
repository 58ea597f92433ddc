"""Check that archiver's WARC files and CDXJ index replay in pywb, the reference replay tool.

Usage: ``python scripts/check_pywb.py [--archive DIR] [--keep DIR] [--rendered-only]``

pywb cannot be a dependency of archiver (pywb 2.10 pins redis==2.10.6, which scrapy-redis cannot
live with), so it is installed into its own virtual environment, ``.venv-pywb`` beside the repo.
Without --archive, the demo site is crawled twice into a fresh archive (the second crawl writes
revisit records). Each collection of the archive is then replayed by pywb's `wayback` twice: once
from an index pywb builds itself (`wb-manager add`), once from archiver's own CDXJ files
(indexes/<site>/*.cdxj). For every article, and every revisit, the replay must answer 200 with
the archived page (its title in the body).

Then a rendered capture (the hand-made archive of tests/rendered_archive.py: a page whose HTML
is a shell that builds its story from JSON with fetch(), the JSON exchange, the rendered DOM
and two screenshots as ``urn:`` resource records) is replayed the same two ways: the
``urn:screenshot:``, ``urn:screenshot-full:`` and ``urn:dom:`` records by their replay paths,
and, in headless Chromium (Debian's, through Playwright), the page itself, framed with pywb's
banner, whose story must appear: pywb re-runs the page's script and its client-side rewriting
serves the fetch() from the recorded exchange. Without Chromium or Playwright that one check
is reported as skipped, not passed.

Then Memento (RFC 7089), pywb's (``enable_memento: true``) against archiver's, on the same WARC
files: the demo archive (or --archive) and the hand-made archive of tests/memento_archive.py (one
URL captured three times). For every URL with two captures or more (up to --memento-urls per
collection), both TimeGates (``/<collection>/<URL>``) are asked with the same Accept-Datetime
values (before the first capture, on each, a third and two thirds of the way between two, after
the last) and must choose the same capture; both TimeMaps (``/<collection>/timemap/link/<URL>``)
must list the same set of memento datetimes.

Prints one line per check and a verdict; exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYWB_VENV = REPO / ".venv-pywb"


def pywb_bin(name: str) -> Path:
    """A pywb command from its own venv, installed on first use."""
    if not (PYWB_VENV / "bin" / "wayback").exists():
        print("installing pywb into .venv-pywb ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PYWB_VENV)], check=True)
        pip = [str(PYWB_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "pywb"], check=True)
    return PYWB_VENV / "bin" / name


def crawl_demo_twice(archive: Path) -> None:
    """The demo site, crawled twice into `archive` (the second run writes revisits)."""
    sys.path.insert(0, str(REPO))
    from archiver.demo_site import running

    with running() as base, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "demo.yaml"
        text = (REPO / "configs" / "demo.yaml").read_text(encoding="utf-8")
        config.write_text(text.replace("http://127.0.0.1:8093", base), encoding="utf-8")
        for _ in range(2):
            command = [sys.executable, "-m", "archiver", "crawl", str(config), "-q"]
            subprocess.run([*command, "--archive", str(archive)], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def wayback(root: Path, config: str | None = None) -> Iterator[str]:
    """pywb's `wayback` serving the collections under root/collections (with root/config.yaml
    holding `config`, when given)."""
    if config is not None:
        (root / "config.yaml").write_text(config, encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen(
        [str(pywb_bin("wayback")), "--port", str(port), "--bind", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None:
                    raise RuntimeError(f"wayback died: {proc.stderr.read()!r}") from None  # type: ignore[union-attr]
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def collection(root: Path, name: str, warcs: list[Path], cdxj: list[Path] | None) -> None:
    """A pywb collection with the WARC files, indexed by pywb itself or given our CDXJ."""
    subprocess.run([str(pywb_bin("wb-manager")), "init", name], cwd=root, check=True)
    coll = root / "collections" / name
    if cdxj is None:
        subprocess.run(
            [str(pywb_bin("wb-manager")), "add", name, *map(str, warcs)], cwd=root, check=True
        )
        return
    for warc in warcs:
        shutil.copy(warc, coll / "archive" / warc.name)
    lines = sorted(line for path in cdxj for line in path.read_text().splitlines() if line)
    (coll / "indexes" / "index.cdxj").write_text("\n".join(lines) + "\n")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def captures(archive: Path, site: str) -> list[tuple[str, str, str]]:
    """(kind, 14-digit time, URL) of the article and revisit captures to replay."""
    import sqlite3

    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        articles = con.execute(
            "SELECT DISTINCT c.date, c.url FROM articles a JOIN captures c"
            " ON c.record_id = a.record_id WHERE a.site = ?",
            (site,),
        ).fetchall()
        revisits = con.execute(
            "SELECT date, url FROM captures WHERE site = ? AND record_type = 'revisit'"
            " AND status = 200",
            (site,),
        ).fetchall()
    finally:
        con.close()
    stamp = lambda d: "".join(c for c in d if c.isdigit())[:14]  # noqa: E731
    return [("article", stamp(d), u) for d, u in articles] + [
        ("revisit", stamp(d), u) for d, u in revisits
    ]


def check(archive: Path, work: Path) -> int:
    """Replay every article and revisit of every collection in pywb; the number of failures."""
    failures = 0
    for site_dir in sorted(p for p in (archive / "warc").iterdir() if p.is_dir()):
        site = site_dir.name
        warcs = sorted(site_dir.glob("*.warc.gz"))
        ours = sorted((archive / "indexes" / site).glob("*.cdxj"))
        titles = {
            json.loads(p.read_text())["url"]: json.loads(p.read_text())["title"]
            for p in (archive / "articles" / site).rglob("*.json")
        }
        for label, cdxj in (("pywb's index", None), ("archiver's CDXJ", ours)):
            if cdxj is not None and not cdxj:
                print(f"FAIL {site}: no CDXJ files under indexes/{site}/")
                failures += 1
                continue
            root = work / label.replace("'", "").replace(" ", "-") / site
            root.mkdir(parents=True)
            collection(root, site, warcs, cdxj)
            with wayback(root) as base:
                for kind, stamp, url in captures(archive, site):
                    status, body = fetch(f"{base}/{site}/{stamp}id_/{url}")
                    title = titles.get(url) or ""
                    # The page itself, not the article JSON indexed under the same URL.
                    page = "<html" in body[:2000].lower()
                    ok = status == 200 and (kind != "article" or (page and title[:30] in body))
                    failures += not ok
                    verdict = "ok  " if ok else "FAIL"
                    print(f"{verdict} {label}: {kind} {site}/{stamp}/{url} -> {status}")
    return failures


def fetch_bytes(url: str) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def _story_shown(page_url: str, text: str) -> str:
    """'ok' when headless Chromium shows `text` in the page at `page_url` (or in a frame of
    it) within 30 seconds, 'skip: why' without a browser, else 'FAIL: what it showed'."""
    chromium = os.environ.get("ARCHIVER_CHROMIUM") or shutil.which("chromium")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return "skip: Playwright is not installed in this Python"
    if not chromium:
        return "skip: Debian's chromium is not installed"
    shows = (
        "text => [window, ...Array.from(window.frames)].some(w => {"
        " try { return w.document.body.innerText.includes(text); } catch (e) { return false; } })"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(page_url, wait_until="load")
            try:
                page.wait_for_function(shows, arg=text, timeout=30_000)
            except Error:
                seen = [f.inner_text("body")[:200] for f in page.frames if f.url != "about:blank"]
                return f"FAIL: it shows {seen!r}"
            return "ok"
        finally:
            browser.close()


def check_rendered(work: Path) -> int:
    """Replay the hand-made rendered capture in pywb; the number of failures."""
    sys.path.insert(0, str(REPO))
    from tests import rendered_archive as r

    archive = r.make_archive(work / "rendered-archive")
    records = {
        "urn:screenshot:": r.SCREENSHOT,
        "urn:screenshot-full:": r.FULL_SCREENSHOT,
        "urn:dom:": r.DOM.encode(),
    }
    ours = sorted((archive.root / "indexes" / r.SITE).glob("*.cdxj"))
    failures = 0
    for label, cdxj in (("pywb's index", None), ("archiver's CDXJ", ours)):
        root = work / "rendered" / label.replace("'", "").replace(" ", "-")
        root.mkdir(parents=True)
        collection(root, r.SITE, [archive.warc], cdxj)
        with wayback(root) as base:
            for prefix, expected in records.items():
                uri = prefix + r.PAGE_URL
                status, content_type, body = fetch_bytes(f"{base}/{r.SITE}/{r.STAMP}id_/{uri}")
                # pywb picks one of the two DOM records at the same second: either will do.
                decoy = r.DOM.replace(r.TEXT, r.DECOY_TEXT).encode()
                ok = status == 200 and (
                    body == expected or (prefix == "urn:dom:" and body == decoy)
                )
                failures += not ok
                verdict = "ok  " if ok else "FAIL"
                print(f"{verdict} {label}: rendered {uri} -> {status} {content_type}")
            shown = _story_shown(f"{base}/{r.SITE}/{r.STAMP}/{r.PAGE_URL}", r.TEXT)
            failures += shown.startswith("FAIL")
            verdict = {"ok": "ok  "}.get(shown, "SKIP" if shown.startswith("skip") else "FAIL")
            print(f"{verdict} {label}: rendered page's fetch()-built story in Chromium: {shown}")
    return failures


# -- Memento -----------------------------------------------------------------------------------

#: pywb's Memento on, its TimeGate answering with a redirect to the capture chosen (framed
#: replay would answer with the frame instead), and its "all" collection (every one together).
PYWB_MEMENTO_CONFIG = (
    "enable_memento: true\nframed_replay: false\nredirect_to_exact: true\n"
    "collections:\n  all: $all\n"
)
_STAMP_IN_PATH = re.compile(r"/(\d{14})[a-z]{0,2}_?/")
_DATETIME = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)')


def _when(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def accept_datetimes(stamps: list[str]) -> list[str]:
    """Accept-Datetime values to try against captures at `stamps` (sorted): a day before the
    first, each one exactly, a third and two thirds of the way between two, a day after."""
    times = [_when(s) for s in stamps]
    moments = [times[0] - timedelta(days=1), *times, times[-1] + timedelta(days=1)]
    for a, b in itertools.pairwise(times):
        moments += [a + (b - a) / 3, a + 2 * (b - a) / 3]
    return [format_datetime(m.replace(microsecond=0), usegmt=True) for m in sorted(set(moments))]


def timegate_choice(base: str, path: str, accept_datetime: str) -> str:
    """The 14-digit timestamp a TimeGate redirects to (or 'status N' when it does not)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Datetime": accept_datetime})
        response = connection.getresponse()
        response.read()
        location = response.headers.get("Location") or ""
    finally:
        connection.close()
    found = _STAMP_IN_PATH.search(location)
    return (
        found.group(1)
        if response.status in (302, 303, 307) and found
        else f"status {response.status}"
    )


def timemap_datetimes(url: str) -> set[tuple[str, str]] | str:
    """(timestamp, collection) of the mementos a link-format TimeMap lists (or 'status N')."""
    status, body = fetch(url)
    if status != 200:
        return f"status {status}"
    found = set()
    for _, params in _DATETIME.findall(body):
        fields = dict(re.findall(r'([a-z]+)="([^"]*)"', params))
        if "memento" in fields.get("rel", "").split() and "datetime" in fields:
            stamp = _stamp(parsedate_to_datetime(fields["datetime"]))
            found.add((stamp, fields.get("collection", "")))
    return found


@contextmanager
def archiver_replay(archive: Path) -> Iterator[str]:
    """archiver's replay server for `archive`, in this process: the pages origin's base URL."""
    sys.path.insert(0, str(REPO))
    from archiver.replay.server import make_server

    server = make_server(archive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()


def several_captures(archive: Path, sites: list[str], limit: int) -> list[tuple[str, list[str]]]:
    """(URL, sorted distinct timestamps) of up to `limit` URLs captured at two times or more in
    the collections `sites` together (by archiver's CDXJ), most captured first."""
    by_url: dict[str, set[str]] = {}
    for site in sites:
        for path in sorted((archive / "indexes" / site).glob("*.cdxj")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    _, stamp, fields = line.split(" ", 2)
                    url = json.loads(fields)["url"]
                    if url.startswith(("http://", "https://")):
                        by_url.setdefault(url, set()).add(stamp)
    several = [(u, sorted(s)) for u, s in by_url.items() if len(s) > 1]
    return sorted(several, key=lambda x: (-len(x[1]), x[0]))[:limit]


def compare_url(
    pywb: tuple[str, str], ours: tuple[str, str], label: str, url: str, stamps: list[str]
) -> tuple[int, int]:
    """pywb's and archiver's TimeGate and TimeMap for one URL, each given as (base URL,
    TimeGate path prefix): (checks, failures). The TimeMap is <prefix>timemap/link/<URL>,
    except archiver's archive-wide one (prefix /timegate/): /timemap/link/<URL>."""
    values = accept_datetimes(stamps)
    agree = 0
    name = f"{ours[1]}{url}"
    for value in values:
        theirs = timegate_choice(pywb[0], f"{pywb[1]}{url}", value)
        mine = timegate_choice(ours[0], f"{ours[1]}{url}", value)
        agree += theirs == mine
        if theirs != mine:
            print(f"FAIL {label}: TimeGate {name} at {value}: pywb {theirs}, ours {mine}")
    verdict = "ok  " if agree == len(values) else "FAIL"
    print(f"{verdict} {label}: TimeGate {name}: same capture {agree}/{len(values)} times")
    our_map = "/timemap/link/" if ours[1] == "/timegate/" else f"{ours[1]}timemap/link/"
    theirs_map = timemap_datetimes(f"{pywb[0]}{pywb[1]}timemap/link/{url}")
    mine_map = timemap_datetimes(f"{ours[0]}{our_map}{url}")
    same = isinstance(mine_map, set) and theirs_map == mine_map
    if same:
        detail = f"the same {len(mine_map)} mementos (datetime, collection)"
    else:
        detail = f"pywb {theirs_map}, ours {mine_map}"
    print(f"{'ok  ' if same else 'FAIL'} {label}: TimeMap of {name}: {detail}")
    return len(values) + 1, len(values) - agree + (not same)


def check_memento(archive: Path, work: Path, label: str, limit: int) -> tuple[int, int]:
    """pywb's Memento against archiver's on the same WARC files: (checks, failures). Each
    collection of the archive is one of pywb's, indexed by pywb; archiver's archive-wide
    TimeGate and TimeMaps are compared with those of pywb's "all" collection."""
    checks = failures = 0
    sites = sorted(p.name for p in (archive / "warc").iterdir() if p.is_dir())
    if not sites:
        return 0, 0
    root = work / "memento" / label
    root.mkdir(parents=True)
    for site in sites:
        collection(root, site, sorted((archive / "warc" / site).glob("*.warc.gz")), None)
    with archiver_replay(archive) as ours, wayback(root, PYWB_MEMENTO_CONFIG) as pywb:
        forms = [(f"/{site}/", f"/{site}/", [site]) for site in sites]
        if len(sites) > 1:
            forms.append(("/all/", "/timegate/", sites))
        for theirs, mine, within in forms:
            for url, stamps in several_captures(archive, within, limit):
                done, failed = compare_url((pywb, theirs), (ours, mine), label, url, stamps)
                checks, failures = checks + done, failures + failed
    return checks, failures


def check_mementos(archive: Path | None, work: Path, limit: int) -> int:
    """`check_memento` over `archive` and the hand-made three-capture archive; failures."""
    sys.path.insert(0, str(REPO))
    from tests.memento_archive import make_archive

    archives = [("three captures", make_archive(work / "memento-archive"))]
    if archive is not None:
        archives.insert(0, ("archive", archive))
    checks = failures = 0
    for label, path in archives:
        done, failed = check_memento(path, work, label.replace(" ", "-"), limit)
        checks, failures = checks + done, failures + failed
    print(f"Memento: {checks - failures}/{checks} checks agree with pywb")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, help="an archive (default: crawl the demo)")
    parser.add_argument("--keep", type=Path, help="keep the pywb collections here")
    parser.add_argument(
        "--rendered-only", action="store_true", help="only the rendered capture's checks"
    )
    parser.add_argument("--memento-only", action="store_true", help="only the Memento checks")
    parser.add_argument(
        "--memento-urls", type=int, default=5, help="URLs per collection to compare (default 5)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp) / "pywb"
        failures = 0
        if not args.rendered_only:
            archive = args.archive or Path(tmp) / "archive"
            if args.archive is None:
                crawl_demo_twice(archive)
            if not args.memento_only:
                failures += check(archive, work)
            failures += check_mementos(archive, work, args.memento_urls)
        if not args.memento_only:
            failures += check_rendered(work)
    print("pywb replays everything" if not failures else f"{failures} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
