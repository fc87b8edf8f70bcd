"""Article: the cleaned text with communes, initiatives and figures highlighted at their offsets.

Scraped text is always escaped: titles go through ui.md_escape, the body through
ui.highlight_html (html.escape on every slice before our own <mark> tags).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui

snap = ui.require_snapshot()
st.title("Article")
options = data.article_options(snap)
titles = {
    r.article_id: f"{ui.fmt_date(r.published)} – {r.title or 'sans titre'} ({r.source_id})"
    for r in options.itertuples()
}
wanted = st.query_params.get("id")
if wanted and wanted not in titles:
    titles = {wanted: wanted, **titles}
if not titles:
    st.info("Aucun article pertinent dans la base pour l'instant.")
    st.stop()
ids = list(titles)
article_id = st.selectbox(
    "Article",
    ids,
    index=ids.index(wanted) if wanted in titles else 0,
    format_func=titles.get,
    key="article_pick",
)
if article_id != wanted:
    st.query_params["id"] = article_id
art = data.article(snap, article_id)
if art is None:
    st.warning(f"Article {article_id} introuvable dans la base.")
    st.stop()

st.header(ui.md_escape(art["title"] or "Sans titre"))
relevance = "pertinent" if art["relevant"] else "non pertinent"
st.caption(
    f"{ui.md_escape(art['source_name'] or art['source_id'])}"
    f" · publié le {ui.fmt_date(art['published'])}"
    f" · collecté le {ui.fmt_date(art['fetched_at'])} · {relevance} "
    f"(score {ui.fmt_dec(art['relevance'], 2)})"
)
if art.get("paywalled"):
    # A subscribers-only teaser: analysed, but never shown as the full article.
    st.warning(
        "Article réservé aux abonnés : seul le début (chapô, premier paragraphe) a pu être "
        "collecté et analysé. Ce texte n'est pas l'article complet."
    )
st.link_button("Voir l'article sur le site du journal", art["url"])

text_col, facts_col = st.columns([3, 2])
with text_col:
    st.html(ui.legend_html())
    st.html(ui.highlight_html(art["text"], art["spans"]))
with facts_col:
    communes, inits, figs = art["communes"], art["initiatives"], art["figures"]
    st.subheader("Communes")
    if communes.empty:
        st.caption("Aucune commune reconnue.")
    else:
        ui.table(
            communes.assign(
                is_primary=communes["is_primary"].map({True: "oui", False: "non"})
            ).rename(
                columns={
                    "name": "Commune",
                    "insee": "Code INSEE",
                    "departement": "Département",
                    "is_primary": "Sujet principal",
                }
            ),
            key="art_communes",
            filename=f"communes_{article_id}.csv",
        )
        pick = st.selectbox(
            "Ouvrir la commune",
            list(communes["insee"]),
            key="art_commune_pick",
            format_func=dict(zip(communes["insee"], communes["name"], strict=True)).get,
        )
        if st.button("Ouvrir", key="art_commune_open"):
            ui.open_commune(pick)
    st.subheader("Initiatives")
    if inits.empty:
        st.caption("Aucune initiative reconnue.")
    else:
        ui.table(
            inits.assign(
                type=inits["type"].map(ui.type_label), status=inits["status"].map(ui.status_label)
            ).rename(
                columns={
                    "type": "Type",
                    "status": "Statut",
                    "commune_insee": "Commune",
                    "actors": "Acteurs",
                    "evidence_text": "Phrase source",
                }
            ),
            key="art_inits",
            filename=f"initiatives_{article_id}.csv",
        )
    st.subheader("Chiffres")
    if figs.empty:
        st.caption("Aucun chiffre reconnu.")
    else:
        ui.table(
            figs.assign(
                kind=figs["kind"].map(ui.figure_label), value=figs["value"].map(ui.fmt_dec)
            ).rename(
                columns={
                    "kind": "Indicateur",
                    "value": "Valeur",
                    "unit": "Unité",
                    "text": "Tel qu'écrit",
                    "commune_insee": "Commune",
                }
            ),
            key="art_figures",
            filename=f"chiffres_{article_id}.csv",
        )
    copies = art["copies"]
    if not copies.empty:
        st.subheader("Reprises du même sujet")
        ui.table(
            copies.assign(published=copies["published"].map(ui.fmt_date))[
                ["source_name", "published", "title", "url"]
            ].rename(
                columns={
                    "source_name": "Journal",
                    "published": "Date",
                    "title": "Titre",
                    "url": "Lien",
                }
            ),
            key="art_copies",
            filename=f"reprises_{article_id}.csv",
            column_config={"Lien": st.column_config.LinkColumn("Lien", display_text="ouvrir")},
        )
