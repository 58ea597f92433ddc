"""One crawl per site at a time: an flock(2) on ``<archive>/state/locks/<site>.lock``.

The lock belongs to the open file, so it dies with the process: a killed crawl never leaves a
stale lock, and the lock file itself is never deleted (no unlink race). Within one process the
lock is re-entrant (the CLI and the spider both take it). Plain Python: no Scrapy here.
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

__all__ = ["LOCKED_MARKER", "SiteLock", "SiteLocked", "acquire_site_lock", "lock_path"]

#: Part of every SiteLocked message; `archiver schedule` looks for it in a crawl's log.
LOCKED_MARKER = "is already being crawled"

_held: dict[Path, SiteLock] = {}
_registry_lock = threading.Lock()


class SiteLocked(RuntimeError):
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


class SiteLock:
    """A held site lock; ``release()`` once per ``acquire_site_lock()``, or use ``with``."""

    def __init__(self, path: Path, site: str, fd: int) -> None:
        self.path = path
        self.site = site
        self._fd: int | None = fd
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
            _held.pop(self.path, None)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> SiteLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def lock_path(archive_dir: Path, site: str) -> Path:
    """Where the lock of ``site`` lives: ``<archive>/state/locks/<site>.lock``."""
    return Path(archive_dir) / "state" / "locks" / f"{site}.lock"


def acquire_site_lock(archive_dir: Path, site: str) -> SiteLock:
    """Take the site's lock without waiting; raise SiteLocked when another process holds it."""
    path = lock_path(archive_dir, site)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    with _registry_lock:
        mine = _held.get(key)
        if mine is not None:
            mine._count += 1
            return mine
        fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise SiteLocked(site, path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        lock = SiteLock(key, site, fd)
        _held[key] = lock
    _write_holder(fd)
    return lock


def _write_holder(fd: int) -> None:
    """Record who holds the lock, for the message of the next one who tries."""
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"pid={os.getpid()} started={started} cmd={shlex.join(sys.argv)}\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, line.encode("utf-8", "replace"), 0)


def _read_holder(fd: int) -> dict[str, str]:
    """``pid``, ``started`` and ``cmd`` from a lock file (``cmd`` runs to the end of the line)."""
    text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    head, _, cmd = text.partition(" cmd=")
    fields: dict[str, str] = {}
    for part in head.split():
        key, _, value = part.partition("=")
        fields[key] = value
    if cmd:
        fields["cmd"] = cmd
    return fields
