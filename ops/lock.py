"""One nightly job (or backup) at a time per working database: a non-blocking flock.

Separate from the crawl lock (crawler/lock.py), which the nightly job's own crawl
takes inside this one. The kernel drops the lock when the process dies, even on
SIGKILL, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from veille.errors import AlreadyRunningError


def ops_lock_path(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".nightly.lock")


@contextmanager
def ops_lock(db_path: str | Path, *, what: str = "nightly") -> Iterator[Path]:
    """Hold the operations lock of `db_path`; raise AlreadyRunningError (exit 75) if taken."""
    path = ops_lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown process"
            raise AlreadyRunningError(
                f"another nightly run or backup is using {db_path} ({holder}); lock file {path}. "
                "Nothing was done: wait for it to finish (cron/systemd will retry next time)."
            ) from None
        os.ftruncate(fd, 0)
        stamp = f"{what}: pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}\n"
        os.pwrite(fd, stamp.encode(), 0)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
