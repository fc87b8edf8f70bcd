"""Story grouping: quality floors on a generated set, and stable ids in the store."""

from __future__ import annotations

import random

from scripts.eval_stories import make_copy, make_set, score
from store.stories import group, update_stories
from store.writer import Writer
from tests.store.helpers import make_page

BODY = [
    "Depuis lundi, des médecins bénévoles se relaient chaque semaine au cabinet de Chârost, "
    "fermé depuis le départ en retraite du dernier généraliste de la commune l'an passé.",
    "L'association Médecins Solidaires a déjà ouvert une dizaine de centres de ce type en France, "
    "tous installés dans des communes qui avaient perdu leur médecin depuis plusieurs années.",
    "La communauté de communes a financé les travaux du local et l'achat du matériel médical, "
    "pour un montant de 45 000 euros selon le président de l'intercommunalité.",
    "Les patients peuvent prendre rendez-vous par téléphone ou sur internet, du lundi au vendredi, "
    "et la secrétaire médicale assure l'accueil tous les matins de la semaine.",
]
OTHER = [
    "Le conseil municipal de Vierzon a voté jeudi soir la rénovation complète du gymnase "
    "du quartier des Forges, un chantier attendu depuis près de dix ans par les clubs.",
    "Les travaux débuteront à l'automne et devraient durer dix-huit mois, pendant lesquels "
    "les associations sportives seront accueillies dans les salles des communes voisines.",
    "Le coût total est estimé à 3,2 millions d'euros, dont une partie sera couverte par "
    "l'État et la région au titre de la rénovation énergétique des bâtiments publics.",
]


def test_generated_set_floors():
    docs = make_set(120, seed=7)
    result = score(docs, group((d.doc_id, d.text, d.body_start) for d in docs))
    assert result["true_pairs"] > 30
    assert result["precision"] >= 0.95, result
    assert result["recall"] >= 0.90, result


def test_copy_with_edited_headline_and_boilerplate_groups():
    title = "Chârost : des médecins solidaires au chevet de la commune"
    original = title + "\n\n" + "\n".join(BODY)
    copy, start = make_copy(title, BODY, random.Random(3))
    other = "Vierzon : le gymnase des Forges sera rénové\n\n" + "\n".join(OTHER)
    groups = group([("a", original, len(title) + 2), ("b", copy, start), ("c", other, 45)])
    assert {"a", "b"} in groups and {"c"} in groups


def test_story_ids_are_stable_in_the_store(tmp_path):
    title = "Chârost : des médecins solidaires au chevet de la commune"
    original = make_page(
        "https://berry.fr/a", title + "\n\n" + "\n".join(BODY), published="2024-04-05"
    )
    other = make_page(
        "https://berry.fr/b", "Vierzon : le gymnase\n\n" + "\n".join(OTHER), published="2024-04-05"
    )
    copy_text = "Santé. " + title + "\n\nAbonnés\n" + "\n".join(BODY[:3]) + "\n© AFP"
    copy = make_page(
        "https://montagne.fr/c",
        copy_text,
        source_id="montagne",
        published="2024-04-04",
        title="Santé. " + title,
    )
    with Writer.open(tmp_path / "v.duckdb") as w:
        w.save_pages([original, other])
        assert update_stories(w.con) == 0  # not analysed yet: only relevant articles group
        w.con.execute("UPDATE articles SET relevant = true")
        assert update_stories(w.con) == 2
        first = dict(w.con.execute("SELECT url, story_id FROM articles").fetchall())
        assert first["https://berry.fr/a"] != first["https://berry.fr/b"]
        # The copy arrives later (even dated earlier): it joins the existing story id.
        w.save_pages([copy])
        w.con.execute("UPDATE articles SET relevant = true")
        assert update_stories(w.con) == 1
        after = dict(w.con.execute("SELECT url, story_id FROM articles").fetchall())
        assert after["https://montagne.fr/c"] == first["https://berry.fr/a"]
        assert update_stories(w.con) == 0  # idempotent
        n_articles, n_sources = w.con.execute(
            "SELECT n_articles, n_sources FROM v_stories WHERE story_id = ?",
            [first["https://berry.fr/a"]],
        ).fetchall()[0]
        assert (n_articles, n_sources) == (2, 2)
        stored = w.con.execute(
            "SELECT n_articles FROM stories WHERE story_id = ?", [first["https://berry.fr/a"]]
        ).fetchall()
        assert stored == [(2,)]
