"""No command destroys data (issue 15): `veille sql` is read-only, and no command writes
into (or reads as ours) a DuckDB file that is not a veille store."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.conftest import veille
from tests.store.helpers import make_page

TEXT = (
    "Vierzon : une maison de santé ouvre en mars\n\n"
    "La commune de Vierzon accueillera trois médecins généralistes dans sa maison de santé."
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its hash (a new or changed file shows up)."""
    return {
        str(p.relative_to(folder)): sha(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    """A small working store and its published snapshot under tmp_path (no models)."""
    from ops.publish import publish
    from store.writer import Writer

    with Writer.open(tmp_path / "veille.duckdb") as w:
        w.save_pages([make_page("https://presse.example.fr/a1", TEXT)])
    publish(tmp_path / "veille.duckdb", tmp_path / "published" / "veille.duckdb")
    return tmp_path


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 -- http.server's naming
        type(self).hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"a\n1\n")

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local server that records every request (none may arrive)."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


def test_sql_refuses_every_destructive_statement(
    store: Path, http_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, hits = http_server
    work, snap = store / "veille.duckdb", store / "published" / "veille.duckdb"
    before = tree(store)
    statements = [
        f"ATTACH '{work}' AS w (READ_WRITE); DROP VIEW w.v_articles",
        f"ATTACH '{work}' AS w; DELETE FROM w.articles",
        f"COPY (SELECT 42) TO '{snap}'",
        f"COPY (SELECT 42) TO '{work}' (FORMAT csv)",
        f"EXPLAIN ANALYZE COPY (SELECT 42) TO '{snap}'",
        f"EXPORT DATABASE '{store / 'dump'}'",
        f"INSTALL httpfs FROM '{url}'",
        "LOAD httpfs",
        f"SELECT * FROM read_csv('{url}/x.csv')",
        "SET autoinstall_known_extensions = true",
        "SET enable_external_access = true",
        "PRAGMA enable_profiling",
        "DELETE FROM articles",
        "DROP VIEW v_articles",
        "CREATE TEMP TABLE t AS SELECT 1",
        "CHECKPOINT",
        "SELECT 1; DELETE FROM articles",
    ]
    for sql in statements:
        proc = veille("sql", "-c", sql, data=store, timeout=120)
        assert proc.returncode == 1, (sql, proc.stdout, proc.stderr)
        assert "error:" in proc.stderr, sql
        assert tree(store) == before, f"{sql!r} changed the store folder"
    # The interactive shell goes through the same gate.
    shell = veille("sql", data=store, timeout=120)  # stdin: nothing
    assert shell.returncode == 0
    assert hits == [], f"network requests were made: {hits}"
    assert tree(store) == before


def test_sql_still_reads_the_store_and_local_files(store: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text("insee,label\n18279,Vierzon\n", encoding="utf-8")
    proc = veille(
        "sql",
        "-c",
        "SELECT count(*) AS n FROM v_articles; ",
        "--format",
        "csv",
        data=store,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["n", "1"]
    proc = veille(
        "sql", "-c", f"SELECT label FROM read_csv('{csv_file}')", "--format", "csv", data=store
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["label", "Vierzon"]
    proc = veille("sql", "-c", "DESCRIBE v_articles", "--format", "csv", data=store)
    assert proc.returncode == 0 and "article_id" in proc.stdout


@pytest.fixture()
def foreign(tmp_path: Path) -> Path:
    import duckdb

    path = tmp_path / "other" / "lab.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE measures (id INTEGER, value DOUBLE)")
    con.execute("INSERT INTO measures VALUES (1, 2.5), (2, 3.5)")
    con.close()
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["backup", "{out}"],
        ["export", "{out}", "--format", "csv"],
        ["digest", "--week", "2026-W46"],
        ["sql", "-c", "SELECT 1"],
        ["similar", "maison de santé"],
        ["process", "--no-embeddings"],
    ],
    ids=lambda c: c[0],
)
def test_commands_refuse_a_foreign_duckdb_file(
    command: list[str], foreign: Path, tmp_path: Path
) -> None:
    before = sha(foreign)
    out = tmp_path / "out"
    args = [a.replace("{out}", str(out)) for a in command]
    proc = veille(*args, "--db", str(foreign), data=tmp_path, timeout=120)
    assert proc.returncode == 4, (proc.stdout, proc.stderr)
    assert "is not a veille database" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sha(foreign) == before
    assert sorted(p.name for p in foreign.parent.iterdir() if not p.name.endswith(".lock")) == [
        "lab.duckdb"
    ]
    assert not out.exists() or not any(out.iterdir())


def test_backup_copies_without_migrating(tmp_path: Path) -> None:
    """A store one migration behind is backed up as it is (backup never migrates)."""
    import duckdb

    from ops.backup import backup
    from store.migrate import applied_migrations, apply_migrations

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    apply_migrations(con, upto="0001_crawl")
    con.close()
    before = sha(db)
    result = backup(db, tmp_path / "backups")
    assert sha(db) == before
    con = duckdb.connect(result.path, read_only=True)
    try:
        assert applied_migrations(con) == ["0001_crawl"]
    finally:
        con.close()


def test_nightly_has_its_own_stories_and_embeddings_stages(store: Path, foreign: Path) -> None:
    """Stories and embeddings are stages of their own (timed, recorded), not a side effect
    of `process(limit=0)`; a failing one is recorded and the others still run."""
    import time

    from ops.nightly import _Night
    from veille.config import Settings

    night = _Night(
        settings=Settings(db_path=str(store / "veille.duckdb"), embedding_model="veille-fr-hybrid"),
        deadline=time.monotonic() + 600,
    )
    night.stories()
    night.retention()
    assert night.stages["stories"]["status"] == "ok" and "seconds" in night.stages["stories"]
    assert night.stages["retention"]["kept"] == 1  # the page is not analysed yet: kept
    broken = _Night(settings=Settings(db_path=str(foreign)), deadline=time.monotonic() + 600)
    broken.stories()
    broken.embeddings()
    assert broken.stages["stories"]["status"] == "failed"
    assert broken.stages["embeddings"]["status"] == "failed"
    assert [e["stage"] for e in broken.errors] == ["stories", "embeddings"]
    assert "not a veille database" in broken.errors[0]["error"]
