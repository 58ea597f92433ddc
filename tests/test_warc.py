"""archiver.warc: records, rotating writer, reader, recovery (and archiver.fsutil)."""

from __future__ import annotations

import gzip
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from archiver.fsutil import atomic_write_bytes, atomic_write_text
from archiver.warc import (
    HttpExchange,
    RecordLocation,
    WarcWriter,
    build_http_headers,
    iter_records,
    iter_stored_records,
    payload_digest,
    read_record,
    recover_open_files,
    request_target,
)
from archiver.warc import records as rec
from archiver.warc.http_headers import status_line
from archiver.warc.writer import complete_members_end

ROOT = Path(__file__).resolve().parents[1]
FETCHED = datetime(2026, 11, 27, 18, 15, 0, 123456, tzinfo=UTC)
OPENED = datetime(2026, 11, 27, 18, 15, 1, tzinfo=UTC)
WARCINFO = {"software": "archiver/0.1.0", "operator": "Test Archivist"}


class FixedWarcWriter(WarcWriter):
    """Deterministic record ids and clock, for byte-exact output (cf. warcio's test_writer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids = itertools.count(1)

    def _make_record_id(self) -> str:
        return f"<urn:uuid:00000000-0000-4000-8000-{next(self._ids):012d}>"

    def _utcnow(self) -> datetime:
        return OPENED


def exchange(**overrides: Any) -> HttpExchange:
    fields: dict[str, Any] = {
        "url": "http://news.example.com/world/story?id=42&page=2",
        "method": "GET",
        "request_headers": [("User-Agent", "archiver-test"), ("Accept", "*/*")],
        "request_body": b"",
        "protocol": "HTTP/1.1",
        "status": 200,
        "reason": None,
        "response_headers": [("Content-Type", "text/html; charset=utf-8")],
        "body": b"<html><p>Hello</p></html>",
        "ip_address": "192.0.2.7",
        "fetched_at": FETCHED,
    }
    fields.update(overrides)
    return HttpExchange(**fields)


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    assert found, f"{name} is not installed"
    return found


def warcio_check(*paths: Path) -> None:
    result = subprocess.run(
        [tool("warcio"), "check", "-v", *map(str, paths)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout


def members(path: Path) -> list[bytes]:
    """The decompressed gzip members of a file, one per record."""
    data, out = path.read_bytes(), []
    while data:
        d = zlib.decompressobj(31)
        out.append(d.decompress(data))
        assert d.eof
        data = d.unused_data
    return out


def record_types(path: Path) -> list[str]:
    return [r.rec_type for _, _, r in iter_records(path)]


# -- byte-exact output -------------------------------------------------------------------

EXPECTED = """\
WARC/1.1
WARC-Type: warcinfo
WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>
WARC-Filename: demo-20261127181501-00001.warc.gz
WARC-Date: 2026-11-27T18:15:01.000000Z
WARC-Block-Digest: sha1:HYIAZ654JZMOB3DWWWKL4QMMJTS3ZB2G
Content-Type: application/warc-fields
Content-Length: 174

software: archiver/0.1.0
operator: Test Archivist
format: WARC File Format 1.1
conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/


WARC/1.1
WARC-Type: response
WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000002>
WARC-Date: 2026-11-27T18:15:00.123456Z
WARC-Target-URI: http://news.example.com/world/story?id=42&page=2
WARC-IP-Address: 192.0.2.7
WARC-Payload-Digest: sha1:5NOT7QMP64TWPLBYJLAT5XNNUYJMPX4N
WARC-Block-Digest: sha1:VB5NXAW347FIVO57VCEYGE7Y273VYGO6
Content-Type: application/http; msgtype=response
Content-Length: 138

HTTP/1.1 200 OK
Content-Type: text/html; charset=utf-8
Set-Cookie: a=1
Set-Cookie: b=2
Content-Length: 25

<html><p>Hello</p></html>

WARC/1.1
WARC-Type: request
WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000003>
WARC-Date: 2026-11-27T18:15:00.123456Z
WARC-Target-URI: http://news.example.com/world/story?id=42&page=2
WARC-IP-Address: 192.0.2.7
WARC-Concurrent-To: <urn:uuid:00000000-0000-4000-8000-000000000002>
WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ
WARC-Block-Digest: sha1:2GDWSCOY3VHADEGJ37YUE3EXWGXFG4X4
Content-Type: application/http; msgtype=request
Content-Length: 106

