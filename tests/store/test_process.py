"""`veille process` on the user's seeds + our fixtures: idempotent, offsets, export contract."""

from __future__ import annotations

import json

import pytest

from store.export import export
from store.process import process
from store.queries import open_readonly, view_checksums
from store.writer import Writer
from tests.conftest import SEEDS
from tests.store.helpers import SOURCES, corpus_pages

pytestmark = pytest.mark.models

TABLES = (
    "articles",
    "article_communes",
    "commune_mentions",
    "article_areas",
    "area_mentions",
    "initiatives",
    "figures",
    "stories",
    "embeddings",
    "processing_failures",
)


def _counts(db):
    con = open_readonly(db)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES
        }, view_checksums(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def processed(tmp_path_factory, analyzer):
    db = tmp_path_factory.mktemp("store") / "v.duckdb"
    pages = corpus_pages(SEEDS)
    with Writer.open(db) as w:
        w.upsert_sources(SOURCES)
        w.save_pages(pages)
    report = process(db, analyzer=analyzer, embedding_model="veille-fr-hybrid", batch_size=3)
    return db, pages, report


def test_first_run_analyses_everything(processed):
    db, pages, report = processed
    assert report.selected == report.analysed == len(pages)
    assert report.failed == 0 and report.relevant >= 5 and report.initiatives > 0
    assert report.embedded > 0 and report.embed_skipped is None


def test_rerun_and_reprocess_change_nothing(processed, analyzer):
    db, _, _ = processed
    before = _counts(db)
    again = process(db, analyzer=analyzer, embedding_model="veille-fr-hybrid")
    assert again.selected == 0 and again.embedded == 0
    assert _counts(db) == before
    redo = process(
        db, analyzer=analyzer, embedding_model="veille-fr-hybrid", reprocess=True, batch_size=4
    )
    assert redo.analysed == redo.selected > 0
    assert _counts(db) == before


def test_evidence_offsets_index_the_text(processed):
    con = open_readonly(processed[0])
    try:
        for sql in (
            "SELECT count(*) FROM initiatives i JOIN articles a USING (article_id) "
            "WHERE substring(a.text, i.evidence_start + 1, i.evidence_end - i.evidence_start) "
            "<> i.evidence_text",
            "SELECT count(*) FROM figures f JOIN articles a USING (article_id) "
            "WHERE substring(a.text, f.start_offset + 1, f.end_offset - f.start_offset) <> f.text",
            "SELECT count(*) FROM commune_mentions m JOIN articles a USING (article_id) "
            "WHERE substring(a.text, m.start_offset + 1, m.end_offset - m.start_offset) <> m.text",
        ):
            assert con.execute(sql).fetchall()[0][0] == 0, sql
    finally:
        con.close()


def test_syndicated_copy_counts_once(processed):
    con = open_readonly(processed[0])
    try:
        stories = dict(
            con.execute(
                "SELECT url, story_id FROM v_articles WHERE url LIKE '%bus_medical%'"
            ).fetchall()
        )
        assert len(stories) == 2 and len(set(stories.values())) == 1
        story = next(iter(stories.values()))
        n_types = con.execute(
            "SELECT count(DISTINCT type) FROM v_initiatives WHERE story_id = ?", [story]
        ).fetchall()[0][0]
        rows = con.execute(
            "SELECT sum(n_stories) FROM v_weekly_initiative_types t "
            "WHERE (t.week, t.type) IN "
            "(SELECT (week, type) FROM v_initiatives WHERE story_id = ?)",
            [story],
        ).fetchall()[0][0]
        assert n_types >= 1 and rows == n_types  # one story per type, not two copies
    finally:
        con.close()


def test_export_jsonl_is_the_analyze_contract(processed, analyzer, tmp_path):
    db, pages, _ = processed
    con = open_readonly(db)
    try:
        (path,) = export(con, tmp_path, fmt="jsonl")
        export(con, tmp_path, fmt="parquet")
        export(con, tmp_path, fmt="csv")
    finally:
        con.close()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(pages)
    by_url = {r["source"]: r for r in records}
    for page in pages:
        record = dict(by_url[page.url])
        assert record.pop("source_id") == page.source_id
        assert record.pop("story").startswith("s")
        assert record.pop("paywalled") is False
        expected = analyzer.analyze(
            page.article, region_hint="24" if page.source_id == "berry" else "84"
        )
        assert record == json.loads(json.dumps(expected.to_dict(), ensure_ascii=False))
    assert (tmp_path / "v_initiatives.parquet").exists() and (tmp_path / "v_articles.csv").exists()


class _FailsOn:
    """The real analyzer, except that it raises on texts containing a marker (failure injection)."""

    def __init__(self, real, marker):
        self.real, self.marker = real, marker

    def analyze_many(self, articles, *, region_hint=None):
        articles = list(articles)
        if any(self.marker in a.text for a in articles):
            raise RuntimeError("batch failed")
        return self.real.analyze_many(articles, region_hint=region_hint)

    def analyze(self, article, *, region_hint=None):
        if self.marker in article.text:
            raise ValueError("boom: cannot analyse")
        return self.real.analyze(article, region_hint=region_hint)


def test_failed_document_is_recorded_and_others_go_on(tmp_path, analyzer):
    db = tmp_path / "v.duckdb"
    pages = [p for p in corpus_pages(SEEDS) if "press.example.fr/montagne" in p.url]
    with Writer.open(db) as w:
        w.upsert_sources(SOURCES)
        w.save_pages(pages)
    report = process(db, analyzer=_FailsOn(analyzer, "Saint-Jean"), embedding_model=None)
    assert report.failed == 1 and report.analysed == len(pages) - 1
    assert dict(report.failures) == {"ValueError": 1}
    con = open_readonly(db)
    rows = con.execute("SELECT url, stage, reason, message FROM processing_failures").fetchall()
    con.close()
    assert rows == [
        (
            next(p.url for p in pages if "fete" in p.url),
            "analyze",
            "ValueError",
            "boom: cannot analyse",
        )
    ]
    assert process(db, analyzer=analyzer, embedding_model=None).selected == 0  # not retried blindly
    fixed = process(db, analyzer=analyzer, embedding_model=None, reprocess=True)
    assert fixed.failed == 0
    con = open_readonly(db)
    assert con.execute("SELECT count(*) FROM processing_failures").fetchall()[0][0] == 0
    con.close()
