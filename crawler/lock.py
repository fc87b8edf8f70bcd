"""One crawl at a time per database: a lock file next to the DB, non-blocking flock.

The kernel drops the lock when the process dies (even on SIGKILL), so a crashed crawl
never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from veille.errors import AlreadyRunningError


def lock_path(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".crawl.lock")


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[Path]:
    """Hold the crawl lock of `db_path`; raise AlreadyRunningError at once if taken."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown process"
            raise AlreadyRunningError(
                f"another crawl is running on {db_path} ({holder}); lock file {path}. "
                "Wait for it to finish, or check `ps` if you think it is stuck."
            ) from None
        os.ftruncate(fd, 0)
        holder = f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}\n"
        os.pwrite(fd, holder.encode(), 0)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
