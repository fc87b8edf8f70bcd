"""`veille sql`: a small read-only SQL shell on the published snapshot.

The `duckdb` CLI may not be installed on the observatory server, so this reads
statements (ended by ';' in the interactive shell) and prints results with rich.
The connection comes from `store.shell`: read-only, queries only, no extension
loading or network, configuration locked (see that module and docs/operations.md).
The nightly job can replace the snapshot at any time (we keep the old inode).
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Any, TextIO

_HELP = """Statements end with ';'. Commands: .tables (public views), .schema VIEW, .quit.
Views (v_*) are documented in store/schema.md. Read-only: queries only (SELECT, DESCRIBE,
SHOW, SUMMARIZE); local CSV/Parquet/JSON files can be read with read_csv(), read_parquet()."""


class Shell:
    def __init__(
        self, path: str, *, fmt: str = "table", max_rows: int = 200, out: TextIO | None = None
    ) -> None:
        from store.shell import open_shell

        self.path = path
        self.con = open_shell(path)
        self.fmt = fmt
        self.max_rows = max_rows
        self.out = out or sys.stdout

    def close(self) -> None:
        self.con.close()

    def run(self, text: str) -> bool:
        """Run one statement (or dot-command); print the result or the error. True if it worked."""
        import duckdb

        from store.shell import run_query
        from veille.errors import VeilleError

        text = text.strip().rstrip(";").strip()
        if not text:
            return True
        if text.startswith("."):
            return self._dot(text)
        try:
            result = run_query(self.con, text)
            if result.description is None:
                return True
            names = [d[0] for d in result.description]
            rows = result.fetchmany(self.max_rows + 1) if self.fmt == "table" else result.fetchall()
        except (duckdb.Error, VeilleError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
        self._print(names, rows)
        return True

    def repl(self, stream: TextIO) -> bool:
        """Read statements until EOF or .quit; False if the last statement failed."""
        interactive = stream.isatty()
        if interactive:
            print(f"veille sql on {self.path} (read-only). {_HELP}", file=self.out)
        buffer: list[str] = []
        ok = True
        while True:
            if interactive:
                self.out.write("sql> " if not buffer else "...> ")
                self.out.flush()
            line = stream.readline()
            if not line:
                break
            stripped = line.strip()
            if not buffer and stripped in (".quit", ".exit", "\\q"):
                break
            if not buffer and stripped.startswith("."):
                ok = self._dot(stripped)
                continue
            buffer.append(line)
            if stripped.endswith(";"):
                ok = self.run("".join(buffer))
                buffer = []
        if buffer:
            ok = self.run("".join(buffer))
        return ok

    def _dot(self, text: str) -> bool:
        parts = text.split()
        if parts[0] == ".tables":
            return self.run(
                "SELECT view_name, comment FROM duckdb_views() "
                "WHERE NOT internal AND schema_name = 'main' ORDER BY view_name"
            )
        if parts[0] == ".schema" and len(parts) == 2:
            name = parts[1].replace("'", "''")
            return self.run(
                "SELECT column_name, data_type, comment FROM duckdb_columns() "
                f"WHERE table_name = '{name}' ORDER BY column_index"
            )
        if parts[0] == ".help":
            print(_HELP, file=self.out)
            return True
        print(f"error: unknown command {parts[0]}; {_HELP}", file=sys.stderr)
        return False

    def _print(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        if self.fmt == "csv":
            writer = csv.writer(self.out)
            writer.writerow(names)
            writer.writerows(rows)
            return
        if self.fmt == "json":
            for row in rows:
                self.out.write(
                    json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=str)
                    + "\n"
                )
            return
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(*names)
        for row in rows[: self.max_rows]:  # Text: scraped values must not be read as rich markup
            table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
        console = Console(file=self.out, width=max(120, Console().width))
        console.print(table)
        more = (
            " (more rows not shown: --max-rows or --format csv)"
            if len(rows) > self.max_rows
            else ""
        )
        console.print(f"{min(len(rows), self.max_rows)} row(s){more}")
