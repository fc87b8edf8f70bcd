"""`veille backup DIR`: a consistent copy of the working database, verified to open.

Under the operations lock (so no nightly run writes meanwhile), the file is
checkpointed and copied with the writer connection held open (no other writer can
slip in), then the copy is opened read-only before it gets its final name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class BackupResult:
    path: str
    bytes: int
    articles: int

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "bytes": self.bytes, "articles": self.articles}


def backup(db_path: str | Path, out_dir: str | Path) -> BackupResult:
    """Write DIR/<db name>-<UTC stamp>.duckdb; raises AlreadyRunningError during a nightly run."""
    from ops.lock import ops_lock
    from store.snapshot import checkpointed_copy, verify_snapshot
    from veille.errors import StoreError

    db = Path(db_path)
    if not db.exists():
        raise StoreError(
            f"database {db} does not exist: nothing to back up (check --db / VEILLE_DB_PATH)"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{db.stem}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.duckdb"
    tmp = out / f".{target.name}.tmp"
    with ops_lock(db, what="backup"):
        try:
            # A backup copies the file as it is: never migrated, and a foreign file is refused.
            size = checkpointed_copy(db, tmp, migrate=False)
            articles = verify_snapshot(tmp, allow_pending=True)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return BackupResult(path=str(target), bytes=size, articles=articles)
