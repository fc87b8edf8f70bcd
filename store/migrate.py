"""Schema migrations: ordered `store/migrations/NNNN_name.sql` files, applied names recorded.

Each file runs in one transaction together with its row in `schema_migrations`,
so a crash leaves the file either before or after a migration, never half-way.
A file that records a migration this code does not ship was written by a newer
version: we refuse it rather than guess (SchemaTooNewError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from store.ids import utcnow
from veille.errors import SchemaTooNewError, StoreError

if TYPE_CHECKING:
    import duckdb

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name VARCHAR PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE schema_migrations IS
    'Migrations applied to this file (store/migrations/NNNN_name.sql), in order.';
COMMENT ON COLUMN schema_migrations.name IS 'Migration file name without .sql, e.g. "0001_crawl".';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC).';
"""


@dataclass(frozen=True)
class Migration:
    name: str  # file name without ".sql"
    sql: str


def available_migrations() -> list[Migration]:
    """The migrations this code ships, in order (discovered from the package folder)."""
    folder = resources.files("store.migrations")
    found = []
    for entry in folder.iterdir():
        if _NAME.match(entry.name):
            found.append(Migration(entry.name[:-4], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.name)
    numbers = [m.name[:4] for m in found]
    if len(set(numbers)) != len(numbers):
        raise StoreError(f"two migrations share a number in store/migrations: {numbers}")
    return found


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE table_name = 'schema_migrations' AND schema_name = 'main'"
    ).fetchall()[0][0]
    if not exists:
        return []
    return [
        r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    ]


def check_veille_store(con: duckdb.DuckDBPyConnection, path: object, *, may_init: bool) -> None:
    """Refuse a DuckDB file that is not a veille store (raises StoreError).

    A veille store records `0001_crawl` in `schema_migrations`. A migrating writer
    (`may_init`) may create the schema in an empty file; any other file without that
    record is someone else's data: we neither read it as ours nor write into it.
    """
    if "0001_crawl" in _applied_names(con):
        return
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
    ]
    if may_init and not tables:
        return
    holds = (
        f"it holds {', '.join(tables[:5])}{' ...' if len(tables) > 5 else ''}"
        if tables
        else "it is empty"
    )
    raise StoreError(
        f"{path} is not a veille database ({holds}; no veille migration is recorded). "
        "It was left unchanged. Check --db / VEILLE_DB_PATH / VEILLE_PUBLISHED_PATH: "
        "point them at a file made by `veille crawl` or `veille nightly`."
    )


def _applied_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names in schema_migrations, or [] when the table is missing or not ours."""
    columns = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE table_name = 'schema_migrations' AND schema_name = 'main'"
        ).fetchall()
    }
    if "name" not in columns:
        return []
    return [r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()]


def check_schema(con: duckdb.DuckDBPyConnection, *, allow_pending: bool = True) -> list[str]:
    """Raise SchemaTooNewError if the file knows migrations we don't; return pending names."""
    known = [m.name for m in available_migrations()]
    applied = applied_migrations(con)
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise SchemaTooNewError(
            f"this database was written by a newer version of veille (unknown migrations: "
            f"{', '.join(unknown)}; this code knows up to {known[-1] if known else 'none'}). "
            "Upgrade veille (`git pull && make install`) or open a copy made by this version."
        )
    pending = [n for n in known if n not in applied]
    if pending and not allow_pending:
        raise StoreError(
            f"this database lacks migrations {', '.join(pending)}: open it once with a writer "
            "(`veille process` or `veille nightly`) to upgrade it."
        )
    return pending


def apply_migrations(con: duckdb.DuckDBPyConnection, *, upto: str | None = None) -> list[str]:
    """Apply pending migrations in order (only those <= `upto` if given); return their names."""
    pending = check_schema(con)
    by_name = {m.name: m for m in available_migrations()}
    done = []
    if not applied_migrations(con):
        con.execute(_BOOTSTRAP)
    for name in pending:
        if upto is not None and name > upto:
            break
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(by_name[name].sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [name, utcnow()])
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {exc}") from exc
        done.append(name)
    return done
