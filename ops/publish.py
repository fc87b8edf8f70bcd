"""Publish the working database as a read-only snapshot, without ever blocking readers.

DuckDB lets one process write a file, and an open writer blocks even read-only
openers in other processes. So readers (dashboard, researchers) never open the
working file: after each nightly run we checkpoint it, copy it next to the
published path, check the copy opens read-only, fsync it and `os.replace` it onto
the published path. The rename is atomic: a reader opens either the old or the new
snapshot, never a half-written one; readers that have the old one open keep their
inode until they close it.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from store.snapshot import checkpointed_copy, verify_snapshot

__all__ = ["PublishResult", "publish", "verify_snapshot"]

log = logging.getLogger(__name__)

_TMP_PREFIX = ".publish-"


@dataclass(frozen=True)
class PublishResult:
    path: str
    bytes: int
    seconds: float
    articles: int

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "articles": self.articles,
        }


def publish(db_path: str | Path, published_path: str | Path) -> PublishResult:
    """Checkpoint `db_path`, copy it, verify the copy, atomically swap it onto `published_path`."""
    started = time.monotonic()
    target = Path(published_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target.parent)
    tmp = target.parent / f"{_TMP_PREFIX}{os.getpid()}-{target.name}"
    try:
        size = checkpointed_copy(db_path, tmp, migrate=True)  # the snapshot has the current schema
        articles = verify_snapshot(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
    result = PublishResult(
        path=str(target), bytes=size, seconds=time.monotonic() - started, articles=articles
    )
    log.info(
        "published %s (%d bytes, %d articles) in %.2fs", target, size, articles, result.seconds
    )
    return result


def _remove_stale_temps(folder: Path) -> None:
    """Copies left by a killed publish (SIGKILL skips our `finally`)."""
    for stale in folder.glob(f"{_TMP_PREFIX}*"):
        try:
            pid = int(stale.name[len(_TMP_PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid() or not _alive(pid):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a power cut right after must not undo it)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
