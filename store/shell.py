"""The connection behind `veille sql`: read the store, change nothing, reach nothing.

Layers, each enough on its own for the statements it covers:

- the store is opened read-only (a write to it fails in DuckDB);
- only SELECT statements run (DuckDB's own parser says which kind each statement
  is): ATTACH, COPY, EXPORT, INSTALL/LOAD, SET/PRAGMA, CREATE, CALL, EXPLAIN (whose
  ANALYZE form executes its statement) and the rest are refused before they run, so
  nothing can attach the working file for writing or write over a store file;
- extensions are neither installed nor loaded automatically, and community or
  unsigned ones are not allowed: with no httpfs there is no network file system;
- the configuration is locked after set-up, so no SET can undo the above.

Kept on purpose: SELECTs may read local CSV, Parquet and JSON files (read_csv,
read_parquet, ...), which is how a researcher joins their own tables to ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from veille.errors import StoreError

if TYPE_CHECKING:
    import duckdb

_CONFIG: dict[str, object] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}


class ReadOnlyShellError(StoreError):
    """Raised by `store.shell.run_query` for a statement `veille sql` does not run."""

    exit_code = 1


def open_shell(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only, locked-down connection to the store at `path` (checked to be one)."""
    from store.db import connect

    con = connect(path, read_only=True, config=_CONFIG)
    try:
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def run_query(con: duckdb.DuckDBPyConnection, text: str) -> duckdb.DuckDBPyConnection:
    """Run `text` (one or more SELECT statements); the last one's result is returned.

    Raises ReadOnlyShellError naming the first statement that is not a query; nothing
    of `text` has run then.
    """
    import duckdb

    statements = duckdb.extract_statements(text)
    for statement in statements:
        if statement.type != duckdb.StatementType.SELECT:
            kind = statement.type.name
            raise ReadOnlyShellError(
                f"refused: `veille sql` is read-only and runs queries only (SELECT, FROM, "
                f"WITH, DESCRIBE, SHOW, SUMMARIZE); this statement is {kind}: "
                f"{statement.query.strip()[:80]!r}. To change data, work on a copy "
                "(`veille backup DIR`, then open the copy with duckdb yourself)."
            )
    result = con
    for statement in statements:
        result = con.execute(statement.query)
    return result
