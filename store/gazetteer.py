"""Copy the NLP's shipped gazetteer into the communes / departements / regions tables.

Researchers join on these tables, and the views take names and centroids from them.
The tables are replaced in one transaction when the shipped files change (their
hash is kept in store_meta), so a running dashboard never sees them half-loaded.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

_FILES = ("gazetteer_communes.tsv.gz", "gazetteer_departements.tsv.gz", "gazetteer_regions.tsv.gz")


def gazetteer_hash() -> str:
    digest = hashlib.sha1()
    folder = resources.files("nlp.resources")
    for name in _FILES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def ensure_gazetteer(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> int:
    """(Re)load the gazetteer tables if the shipped files changed; return communes loaded (or 0)."""
    import pyarrow as pa

    from nlp.gazetteer import load_gazetteer

    current = gazetteer_hash()
    stored = con.execute("SELECT value FROM store_meta WHERE key = 'gazetteer_sha1'").fetchall()
    if stored and stored[0][0] == current and not force:
        return 0
    gaz = load_gazetteer()
    communes = pa.Table.from_pylist(
        [
            {
                "insee": c.insee,
                "name": c.name,
                "departement": c.departement,
                "region": c.region,
                "population": c.population,
                "lat": c.lat,
                "lon": c.lon,
                "type": c.type,
                "parent": c.parent,
            }
            for c in gaz.by_insee.values()  # one row per code: the COM wins over a same-code COMD
        ]
    )
    departements = pa.Table.from_pylist(
        [{"code": d.code, "name": d.name, "region": d.region} for d in gaz.departements.values()]
    )
    regions = pa.Table.from_pylist([{"code": r.code, "name": r.name} for r in gaz.regions.values()])
    con.execute("BEGIN TRANSACTION")
    try:
        for table, data in (
            ("communes", communes),
            ("departements", departements),
            ("regions", regions),
        ):
            con.register("_gaz", data)
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _gaz")
            con.unregister("_gaz")
        con.execute(
            "INSERT INTO store_meta VALUES ('gazetteer_sha1', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [current],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return communes.num_rows
