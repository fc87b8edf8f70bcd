"""Similarity flows of the Initiatives page, on a fixture store with real embeddings."""

from __future__ import annotations

import pytest

from nlp.embed import DEFAULT_MODEL
from tests.dashboard.conftest import APP
from tests.dashboard.fixture_db import build

pytestmark = pytest.mark.models
MODEL = DEFAULT_MODEL  # the shipped default (settings.embedding_model)


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("dash_emb") / "veille.duckdb", embed_model=MODEL)


@pytest.fixture
def initiatives_page(embedded_db, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VEILLE_DASHBOARD_DB", str(embedded_db))
    monkeypatch.setenv("VEILLE_EMBEDDING_MODEL", MODEL)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/initiatives.py")
    at.run()
    return at


def _similarity_tables(at) -> list:
    """Similarity result tables in page order: similar-elsewhere first, free-text search last."""
    tables = [f.value for f in at.dataframe if "Similarité" in f.value.columns]
    assert tables, "no similarity table on the page"
    return tables


def test_similar_initiatives_are_elsewhere(initiatives_page, embedded_db):
    import duckdb

    at = initiatives_page
    assert not at.exception, [e.value for e in at.exception]
    with duckdb.connect(str(embedded_db), read_only=True) as con:
        gueret = con.execute(
            "SELECT initiative_id FROM v_initiatives "
            "WHERE commune_insee = '23096' "
            "ORDER BY published LIMIT 1"
        ).fetchone()[0]
    # The Guéret health centre as reference: the answers must come from other communes.
    at.selectbox(key="init_pick").set_value(gueret).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    hits = _similarity_tables(at)[0]
    assert len(hits) >= 1
    assert "Guéret" not in set(hits["Commune"])
    # Each answer says why it is near, and none is a 0,00 non-match.
    assert {"Même type", "Phrase la plus proche", "Mots en commun"} <= set(hits.columns)
    assert "0,00" not in set(hits["Similarité"])
    assert hits["Phrase la plus proche"].str.len().min() > 0
    assert set(hits["Même type"]) <= {"oui", "non"}  # the reference has a type


def test_free_text_search_finds_the_salaried_centre(initiatives_page):
    at = initiatives_page
    at.text_input(key="free_query").input(
        "centre de santé avec médecins salariés par le département"
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    tables = _similarity_tables(at)
    assert len(tables) == 2  # similar-elsewhere of the default pick, then the free-text answers
    hits = tables[-1]
    assert hits.iloc[0]["Type"] == "Centre de santé (médecins salariés)"
    assert hits.iloc[0]["Commune"] == "Guéret"
