"""Readers never fail while the nightly job publishes: a separate process runs the
dashboard's read-only queries in a loop (short-lived connections) during 20 publishes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.models]

READER = r"""
import json, sys, time
from pathlib import Path
from store import dashboard_queries, queries

published, stop, out = sys.argv[1], Path(sys.argv[2]), open(sys.argv[3], "w")
while not stop.exists():
    try:
        con = queries.open_readonly(published)
        try:
            queries.weekly_initiative_types(con)
            queries.initiatives(con)
            queries.figures(con)
            dashboard_queries.source_health(con)
            n = con.execute("SELECT count(*) FROM v_articles").fetchall()[0][0]
        finally:
            con.close()
        out.write(json.dumps({"t": time.time(), "n": n}) + "\n")
    except Exception as exc:
        out.write(json.dumps({"t": time.time(), "error": f"{type(exc).__name__}: {exc}"}) + "\n")
    out.flush()
"""


def _new_article(db: Path) -> None:
    from store.writer import Writer
    from veille.records import CleanArticle, FetchedPage

    url = "http://127.0.0.1/demo/nouvel-article-apres-publication.html"
    text = "Guéret : un centre de santé ouvre\n\nLe centre de santé de Guéret ouvre lundi."
    page = FetchedPage(
        url=url,
        final_url=url,
        source_id="demo-echo-du-cantal",
        run_id="test",
        status=200,
        fetched_at="2026-11-20T03:00:00Z",
        content_type="text/html",
        body=b"<html></html>",
        article=CleanArticle(
            source=url,
            url=url,
            text=text,
            title=text.split("\n")[0],
            published="2026-11-20",
            body_start=35,
        ),
    )
    with Writer.open(db) as w:
        assert w.save_pages([page]) == 1


def test_zero_reader_errors_during_20_publishes(demo_run: dict, tmp_path: Path) -> None:
    from ops.publish import publish

    db = tmp_path / "work.duckdb"
    shutil.copyfile(demo_run["db"], db)
    published = tmp_path / "published" / "veille.duckdb"
    publish(db, published)
    stop, log = tmp_path / "stop", tmp_path / "reader.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop), str(log)])
    try:
        while not log.exists() or not log.read_text():
            time.sleep(0.1)
        swapped_at = None
        for i in range(20):
            if i == 10:
                _new_article(db)
            publish(db, published)
            if i == 10:
                swapped_at = time.time()
            time.sleep(0.05)
        time.sleep(1.0)  # let the reader do a few rounds on the last snapshot
    finally:
        stop.touch()
        reader.wait(timeout=60)
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    errors = [r["error"] for r in rows if "error" in r]
    assert errors == []
    assert len(rows) >= 20  # the reader really ran alongside the publishes
    before = {r["n"] for r in rows if r["t"] < swapped_at - 5}
    after = [r["n"] for r in rows if r["t"] > swapped_at]
    assert before <= {13, 14} and after and after[-1] == 14  # new data visible after the swap
    assert not list(published.parent.glob(".publish-*"))