GET /world/story?id=42&page=2 HTTP/1.1
Host: news.example.com
User-Agent: archiver-test
Accept: */*



"""


def test_byte_exact_file(tmp_path: Path) -> None:
    writer = FixedWarcWriter(tmp_path, "demo", warcinfo=WARCINFO)
    req, resp = writer.write_exchange(
        exchange(
            response_headers=[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Transfer-Encoding", "chunked"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ]
        )
    )
    [path] = writer.close()
    assert path.name == "demo-20261127181501-00001.warc.gz"
    assert gzip.decompress(path.read_bytes()).decode() == EXPECTED.replace("\n", "\r\n")
    parts = members(path)
    assert len(parts) == 3  # warcinfo, response, request: one gzip member each
    assert resp == RecordLocation(
        warc_file=path.name,
        offset=resp.offset,
        length=resp.length,
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000002>",
        record_type="response",
        target_uri="http://news.example.com/world/story?id=42&page=2",
        date="2026-11-27T18:15:00.123456Z",
        payload_digest=payload_digest(b"<html><p>Hello</p></html>"),
        status=200,
        mime="text/html",
    )
    assert req.record_type == "request"
    assert req.offset == resp.offset + resp.length
    assert req.offset + req.length == path.stat().st_size


# -- HTTP headers as stored --------------------------------------------------------------


def request_bytes(ex: HttpExchange) -> bytes:
    return rec.serialize(rec.request_record(ex, record_id="<urn:uuid:r>", concurrent_to="<x>"))


def test_request_line_keeps_query_string_and_adds_host() -> None:
    data = request_bytes(exchange(url="http://example.com:8080/search?q=a%20b&page=2#frag"))
    assert b"\r\n\r\nGET /search?q=a%20b&page=2 HTTP/1.1\r\nHost: example.com:8080\r\n" in data
    assert b"Host: example.com\r\n" in request_bytes(exchange(url="http://example.com"))
    assert b"GET / HTTP/1.1\r\n" in request_bytes(exchange(url="http://example.com"))


def test_request_host_not_duplicated() -> None:
    data = request_bytes(exchange(request_headers=[("User-Agent", "x"), ("host", "given.example")]))
    assert data.count(b"ost: ") == 1
    assert b"User-Agent: x\r\nhost: given.example\r\n" in data


def test_transfer_encoding_dropped_and_content_length_fixed() -> None:
    headers = [
        ("Date", "Fri, 27 Nov 2026 18:15:00 GMT"),
        ("content-length", "999"),
        ("Transfer-Encoding", "chunked"),
        ("Set-Cookie", "a=1"),
        ("Content-Length", "998"),
        ("Set-Cookie", "b=2"),
    ]
    assert build_http_headers(exchange(response_headers=headers, body=b"12345")) == [
        ("Date", "Fri, 27 Nov 2026 18:15:00 GMT"),
        ("content-length", "5"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]
    added = build_http_headers(exchange(response_headers=[("X-A", "1")], body=b""))
    assert added == [("X-A", "1"), ("Content-Length", "0")]


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("GET", 304), ("GET", 204)])
def test_bodiless_responses_keep_content_length(method: str, status: int) -> None:
    headers = [("Content-Length", "1234"), ("Transfer-Encoding", "chunked")]
    ex = exchange(method=method, status=status, response_headers=headers, body=b"")
    assert build_http_headers(ex) == [("Content-Length", "1234")]


def test_body_is_decoded_drops_content_encoding() -> None:
    headers = [("Content-Encoding", "gzip"), ("Content-Type", "text/html")]
    kept = build_http_headers(exchange(response_headers=headers, body=b"abc"))
    assert ("Content-Encoding", "gzip") in kept
    decoded = build_http_headers(
        exchange(response_headers=headers, body=b"abc", body_is_decoded=True)
    )
    assert decoded == [("Content-Type", "text/html"), ("Content-Length", "3")]


def test_status_line_reason() -> None:
    assert status_line(exchange(status=404, reason=None)) == "404 Not Found"
    assert status_line(exchange(status=599, reason=None)) == "599 "
    assert status_line(exchange(status=200, reason="Fine")) == "200 Fine"


def test_latin1_header_bytes_round_trip(tmp_path: Path) -> None:
    wire = "attachment; filename=caf\xe9.html"  # the byte 0xE9, decoded as latin-1
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        writer.write_exchange(exchange(response_headers=[("Content-Disposition", wire)]))
    [path] = writer.closed_files
    assert b"Content-Disposition: attachment; filename=caf\xe9.html\r\n" in members(path)[1]
    warcio_check(path)


def test_header_line_breaks_neutralised() -> None:
    ex = exchange(response_headers=[("X-Evil", "a\r\nWARC-Type: forged")])
    assert build_http_headers(ex)[0] == ("X-Evil", "a  WARC-Type: forged")


def test_naive_fetched_at_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        exchange(fetched_at=datetime(2026, 1, 1))


# -- content encoding, digests, third-party readers --------------------------------------


def test_gzip_body_stored_encoded_and_read_decoded(tmp_path: Path) -> None:
    text = b"<html><p>Gr\xc3\xbc\xc3\x9fe</p></html>" * 20
    body = gzip.compress(text, mtime=0)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        _, resp = writer.write_exchange(exchange(response_headers=headers, body=body))
    [path] = writer.closed_files
    assert resp.payload_digest == payload_digest(body)  # over the body as stored
    [record] = [r for _, _, r in iter_records(path) if r.rec_type == "response"]
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert record.content_stream().read() == text  # warcio undoes the Content-Encoding
    stored = read_record(path, resp.offset)
    assert (stored.raw_payload, stored.payload) == (body, text)
    assert (stored.record_id, stored.status, stored.mime) == (resp.record_id, 200, "text/html")
    warcio_check(path)


def test_warcio_check_detects_tampering(tmp_path: Path) -> None:
    """The digests are real: change one body byte and `warcio check` fails."""
    with WarcWriter(tmp_path / "w", "t", warcinfo=WARCINFO) as writer:
        writer.write_exchange(exchange(body=b"original body"))
    [path] = writer.closed_files
    warcio_check(path)
    parts = members(path)
    parts[1] = parts[1].replace(b"original body", b"tampered body")
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"".join(gzip.compress(p) for p in parts))
    result = subprocess.run([tool("warcio"), "check", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "digest failed" in result.stdout


def test_cdxj_indexer_reads_every_record(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        _, resp = writer.write_exchange(exchange())
        writer.write_metadata(resp.target_uri or "", b"{}", refers_to=resp.record_id)
        writer.write_revisit(exchange(), refers_to=resp, profile="identical-payload-digest")
    [path] = writer.closed_files
    cdxj = tool("cdxj-indexer")
    every = subprocess.run([cdxj, "--records", "all", str(path)], capture_output=True, text=True)
    assert every.returncode == 0, every.stderr
    assert len(every.stdout.splitlines()) == len(list(iter_records(path))) == 6
    default = subprocess.run([cdxj, str(path)], capture_output=True, text=True, check=True)
    first = default.stdout.splitlines()[0]
    assert first.startswith("com,example,news)/world/story?id=42&page=2 20261127181500 ")
    for field in (
        f'"offset": "{resp.offset}"',
        f'"length": "{resp.length}"',
        f'"digest": "{resp.payload_digest}"',
        '"status": "200"',
        '"mime": "text/html"',
        f'"filename": "{path.name}"',
    ):
        assert field in first


# -- files: warcinfo, rollover, names, close ---------------------------------------------


def test_every_file_starts_with_warcinfo_and_rolls_over(tmp_path: Path) -> None:
    closed: list[Path] = []
    writer = WarcWriter(tmp_path, "site", warcinfo=WARCINFO, max_size=1500, on_close=closed.append)
    pairs = [
        writer.write_exchange(exchange(url=f"http://example.com/{i}", body=os.urandom(300 + i)))
        for i in range(12)
    ]
    files = writer.close()
    assert closed == files
    assert len(files) >= 3
    assert len({f.name for f in files}) == len(files)
    assert not list(tmp_path.glob("*.open"))
    assert [int(f.name[-13:-8]) for f in files] == list(range(1, len(files) + 1))
    for req, resp in pairs:
        assert req.warc_file == resp.warc_file  # a pair is never split
    warcio_check(*files)
    written = {(p.warc_file, p.offset, p.length) for pair in pairs for p in pair}
    found = set()
    for path in files:
        assert path.stat().st_size < 1500 + 2 * 1000  # rolled over once full
        entries = list(iter_records(path))
        assert entries[0][2].rec_type == "warcinfo"
        assert entries[0][2].rec_headers.get_header("WARC-Filename") == path.name
        assert [r.rec_type for _, _, r in entries[1:]].count("warcinfo") == 0
        found |= {(path.name, off, length) for off, length, _ in entries[1:]}
    assert found == written
    assert writer.records_written == 24 + len(files)
    assert writer.bytes_written == sum(f.stat().st_size for f in files)


def test_warcinfo_fields(tmp_path: Path) -> None:
    with FixedWarcWriter(tmp_path, "t", warcinfo={**WARCINFO, "empty": ""}) as writer:
        writer.write_exchange(exchange())
    fields = members(writer.closed_files[0])[0].split(b"\r\n\r\n", 1)[1]
    assert fields.decode().splitlines()[:4] == [
        "software: archiver/0.1.0",
        "operator: Test Archivist",
        "format: WARC File Format 1.1",
        f"conformsTo: {rec.CONFORMS_TO}",
    ]


def test_names_unique_within_one_second(tmp_path: Path) -> None:
    taken = tmp_path / "t-20261127181501-00002.warc.gz"
    taken.write_bytes(b"someone else's")
    writer = FixedWarcWriter(tmp_path, "t", warcinfo=WARCINFO, max_size=1)
    for _ in range(3):
        writer.write_exchange(exchange())
    names = [p.name for p in writer.close()]
    assert names == [
        "t-20261127181501-00001.warc.gz",
        "t-20261127181501-00003.warc.gz",
        "t-20261127181501-00004.warc.gz",
    ]
    assert taken.read_bytes() == b"someone else's"


def test_close_is_idempotent_and_writing_again_opens_a_new_file(tmp_path: Path) -> None:
    writer = FixedWarcWriter(tmp_path, "t", warcinfo=WARCINFO)
    assert writer.close() == []
    writer.write_exchange(exchange())
    assert writer.current_file is not None
    assert writer.current_file.with_name(writer.current_file.name + ".open").exists()
    first = writer.close()
    assert writer.close() == first
    writer.write_exchange(exchange())
    assert len(writer.close()) == 2
    assert record_types(writer.closed_files[1])[0] == "warcinfo"


def test_on_close_runs_after_rename_and_its_errors_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[bool] = []

    def hook(path: Path) -> None:
        seen.append(path.exists() and not path.with_name(path.name + ".open").exists())
        raise RuntimeError("indexer down")

    writer = WarcWriter(tmp_path, "t", warcinfo=WARCINFO, on_close=hook)
    writer.write_exchange(exchange())
    with caplog.at_level(logging.ERROR, logger="archiver.warc.writer"):
        files = writer.close()
    assert seen == [True]
    assert len(files) == 1
    assert "on_close hook failed" in caplog.text


def test_failed_write_is_cut_back(tmp_path: Path) -> None:
    """A write that fails half-way (disk full) leaves no partial member behind."""
    writer = WarcWriter(tmp_path, "t", warcinfo=WARCINFO)
    writer.write_exchange(exchange())
    assert writer._file is not None
    real = writer._file
    size = os.fstat(real.fileno()).st_size

    class DiskFull:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def write(self, data: Any) -> int:
            real.write(bytes(data[:10]))
            raise OSError(28, "No space left on device")

    writer._file = DiskFull()  # type: ignore[assignment]
    with pytest.raises(OSError, match=r"(?i)no space left"):  # a DiskFull naming the file
        writer.write_exchange(exchange())
    assert os.fstat(real.fileno()).st_size == size
    writer._file = real
    writer.write_exchange(exchange(url="http://example.com/after"))
    [path] = writer.close()
    assert record_types(path) == ["warcinfo", "response", "request", "response", "request"]
    warcio_check(path)


def test_reserved_warc_headers_rejected(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        with pytest.raises(ValueError, match="reserved"):
            writer.write_exchange(exchange(), warc_headers={"WARC-Record-ID": "<x>"})
        _, resp = writer.write_exchange(exchange(), warc_headers={"WARC-Truncated": "length"})
    stored = read_record(writer.closed_files[0], resp.offset)
    assert stored.rec_headers.get_header("WARC-Truncated") == "length"


# -- revisit and metadata ----------------------------------------------------------------


def test_revisit_identical_payload_digest(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        _, original = writer.write_exchange(exchange())
        later = exchange(fetched_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
        loc = writer.write_revisit(later, refers_to=original, profile="identical-payload-digest")
    [path] = writer.closed_files
    assert record_types(path) == ["warcinfo", "response", "request", "revisit", "request"]
    stored = read_record(path, loc.offset)
    headers = stored.rec_headers
    assert headers.get_header("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    )
    assert headers.get_header("WARC-Refers-To") == original.record_id
    assert headers.get_header("WARC-Refers-To-Target-URI") == original.target_uri
    assert headers.get_header("WARC-Refers-To-Date") == original.date
    assert headers.get_header("WARC-Payload-Digest") == original.payload_digest
    assert headers.get_header("WARC-Date") == "2026-11-28T09:00:00.000000Z"
    assert stored.raw_payload == b""  # status line and headers only
    assert stored.http_headers.get_statuscode() == "200"
    assert (loc.record_type, loc.status, loc.payload_digest) == (
        "revisit",
        200,
        original.payload_digest,
    )
    warcio_check(path)


def test_revisit_server_not_modified(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        _, original = writer.write_exchange(exchange())
        not_modified = exchange(status=304, body=b"", response_headers=[("ETag", '"v1"')])
        loc = writer.write_revisit(
            not_modified, refers_to=original, profile="server-not-modified", with_request=False
        )
    stored = read_record(writer.closed_files[0], loc.offset)
    assert stored.rec_headers.get_header("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    )
    assert stored.http_headers.get_statuscode() == "304"
    assert stored.http_headers.headers == [("ETag", '"v1"')]
    assert record_types(writer.closed_files[0])[-1] == "revisit"


def test_revisit_rejects_bad_input(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        _, original = writer.write_exchange(exchange())
        with pytest.raises(ValueError, match="differs"):
            writer.write_revisit(
                exchange(body=b"changed"), refers_to=original, profile="identical-payload-digest"
            )
        with pytest.raises(ValueError, match="unknown revisit profile"):
            writer.write_revisit(exchange(), refers_to=original, profile="identical")


def test_metadata_refers_to_response(tmp_path: Path) -> None:
    payload = b'{"title": "Hello"}'
    with WarcWriter(tmp_path, "t", warcinfo=WARCINFO) as writer:
        _, resp = writer.write_exchange(exchange())
        meta = writer.write_metadata(
            "http://news.example.com/world/story?id=42&page=2", payload, refers_to=resp.record_id
        )
    stored = read_record(writer.closed_files[0], meta.offset)
    assert stored.rec_type == "metadata"
    assert stored.rec_headers.get_header("WARC-Refers-To") == resp.record_id
    assert stored.rec_headers.get_header("Content-Type") == "application/json"
    assert stored.payload == payload
    assert (meta.mime, meta.payload_digest) == ("application/json", payload_digest(payload))
    warcio_check(writer.closed_files[0])


# -- reading -----------------------------------------------------------------------------


def test_reader_offsets_match_locations_and_open_files_are_readable(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, "t", warcinfo=WARCINFO)
    locs = [loc for i in range(3) for loc in writer.write_exchange(exchange(body=b"x" * i))]
    assert writer.current_file is not None
    final = writer.current_file
    # still ".open": read_record falls back to it, so replay can read a file being written
    assert read_record(final, locs[1].offset).record_id == locs[1].record_id
    writer.close()
    stored = {s.offset: s for s in iter_stored_records(final)}
    for loc in locs:
        assert stored[loc.offset].length == loc.length
        assert stored[loc.offset].record_id == loc.record_id


# -- recovery after a kill ---------------------------------------------------------------


def test_recover_truncated_open_file(tmp_path: Path) -> None:
    live = tmp_path / "live"
    writer = WarcWriter(live, "t", warcinfo=WARCINFO)
    locs = [writer.write_exchange(exchange(body=os.urandom(2000))) for _ in range(3)]
    assert writer.current_file is not None
    open_path = writer.current_file.with_name(writer.current_file.name + ".open")
    assert recover_open_files(live) == []  # locked by a live writer: left alone

    killed = tmp_path / "killed"
    killed.mkdir()
    last_request = locs[-1][0]
    cut = last_request.offset + last_request.length // 2
    leftover = killed / open_path.name
    leftover.write_bytes(open_path.read_bytes()[:cut])
    (killed / "t-20261127000000-00009.warc.gz.open").write_bytes(b"")  # died before warcinfo
    writer.close()

    [recovered] = recover_open_files(killed)
    assert recovered.name == open_path.name.removesuffix(".open")
    assert not list(killed.glob("*.open"))
    assert recovered.stat().st_size == last_request.offset
    assert record_types(recovered) == ["warcinfo"] + ["response", "request"] * 2 + ["response"]
    warcio_check(recovered)


def test_complete_members_end_handles_large_members() -> None:
    big = gzip.compress(b"\0" * 5_000_000) + gzip.compress(b"tail")
    assert complete_members_end(BytesIO(big), chunk_size=4096) == (len(big), 2)
    assert complete_members_end(BytesIO(big[:-3]), chunk_size=4096)[1] == 1
    assert complete_members_end(BytesIO(b"")) == (0, 0)


# -- property: whatever goes in comes back out -------------------------------------------

header_names = st.from_regex(r"X-[A-Za-z0-9-]{1,20}", fullmatch=True)
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40
).map(str.strip)


@settings(max_examples=40, deadline=None)
@given(
    body=st.binary(max_size=3000),
    headers=st.lists(st.tuples(header_names, header_values), max_size=8),
    status=st.integers(min_value=100, max_value=599),
    body_is_decoded=st.booleans(),
    query=st.from_regex(r"[a-z0-9=&%]{0,30}", fullmatch=True),
)
def test_round_trip(
    body: bytes, headers: list[tuple[str, str]], status: int, body_is_decoded: bool, query: str
) -> None:
    url = f"https://example.org/p?{query}" if query else "https://example.org/p"
    ex = exchange(
        url=url,
        status=status,
        response_headers=headers,
        body=body,
        body_is_decoded=body_is_decoded,
        request_body=body[:50],
    )
    with tempfile.TemporaryDirectory() as tmp:
        with WarcWriter(Path(tmp), "p", warcinfo=WARCINFO, max_size=2000) as writer:
            req, resp = writer.write_exchange(ex)
        with open(Path(tmp) / resp.warc_file, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                record.content_stream().read()
                assert record.digest_checker.passed is not False
        got = read_record(Path(tmp) / resp.warc_file, resp.offset)
        sent = read_record(Path(tmp) / req.warc_file, req.offset)
    assert got.raw_payload == body
    assert got.status == status
    assert got.target_uri == url
    assert got.http_headers.headers == build_http_headers(ex)
    assert sent.raw_payload == body[:50]
    assert sent.http_headers.statusline == f"{request_target(url)} HTTP/1.1"


# -- no Scrapy in the core; atomic writes -------------------------------------------------


def test_core_does_not_import_scrapy() -> None:
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        "import archiver.warc, archiver.fsutil\n"
        "assert not [m for m in sys.modules if m.startswith('scrapy') and sys.modules[m]]\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


def test_atomic_write(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "doc.json"
    atomic_write_bytes(target, b"one")
    atomic_write_text(target, "twö")
    assert target.read_text("utf-8") == "twö"
    assert [p.name for p in target.parent.iterdir()] == ["doc.json"]


def test_atomic_write_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "doc.json"
    target.write_bytes(b"old")

    def fail(src: Any, dst: Any) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="rename failed"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]
