"""`veille backfill warc` end to end on the sample archive: in-process, CLI, LocalCluster."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from backfill.run import backfill_warc, local_segments
from tests.backfill.helpers import SPACY_MODEL, duplicates, snapshot
from veille.cli import app

pytestmark = pytest.mark.models


def test_in_process_run_stores_each_article_once_with_provenance(reference, sample) -> None:
    db, report = reference
    snap = snapshot(db)
    c = report.counts
    # 13 outlet articles: the 3 that are not about doctors (rugby, Christmas market,
    # festival) stop at the cheap stage; the other 10 are stored and analysed once,
    # although the cut file repeats one WARC file and a tracking copy repeats a URL.
    assert len(snap["articles"]) == len(snap["pages"]) == 10
    assert duplicates(db) == 0
    assert c["pages_new"] == 10 and c["analyses_written"] == 10
    assert all(a[7] for a in snap["articles"])  # relevant
    assert {p[0] for p in snap["provenance"]} == {p[0] for p in snap["pages"]}
    assert all(name.startswith("sample-") and off >= 0 for _, name, off in snap["provenance"])
    assert snap["article_communes"] and snap["initiatives"] and snap["stories"]
    assert {r for _, r in snap["failures"]} == {
        "not_html",
        "http_404",
        "http_301",
        "truncated",
        "decode",
    }
    assert c["bad:truncated"] == 1 and c["bad:decode"] == 1 and c["skipped:offsite"] == 15
    # Dates come from the archive (WARC-Date), not from the time of the backfill.
    assert all(str(a[2]).startswith("2026-11-20") for a in snap["articles"])


def test_cli_rerun_is_idempotent(reference, sample, tmp_path) -> None:
    db, _ = reference
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    before = snapshot(copy)
    result = CliRunner().invoke(
        app,
        [
            "backfill",
            "warc",
            *map(str, sample.files),
            "--sources",
            str(sample.sources),
            "--db",
            str(copy),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 3, result.output  # the cut file is damage: exit 3
    data = json.loads(result.stdout[result.stdout.index("{") :])
    c = data["counts"]
    assert c["pages_new"] == 0 and c["analyses_written"] == 0
    # 10 pages, 2 of them again in the cut copy of a file: nothing is analysed again.
    assert c["skipped:stored"] == 12 and "analysed" not in c
    assert snapshot(copy) == before


def test_archived_pages_went_through_the_one_analyse_stage(reference, tmp_path) -> None:
    """`veille process` finds nothing left to clean or analyse: the WARC ingest stored
    text and facts stamped with the current clean and analysis versions."""
    from store.process import process

    copy = tmp_path / "copy.duckdb"
    shutil.copy(reference[0], copy)
    report = process(copy, spacy_model=SPACY_MODEL, embedding_model=None)
    assert report.selected == 0 and report.analysed == 0
    assert snapshot(copy) == snapshot(reference[0])


@pytest.mark.integration
def test_local_cluster_of_two_workers_stores_the_same(
    reference, sample, sample_sources, tmp_path
) -> None:
    db = tmp_path / "dask.duckdb"
    report = backfill_warc(
        db,
        local_segments([str(p) for p in sample.files]),
        sources=sample_sources,
        spacy_model=SPACY_MODEL,
        workers=2,
    )
    assert report.executor == "LocalCluster(2)"
    assert snapshot(db) == snapshot(reference[0])
