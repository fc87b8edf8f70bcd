"""Sources: per-outlet crawl health, so a broken outlet is visible."""

from __future__ import annotations

from datetime import datetime, timedelta

import altair as alt
import streamlit as st

from dashboard import data, ui

STALE = timedelta(days=3)  # the crawl runs nightly: three nights without pages is a breakage
# Problem codes of the crawl summary (crawler/items.py source_problem) -> what to do, in French.
PROBLEMS = {
    "no_links": "aucun lien d'article trouvé : vérifier les adresses de découverte "
    "(`veille sources check --source {sid}`), puis les corriger ou corriger article_pattern",
    "all_offsite": "tous les liens trouvés pointent hors des domaines autorisés : ajouter le "
    "nouvel hôte à allowed_domains (le journal a déménagé ?)",
    "robots_unavailable": "le robots.txt du site répond en erreur (5xx) ou ne répond pas : "
    "rien n'est collecté cette nuit (RFC 9309) ; réessayer demain, prévenir le journal si "
    "cela dure",
    "tdm_reserved": "le journal réserve la fouille de textes et de données (TDM) : rien n'est "
    "collecté, sauf si l'exception de recherche est invoquée (docs/sources.md)",
}

snap = ui.require_snapshot()
st.title("Sources")
health, nights, failures = data.sources(snap)
if health.empty:
    st.info("Aucune source enregistrée : lancez `veille crawl`.")
    st.stop()

newest = health["last_run_at"].max()


def _state(row) -> str:
    problem = getattr(row, "problem_last_run", None)
    if isinstance(problem, str) and problem:
        return "⛔ problème"  # found nothing usable: see "Problème (que corriger)"
    if row.last_run_status == "interrupted":
        return "⚠️ interrompue"
    if row.last_success_at is None or row.last_success_at != row.last_success_at:
        return "Jamais réussie"
    if newest == newest and newest - row.last_success_at > STALE:
        return "En panne"
    if row.pages_last_run == 0 and row.failures_last_run > 0:
        return "Erreurs"
    return "Normale"


def _problem_fr(sid: str, problem: str) -> str:
    code, _, detail = problem.partition(":")
    text = PROBLEMS.get(code)
    return text.format(sid=sid) if text else detail.strip() or problem


states = [_state(r) for r in health.itertuples()]
broken = sum(s != "Normale" for s in states)
cols = st.columns(3)
cols[0].metric("Sources suivies", ui.fmt_int(len(health)))
cols[1].metric("Sources en difficulté", ui.fmt_int(broken))
cols[2].metric("Dernière collecte", ui.fmt_date(newest) if isinstance(newest, datetime) else "–")
for row in health.itertuples():
    problem = getattr(row, "problem_last_run", None)
    if isinstance(problem, str) and problem:
        what = ui.md_escape(_problem_fr(row.source_id, problem))
        st.warning(f"**{ui.md_escape(row.source_name)}** : {what}")

shown = health.assign(
    etat=states,
    last_run_at=health["last_run_at"].map(
        lambda d: d.strftime("%d/%m/%Y %H:%M") if d == d and d else "–"
    ),
    last_success_at=health["last_success_at"].map(
        lambda d: d.strftime("%d/%m/%Y %H:%M") if d == d and d else "–"
    ),
    avg_pages_per_run=health["avg_pages_per_run"].map(ui.fmt_dec),
    failures_by_reason=health["failures_by_reason"].fillna(""),
    problem_last_run=[
        _problem_fr(r.source_id, r.problem_last_run)
        if isinstance(getattr(r, "problem_last_run", None), str) and r.problem_last_run
        else ""
        for r in health.itertuples()
    ],
)[
    [
        "etat",
        "source_name",
        "problem_last_run",
        "last_run_at",
        "last_run_status",
        "last_success_at",
        "pages_last_run",
        "avg_pages_per_run",
        "failures_last_run",
        "failures_by_reason",
        "n_articles",
        "n_relevant",
    ]
].rename(
    columns={
        "etat": "État",
        "source_name": "Journal",
        "last_run_at": "Dernière collecte",
        "last_run_status": "Statut",
        "last_success_at": "Dernier succès",
        "pages_last_run": "Pages (dernière nuit)",
        "avg_pages_per_run": "Pages par nuit (moyenne)",
        "failures_last_run": "Erreurs (dernière nuit)",
        "failures_by_reason": "Erreurs par motif",
        "n_articles": "Articles",
        "n_relevant": "Articles pertinents",
        "problem_last_run": "Problème (que corriger)",
    }
)
ui.table(shown, key="src_health", filename="sante_des_sources.csv")

left, right = st.columns(2)
with left:
    st.subheader("Pages collectées par nuit")
    if nights.empty:
        st.info("Aucune page collectée.")
    else:
        chart = (
            alt.Chart(nights)
            .mark_line(point=True)
            .encode(
                x=alt.X("day:T", title="Nuit", axis=alt.Axis(format="%d/%m")),
                y=alt.Y("n_pages:Q", title="Pages"),
                color=alt.Color("source_id:N", title="Source"),
                tooltip=[
                    alt.Tooltip("day:T", title="Nuit", format="%d/%m/%Y"),
                    alt.Tooltip("source_id:N", title="Source"),
                    alt.Tooltip("n_pages:Q", title="Pages"),
                ],
            )
            .properties(height=300)
        )
        st.altair_chart(chart, width="stretch")
with right:
    st.subheader("Erreurs par motif (30 derniers jours)")
    if failures.empty:
        st.info("Aucune erreur de collecte.")
    else:
        ui.table(
            failures.assign(
                last_at=failures["last_at"].map(lambda d: d.strftime("%d/%m/%Y %H:%M"))
            ).rename(
                columns={
                    "source_id": "Source",
                    "reason": "Motif",
                    "n": "Erreurs",
                    "last_at": "Dernière",
                }
            ),
            key="src_failures",
            filename="erreurs_par_motif.csv",
        )
