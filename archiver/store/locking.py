"""Who may write where: flock(2) locks under ``<archive>/state/locks/``.

- ``<site>.lock``: one writer per site at a time (crawl, archive, reextract), exclusive.
- ``archive.lock``: every site writer, and `export`, hold it shared; `reindex` and
  `verify --repair`, which rewrite the catalog and the indexes of every site, hold it
  exclusive. So a reindex never runs under a crawl, and a crawl never starts under a reindex.

A lock belongs to its open file, so it dies with the process: a killed crawl never leaves a
stale lock, and the lock files are never deleted (no unlink race). A site lock's file names its
holder while held and is marked released when released, so the next holder can tell that the
previous one was killed (`SiteLock.previous_holder`). Within one process the locks are
re-entrant (the CLI and the spider both take them). Plain Python: no Scrapy here.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

__all__ = [
    "LOCKED_MARKER",
    "ArchiveBusy",
    "ArchiveLock",
    "LockBusy",
    "SiteLock",
    "SiteLocked",
    "acquire_archive_lock",
    "acquire_site_lock",
    "archive_lock_path",
    "holder_of",
    "lock_path",
]

#: Part of every SiteLocked message; `archiver schedule` looks for it in a crawl's log.
LOCKED_MARKER = "is already being crawled"

_held: dict[Path, SiteLock] = {}
_archive_held: dict[Path, ArchiveLock] = {}
_registry_lock = threading.RLock()


class LockBusy(RuntimeError):
    """Another process holds a lock this command needs (the message says who and what to do)."""


class SiteLocked(LockBusy):
    """Another process is crawling this site; names the site, holder pid, start time and file."""

    def __init__(self, site: str, path: Path, holder: dict[str, str]) -> None:
        self.site = site
        self.path = path
        self.pid = int(holder["pid"]) if holder.get("pid", "").isdigit() else None
        self.started = holder.get("started")
        self.cmd = holder.get("cmd")
        who = f"pid {self.pid}" if self.pid is not None else "pid unknown"
        since = f" since {self.started}" if self.started else ""
        super().__init__(f"{site} {LOCKED_MARKER} ({who}{since}; lock {path})")


class ArchiveBusy(LockBusy):
    """The archive as a whole is taken: by a reindex (for a writer), or by writers (for a
    reindex)."""


class _Hold:
    """A held flock(2) lock, re-entrant within this process: ``release()`` once per acquire,
    or use ``with``. `registry` maps lock paths to this process's holds."""

    def __init__(self, path: Path, fd: int, registry: dict[Path, Any]) -> None:
        self.path = path
        self._fd: int | None = fd
        self._registry = registry
        self._count = 1

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Drop one hold; the last one unlocks (extra calls are ignored)."""
        with _registry_lock:
            if self._fd is None:
                return
            self._count -= 1
            if self._count > 0:
                return
            fd, self._fd = self._fd, None
            self._registry.pop(self.path, None)
        self._letting_go(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        self._let_go()

    def _letting_go(self, fd: int) -> None:
        """Just before the file is unlocked."""

    def _let_go(self) -> None:
        """Just after."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class SiteLock(_Hold):
    """A held site lock; ``release()`` once per ``acquire_site_lock()``, or use ``with``.

    ``previous_holder`` is what the lock file said when it was taken: empty after a clean
    release, the ``pid``/``started``/``cmd`` of a process that died holding it otherwise.
    """

    def __init__(
        self,
        path: Path,
        site: str,
        fd: int,
        archive: ArchiveLock,
        previous_holder: dict[str, str] | None = None,
    ) -> None:
        super().__init__(path, fd, _held)
        self.site = site
        self.previous_holder = previous_holder or {}
        self._archive: ArchiveLock | None = archive

    @property
    def killed_before(self) -> bool:
        """Whether the previous holder died without releasing the lock (a killed run)."""
        return bool(self.previous_holder)

    def _letting_go(self, fd: int) -> None:
        _mark_released(fd)  # a clean release: the next holder finds no holder named

    def _let_go(self) -> None:
        archive, self._archive = self._archive, None
        if archive is not None:
            archive.release()


def lock_path(archive_dir: Path, site: str) -> Path:
    """Where the lock of ``site`` lives: ``<archive>/state/locks/<site>.lock``."""
    return Path(archive_dir) / "state" / "locks" / f"{site}.lock"


