"""Worker processes that end with the process that owns them, however it ends.

Left alone, Python's process pools outlive an owner that is killed (SIGKILL, the OOM killer): a
worker waits for work on a pipe it holds both ends of, the forkserver runs while any worker
holds its "alive" pipe, and the resource tracker while any process holds its own. So:

- the owner keeps the only write end of a pipe, a `Lifeline`, and never writes to it; each
  worker watches the read end from a thread and exits when it reads end-of-file, which is when
  the owner is gone;
- a worker started by the forkserver closes its copy of the forkserver's alive pipe, so the
  forkserver exits as soon as its owner does; and (Linux) it asks the kernel for SIGKILL when
  its parent, the forkserver, exits: that also stops a worker stuck in C code that holds the
  GIL, where the watching thread cannot run;
- the resource tracker then exits too: no process holds its pipe any more.

Where a piece is missing (no prctl, another platform) it is skipped without a word.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

#: A worker's exit status when it finds its owner gone.
OWNER_GONE = 3
_PR_SET_PDEATHSIG = 1


class Lifeline:
    """The owner's side: a pipe whose write end stays in this process alone.

    Give `end` to each worker (an initializer argument; multiprocessing passes the descriptor
    along) and call `hold(end)` there first thing.
    """

    def __init__(self) -> None:
        self.end, self._owner_end = multiprocessing.Pipe(duplex=False)

    def close(self) -> None:
        """Let go (once the workers are stopped): any worker still running then exits."""
        self._owner_end.close()
        self.end.close()


def before_exit(function: Callable[[], None]) -> None:
    """Call `function` as the interpreter exits, before it waits for what process pools' threads
    wait for: their workers' pages (the threading module's hook that concurrent.futures uses;
    a hook registered later runs earlier)."""
    register = getattr(threading, "_register_atexit", None)
    if register is None:  # pragma: no cover - another Python
        atexit.register(function)
    else:
        register(function)


def hold(end: Connection) -> None:
    """In a worker: exit as soon as the process that made `end`'s `Lifeline` is gone."""
    server = _forkserver()
    if server is not None:  # this worker was started by the forkserver
        _let_go_of(server)
        _die_with_parent()
    watcher = threading.Thread(target=_watch, args=(end,), name="lifeline", daemon=True)
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        watcher.start()
        return
    # The watcher takes no signal: the page's time limit (SIGALRM) still reaches the main
    # thread. Threads start with their creator's signal mask.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        watcher.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _watch(end: Connection) -> None:
    try:
        end.poll(None)  # the owner never writes: readable means end-of-file
    except OSError as exc:  # pragma: no cover - cannot watch: live on as before
        logger.debug("Cannot watch the pool's owner: %s", exc)
        return
    os._exit(OWNER_GONE)


def _forkserver() -> Any:
    """multiprocessing's forkserver client in this process if the forkserver started it."""
    try:
        from multiprocessing import forkserver
    except ImportError:  # pragma: no cover - Windows
        return None
    if forkserver.get_inherited_fds() is None:
        return None
    return getattr(forkserver, "_forkserver", None)


def _let_go_of(server: Any) -> None:
    """Close this worker's copy of the forkserver's alive pipe, so that the forkserver ends
    with the pool's owner. (A worker that starts processes would start a forkserver of its
    own: it does not send through this one.)"""
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        server._forkserver_alive_fd = None
        with contextlib.suppress(OSError):
            os.close(fd)


def _die_with_parent() -> None:
    """SIGKILL this process when its parent exits (Linux; the parent is the forkserver, which
    forks from its only thread, so the kernel's "parent thread exited" is the process's exit)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    parent = os.getppid()
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover
        return
    zero = ctypes.c_ulong(0)
    if prctl(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL), zero, zero, zero):
        return  # pragma: no cover
    if os.getppid() != parent:  # the parent exited before the request took hold
        os._exit(OWNER_GONE)
