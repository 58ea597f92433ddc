"""Crash-safe file writes (a temp file in the same directory, fsync, then an atomic rename), and
`DiskFull`: a write that failed for want of space, named in words (which disk, which file)."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import resource
import signal
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

#: The errors that mean "no room to write", not a broken disk.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

#: SQLite's extended code for a failed write(2) (it reports EFBIG, from RLIMIT_FSIZE, so).
_SQLITE_IOERR_WRITE = getattr(sqlite3, "SQLITE_IOERR_WRITE", 778)
#: How close to RLIMIT_FSIZE a file must be for SQLite's failed write to be blamed on it.
_SQLITE_WRITE_SLACK = 1 << 16


class DiskFull(OSError):
    """A write failed for want of space: no space left (ENOSPC), the quota (EDQUOT) or the
    file size limit (EFBIG, RLIMIT_FSIZE) reached. ``str()`` is the whole message in words,
    e.g. "no space left on /srv (ext4) while writing /srv/archive/catalog.sqlite"."""

    def __init__(self, code: int, message: str, filename: str) -> None:
        super().__init__(code, message, filename)

    def __str__(self) -> str:
        return str(self.strerror)


def _unescape(field: str) -> str:
    """A /proc/self/mountinfo field with its octal escapes (``\\040`` for a space) undone."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def _mounts(mountinfo: Path) -> list[tuple[str, str, str]]:
    """(major:minor, mount point, filesystem type) of each mount, in mountinfo's order."""
    mounts = []
    with contextlib.suppress(OSError):
        for line in mountinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            left, sep, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if sep and len(fields) >= 5 and tail:
                mounts.append((fields[2], _unescape(fields[4]), tail[0]))
    return mounts


def _existing(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists (a file not yet made lives there)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def device_of(path: Path | str, mountinfo: Path = Path("/proc/self/mountinfo")) -> str:
    """The mount that holds `path`, in words: ``/srv/archive (ext4)``; "device" when unknown.

    Matched by the file's device number, the deepest such mount point over the path winning
    (bind mounts share a number); failing that (btrfs subvolumes), by the path alone.
    """
    where = _existing(Path(path))
    real = os.path.realpath(where)
    try:
        st_dev = where.stat().st_dev
    except OSError:
        return "device"
    dev = f"{os.major(st_dev)}:{os.minor(st_dev)}"

    def over(point: str) -> bool:
        return real == point or real.startswith(point.rstrip("/") + "/")

    mounts = _mounts(mountinfo)
    for candidates in ([m for m in mounts if m[0] == dev], mounts):
        found = [m for m in candidates if over(m[1])]
        if found:
            _, point, fstype = max(found, key=lambda m: len(m[1]))
            return f"{point} ({fstype})"
    return "device"


def file_size_limit() -> int | None:
    """This process's RLIMIT_FSIZE in bytes, or None when there is none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def disk_full_message(code: int, path: Path | str, label: str | None = None) -> str:
    """What a user reads when writing `path` failed with `code` (ENOSPC, EDQUOT or EFBIG);
    `label` names the file in its place (e.g. "a temporary file in /tmp")."""
    what = label or path
    if code == errno.EDQUOT:
        return f"disk quota exceeded on {device_of(path)} while writing {what}"
    if code == errno.EFBIG:
        if file_size_limit() is not None:
            return f"file size limit reached (RLIMIT_FSIZE) while writing {what}"
        return f"file too large for {device_of(path)} while writing {what}"
    return f"no space left on {device_of(path)} while writing {what}"


def _sqlite_disk_full(exc: sqlite3.Error, path: Path) -> DiskFull | None:
    """SQLite's "database or disk is full", or its write error at RLIMIT_FSIZE, for `path`."""
    code = getattr(exc, "sqlite_errorcode", None)
    limit = file_size_limit()
    if limit is not None and code in (sqlite3.SQLITE_FULL, _SQLITE_IOERR_WRITE):
        for name in (path.name, f"{path.name}-wal", f"{path.name}-journal"):
            with contextlib.suppress(OSError):
                if (path.with_name(name)).stat().st_size + _SQLITE_WRITE_SLACK > limit:
                    full = path.with_name(name)
                    return DiskFull(errno.EFBIG, disk_full_message(errno.EFBIG, full), str(full))
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc):
        return DiskFull(errno.ENOSPC, disk_full_message(errno.ENOSPC, path), str(path))
    return None


def as_disk_full(exc: BaseException, path: Path | str, label: str | None = None) -> DiskFull | None:
    """`exc` as a `DiskFull` naming `path` when it says there was no room to write, else None.

    Takes an OSError with errno ENOSPC, EDQUOT or EFBIG, or an sqlite3 error saying the
    database or disk is full (`path` is then the database file). A `DiskFull` is kept as is.
    `label` names the file in the message instead of `path`.
    """
    if isinstance(exc, DiskFull):
        return exc
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return DiskFull(exc.errno, disk_full_message(exc.errno, path, label), str(path))
    if isinstance(exc, sqlite3.Error):
        return _sqlite_disk_full(exc, Path(path))
    return None


@contextlib.contextmanager
def naming_disk_full(path: Path | str) -> Iterator[None]:
    """Raise a failure to write for want of space inside the block as `DiskFull` naming `path`."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        full = as_disk_full(exc, path)
        if full is None or full is exc:
            raise
        raise full from exc


def no_space_left(path: Path | str, margin: int = 1 << 16) -> bool:
    """Whether the filesystem holding `path` has less than `margin` bytes free for us."""
    try:
        st = os.statvfs(_existing(Path(path)))
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < margin


def ignore_file_size_signal() -> None:
    """Have a write past RLIMIT_FSIZE fail with EFBIG (a `DiskFull`) instead of SIGXFSZ
    killing the process, as the signal's default action does."""
    sigxfsz = getattr(signal, "SIGXFSZ", None)
    if sigxfsz is not None:
        signal.signal(sigxfsz, signal.SIG_IGN)


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable (no-op where unsupported)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """A binary file that takes the place of ``path`` only when the block ends without an error
    (a temp file beside it, fsync, rename, fsync of the directory): readers see the old file
    or the whole new one, never half, and a failed block leaves no temp file behind.

    Creates parent directories. The new file gets the usual umask-derived permissions. With
    no room to write, raises `DiskFull` naming ``path``.
    """
    path = Path(path)
    with naming_disk_full(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    fsync_directory(path.parent)


@contextlib.contextmanager
def atomic_text_file(path: Path | str) -> Iterator[TextIO]:
    """`atomic_file` as UTF-8 text, newlines written as given."""
    with atomic_file(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # the binary file is closed (and renamed) by atomic_file


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half
    (see `atomic_file`)."""
    with atomic_file(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` for text, encoded as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))
