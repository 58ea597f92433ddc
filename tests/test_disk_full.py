"""A full disk stops a crawl at once with a message in words, keeps what was written sound, and
the next run, with space again, archives what is missing (issue 14).

Crawls run in subprocesses: one whose files may not grow past RLIMIT_FSIZE, and one writing
into a small tmpfs (when this process may mount one).
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver import fsutil
from archiver.fsutil import (
    DiskFull,
    as_disk_full,
    atomic_write_bytes,
    device_of,
    disk_full_message,
)
from archiver.jobs.summary import CrawlSummary
from tests.support import REPO, article_documents, demo_config, manifest, tool

#: What the CLI prints for a write that found no room: the disk (or the limit) and the file.
MESSAGE = re.compile(
    r"(?:no space left on (?P<device>\S+ \(\w+\))|file size limit reached \(RLIMIT_FSIZE\))"
    r" while writing (?P<file>/\S+|a temporary file in /\S+)"
)


# -- the message ------------------------------------------------------------------------------


def mountinfo(tmp_path: Path, *mounts: tuple[str, str, str]) -> Path:
    """A /proc/self/mountinfo with these (major:minor, mount point, type) lines."""
    lines = [
        f"{n} 1 {dev} / {point} rw,relatime shared:{n} - {fstype} src rw"
        for n, (dev, point, fstype) in enumerate(mounts, start=20)
    ]
    path = tmp_path / "mountinfo"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dev_of(path: Path) -> str:
    st_dev = path.stat().st_dev
    return f"{fsutil.os.major(st_dev)}:{fsutil.os.minor(st_dev)}"


def test_the_device_is_the_deepest_mount_of_the_file_s_device(tmp_path: Path) -> None:
    target = tmp_path / "archive" / "catalog.sqlite"  # not made yet: its folder counts
    table = mountinfo(
        tmp_path,
        (dev_of(tmp_path), "/", "ext4"),
        (dev_of(tmp_path), str(tmp_path), "tmpfs"),
        ("254:99", str(tmp_path / "archive"), "nfs"),  # over the path, but another device
    )
    assert device_of(target, table) == f"{tmp_path} (tmpfs)"


def test_a_mount_point_with_a_space_is_unescaped(tmp_path: Path) -> None:
    spaced = tmp_path / "my disk"
    spaced.mkdir()
    escaped = str(spaced).replace(" ", "\\040")
    table = mountinfo(tmp_path, (dev_of(spaced), "/", "ext4"), (dev_of(spaced), escaped, "xfs"))
    assert device_of(spaced / "a.json", table) == f"{spaced} (xfs)"


def test_without_a_matching_device_the_path_decides(tmp_path: Path) -> None:
    """btrfs subvolumes report a device number that mountinfo does not list."""
    table = mountinfo(tmp_path, ("0:1", "/", "rootfs"), ("0:2", str(tmp_path), "btrfs"))
    assert device_of(tmp_path / "x", table) == f"{tmp_path} (btrfs)"
    assert device_of(tmp_path / "x", tmp_path / "no-mountinfo") == "device"


def test_the_messages_name_the_limit_and_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = mountinfo(tmp_path, (dev_of(tmp_path), str(tmp_path), "tmpfs"))
    real_device_of = fsutil.device_of
    monkeypatch.setattr(fsutil, "device_of", lambda path: real_device_of(path, table))
    file = tmp_path / "warc" / "demo-1.warc.gz.open"
    assert disk_full_message(errno.ENOSPC, file) == (
        f"no space left on {tmp_path} (tmpfs) while writing {file}"
    )
    assert disk_full_message(errno.EDQUOT, file) == (
        f"disk quota exceeded on {tmp_path} (tmpfs) while writing {file}"
    )
    monkeypatch.setattr(fsutil, "file_size_limit", lambda: 1_000_000)
    assert disk_full_message(errno.EFBIG, file) == (
        f"file size limit reached (RLIMIT_FSIZE) while writing {file}"
    )
    monkeypatch.setattr(fsutil, "file_size_limit", lambda: None)
    assert disk_full_message(errno.EFBIG, file) == (
        f"file too large for {tmp_path} (tmpfs) while writing {file}"
    )
    assert disk_full_message(errno.ENOSPC, "/tmp", "a temporary file in /tmp").endswith(
        " while writing a temporary file in /tmp"
    )


def test_only_a_lack_of_room_becomes_disk_full(tmp_path: Path) -> None:
    full = as_disk_full(OSError(errno.ENOSPC, "No space left on device"), tmp_path / "a.json")
    assert isinstance(full, DiskFull) and isinstance(full, OSError)
    assert full.errno == errno.ENOSPC
    assert str(full).startswith("no space left on ")
    assert str(full).endswith(f" while writing {tmp_path / 'a.json'}")
    assert as_disk_full(full, tmp_path / "other") is full
    assert as_disk_full(OSError(errno.EIO, "Input/output error"), tmp_path) is None
    assert as_disk_full(ValueError("no"), tmp_path) is None
    catalog = tmp_path / "catalog.sqlite"
    sqlite_full = as_disk_full(sqlite3.OperationalError("database or disk is full"), catalog)
    assert sqlite_full is not None and str(sqlite_full).endswith(f" while writing {catalog}")
    assert as_disk_full(sqlite3.OperationalError("database is locked"), catalog) is None


# -- the writers, at RLIMIT_FSIZE --------------------------------------------------------------


def run_limited(code: str, limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Python `code` in a subprocess whose files may not grow past `limit` bytes."""

    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        preexec_fn=set_limit,
        capture_output=True,
        text=True,
        timeout=120,
    )


