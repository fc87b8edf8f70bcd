"""Latency of `veille similar` over many stored initiative vectors.

    .venv/bin/python scripts/bench_similar.py [-n 100000] [--model ID] [--queries 20]

Fills a temporary store with n articles + initiatives + random unit vectors of the
model's dimension (stored under its id), then times
- `search_vector`: the numpy dot product over the model's matrix, top-k, details of the
  best few, one answer per story, other communes only;
- `similar_to_text`: what `veille similar TEXT` and the dashboard run, i.e. encoding the
  query with the real model + search + the explanation (the hits' sentences encoded).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    import numpy as np
    import pyarrow as pa

    from nlp.embed import DEFAULT_MODEL, get_embedder
    from store.db import connect
    from store.similar import search_vector, similar_to_text

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    args.dim = get_embedder(args.model).dim
    db = Path(tempfile.mkdtemp()) / "bench.duckdb"
    con = connect(db)
    rng = np.random.default_rng(0)
    n = args.n
    t0 = time.perf_counter()
    con.execute(
        """
        INSERT INTO articles (article_id, url, source_id, fetched_at, title, published, text,
                              body_start, text_sha1, relevant, story_id)
        SELECT 'a' || i, 'https://ex.fr/' || i, 'synth',
               TIMESTAMP '2024-01-01' + INTERVAL (i % 700) DAY, 'Titre ' || i,
               DATE '2024-01-01' + (i % 700)::INTEGER, 'Titre\n\nTexte', 7, 'x', true,
               's' || (i // 2)
        FROM range(?) t(i)
    """,
        [n],
    )
    con.execute(
        """
        INSERT INTO initiatives SELECT 'i' || i, 'a' || i, 0, 'telemedecine', NULL, [],
               lpad(((i * 7919) % 36000 + 1000)::VARCHAR, 5, '0'), 0, 5, 'Titre'
        FROM range(?) t(i)
    """,
        [n],
    )
    vectors = rng.standard_normal((n, args.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for i in range(0, n, 20_000):
        chunk = vectors[i : i + 20_000]
        table = pa.table(
            {
                "item_kind": ["initiative"] * len(chunk),
                "item_id": [f"i{j}" for j in range(i, i + len(chunk))],
                "model_id": [args.model] * len(chunk),
                "dim": [args.dim] * len(chunk),
                "vector": pa.array(list(chunk), type=pa.list_(pa.float32())),
                "text_sha1": ["x"] * len(chunk),
                "created_at": pa.array([None] * len(chunk), pa.timestamp("us")),
            }
        )
        con.register("_v", table)
        con.execute(
            "INSERT INTO embeddings SELECT item_kind, item_id, model_id, dim, vector, text_sha1, "
            "coalesce(created_at, TIMESTAMP '2024-01-01') FROM _v"
        )
        con.unregister("_v")
    con.execute("CHECKPOINT")
    print(f"setup            {time.perf_counter() - t0:.1f} s for {n} vectors of dim {args.dim}")
    times = []
    for _ in range(args.queries):
        query = vectors[rng.integers(n)] + 0.1 * rng.standard_normal(args.dim).astype(np.float32)
        t0 = time.perf_counter()
        hits = search_vector(
            con,
            query / np.linalg.norm(query),
            model_id=args.model,
            k=args.k,
            exclude_communes={"01000"},
        )
        times.append((time.perf_counter() - t0) * 1000)
        assert len(hits) == args.k
    print(
        f"search_vector    median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
        f"(k={args.k}, {args.queries} queries, first {times[0]:.0f} ms)"
    )
    texts = [
        "bus médical qui passe dans les villages",
        "centre de santé avec des médecins salariés par le département",
        "cabine de téléconsultation dans une pharmacie",
        "la commune loge les internes en médecine",
    ]
    times = []
    for n in range(args.queries):
        t0 = time.perf_counter()
        hits = similar_to_text(con, texts[n % len(texts)], model_id=args.model, k=args.k)
        times.append((time.perf_counter() - t0) * 1000)
        assert len(hits) == args.k
    print(
        f"similar_to_text  median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
        f"(model {args.model}, dim {args.dim}: query encoding + search + explanation)"
    )
    con.close()


if __name__ == "__main__":
    main()
