"""`veille export`: the public views as parquet / csv files, or articles.jsonl.

Files are written under a temporary name and renamed, so a reader never sees a
half-written export.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from store.queries import PUBLIC_VIEWS, iter_analyses

FORMATS = ("parquet", "csv", "jsonl")


def export(con: Any, out_dir: str | Path, *, fmt: str) -> list[Path]:
    """Write the export; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        return [export_jsonl(con, out / "articles.jsonl")]
    written = []
    for view in PUBLIC_VIEWS:
        target = out / f"{view}.{fmt}"
        tmp = target.with_name(f".{target.name}.tmp")
        options = (
            "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
        )
        con.execute(f"COPY (SELECT * FROM {view}) TO '{_sql_path(tmp)}' ({options})")
        os.replace(tmp, target)
        written.append(target)
    return written


def export_jsonl(con: Any, target: Path) -> Path:
    """One JSON object per stored article: the `veille analyze` contract + source_id, story
    and paywalled (a subscribers-only teaser: analysed, but not the full article)."""
    paywalled = dict(con.execute("SELECT url, coalesce(paywalled, false) FROM articles").fetchall())
    tmp = target.with_name(f".{target.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for analysis, source_id, story in iter_analyses(con):
            record = analysis.to_dict()
            record["source_id"] = source_id
            record["story"] = story
            record["paywalled"] = bool(paywalled.get(analysis.source, False))
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, target)
    return target


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
