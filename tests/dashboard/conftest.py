"""Fixtures of the dashboard tests: one fixture store per session, AppTest on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.fixture_db import build

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")
PAGES = ["semaine", "tendances", "carte", "commune", "initiatives", "article", "sources"]


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("dash") / "veille.duckdb")


@pytest.fixture
def app(fixture_db, monkeypatch):
    """A factory of AppTests on the fixture store, opened at a given page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VEILLE_DASHBOARD_DB", str(fixture_db))
    st.cache_data.clear()

    def make(page: str | None = None, *, query: dict[str, str] | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        if page:
            at.switch_page(f"app_pages/{page}.py")
            for k, v in (query or {}).items():
                at.query_params[k] = v
            at.run()
        return at

    return make
