"""Embeddings in the store and "where else was this tried?" (`veille similar`).

Vectors are unit length, so cosine similarity is a dot product, computed with numpy
over the vectors of ONE model id (loaded from DuckDB once per reader process, see
_VectorIndex): vectors of different models live in different spaces and are never
compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.ids import sha1, utcnow
from veille.errors import StoreError

CONTEXT_CHARS = 240  # around the evidence: the sentence before/after usually names the who/what
ARTICLE_CHARS = 1200
_SENTENCE_END = re.compile(r"[.!?…]\s|\n")


@dataclass(frozen=True)
class SimilarInitiative:
    """One answer of `veille similar`."""

    initiative_id: str
    score: float
    type: str
    commune_insee: str | None
    commune_name: str | None
    departement_code: str | None
    published: date | None
    title: str | None
    url: str
    source_id: str
    evidence_text: str


def initiative_text(text: str, start: int, end: int, body_start: int = 0) -> str:
    """The evidence with its context: from the previous sentence to the end of the next one."""
    lo = max(body_start, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    before = list(_SENTENCE_END.finditer(text, lo, start))
    if before:
        lo = before[-1].end() if len(before) == 1 else before[-2].end()
    after = _SENTENCE_END.search(text, end, hi)
    if after:
        hi = after.end()
    return " ".join(text[lo:hi].split())


def article_text(text: str, body_start: int) -> str:
    return " ".join(text[: body_start + ARTICLE_CHARS].split())


def embed_pending(con: Any, *, model_id: str, batch: int = 256) -> int:
    """Embed initiatives and relevant articles that have no vector for `model_id`.

    Returns the number of vectors written. Vectors of deleted initiatives are removed.
    """
    import pyarrow as pa

    from nlp.embed import get_embedder

    # Article texts never change (insert-once per URL) and an initiative id encodes its
    # article and evidence offsets, so an existing vector is never stale: embed only
    # what has none, and drop vectors whose item is gone (reprocessed, no longer relevant).
    todo: list[tuple[str, str, str]] = []  # (kind, id, text)
    for iid, text, start, end, body_start in con.execute(
        """
        SELECT i.initiative_id, a.text, i.evidence_start, i.evidence_end, a.body_start
        FROM initiatives i JOIN articles a USING (article_id)
        WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ?
                          AND e.item_kind = 'initiative' AND e.item_id = i.initiative_id)
        ORDER BY i.initiative_id
        """,
        [model_id],
    ).fetchall():
        todo.append(("initiative", iid, initiative_text(text, start, end, body_start)))
    for aid, text, body_start in con.execute(
        """
        SELECT a.article_id, a.text, a.body_start FROM articles a
        WHERE a.relevant AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ?
                                         AND e.item_kind = 'article' AND e.item_id = a.article_id)
        ORDER BY a.article_id
        """,
        [model_id],
    ).fetchall():
        todo.append(("article", aid, article_text(text, body_start)))
    gone = con.execute(
        """
        SELECT item_kind, item_id FROM embeddings e WHERE model_id = ? AND CASE item_kind
            WHEN 'initiative' THEN NOT EXISTS (SELECT 1 FROM initiatives i
                                               WHERE i.initiative_id = e.item_id)
            ELSE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = e.item_id AND a.relevant)
        END
        """,
        [model_id],
    ).fetchall()
    if not todo and not gone:
        return 0
    embedder = get_embedder(model_id) if todo else None
    rows = []
    for n in range(0, len(todo), batch):
        chunk = todo[n : n + batch]
        vectors = embedder.encode([t for _, _, t in chunk])
        now = utcnow()
        rows.extend(
            {
                "item_kind": k,
                "item_id": i,
                "model_id": model_id,
                "dim": int(vectors.shape[1]),
                "vector": vec.tolist(),
                "text_sha1": sha1(t),
                "created_at": now,
            }
            for (k, i, t), vec in zip(chunk, vectors, strict=True)
        )
    con.execute("BEGIN TRANSACTION")
    try:
        keys = [(k, i) for k, i, _ in todo] + gone
        if keys:
            con.register("_gone", pa.Table.from_pylist([{"k": k, "i": i} for k, i in keys]))
            con.execute(
                "DELETE FROM embeddings WHERE model_id = ? "
                "AND (item_kind, item_id) IN (SELECT (k, i) FROM _gone)",
                [model_id],
            )
            con.unregister("_gone")
        if rows:
            con.register(
                "_vec",
                pa.Table.from_pylist(
                    rows,
                    schema=pa.schema(
                        [
                            ("item_kind", pa.string()),
                            ("item_id", pa.string()),
                            ("model_id", pa.string()),
                            ("dim", pa.int32()),
                            ("vector", pa.list_(pa.float32())),
                            ("text_sha1", pa.string()),
                            ("created_at", pa.timestamp("us")),
                        ]
                    ),
                ),
            )
            con.execute("INSERT INTO embeddings SELECT * FROM _vec")
            con.unregister("_vec")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rows)


# Details of the best few only: joining the view first would join every initiative.
_DETAILS_SQL = """
SELECT i.initiative_id, i.type, i.commune_insee, coalesce(c.name, ac.name),
       coalesce(c.departement, ac.departement), a.published, a.title, a.url, a.source_id,
       i.evidence_text, coalesce(a.story_id, 's' || a.article_id)
FROM (SELECT unnest(?::VARCHAR[]) AS initiative_id) q
JOIN initiatives i USING (initiative_id)
JOIN (SELECT a.* FROM (SELECT unnest(?::VARCHAR[]) AS article_id) qa
      JOIN articles a USING (article_id)) a
    ON a.article_id = i.article_id
