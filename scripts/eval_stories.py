"""Precision / recall of story grouping on a generated set of syndicated copies.

    .venv/bin/python scripts/eval_stories.py [-n 300] [--seed 0]

Originals come from scripts/synth_articles.py (many different articles that share
stock sentences: hard negatives). Each of a share of them gets 1-3 copies as other
outlets print them: edited headline, trimmed paragraphs, different boilerplate
(agency credit, "Lire aussi", subscription pitch), light rewrites (a few words
changed, a sentence dropped). Pairs are scored: a pair is positive when both
documents derive from the same original.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BOILER_TOP = (
    "Publié le {d} avril à 06h{m:02d} - Mis à jour à 08h{m:02d}",
    "Abonnés",
    "Par la rédaction avec AFP",
    "Temps de lecture : 3 min",
    "Accueil > Région > Santé",
)
BOILER_BOTTOM = (
    "Cet article vous est offert. Abonnez-vous pour 1 € le premier mois et soutenez "
    "l'information locale.",
    "Lire aussi : Les urgences de l'hôpital ferment la nuit faute de personnel",
    "© Agence France-Presse. Tous droits de reproduction réservés.",
    "Vous souhaitez réagir ? Connectez-vous pour laisser un commentaire.",
    "Newsletter : recevez chaque matin l'essentiel de l'actualité de votre département.",
    "Partager sur Facebook Partager sur X Envoyer par e-mail",
)
HEADLINE_EDITS = ("{t}", "{t} : ce qu'il faut savoir", "Santé. {t}", "VIDÉO. {t}", "{t} (photos)")
SWAPS = {
    "médecin": "praticien",
    "commune": "municipalité",
    "maire": "édile",
    "généralistes": "médecins",
    "patients": "malades",
    "cabinet": "local",
    "projet": "dossier",
    "élus": "conseillers",
}


@dataclass(frozen=True)
class Doc:
    doc_id: str
    origin: int
    text: str
    body_start: int


def _rewrite(body: list[str], rng: random.Random) -> list[str]:
    out = []
    for para in body:
        sentences = [s for s in para.split(". ") if s]
        if len(sentences) > 2 and rng.random() < 0.3:
            del sentences[rng.randrange(len(sentences))]  # a sentence cut for length
        para = ". ".join(sentences)
        for a, b in SWAPS.items():
            if rng.random() < 0.3:
                para = para.replace(a, b, 1)
        out.append(para)
    return out


def make_copy(title: str, body: list[str], rng: random.Random) -> tuple[str, int]:
    new_title = rng.choice(HEADLINE_EDITS).format(t=title)
    body = list(body)
    if len(body) > 3 and rng.random() < 0.6:  # trimmed: last paragraphs dropped, or the first
        if rng.random() < 0.7:
            body = body[: len(body) - rng.randint(1, max(1, len(body) // 3))]
        else:
            body = body[1:]
    if rng.random() < 0.5:
        body = _rewrite(body, rng)
    top = (
        [rng.choice(BOILER_TOP).format(d=rng.randint(1, 28), m=rng.randint(0, 59))]
        if rng.random() < 0.5
        else []
    )
    bottom = rng.sample(BOILER_BOTTOM, rng.randint(0, 3))
    text = new_title + "\n\n" + "\n".join(top + body + bottom)
    return text, len(new_title) + 2


def make_set(n_originals: int = 300, *, copy_share: float = 0.4, seed: int = 0) -> list[Doc]:
    from scripts.synth_articles import generate

    rng = random.Random(seed)
    docs = []
    for i, page in enumerate(generate(n_originals, relevant_share=0.5, words=400, seed=seed)):
        title, _, body_text = page.text.partition("\n\n")
        docs.append(Doc(f"o{i}", i, page.text, len(title) + 2))
        if rng.random() < copy_share:
            for k in range(rng.randint(1, 3)):
                text, start = make_copy(title, body_text.split("\n"), rng)
                docs.append(Doc(f"o{i}c{k}", i, text, start))
    return docs


def score(docs: list[Doc], groups: list[set[str]]) -> dict[str, float]:
    origin = {d.doc_id: d.origin for d in docs}
    predicted = {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}
    truth = {
        frozenset((a.doc_id, b.doc_id))
        for a, b in itertools.combinations(docs, 2)
        if a.origin == b.origin
    }
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    n_multi = sum(1 for g in groups if len({origin[x] for x in g}) > 1)
    return {
        "docs": len(docs),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "precision": precision,
        "recall": recall,
        "mixed_groups": n_multi,
    }


def main() -> None:
    from store.stories import group

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="number of original articles")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    docs = make_set(args.n, seed=args.seed)
    t0 = time.perf_counter()
    groups = group((d.doc_id, d.text, d.body_start) for d in docs)
    elapsed = time.perf_counter() - t0
    result = score(docs, groups)
    for key, value in result.items():
        print(f"{key:16} {value:.3f}" if isinstance(value, float) else f"{key:16} {value}")
    print(f"{'seconds':16} {elapsed:.2f}")


if __name__ == "__main__":
    main()
