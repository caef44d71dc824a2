"""One build at a time per output folder: a second build waits for the first, and says so."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError
from .output import make_folder

LOCK_NAME = ".build.lock"
WAIT_LIMIT = 30 * 60  # seconds; a build holding the lock longer than this is surely stuck


@contextmanager
def build_lock(out: Path, note: Callable[[str], None], limit: float = WAIT_LIMIT) -> Iterator[None]:
    """Hold out/.build.lock for the length of a build; the lock goes when its holder exits or is killed."""
    make_folder(out)
    path = out / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # Windows
        yield from _filelock(path, note, limit)
        return
    try:
        handle = open(path, "a+b")  # noqa: SIM115 (held open for the length of the build)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            note(f"waiting for another build of {out} to finish")
            deadline = time.monotonic() + limit
            while True:
                time.sleep(0.1)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OutputError(f"another build has held {LOCK_NAME} for {limit / 60:.0f} minutes; "
                                          "stop it, then try again", out) from None
        yield
    finally:
        handle.close()  # closing releases the lock


def _filelock(path: Path, note: Callable[[str], None], limit: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        note(f"waiting for another build of {path.parent} to finish")
        try:
            lock.acquire(timeout=limit)
        except Timeout:
            raise OutputError(f"another build has held {LOCK_NAME} for {limit / 60:.0f} minutes",
                              path) from None
    try:
        yield
    finally:
        lock.release()