WRITERS = """
    import sys
    from pathlib import Path
    from archiver.fsutil import DiskFull, atomic_write_bytes, ignore_file_size_signal
    from archiver.warc import WarcWriter
    from tests.support import html_exchange

    ignore_file_size_signal()
    tmp = Path(sys.argv[1])
    target = tmp / "doc.json"
    atomic_write_bytes(target, b'{"old": true}')
    try:
        atomic_write_bytes(target, b"x" * 200_000)
    except DiskFull as exc:
        print("json:", exc)
    writer = WarcWriter(tmp / "warc", "t", warcinfo={"software": "test"}, gzip_level=0)
    written = 0
    try:
        for n in range(1000):
            writer.write_exchange(html_exchange(f"https://example.com/{n}", b"y" * 7000))
            written += 1
    except DiskFull as exc:
        print("warc:", exc)
    print("exchanges:", written)
    print("closed:", writer.close())
"""


def test_writers_at_the_file_size_limit_raise_disk_full_and_stay_sound(tmp_path: Path) -> None:
    done = run_limited(WRITERS, 100_000, str(tmp_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    target = tmp_path / "doc.json"
    assert f"json: file size limit reached (RLIMIT_FSIZE) while writing {target}" in out
    assert target.read_bytes() == b'{"old": true}'  # the old file, whole
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    warc = re.search(r"warc: .* while writing (\S+)", out)
    assert warc is not None, out
    assert warc.group(1).endswith(".warc.gz.open")
    exchanges = int(re.search(r"exchanges: (\d+)", out).group(1))  # type: ignore[union-attr]
    assert exchanges > 3
    (closed,) = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert closed.stat().st_size <= 100_000
    check = subprocess.run([tool("warcio"), "check", str(closed)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([tool("warcio"), "index", str(closed)], capture_output=True, text=True)
    types = [json.loads(line)["warc-type"] for line in index.stdout.splitlines()]
    assert types == ["warcinfo"] + ["response", "request"] * exchanges


CATALOG = """
    import sys
    from pathlib import Path
    from archiver.fsutil import DiskFull, ignore_file_size_signal
    from archiver.store.catalog import Catalog

    ignore_file_size_signal()
    path = Path(sys.argv[1]) / "catalog.sqlite"
    catalog = Catalog(path)
    catalog._db.execute("CREATE TABLE filler (n INTEGER, blob TEXT)")
    catalog.commit()
    catalog._db.execute("INSERT INTO filler VALUES (1, 'kept')")
    catalog.commit()
    try:
        for n in range(2, 100):
            catalog._db.execute("INSERT INTO filler VALUES (?, ?)", (n, "z" * 50_000))
        catalog.commit()
    except DiskFull as exc:
        print("catalog:", exc)
    print("rows:", catalog._db.execute("SELECT COUNT(*) FROM filler").fetchone()[0])
    catalog.close()
"""


def test_the_catalog_at_the_file_size_limit_rolls_back(tmp_path: Path) -> None:
    done = run_limited(CATALOG, 600_000, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert re.search(
        rf"catalog: file size limit reached \(RLIMIT_FSIZE\) while writing "
        rf"{re.escape(str(tmp_path / 'catalog.sqlite'))}(-wal)?\n",
        done.stdout,
    ), done.stdout
    assert "rows: 1\n" in done.stdout  # the transaction that did not fit is gone, whole
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    assert db.execute("SELECT blob FROM filler").fetchall() == [("kept",)]
    db.close()


EXTRACTION = """
    import sys
    from archiver.extraction.pool import extract_outcome
    from archiver.fsutil import ignore_file_size_signal

    ignore_file_size_signal()
    html = open(sys.argv[1], "rb").read()
    outcome = extract_outcome(html, "http://127.0.0.1/news/2026/11/25/story", "utf-8", None)
    print(outcome.failure, outcome.message)
"""


def test_an_extraction_without_room_for_its_temporary_file_says_so() -> None:
    """The language model is unpacked into a temporary file (65 MB): a page is not to blame."""
    article = REPO / "archiver/demo_site/site/news/2026/11/25/harbour-wall-repairs-approved.html"
    done = run_limited(EXTRACTION, 1_000_000, str(article))
    assert done.returncode == 0, done.stderr
    assert re.match(
        r"disk-full file size limit reached \(RLIMIT_FSIZE\) while writing a temporary file in /",
        done.stdout,
    ), done.stdout


# -- crawls ------------------------------------------------------------------------------------


def crawl(
    config: Path, archive: Path, *args: str, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`archiver crawl CONFIG --archive ARCHIVE --json` in a subprocess (its file size limited)."""

    def set_limit() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "crawl",
            str(config),
            "--archive",
            str(archive),
            "--json",
            *args,
        ],
        preexec_fn=set_limit,
        capture_output=True,
        text=True,
        timeout=300,  # a crawl that loops on a full disk fails here
    )


def stopped_on_a_full_disk(run: subprocess.CompletedProcess[str]) -> re.Match[str]:
    """What a user sees: exit 1, the message in the log and in the summary, and what to do."""
    assert run.returncode == 1, run.stderr
    found = MESSAGE.search(run.stderr)
    assert found is not None, run.stderr
    (summary,) = json.loads(run.stdout)
    assert summary["finish_reason"] == "disk_full"
    assert summary["failure"] == summary["disk_full"] == found.group(0)
    assert f"FAILED: {found.group(0)}" in run.stderr
    assert "run the same command again" in run.stderr
    assert "Traceback" not in run.stderr
    return found


def assert_sound(archive: Path) -> None:
    """Every closed WARC passes `warcio check`; every JSON document reads whole."""
    warcs = sorted((archive / "warc").rglob("*.warc.gz"))
    for path in warcs:
        check = subprocess.run([tool("warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, (path, check.stdout, check.stderr)
    for path in [*archive.glob("articles/**/*.json"), *archive.glob("sections/**/*.json")]:
        json.loads(path.read_text(encoding="utf-8"))
    assert list(archive.rglob("*.tmp")) == []


def assert_complete(archive: Path, base_url: str, run: subprocess.CompletedProcess[str]) -> None:
    """The next run, with room again, finished and left a document for every demo article."""
    assert run.returncode == 0, run.stderr
    assert_sound(archive)
    docs = [d for d in article_documents(archive) if d["is_article"]]
    assert {d["canonical_url"] or d["url"] for d in docs} == {
        base_url + a["canonical_path"] for a in manifest()["articles"]
    }
    assert not (archive / "state" / "jobs" / "demo").exists()


def test_a_crawl_at_the_file_size_limit_stops_and_the_next_run_completes(
    demo_site: str, tmp_path: Path
) -> None:
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    archive = tmp_path / "archive"
    first = crawl(config, archive, limit=1_000_000)
    found = stopped_on_a_full_disk(first)
    assert found.group(0).startswith("file size limit reached (RLIMIT_FSIZE)")
    named = found.group("file")
    assert named.startswith((str(archive), "a temporary file in "))
    assert list((archive / "warc").rglob("*.warc.gz"))  # something was archived before
    assert_sound(archive)
    assert not (archive / "state" / "jobs" / "demo").exists()  # not to be resumed: see runner
    assert_complete(archive, demo_site, crawl(config, archive))


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB tmpfs (mounted for the test; unmounted after), or the test is skipped."""
    point = tmp_path / "small"
    point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield point
    finally:
        if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(point)], capture_output=True)


def fill(point: Path, leave: int) -> Path:
    """A filler file (made anew) that leaves about `leave` bytes free at `point`."""
    filler = point / "filler"
    filler.unlink(missing_ok=True)
    size = max(shutil.disk_usage(point).free - leave, 0)
    # To the last byte: the last block may not fit.
    with open(filler, "wb", buffering=0) as fh, contextlib.suppress(OSError):
        fh.write(b"\0" * size)
    return filler


def test_a_crawl_on_a_full_disk_stops_and_continues_once_there_is_room(
    demo_site: str, tmp_path: Path, small_tmpfs: Path
) -> None:
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    archive = small_tmpfs / "archive"
    filler = fill(small_tmpfs, 700_000)
    first = crawl(config, archive)
    found = stopped_on_a_full_disk(first)
    assert found.group("device") == f"{small_tmpfs} (tmpfs)"
    assert found.group("file").startswith(str(archive) + "/")
    assert_sound(archive)
    # Still full: the next run stops as soon as it writes, with the same words.
    fill(small_tmpfs, 0)
    again = crawl(config, archive)
    assert stopped_on_a_full_disk(again).group("device") == f"{small_tmpfs} (tmpfs)"
    assert_sound(archive)
    filler.unlink()
    assert_complete(archive, demo_site, crawl(config, archive, "--resume"))


def test_a_full_disk_under_scrapy_s_job_state_stops_the_crawl(
    demo_site: str, tmp_path: Path, small_tmpfs: Path
) -> None:
    """JOBDIR (Scrapy's request queue and seen-set) on a disk of its own, which fills up."""
    config = demo_config(demo_site, tmp_path / "demo.yaml")
    archive = tmp_path / "archive"
    fill(small_tmpfs, 16_000)
    run = crawl(config, archive, "-s", f"JOBDIR={small_tmpfs / 'job'}")
    found = stopped_on_a_full_disk(run)
    assert found.group("device") == f"{small_tmpfs} (tmpfs)"
    assert found.group("file").startswith(f"{small_tmpfs / 'job'}/")
    assert_sound(archive)


@pytest.mark.parametrize("room", [0, 250_000], ids=["full", "fills-up"])
def test_a_one_off_archive_on_a_full_disk_exits_1_with_the_message(
    demo_site: str, small_tmpfs: Path, room: int
) -> None:
    archive = small_tmpfs / "archive"
    fill(small_tmpfs, room)
    url = f"{demo_site}/news/2026/11/25/harbour-wall-repairs-approved"
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "archive", url, "--archive", str(archive)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    found = MESSAGE.search(done.stderr)
    assert found is not None and found.group("device") == f"{small_tmpfs} (tmpfs)", done.stderr
    assert f"Error: {found.group(0)}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_summary_puts_the_full_disk_first() -> None:
    stats = {
        "finish_reason": "finished",  # e.g. the disk filled while Scrapy saved its job state
        "archiver/disk_full": 3,
        "archiver/disk_full/message": "no space left on /srv (ext4) while writing /srv/a/x.json",
        "archiver/sections/fetched": 2,
        "archiver/articles/written": 5,
    }
    summary = CrawlSummary.from_stats("demo", stats)
    assert summary.failure() == "no space left on /srv (ext4) while writing /srv/a/x.json"
    assert "FAILED: no space left on /srv (ext4)" in summary.render()
    assert (
        CrawlSummary.from_stats("demo", {**stats, "archiver/disk_full/message": None}).failure()
        is None
    )


def test_atomic_write_out_of_room_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever step fails (here the fsync), the temp file goes and the message names the file."""

    def no_room(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil.os, "fsync", no_room)
    with pytest.raises(DiskFull, match=rf"^no space left on .* while writing {tmp_path}/a\.json$"):
        atomic_write_bytes(tmp_path / "a.json", b"{}")
    assert list(tmp_path.iterdir()) == []