LEFT JOIN article_communes ac ON ac.article_id = i.article_id AND ac.insee = i.commune_insee
LEFT JOIN communes c ON c.insee = i.commune_insee
"""


class _VectorIndex:
    """One model's initiative vectors as a numpy matrix, reloaded when the table changes.

    A long-lived reader (the dashboard) scores 100,000 vectors in a few ms instead of
    scanning them in SQL at every query.
    """

    def __init__(
        self, stamp: tuple[Any, ...], ids: list[str], article_ids: list[str], matrix: Any
    ) -> None:
        self.stamp, self.ids, self.article_ids, self.matrix = stamp, ids, article_ids, matrix


_INDEXES: dict[tuple[str, str, int], _VectorIndex] = {}


def _vector_index(con: Any, model_id: str, dim: int) -> _VectorIndex:
    import numpy as np
    import pyarrow.compute as pc

    where = "model_id = ? AND item_kind = 'initiative' AND dim = ?"
    path, stamp_n, stamp_t = con.execute(
        f"""SELECT (SELECT coalesce(path, database_name) FROM duckdb_databases()
                    WHERE database_name = current_database()), count(*), max(created_at)
            FROM embeddings WHERE {where}""",
        [model_id, dim],
    ).fetchall()[0]
    key, stamp = (str(path), model_id, dim), (stamp_n, stamp_t)
    cached = _INDEXES.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached
    table = con.sql(
        f"""SELECT e.item_id, e.vector, i.article_id FROM embeddings e
            JOIN initiatives i ON i.initiative_id = e.item_id
            WHERE {where} ORDER BY e.item_id""",
        params=[model_id, dim],
    ).to_arrow_table()
    flat = pc.list_flatten(table.column("vector")).to_numpy(zero_copy_only=False)
    matrix = np.ascontiguousarray(flat, dtype=np.float32).reshape(table.num_rows, dim)
    _INDEXES[key] = _VectorIndex(
        stamp, table.column("item_id").to_pylist(), table.column("article_id").to_pylist(), matrix
    )
    return _INDEXES[key]


def search_vector(
    con: Any,
    vector: Any,
    *,
    model_id: str,
    k: int = 10,
    exclude_communes: set[str | None] = frozenset(),
    exclude_stories: set[str] = frozenset(),
    exclude_ids: set[str] = frozenset(),
) -> list[SimilarInitiative]:
    """The k nearest initiatives (one per story), skipping the given communes/stories/ids."""
    import numpy as np

    query = np.asarray(vector, dtype=np.float32)
    index = _vector_index(con, model_id, len(query))
    scores = index.matrix @ query
    # Over-fetch: filtered communes and copies of one story drop out after scoring.
    pool = max(50, 20 * k)
    while True:
        top = (
            np.argpartition(-scores, pool)[:pool] if pool < len(scores) else np.arange(len(scores))
        )
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: deterministic
        ids = [index.ids[i] for i in top]
        article_ids = sorted({index.article_ids[i] for i in top})
        details = {r[0]: r for r in con.execute(_DETAILS_SQL, [ids, article_ids]).fetchall()}
        out: list[SimilarInitiative] = []
        stories = set(exclude_stories)
        for i, item_id in zip(top, ids, strict=True):
            r = details.get(item_id)
            if r is None or item_id in exclude_ids or r[2] in exclude_communes or r[10] in stories:
                continue
            stories.add(r[10])
            out.append(SimilarInitiative(r[0], float(scores[i]), *r[1:10]))
            if len(out) == k:
                return out
        if pool >= len(scores):
            return out
        pool *= 4


def similar_to_text(con: Any, query: str, *, model_id: str, k: int = 10) -> list[SimilarInitiative]:
    from nlp.embed import get_embedder

    _require_vectors(con, model_id)
    vector = get_embedder(model_id).encode([query])[0]
    return search_vector(con, vector, model_id=model_id, k=k)


def similar_to_initiative(
    con: Any, initiative_id: str, *, model_id: str, k: int = 10
) -> list[SimilarInitiative]:
    """Nearest initiatives ELSEWHERE: other communes (and other stories) than the given one."""
    _require_vectors(con, model_id)
    row = con.execute(
        """
        SELECT e.vector, v.commune_insee, v.story_id FROM v_initiatives v
        LEFT JOIN embeddings e ON e.item_id = v.initiative_id AND e.item_kind = 'initiative'
                              AND e.model_id = ?
        WHERE v.initiative_id = ?
        """,
        [model_id, initiative_id],
    ).fetchall()
    if not row:
        raise StoreError(f"no initiative {initiative_id!r}: pick an id from v_initiatives")
    vector, commune, story = row[0]
    if vector is None:
        raise StoreError(
            f"initiative {initiative_id} has no {model_id} vector yet: run `veille process`"
        )
    return search_vector(
        con,
        vector,
        model_id=model_id,
        k=k,
        exclude_ids={initiative_id},
        exclude_communes={commune} if commune else set(),
        exclude_stories={story},
    )


def _require_vectors(con: Any, model_id: str) -> None:
    n = con.execute(
        "SELECT count(*) FROM embeddings WHERE model_id = ? AND item_kind = 'initiative'",
        [model_id],
    ).fetchall()[0][0]
    if not n:
        models = [r[0] for r in con.execute("SELECT DISTINCT model_id FROM embeddings").fetchall()]
        hint = (
            f" (this file has vectors of: {', '.join(models)}; set embedding_model)"
            if models
            else ""
        )
        raise StoreError(
            f"no initiative vectors for model {model_id!r}{hint}: run `veille process`"
        )
