"""Cached read-only data for the pages: the only module of the dashboard that opens DuckDB.

Each call opens the published snapshot read-only, runs one query batch from
store/dashboard_queries.py and closes it at once, so the nightly job can swap a
new snapshot in by rename at any time. Cache keys include the file's (inode,
mtime): a new snapshot is a new inode, so it invalidates every cached result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

from store import dashboard_queries as q

DB_ENV = "VEILLE_DASHBOARD_DB"  # set by `veille dashboard --db`; else settings.published_path
TTL = 600  # seconds: the snapshot changes once a night, the stamp catches it sooner


class Snapshot(NamedTuple):
    """Identity of the DB file a result came from (hashable: part of every cache key)."""

    path: str
    inode: int
    mtime_ns: int


def db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    from veille.config import load_settings

    return Path(load_settings().published_path)


def snapshot() -> Snapshot | None:
    """The current snapshot's identity, or None when the file is missing."""
    path = db_path()
    try:
        st_ = path.stat()
    except FileNotFoundError:
        return None
    return Snapshot(str(path.resolve()), st_.st_ino, st_.st_mtime_ns)


@contextmanager
def _connect(snap: Snapshot) -> Iterator[Any]:
    from store.db import connect

    con = connect(snap.path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def _run(snap: Snapshot, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with _connect(snap) as con:
        return fn(con, *args, **kwargs)


@st.cache_data(ttl=TTL, show_spinner=False)
def store_problem(snap: Snapshot) -> str | None:
    """Why the file cannot be read as a veille store (None when it can): not DuckDB, not
    ours, locked, or written by a newer version. Cached per snapshot, so checked once."""
    from veille.errors import VeilleError

    try:
        with _connect(snap) as con:
            if not q.is_veille_store(con):
                return "not_veille"
    except VeilleError as exc:
        if "lock" in str(exc).lower() or "newer version" in str(exc):
            return f"error:{exc}"
        return "not_veille"  # not a DuckDB file at all
    except Exception:  # noqa: BLE001 - any other DuckDB error means "not a store we can read"
        return "not_veille"
    return None


# One cached wrapper per query: st.cache_data keys on the function and every argument.
@st.cache_data(ttl=TTL, show_spinner=False)
def home(snap: Snapshot) -> dict[str, Any] | None:
    """Everything the home page shows, in one connection; None when the store is empty."""
    with _connect(snap) as con:
        week = q.latest_week(con)
        if week is None:
            return None
        return {
            "week": week,
            "weeks": q.weeks_overview(con, end=week, weeks=8),
            "types": q.week_initiative_types(con, week=week),
            "notable": q.notable_articles(con, week=week),
        }


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_options(snap: Snapshot) -> tuple[Any, Any, date | None, date | None]:
    """(regions, départements, first week, last week) for the sidebar, in one connection."""
    with _connect(snap) as con:
        regions, deps = q.places(con)
        return (regions, deps, *q.week_bounds(con))


@st.cache_data(ttl=TTL, show_spinner=False)
def trends(
    snap: Snapshot,
    start: date | None,
    end: date | None,
    region: str | None,
    departement: str | None,
    types: tuple[str, ...] | None,
) -> tuple[Any, Any]:
    with _connect(snap) as con:
        stories = q.weekly_stories(
            con, start=start, end=end, region=region, departement=departement
        )
        inits = q.weekly_initiatives(
            con,
            start=start,
            end=end,
            region=region,
            departement=departement,
            types=list(types) if types else None,
        )
    return stories, inits


@st.cache_data(ttl=TTL, show_spinner=False)
def map_data(
    snap: Snapshot,
    start: date | None,
    end: date | None,
    region: str | None,
    departement: str | None,
) -> tuple[Any, Any, Any]:
    """(communes named, département rates, initiative points) of the Carte page."""
    with _connect(snap) as con:
        communes = q.commune_coverage(
            con, start=start, end=end, region=region, departement=departement
        )
        deps = q.departement_rates(con, start=start, end=end, region=region)
        points = q.initiative_points(
            con, start=start, end=end, region=region, departement=departement
        )
    return communes, deps, points


@st.cache_data(ttl=TTL, show_spinner=False)
def mentioned_communes(snap: Snapshot) -> Any:
    return _run(snap, q.mentioned_communes)


@st.cache_data(ttl=TTL, show_spinner=False)
def commune(snap: Snapshot, insee: str, km: float) -> dict[str, Any] | None:
    with _connect(snap) as con:
        info = q.commune_info(con, insee)
        if info is None:
            return None
        return {
            "info": info,
            "articles": q.commune_articles(con, insee),
            "initiatives": q.commune_initiatives(con, insee),
            "figures": q.commune_figures(con, insee),
            "nearby": q.nearby_initiatives(con, insee, km=km),
        }


@st.cache_data(ttl=TTL, show_spinner=False)
def initiatives(
    snap: Snapshot,
    start: date | None,
    end: date | None,
    region: str | None,
    departement: str | None,
    types: tuple[str, ...] | None,
    statuses: tuple[str, ...] | None,
    actor: str | None,
) -> tuple[Any, int]:
    return _run(
        snap,
        q.initiatives_table,
        start=start,
        end=end,
        region=region,
        departement=departement,
        types=list(types) if types else None,
        statuses=list(statuses) if statuses else None,
        actor=actor or None,
    )


def _model_id() -> str:
    from veille.config import load_settings

    return load_settings().embedding_model


@st.cache_data(ttl=TTL, show_spinner=False)
def similar_to_initiative(snap: Snapshot, initiative_id: str, k: int = 10) -> list[Any]:
    """Nearest initiatives in other communes; raises StoreError without vectors."""
    from store.similar import similar_to_initiative as run

    return _run(snap, run, initiative_id, model_id=_model_id(), k=k)


@st.cache_data(ttl=TTL, show_spinner=False)
def similar_to_text(snap: Snapshot, text: str, k: int = 10) -> list[Any]:
    from store.similar import similar_to_text as run

    return _run(snap, run, text, model_id=_model_id(), k=k)


@st.cache_data(ttl=TTL, show_spinner=False)
def article_options(snap: Snapshot) -> Any:
    return _run(snap, q.article_options)


@st.cache_data(ttl=TTL, show_spinner=False)
def article(snap: Snapshot, article_id: str) -> dict[str, Any] | None:
    return _run(snap, q.article_detail, article_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def sources(snap: Snapshot) -> tuple[Any, Any, Any]:
    with _connect(snap) as con:
        return q.source_health(con), q.pages_per_night(con), q.failures_by_reason(con)
