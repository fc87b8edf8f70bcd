"""Initiatives: filterable table, similar initiatives elsewhere, free-text similarity search."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from veille.errors import VeilleError

SIMILAR_DOWN = ("Recherche de similarité indisponible : les vecteurs ne sont pas encore calculés "
                "pour ce modèle (lancez `veille process`). Détail : {exc}")

snap = ui.require_snapshot()
st.title("Initiatives")
f = ui.sidebar_filters(snap)
statuses = st.sidebar.multiselect(
    "Statut",
    list(ui.STATUS_LABELS),
    format_func=ui.status_label,
    key="f_status",
    placeholder="Tous les statuts",
)
actor = st.sidebar.text_input(
    "Acteur contient", key="f_actor", placeholder="ex. : département, ARS"
)
rows, total = data.initiatives(
    snap,
    f.start,
    f.end,
    f.region,
    f.departement,
    f.types,
    tuple(statuses) or None,
    actor.strip() or None,
)
st.caption(
    f"{ui.fmt_int(total)} initiatives correspondent aux filtres (une par sujet, type et "
    f"commune){' ; les 500 plus récentes sont affichées' if total > len(rows) else ''}."
)


SAME_TYPE = {True: "oui", False: "non", None: "–"}


def _similar_table(hits: list, key: str) -> None:
    # The store never returns a score that rounds to 0,00: such a "match" is no match.
    if not hits:
        st.info("Aucune initiative comparable trouvée.")
        return
    import pandas as pd

    shown = pd.DataFrame(
        [
            {
                "Similarité": ui.fmt_dec(h.score, 2),
                "Type": ui.type_label(h.type),
                "Même type": SAME_TYPE[h.same_type],
                "Phrase la plus proche": h.matching_sentence or h.evidence_text,
                "Mots en commun": ", ".join(h.shared_terms) or "–",
                "Commune": h.commune_name or "–",
                "Département": h.departement_code or "–",
                "Date": ui.fmt_date(h.published),
                "Phrase source": h.evidence_text,
                "Article": h.title or "",
                "Lien": h.url,
            }
            for h in hits
        ]
    )
    st.caption(
        "Pourquoi ces résultats : similarité du texte de l'initiative (phrase et contexte) "
        "de 0 à 1, même type d'initiative, phrase de l'article la plus proche de la "
        "référence et mots qu'elles partagent."
    )
    ui.table(
        shown,
        key=key,
        filename=f"{key}.csv",
        column_config={"Lien": st.column_config.LinkColumn("Lien", display_text="ouvrir")},
    )


if rows.empty:
    st.info("Aucune initiative pour ces filtres.")
else:
    shown = rows.assign(
        published=rows["published"].map(ui.fmt_date),
        type=rows["type"].map(ui.type_label),
        status=rows["status"].map(ui.status_label),
    )[
        [
            "published",
            "type",
            "status",
            "commune_name",
            "departement_name",
            "region_name",
            "actors",
            "evidence_text",
            "title",
        ]
    ].rename(
        columns={
            "published": "Date",
            "type": "Type",
            "status": "Statut",
            "commune_name": "Commune",
            "departement_name": "Département",
            "region_name": "Région",
            "actors": "Acteurs",
            "evidence_text": "Phrase source",
            "title": "Article",
        }
    )
    picked = ui.table(shown, key="init_table", filename="initiatives.csv", select=True)
    ids = list(rows["initiative_id"])
    labels = {
        r.initiative_id: f"{ui.type_label(r.type)} – {r.commune_name or 'sans commune'} "
        f"({ui.fmt_date(r.published)})"
        for r in rows.itertuples()
    }
    if picked:
        st.session_state["init_pick"] = ids[picked[0]]
    if st.session_state.get("init_pick") not in labels:
        st.session_state.pop("init_pick", None)
    st.subheader("Initiatives similaires ailleurs")
    chosen = st.selectbox(
        "Initiative de référence (ou sélectionnez une ligne du tableau)",
        ids,
        format_func=labels.get,
        key="init_pick",
    )
    row = rows[rows["initiative_id"] == chosen].iloc[0]
    st.markdown(
        f"**{ui.md_escape(ui.type_label(row['type']))}**"
        f" · {ui.md_escape(row['commune_name'] or '')}"
        f" — « {ui.md_escape(row['evidence_text'])} »"
    )
    col_a, _ = st.columns([1, 3])
    if col_a.button("Lire l'article", key="init_open"):
        ui.open_article(row["article_id"])
    try:
        with st.spinner("Recherche des initiatives similaires…"):
            _similar_table(data.similar_to_initiative(snap, chosen), "similaires_ailleurs")
    except VeilleError as exc:
        st.warning(SIMILAR_DOWN.format(exc=exc))

st.subheader("Recherche libre")
query = st.text_input(
    "Décrivez une initiative",
    placeholder="centre de santé avec médecins salariés par le département",
    key="free_query",
)
if query.strip():
    try:
        with st.spinner("Recherche…"):
            _similar_table(data.similar_to_text(snap, query.strip()), "recherche_libre")
    except VeilleError as exc:
        st.warning(SIMILAR_DOWN.format(exc=exc))
