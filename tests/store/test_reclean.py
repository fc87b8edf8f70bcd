"""Re-cleaning: a cleaner fix reaches stored articles and their facts (`process --reclean`).

The store is first processed by an "old" cleaner: a copy of nlp/ whose clean.py loses the
last paragraph of every article. The current cleaner then rebuilds the texts from the
kept HTML; the facts found in the recovered paragraphs appear, with offsets into the new
text, and the analysis version did not move (only the cleaner changed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from crawler import fixture_site
from store.queries import open_readonly
from store.writer import Writer
from tests.conftest import ROOT
from veille.records import FetchedPage

pytestmark = [pytest.mark.integration, pytest.mark.models]

_BODY_LINES = "return drop_furniture([line for line in lines if line])"
# Evidence of every fact: (table, article_id, start, end, text).
_EVIDENCE = """
    SELECT 'commune', article_id, start_offset, end_offset, text FROM commune_mentions
    UNION ALL SELECT 'area', article_id, start_offset, end_offset, text FROM area_mentions
    UNION ALL SELECT 'figure', article_id, start_offset, end_offset, text FROM figures
    UNION ALL SELECT 'initiative', article_id, evidence_start, evidence_end, evidence_text
              FROM initiatives
"""


def _old_cleaner(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(ROOT / "nlp", old / "nlp", ignore=shutil.ignore_patterns("__pycache__"))
    clean = old / "nlp" / "clean.py"
    code = clean.read_text(encoding="utf-8")
    assert _BODY_LINES in code, "nlp/clean.py changed: update the patch of this test"
    clean.write_text(code.replace(_BODY_LINES, _BODY_LINES + "[:-1]"), encoding="utf-8")
    return old


def _process_with(code_dir, db) -> dict:
    script = textwrap.dedent(f"""
        import dataclasses, json, sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.path.insert(0, {str(code_dir)!r})
        from store.process import process
        report = process({str(db)!r}, embedding_model=None, batch_size=4)
        print(json.dumps(report.as_dict(), default=str))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _raw_pages() -> list[FetchedPage]:
    root = fixture_site.DEFAULT_ROOT
    base = "https://www.echo-du-berry.example"
    pages = []
    for meta in fixture_site.load_articles(root / "articles").values():
        url = base + meta["path"]
        pages.append(
            FetchedPage(
                url=url,
                final_url=url,
                source_id="berry",
                run_id="r1",
                status=200,
                fetched_at="2024-10-22T02:00:00Z",
                content_type="text/html; charset=utf-8",
                body=fixture_site.render_article(meta, base=base, root=root),
            )
        )
    return pages


def _snapshot(db) -> tuple[dict, list]:
    con = open_readonly(db)
    try:
        texts = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT article_id, text, pipeline_version, clean_version FROM articles"
            ).fetchall()
        }
        evidence = con.execute(_EVIDENCE).fetchall()
    finally:
        con.close()
    return texts, evidence


def test_a_cleaner_fix_reaches_the_facts(tmp_path, analyzer):
    from nlp.versions import analysis_version, clean_version
    from store.process import process
    from tests.store.helpers import SOURCES

    db = tmp_path / "v.duckdb"
    pages = _raw_pages()
    with Writer.open(db) as w:
        w.upsert_sources(SOURCES)
        w.save_pages(pages)
    old_report = _process_with(_old_cleaner(tmp_path), db)
    assert old_report["cleaned"] == len(pages) and old_report["analysed"] == len(pages)
    assert old_report["clean_version"] != clean_version()
    assert old_report["pipeline_version"] == analysis_version()  # the cleaner is not analysis
    old_texts, old_evidence = _snapshot(db)

    # Without --reclean nothing moves: the stored texts are current for their cleaner.
    assert process(db, analyzer=analyzer, embedding_model=None).selected == 0

    report = process(db, analyzer=analyzer, embedding_model=None, reclean=True)
    assert report.cleaned == report.text_changed == len(pages)
    assert report.analysed == len(pages) and report.failed == 0
    new_texts, new_evidence = _snapshot(db)
    for aid, (text, version, cversion) in new_texts.items():
        old_text = old_texts[aid][0]
        assert text.startswith(old_text) and len(text) > len(old_text) + 40
        assert version == analysis_version() and cversion == clean_version()
    for _, aid, start, end, span in new_evidence:  # evidence indexes the new text
        assert new_texts[aid][0][start:end] == span
    recovered = [e for e in new_evidence if e[2] >= len(old_texts[e[1]][0])]
    assert recovered, "no fact was found in the paragraphs the old cleaner lost"
    assert len(new_evidence) > len(old_evidence)

    # Again: every page is current now.
    assert process(db, analyzer=analyzer, embedding_model=None, reclean=True).selected == 0
