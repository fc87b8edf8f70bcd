"""SIGKILL in the middle of `process`: the file stays readable and the next run completes it.

Every run is a separate process with the same PYTHONHASHSEED, so the comparison with an
uninterrupted run does not depend on set ordering inside the NLP.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from scripts.synth_articles import generate
from store.queries import open_readonly, view_checksums
from store.writer import Writer
from tests.conftest import ROOT, SEEDS
from tests.store.helpers import SOURCES, corpus_pages, make_page

pytestmark = [pytest.mark.integration, pytest.mark.models]


def _checksums(db):
    con = open_readonly(db)
    try:
        return view_checksums(con)
    finally:
        con.close()


def _process(db, frozen, *, kill_after_batches: int | None = None) -> subprocess.Popen:
    """Run `process` in a child; with kill_after_batches, SIGKILL it once that many committed.

    `frozen` holds a copy of nlp/ taken at the start, so that the three runs analyse with
    the same code even if someone edits nlp/ in the work tree meanwhile.
    """
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.path.insert(0, {str(frozen)!r})
        from store.process import process
        process({str(db)!r}, embedding_model=None, batch_size=4,
                on_progress=lambda done, total: print(done, flush=True))
    """)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        if kill_after_batches is None:
            child.communicate(timeout=600)
            assert child.returncode == 0
            return child
        for _ in range(kill_after_batches):
            assert child.stdout.readline().strip(), "the child died before its batches"
        child.send_signal(signal.SIGKILL)  # the next batch is being analysed or written
    finally:
        child.kill()
        child.wait()
    return child


def test_sigkill_mid_process_then_rerun(tmp_path):
    db = tmp_path / "v.duckdb"
    synth = [
        make_page(p.url, p.text, title=p.title, source_id="montagne" if n % 2 else "berry")
        for n, p in enumerate(generate(40, relevant_share=0.3, words=250, seed=3))
    ]
    with Writer.open(db) as w:
        w.upsert_sources(SOURCES)
        w.save_pages(corpus_pages(SEEDS) + synth)
    frozen = tmp_path / "frozen"
    shutil.copytree(ROOT / "nlp", frozen / "nlp", ignore=shutil.ignore_patterns("__pycache__"))
    reference = tmp_path / "ref.duckdb"
    shutil.copy(db, reference)
    _process(reference, frozen)

    killed = _process(db, frozen, kill_after_batches=2)
    assert killed.returncode == -signal.SIGKILL
    con = open_readonly(db)  # readable after the kill
    done = con.execute(
        "SELECT count(*) FROM articles WHERE pipeline_version IS NOT NULL"
    ).fetchall()[0][0]
    total = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    con.close()
    assert 0 < done < total

    _process(db, frozen)
    versions = {_versions(db), _versions(reference)}
    if len(versions) > 1:  # e.g. the spaCy model was reinstalled meanwhile
        pytest.skip(f"the NLP pipeline changed during the test: {versions}")
    assert _checksums(db) == _checksums(reference)


def _versions(db) -> tuple[str, ...]:
    con = open_readonly(db)
    try:
        rows = con.execute("SELECT DISTINCT pipeline_version FROM articles ORDER BY 1").fetchall()
        return tuple(r[0] for r in rows)
    finally:
        con.close()