def acquire_site_lock(archive_dir: Path, site: str) -> SiteLock:
    """Take the site's lock without waiting (and the archive lock, shared); raise SiteLocked
    when another process holds the site, ArchiveBusy when a reindex holds the archive."""
    path = lock_path(archive_dir, site)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    with _registry_lock:
        mine = _held.get(key)
        if mine is not None:
            mine._count += 1
            return mine
    archive = acquire_archive_lock(archive_dir, exclusive=False)
    try:
        with _registry_lock:
            mine = _held.get(key)
            if mine is not None:  # another thread of this process took it meanwhile
                mine._count += 1
                archive.release()
                return mine
            fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by children
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise SiteLocked(site, path, holder) from None
            except BaseException:
                os.close(fd)
                raise
            lock = SiteLock(key, site, fd, archive, _read_holder(fd))
            _held[key] = lock
    except BaseException:
        archive.release()
        raise
    _write_holder(fd)
    return lock


class ArchiveLock(_Hold):
    """A held archive lock (shared or exclusive); ``release()`` once per acquire, or ``with``."""

    def __init__(self, path: Path, fd: int, exclusive: bool) -> None:
        super().__init__(path, fd, _archive_held)
        self.exclusive = exclusive

    def _letting_go(self, fd: int) -> None:
        if self.exclusive:
            _mark_released(fd)


def archive_lock_path(archive_dir: Path) -> Path:
    """The archive-wide lock: ``<archive>/state/locks/archive.lock``."""
    return Path(archive_dir) / "state" / "locks" / "archive.lock"


def acquire_archive_lock(archive_dir: Path, *, exclusive: bool) -> ArchiveLock:
    """Take the archive lock without waiting: shared (writers of one site, export) or
    exclusive (reindex, verify --repair). Raise ArchiveBusy, naming the holders, when taken.

    Re-entrant within a process: an exclusive hold also serves shared requests.
    """
    path = archive_lock_path(archive_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    with _registry_lock:
        mine = _archive_held.get(key)
        if mine is not None and (mine.exclusive or not exclusive):
            mine._count += 1
            return mine
        if mine is not None:
            raise ArchiveBusy(
                f"this process writes into {archive_dir} already: it cannot take it for itself"
            )
        fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise _archive_busy(Path(archive_dir), exclusive, holder) from None
        except BaseException:
            os.close(fd)
            raise
        lock = ArchiveLock(key, fd, exclusive)
        _archive_held[key] = lock
    if exclusive:
        _write_holder(fd)
    return lock


def _archive_busy(archive_dir: Path, exclusive: bool, holder: dict[str, str]) -> ArchiveBusy:
    """The message when the archive lock is taken: who has it, and what to do."""
    if not exclusive:  # a reindex (or verify --repair) holds it
        return ArchiveBusy(
            f"{archive_dir} is being rebuilt ({_who(holder)}); "
            "try again when that command has finished"
        )
    users = [
        f"{path.stem} ({_who(fields)})"
        for path in sorted(lock_path(archive_dir, "x").parent.glob("*.lock"))
        if path.name != "archive.lock" and (fields := holder_of(path)).get("pid")
    ]
    who = "; ".join(users) if users else "another command (an export?) is reading it"
    return ArchiveBusy(
        f"{archive_dir} is in use: {who}. It must not be rebuilt under a running command; "
        "try again when it has finished"
    )


def _who(holder: dict[str, str]) -> str:
    pid = holder.get("pid") or "unknown"
    since = f" since {holder['started']}" if holder.get("started") else ""
    cmd = f": {holder['cmd']}" if holder.get("cmd") else ""
    return f"pid {pid}{since}{cmd}"


def holder_of(path: Path) -> dict[str, str]:
    """The holder a site lock file names (empty once released), without taking it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return {}
    try:
        return _read_holder(fd)
    finally:
        os.close(fd)


#: The first byte of a lock file whose holder released it (the rest is who it was).
_RELEASED = b"#"


def _write_holder(fd: int) -> None:
    """Record who holds the lock, for the message of the next one who tries.

    Written over the old text and then cut to length, so that on a full disk it reuses the
    file's block; where even that fails, the lock is held all the same (only unnamed).
    """
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"pid={os.getpid()} started={started} cmd={shlex.join(sys.argv)}\n"
    data = line.encode("utf-8", "replace")
    try:
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
    except OSError:
        pass


def _mark_released(fd: int) -> None:
    """Mark a lock file released in place (one byte: no new block needed on a full disk)."""
    try:
        if os.pread(fd, 1, 0):
            os.pwrite(fd, _RELEASED, 0)
    except OSError:
        pass


def _read_holder(fd: int) -> dict[str, str]:
    """``pid``, ``started`` and ``cmd`` from a lock file (``cmd`` runs to the end of the line)."""
    raw = os.pread(fd, 4096, 0)
    if not raw.strip() or raw.startswith(_RELEASED):
        return {}
    text = raw.decode("utf-8", "replace").strip()
    head, _, cmd = text.partition(" cmd=")
    fields: dict[str, str] = {}
    for part in head.split():
        key, _, value = part.partition("=")
        fields[key] = value
    if cmd:
        fields["cmd"] = cmd
    return fields
