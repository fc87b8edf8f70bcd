"""Non-blocking flock on a lock file: one crawl / nightly run / backup at a time.

The kernel drops the lock when the process dies (even on SIGKILL), so a crashed run
never leaves a stale lock behind. The file holds who has it, for the error message.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from veille.errors import AlreadyRunningError


@contextmanager
def file_lock(path: Path, *, holder: str, busy: str) -> Iterator[Path]:
    """Hold the lock at `path` or raise AlreadyRunningError at once.

    `holder` describes this process in the file; `busy` is the message start when taken,
    completed with the current holder and the lock file's path.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            current = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown process"
            message = busy.replace("{holder}", current).replace("{path}", str(path))
            raise AlreadyRunningError(message) from None
        os.ftruncate(fd, 0)
        stamp = f"{holder}pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}\n"
        os.pwrite(fd, stamp.encode(), 0)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
