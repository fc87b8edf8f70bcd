"""One nightly job (or backup) at a time per working database (see veille.lock).

Separate from the crawl lock (crawler/lock.py), which the nightly job's own crawl
takes inside this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from veille.lock import file_lock


def ops_lock_path(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".nightly.lock")


@contextmanager
def ops_lock(db_path: str | Path, *, what: str = "nightly") -> Iterator[Path]:
    """Hold the operations lock of `db_path`; raise AlreadyRunningError (exit 75) if taken."""
    busy = (f"another nightly run or backup is using {db_path} ({{holder}}); lock file {{path}}. "
            "Nothing was done: wait for it to finish (cron/systemd will retry next time).")
    with file_lock(ops_lock_path(db_path), holder=f"{what}: ", busy=busy) as path:
        yield path
