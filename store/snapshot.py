"""Consistent file copies of a store (publish, backup) and their verification.

The SQL half of `ops/publish.py` and `ops/backup.py`: the copy is taken while a
writer connection holds the file (CHECKPOINT folds the WAL in, and the lock keeps
any other writer out), then the copy is opened read-only and queried.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from veille.errors import StoreError


def checkpointed_copy(db_path: str | Path, dest: Path, *, migrate: bool) -> int:
    """Copy a consistent image of `db_path` to `dest` (fsynced); returns its size.

    `migrate=True` (publish) first applies pending migrations so the snapshot has the
    current schema; `migrate=False` (backup) copies the file as it is. Either way a
    file that is not a veille store is refused untouched (store.db.connect).
    """
    from store.db import connect

    con = connect(db_path, migrate=migrate)
    try:
        con.execute("CHECKPOINT")
        with open(db_path, "rb") as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out, length=4 * 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
    finally:
        con.close()
    return dest.stat().st_size


def verify_snapshot(path: str | Path, *, allow_pending: bool = False) -> int:
    """Open `path` read-only and query it; returns the article count. Raises StoreError."""
    import duckdb

    from store.migrate import check_schema, check_veille_store

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(
            f"the copy {path} does not open: {exc}; the published file "
            "was left unchanged. Re-run `veille nightly`."
        ) from None
    try:
        check_veille_store(con, path, may_init=False)
        check_schema(con, allow_pending=allow_pending)
        # A backup of a not-yet-migrated file may lack the latest views: count the table.
        table = "articles" if allow_pending else "v_articles"
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    except duckdb.Error as exc:
        raise StoreError(
            f"the copy {path} is not usable: {exc}; the published file "
            "was left unchanged. Re-run `veille nightly`."
        ) from None
    finally:
        con.close()
