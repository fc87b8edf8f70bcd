"""Commune: one commune's story over time (articles, initiatives, figures, nearby initiatives)."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui

snap = ui.require_snapshot()
st.title("Commune")
options = data.mentioned_communes(snap)
names = dict(zip(options["insee"], options["name"], strict=True))
deps = dict(zip(options["insee"], options["departement"], strict=True))
wanted = st.query_params.get("insee")
if wanted and wanted not in names:
    # Never echo the unknown value: a shared link could carry Markdown or HTML.
    st.warning("Le lien ouvre une commune absente de la base : choisissez-en une ci-dessous.")
    wanted = None
if not names:
    st.info("Aucune commune citée dans la base pour l'instant.")
    st.stop()
codes = list(names)
insee = st.selectbox(
    "Commune",
    codes,
    index=codes.index(wanted) if wanted in names else 0,
    format_func=lambda c: f"{names[c]} ({deps[c] or '—'}) – {c}",
    key="commune_pick",
)
if insee != wanted:
    st.query_params["insee"] = insee
km = st.sidebar.slider("Rayon des communes voisines (km)", 5, 100, 30, step=5, key="commune_km")
found = data.commune(snap, insee, float(km))
if found is None:
    st.warning("Cette commune n'est pas dans la base.")
    st.stop()
info = found["info"]
st.header(ui.md_escape(info["name"]))
place = ", ".join(
    x for x in (ui.place(info["departement_name"]), ui.place(info["region_name"])) if x
)
st.caption(f"Code INSEE {info['insee']} · {place} · {ui.fmt_int(info['population'])} habitants")

arts, inits, figs, near = found["articles"], found["initiatives"], found["figures"], found["nearby"]
cols = st.columns(3)
cols[0].metric("Articles qui la citent", ui.fmt_int(len(arts)))
cols[1].metric("Initiatives", ui.fmt_int(len(inits)))
cols[2].metric("Chiffres", ui.fmt_int(len(figs)))

st.subheader("Initiatives")
if inits.empty:
    st.info("Aucune initiative rapportée pour cette commune.")
else:
    ui.table(
        inits.assign(
            published=inits["published"].map(ui.fmt_date),
            type=inits["type"].map(ui.type_label),
            status=inits["status"].map(ui.status_label),
        )[["published", "type", "status", "actors", "evidence_text", "title"]].rename(
            columns={
                "published": "Date",
                "type": "Type",
                "status": "Statut",
                "actors": "Acteurs",
                "evidence_text": "Phrase source",
                "title": "Article",
            }
        ),
        key="commune_inits",
        filename=f"initiatives_{insee}.csv",
    )

st.subheader("Articles")
rows = ui.table(
    arts.assign(
        published=arts["published"].map(ui.fmt_date),
        is_primary=arts["is_primary"].map({True: "oui", False: "non"}),
        relevant=arts["relevant"].map({True: "oui", False: "non"}),
    )[
        [
            "published",
            "title",
            "source_name",
            "is_primary",
            "relevant",
            "n_initiatives",
            "n_figures",
        ]
    ].rename(
        columns={
            "published": "Date",
            "title": "Titre",
            "source_name": "Journal",
            "is_primary": "Sujet principal",
            "relevant": "Pertinent",
            "n_initiatives": "Initiatives",
            "n_figures": "Chiffres",
        }
    ),
    key="commune_articles",
    filename=f"articles_{insee}.csv",
    select=True,
)
if rows:
    ui.open_article(arts["article_id"].iloc[rows[0]])

st.subheader("Chiffres")
if figs.empty:
    st.info("Aucun chiffre rattaché à cette commune.")
else:
    ui.table(
        figs.assign(
            published=figs["published"].map(ui.fmt_date),
            kind=figs["kind"].map(ui.figure_label),
            value=figs["value"].map(lambda v: ui.fmt_dec(v, 0 if float(v).is_integer() else 1)),
        )[["published", "kind", "value", "unit", "text", "title"]].rename(
            columns={
                "published": "Date",
                "kind": "Indicateur",
                "value": "Valeur",
                "unit": "Unité",
                "text": "Tel qu'écrit",
                "title": "Article",
            }
        ),
        key="commune_figures",
        filename=f"chiffres_{insee}.csv",
    )

st.subheader(f"Initiatives dans les communes voisines (moins de {km} km)")
if near.empty:
    st.info("Aucune initiative rapportée à proximité.")
else:
    ui.table(
        near.assign(
            km=near["km"].map(ui.fmt_dec),
            published=near["published"].map(ui.fmt_date),
            type=near["type"].map(ui.type_label),
            status=near["status"].map(ui.status_label),
        )[["km", "commune_name", "published", "type", "status", "evidence_text"]].rename(
            columns={
                "km": "Distance (km)",
                "commune_name": "Commune",
                "published": "Date",
                "type": "Type",
                "status": "Statut",
                "evidence_text": "Phrase source",
            }
        ),
        key="commune_near",
        filename=f"initiatives_voisines_{insee}.csv",
    )
