"""The demo end to end: `veille demo --no-serve` = site + nightly + publish; then re-runs,
the lock, researcher access (sql, backup) and the digest on its output."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from crawler.fixture_site import load_articles
from ops.demo import DEMO_DIR
from tests.ops.conftest import VEILLE, content_checksums, content_counts, env_for, veille

pytestmark = [pytest.mark.integration, pytest.mark.models]
# The demo site: the hand-written articles of November 2026 and the generated year.
ARTICLES = load_articles(DEMO_DIR / "site" / "articles")
N = len(ARTICLES)
N_OFF_TOPIC = sum(a["section"] in ("Sport", "Loisirs", "Culture") for a in ARTICLES.values())


def test_demo_publishes_a_snapshot_with_the_demo_articles(demo_run: dict) -> None:
    import duckdb

    assert 250 <= N <= 400  # "a few hundred pages"
    assert re.search(rf"published .*: {N} articles \(\d+ relevant\)", demo_run["stdout"])
    con = duckdb.connect(str(demo_run["published"]), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM v_articles").fetchall()[0][0] == N
        assert con.execute("SELECT count(DISTINCT source_id) FROM v_articles").fetchall()[0][0] == 7
        # Agency stories printed by two or three outlets are one story each; the pages
        # generated from one template stay separate stories.
        sizes = dict(
            con.execute("SELECT n_articles, count(*) FROM v_stories GROUP BY 1").fetchall()
        )
        assert set(sizes) <= {1, 2, 3} and sizes.get(2, 0) + sizes.get(3, 0) >= 4
        # A year: relevant stories in (nearly) every week, in every region of the outlets.
        weeks = con.execute("SELECT count(DISTINCT week) FROM v_stories WHERE relevant").fetchall()[
            0
        ][0]
        assert weeks >= 45
        regions = con.execute("SELECT count(DISTINCT region_code) FROM v_initiatives").fetchall()[
            0
        ][0]
        assert regions >= 7
        relevant = con.execute("SELECT count(*) FROM v_articles WHERE relevant").fetchall()[0][0]
        assert relevant <= N - N_OFF_TOPIC  # off-topic pages are not relevant
        run = con.execute(
            "SELECT status, exit_code, stages, log_file, finished_at FROM nightly_runs"
        ).fetchall()
    finally:
        con.close()
    assert len(run) == 1
    status, code, stages, log_file, finished = run[0]
    assert (status, code) == ("ok", 0) and finished is not None
    stages = json.loads(stages)
    # The crawl reads the recent sitemaps; the backfill fetches the rest of the year.
    assert stages["crawl"]["new"] + stages["backfill"]["fetched"] == N
    assert stages["backfill"]["fetched"] > stages["crawl"]["new"]
    assert stages["process"]["analysed"] == N
    assert stages["retention"]["dropped"] >= N_OFF_TOPIC  # irrelevant pages lose their HTML
    assert Path(log_file).exists() and "stage publish" in Path(log_file).read_text(encoding="utf-8")


def test_rerun_on_the_same_input_inserts_nothing(demo_run: dict) -> None:
    import duckdb

    data: Path = demo_run["data"]
    before_counts = content_counts(demo_run["published"])
    before = content_checksums(demo_run["published"])
    proc = veille(
        "demo", "--no-serve", "--port", str(demo_run["port"]), "--data", str(data), data=data
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = duckdb.connect(str(demo_run["published"]), read_only=True)
    try:
        runs = con.execute("SELECT status, stages FROM nightly_runs ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert [r[0] for r in runs] == ["ok", "ok"]
    stages = json.loads(runs[1][1])
    assert stages["crawl"]["new"] == 0
    assert content_counts(demo_run["published"]) == before_counts
    if stages["process"]["selected"]:
        # Only in a working tree where nlp/ was edited between the two runs: the new
        # pipeline version re-analyses (and stamps) every article, by design.
        pytest.skip("the NLP code changed during the test; checksums compare only on equal code")
    assert stages["process"]["analysed"] == 0
    assert content_checksums(demo_run["published"]) == before


def test_second_instance_exits_at_once_with_75(demo_run: dict) -> None:
    from ops.lock import ops_lock

    data: Path = demo_run["data"]
    with ops_lock(demo_run["db"], what="test"):
        proc = veille("nightly", "--sources", str(data / "sources.toml"), data=data, timeout=60)
    assert proc.returncode == 75, proc.stderr
    assert "another nightly run or backup" in proc.stderr and "wait for it to finish" in proc.stderr


def test_sql_command_and_shell_are_read_only(demo_run: dict) -> None:
    data: Path = demo_run["data"]
    proc = veille("sql", "-c", "SELECT count(*) AS n FROM v_articles", "--format", "csv", data=data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["n", str(N)]
    proc = veille("sql", "-c", "DELETE FROM articles", data=data)
    assert proc.returncode == 1 and "read-only" in proc.stderr.lower()
    shell = subprocess.run(
        [*VEILLE, "sql"],
        input=".tables\nSELECT source_id,\n  count(*) AS n FROM v_articles"
        " GROUP BY ALL ORDER BY 1;\n.quit\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env_for(data),
    )
    assert shell.returncode == 0, shell.stderr
    assert "v_initiatives" in shell.stdout and "demo-echo-du-cantal" in shell.stdout


def test_backup_is_a_verified_copy(demo_run: dict, tmp_path: Path) -> None:
    import duckdb

    proc = veille("backup", str(tmp_path / "backups"), data=demo_run["data"])
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["articles"] == N
    con = duckdb.connect(result["path"], read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == N
    finally:
        con.close()
    assert not list((tmp_path / "backups").glob(".*tmp"))


def test_digest_markdown_and_html(demo_run: dict, tmp_path: Path) -> None:
    data: Path = demo_run["data"]
    md = veille("digest", "--week", "2026-W46", data=data)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Veille déserts médicaux — semaine 2026-W46")
    assert "## Nouvelles initiatives" in md.stdout and "### Grand Est" in md.stdout
    assert "Le Grand Est" not in md.stdout and "centre_de_sante" not in md.stdout
    assert f"(<http://127.0.0.1:{demo_run['port']}/" in md.stdout
    # Eight weeks of history behind the digest's week, none of them empty.
    trend = md.stdout.rsplit("## Sujets pertinents, 8 dernières semaines", 1)[1]
    assert len(re.findall(r"\d\d/\d\d : [1-9]", trend)) == 8
    out = tmp_path / "digest.html"
    html = veille(
        "digest",
        "--week",
        "2026-W46",
        "--format",
        "html",
        "--out",
        str(out),
        "--dashboard-url",
        "http://127.0.0.1:8501",
        data=data,
    )
    assert html.returncode == 0, html.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'href="http://127.0.0.1:' in text
    assert 'href="http://127.0.0.1:8501/article?id=' in text and "<script" not in text
    assert "Saint-Florent-sur-Cher" in text
    bad = veille("digest", "--week", "2026-46", data=data)
    assert bad.returncode == 2 and "2026-W46" in bad.stderr
