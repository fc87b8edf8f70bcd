"""`search_vector` (details looked up in small batches, pool grown when filters drop
candidates) returns exactly what a brute-force scan of every stored vector returns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from store.db import connect
from store.similar import search_vector

MODEL = "test-random-8"
N, DIM = 3000, 8


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("sim") / "v.duckdb")
    # 3 initiatives per story, communes 01000..01029: filters drop many near neighbours.
    con.execute(
        """
        INSERT INTO articles (article_id, url, source_id, fetched_at, title, published, text,
                              body_start, text_sha1, relevant, story_id)
        SELECT 'a' || i, 'https://ex.fr/' || i, 'synth', TIMESTAMP '2024-01-01', 'Titre ' || i,
               DATE '2024-01-01', 'Titre\n\nTexte', 7, 'x', true, 's' || (i // 3)
        FROM range(?) t(i)
        """,
        [N],
    )
    con.execute(
        """
        INSERT INTO initiatives SELECT 'i' || i, 'a' || i, 0, 'telemedecine', NULL, [],
               (1000 + i % 30)::VARCHAR.lpad(5, '0'), 0, 5, 'Titre'
        FROM range(?) t(i)
        """,
        [N],
    )
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    table = pa.table(
        {
            "item_kind": ["initiative"] * N,
            "item_id": [f"i{j}" for j in range(N)],
            "model_id": [MODEL] * N,
            "dim": [DIM] * N,
            "vector": pa.array(list(vectors), type=pa.list_(pa.float32())),
            "text_sha1": ["x"] * N,
        }
    )
    con.register("_v", table)
    con.execute(
        "INSERT INTO embeddings SELECT item_kind, item_id, model_id, dim, vector, text_sha1, "
        "TIMESTAMP '2024-01-01' FROM _v"
    )
    con.unregister("_v")
    yield con, vectors
    con.close()


def _brute_force(vectors, query, *, k, communes, stories, ids):
    scores = vectors @ query
    out, seen = [], set(stories)
    for i in sorted(range(N), key=lambda j: (-scores[j], j)):
        story, commune = f"s{i // 3}", f"{1000 + i % 30:05d}"
        if scores[i] < 0.005:
            break
        if f"i{i}" in ids or commune in communes or story in seen:
            continue
        seen.add(story)
        out.append(f"i{i}")
        if len(out) == k:
            break
    return out


@pytest.mark.parametrize(
    ("k", "n_communes"),
    [(1, 0), (10, 0), (10, 5), (3, 29)],  # 29 of 30 communes excluded: the pool must grow
)
def test_search_matches_brute_force(store, k, n_communes):
    con, vectors = store
    rng = np.random.default_rng(k + n_communes)
    for _ in range(5):
        query = vectors[rng.integers(N)] + 0.3 * rng.standard_normal(DIM).astype(np.float32)
        query /= np.linalg.norm(query)
        communes = {f"{1000 + c:05d}" for c in range(n_communes)}
        stories, ids = {"s5"}, {"i17"}
        hits = search_vector(
            con,
            query,
            model_id=MODEL,
            k=k,
            exclude_communes=communes,
            exclude_stories=stories,
            exclude_ids=ids,
        )
        expected = _brute_force(vectors, query, k=k, communes=communes, stories=stories, ids=ids)
        assert [h.initiative_id for h in hits] == expected
        assert all(h.url and h.title and h.commune_insee not in communes for h in hits)
