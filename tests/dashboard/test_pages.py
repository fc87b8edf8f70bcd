"""AppTest smoke test over every page, and flow tests on the fixture store."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import PAGES
from tests.dashboard.fixture_db import XSS_TITLE


def _texts(at) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app, page):
    at = app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "each page has a French title"


def test_home_counts_stories_once(app):
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    # Week of 3 June 2024: four relevant articles incl. a reprint of the Guéret article.
    assert metrics["Sujets pertinents"] == "3"
    assert metrics["Articles pertinents (reprises comprises)"] == "4"
    assert "Semaine du 3 juin 2024" in _texts(at)
    notable = at.dataframe[1].value
    assert len(notable) == 3
    assert notable.loc[notable["Titre"].str.startswith("Guéret"), "Reprises"].item() == 2


def test_missing_database_says_what_to_do(app, monkeypatch, tmp_path):
    monkeypatch.setenv("VEILLE_DASHBOARD_DB", str(tmp_path / "absent.duckdb"))
    at = app()
    assert "veille nightly" in at.error[0].value


def test_trend_filters_narrow_the_series(app):
    at = app("tendances")
    all_types = at.dataframe[-1].value
    assert len(all_types) == 5
    at.sidebar.selectbox(key="f_region").select("75").run()  # Nouvelle-Aquitaine: Guéret only
    assert not at.exception
    types = at.dataframe[-1].value
    assert list(types["Type"]) == ["Centre de santé (médecins salariés)"]
    at.sidebar.selectbox(key="f_region").select(None).run()
    at.sidebar.multiselect(key="f_types").select("cabinet_mobile").run()
    assert list(at.dataframe[-1].value["Type"]) == ["Cabinet mobile ou secondaire"]


def test_initiative_filters_and_csv_match_the_table(app):
    at = app("initiatives")
    table = at.dataframe[0].value
    assert len(table) == 5  # the Guéret reprint counts once
    at.sidebar.multiselect(key="f_status").select("ouvert").run()
    table = at.dataframe[0].value
    assert set(table["Statut"]) == {"Ouvert"} and len(table) == 2
    at.sidebar.text_input(key="f_actor").input("départemental").run()
    table = at.dataframe[0].value
    assert list(table["Commune"]) == ["Guéret"]


def test_commune_timeline_and_nearby(app):
    at = app("commune", query={"insee": "18052"})
    assert not at.exception
    assert at.header[0].value == "Charenton\\-du\\-Cher"
    texts = _texts(at)
    assert "Initiatives dans les communes voisines" in texts
    tables = [d.value for d in at.dataframe]
    near = tables[-1]
    assert "Saint-Amand-Montrond" in set(near["Commune"])  # ~12 km away


def test_article_view_highlights_facts_at_offsets(app, fixture_db):
    import duckdb

    with duckdb.connect(str(fixture_db), read_only=True) as con:
        aid = con.execute(
            "SELECT article_id FROM articles WHERE title LIKE 'Charenton%'"
        ).fetchone()[0]
    at = app("article", query={"id": aid})
    assert not at.exception
    body = at.html[-1].value
    assert 'data-kind="commune">Charenton-du-Cher</mark>' in body
    assert 'data-kind="figure">1 200 habitants</mark>' in body
    assert "maison de santé pluriprofessionnelle</mark>" in body
    assert any(b.label == "Voir l'article sur le site du journal" for b in at.get("link_button"))


def test_xss_title_and_body_render_as_text(app, fixture_db):
    import duckdb

    with duckdb.connect(str(fixture_db), read_only=True) as con:
        aid = con.execute(
            "SELECT article_id FROM articles WHERE title = ?", [XSS_TITLE]
        ).fetchone()[0]
    at = app("article", query={"id": aid})
    assert not at.exception
    header = at.header[0].value
    assert "<img" not in header.replace("\\<img", "")  # every markup character escaped
    body = at.html[-1].value
    assert "<img" not in body and "<script>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body


def test_sources_page_shows_failures(app):
    at = app("sources")
    health = at.dataframe[0].value
    creuse = health[health["Journal"].str.startswith("L'Écho")].iloc[0]
    assert creuse["Erreurs par motif"] == "http_500 : 1"
    assert "http_500" in set(at.dataframe[1].value["Motif"])


def test_highlight_escapes_every_slice():
    from dashboard.ui import highlight_html

    text = "<b>Vierzon</b> & co"
    out = highlight_html(text, [(3, 10, "commune", "18279"), (0, 19, "initiative", "x")])
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp; co" in out
    assert 'data-kind="commune">Vierzon</mark>' in out


def test_french_number_formats():
    from dashboard.ui import fmt_dec, fmt_int

    assert fmt_int(1234567) == "1\u202f234\u202f567"
    assert fmt_dec(1234.5) == "1\u202f234,5"


def test_new_snapshot_swapped_in_by_rename_is_picked_up(fixture_db, tmp_path, monkeypatch):
    """The nightly job publishes by copy + rename: the cached results must not survive it."""
    import os
    import shutil

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from store.ids import article_id
    from store.process import write_batch
    from store.writer import Writer
    from tests.dashboard.conftest import APP
    from tests.dashboard.fixture_db import DOCS, _analysis, _page

    published = tmp_path / "published.duckdb"
    shutil.copy(fixture_db, published)
    monkeypatch.setenv("VEILLE_DASHBOARD_DB", str(published))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.metric[0].value == "3"

    nxt = tmp_path / "next.duckdb"
    shutil.copy(fixture_db, nxt)
    extra = DOCS[0].__class__(
        **{
            **DOCS[0].__dict__,
            "slug": "charenton-suite",
            "title": "Charenton-du-Cher : le chantier commence",
            "published": "2024-06-06",
        }
    )
    with Writer.open(nxt) as w:
        page = _page(extra, "r2")
        w.save_pages([page])
        write_batch(w.con, "test", [(article_id(page.url), _analysis(extra, page))], [])
    os.replace(nxt, published)  # what `veille nightly` does: atomic rename over the old file
    at.run()
    assert not at.exception
    assert at.metric[0].value == "4"


INJECTED = "[reconnectez-vous](https://evil.example/login) ![x](https://evil.example/p.png)"


@pytest.mark.parametrize("page,param", [("commune", "insee"), ("article", "id")])
def test_unknown_query_value_is_not_echoed(app, page, param):
    at = app(page, query={param: INJECTED})
    assert not at.exception
    texts = _texts(at)
    assert "evil.example" not in texts and "reconnectez" not in texts
    assert any("de la base : choisissez" in w.value for w in at.warning)


def test_not_a_veille_store_says_which_file_is_expected(app, monkeypatch, tmp_path):
    import duckdb

    other = tmp_path / "autre.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    junk = tmp_path / "pas_duckdb.duckdb"
    junk.write_text("ceci n'est pas une base", encoding="utf-8")
    for path in (other, junk):
        monkeypatch.setenv("VEILLE_DASHBOARD_DB", str(path))
        for page in (None, "carte"):
            at = app(page)
            assert not at.exception
            assert len(at.error) == 1, [e.value for e in at.error]
            msg = at.error[0].value
            assert "n'est pas une base de Veille déserts médicaux" in msg
            assert "data/published/veille.duckdb" in msg


@pytest.mark.parametrize("page", PAGES)
def test_no_cell_reads_none_and_names_are_bare(app, page):
    at = app(page)
    for frame in at.dataframe:
        df = frame.value
        for col in df.columns:
            cells = {str(v) for v in df[col]}
            assert not cells & {"None", "nan", "NaT", "<NA>"}, (page, col)
            if col in ("Département", "Région"):
                named = cells - {"La Réunion"}  # its article is part of its name
                assert not any(c.startswith(("Le ", "La ", "Les ")) for c in named), (page, col)


def test_departement_filter_holds_across_pages(app):
    at = app("carte", query={"dep": "23"})
    assert not at.exception
    assert at.sidebar.selectbox(key="f_dep").value == "23"
    assert at.sidebar.selectbox(key="f_region").value == "75"
    at.switch_page("app_pages/initiatives.py").run()
    assert at.sidebar.selectbox(key="f_dep").value == "23"
    assert set(at.dataframe[0].value["Commune"]) == {"Guéret"}
    at.sidebar.selectbox(key="f_dep").select("").run()
    at.switch_page("app_pages/tendances.py").run()
    assert at.sidebar.selectbox(key="f_dep").value == ""


def test_map_has_every_departement_shape():
    from dashboard import geo

    codes = {f["properties"]["code"] for f in geo.shapes()["features"]}
    assert len(codes) == 101 and {"2A", "2B", "971", "972", "973", "974", "976"} <= codes
    x, y = geo.place(2.40, 47.08, "18")  # Bourges, inside the Cher's bounding box
    cher = next(f for f in geo.shapes()["features"] if f["properties"]["code"] == "18")
    pts = [p for poly in cher["geometry"]["coordinates"] for ring in poly for p in ring]
    assert min(p[0] for p in pts) < x < max(p[0] for p in pts)
    assert min(p[1] for p in pts) < y < max(p[1] for p in pts)
