"""Open the DuckDB file: one place that knows about locks, retries and migrations.

DuckDB lets one process write a file; any other process (even read-only) gets an
IOException "Could not set lock" while the writer holds it. Writers are short
(crawl batches, process batches), so we retry a few times before giving up with a
StoreError that says who holds the lock and what to do.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from veille.errors import StoreError

if TYPE_CHECKING:
    import duckdb

# Total wait ~ sum of the delays: long enough for a batch commit, short enough for cron.
_RETRY_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


def connect(
    path: str | Path,
    *,
    read_only: bool = False,
    migrate: bool = True,
    retries: tuple[float, ...] = _RETRY_DELAYS,
    config: dict[str, object] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open `path`; writers apply pending migrations, readers only check the schema version.

    Raises StoreError when the file stays locked, cannot be opened or is not a veille
    store (any other DuckDB file is refused before anything is written to it), and
    SchemaTooNewError when the file was written by a newer version of this code.
    `migrate=False` opens for writing without migrating (backup: copy as it is).
    """

    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(
            f"database {path} does not exist: run `veille crawl` or `veille nightly` first"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_with_retry(path, read_only=read_only, retries=retries, config=config)
    from store.migrate import apply_migrations, check_schema, check_veille_store

    try:
        # Before any write: a foreign file must never receive our schema.
        check_veille_store(con, path, may_init=migrate and not read_only)
        if read_only or not migrate:
            check_schema(con)
        else:
            apply_migrations(con)
    except BaseException:
        con.close()
        raise
    return con


def _open_with_retry(
    path: Path,
    *,
    read_only: bool,
    retries: tuple[float, ...],
    config: dict[str, object] | None = None,
) -> duckdb.DuckDBPyConnection:
    import duckdb

    for delay in (*retries, None):
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(config or {}))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"cannot open database {path}: {exc}") from None
            if delay is None:
                raise StoreError(
                    f"database {path} is locked by another process ({exc}). Only one process may "
                    "write it: wait for the running crawl/process/nightly job to finish, or open "
                    "the published snapshot read-only instead."
                ) from None
            time.sleep(delay)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from None
    raise AssertionError("unreachable")
