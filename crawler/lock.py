"""One crawl at a time per database: a lock file next to the DB (see veille.lock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from veille.lock import file_lock


def lock_path(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".crawl.lock")


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[Path]:
    """Hold the crawl lock of `db_path`; raise AlreadyRunningError at once if taken."""
    busy = (f"another crawl is running on {db_path} ({{holder}}); lock file {{path}}. "
            "Wait for it to finish, or check `ps` if you think it is stuck.")
    with file_lock(lock_path(db_path), holder="", busy=busy) as path:
        yield path
