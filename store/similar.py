"""Embeddings in the store and "where else was this tried?" (`veille similar`).

Vectors are unit length, so cosine similarity is a dot product, computed with numpy
over the vectors of ONE model id (loaded from DuckDB once per reader process, see
_VectorIndex): vectors of different models live in different spaces and are never
compared.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.ids import sha1, utcnow
from veille.errors import StoreError

# Bump when initiative_text/article_text change: stored vectors of the old texts are redone.
TEXT_VERSION = "text-2"  # 2: headline evidence gets the headline + lead (was empty)
log = logging.getLogger(__name__)
EXPLAIN_MODEL = "veille-fr-hybrid"  # picks each hit's sentence nearest to the query
MIN_SCORE = 0.005  # below, a "match" prints as 0,00: it is no match

CONTEXT_CHARS = 240  # around the evidence: the sentence before/after usually names the who/what
ARTICLE_CHARS = 1200
HEADLINE_BODY_CHARS = 400  # headline evidence: the lead restates it (place, actors)
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
    # Why it is near (filled by similar_to_*): the query's type is the hit's (None: the
    # query is free text no initiative rule matches), the hit's sentence nearest to the
    # query, and content words they share.
    same_type: bool | None = None
    matching_sentence: str = ""
    shared_terms: tuple[str, ...] = ()


def initiative_text(text: str, start: int, end: int, body_start: int = 0) -> str:
    """The text embedded for an initiative: its evidence with enough context to say who/what.

    Evidence in the body: from the previous sentence to the end of the next one.
    Evidence in the headline (common in the press): the headline plus the first body
    sentences, which usually restate it with the place and the actors.
    """
    if start < body_start:
        hi = min(len(text), body_start + HEADLINE_BODY_CHARS)
        cut = None
        for cut in _SENTENCE_END.finditer(text, body_start + 1, hi):
            if cut.end() - body_start >= HEADLINE_BODY_CHARS // 2:
                break
        if cut is not None and cut.end() - body_start >= 40:
            hi = cut.end()
        headline = _with_stop(" ".join(text[:body_start].split()))
        return f"{headline} {' '.join(text[body_start:hi].split())}".strip()
    # From the start of the previous sentence (unless it is a long one) to the end of the next.
    ends = _boundaries(text, body_start, start)
    lo = ends[-1] if ends else body_start
    before = ends[-2] if len(ends) >= 2 else body_start
    if lo - before <= 2 * CONTEXT_CHARS:
        lo = before
    cap = min(len(text), end + CONTEXT_CHARS)
    after = _boundaries(text, max(body_start, end - 1), cap)[:2]
    if len(after) < 2 and cap == len(text):
        after.append(cap)  # the text's end closes its last sentence
    hi = after[1] if len(after) > 1 else cap
    window = " ".join(text[lo:hi].split())
    if not ends and body_start:
        # The lead's first sentence: the headline is its "previous sentence".
        window = _with_stop(" ".join(text[:body_start].split())) + " " + window
    return window.strip() or article_text(text, body_start)


def _boundaries(text: str, lo: int, hi: int) -> list[int]:
    """Ends of the sentences in text[lo:hi]; a stop followed by a blank line is one end."""
    ends: list[int] = []
    for m in _SENTENCE_END.finditer(text, lo, hi):
        if ends and not text[ends[-1] : m.end()].strip():
            ends[-1] = m.end()
        elif m.end() > lo + 1 or ends:
            ends.append(m.end())
    return ends


def _with_stop(headline: str) -> str:
    """A headline has no final stop: add one so it stays a sentence of its own."""
    return headline if not headline or headline[-1] in ".!?…" else headline + "."


def article_text(text: str, body_start: int) -> str:
    return " ".join(text[: body_start + ARTICLE_CHARS].split())


def embedding_identity(model_id: str) -> str:
    """The model id, what decides its vectors (nlp.embed.model_version) and the text version."""
    from nlp.embed import model_version

    return f"{model_id} | {model_version(model_id)} | {TEXT_VERSION}"


def stored_model(con: Any) -> str | None:
    """The embedding model whose vectors this file holds (store_meta.embedding_model)."""
    row = con.execute("SELECT value FROM store_meta WHERE key = 'embedding_model'").fetchall()
    return row[0][0] if row else None


def _set_meta(con: Any, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO store_meta VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def embed_pending(con: Any, *, model_id: str, batch: int = 256) -> int:
    """Embed initiatives and relevant articles that have no vector for `model_id`.

    Returns the number of vectors written. One model per file: when the model, its
    version or the embedded texts changed (embedding_identity vs store_meta), every
    stored vector is dropped and recomputed. Vectors of deleted items are removed.
    """
    import numpy as np

    from nlp.embed import get_embedder

    identity = embedding_identity(model_id)
    stored = con.execute("SELECT value FROM store_meta WHERE key = 'embedding_identity'").fetchall()
    if not stored or stored[0][0] != identity:
        log.info("embedding identity changed to %s: recomputing every vector", identity)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM embeddings")
            _set_meta(con, "embedding_model", model_id)
            _set_meta(con, "embedding_identity", identity)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    # Article texts never change (insert-once per URL) and an initiative id encodes its
    # article and evidence offsets, so with the same identity an existing vector is never
    # stale: embed only what has none, and drop vectors whose item is gone.
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
    if gone:
        _write(con, model_id, gone, [])
    if not todo:
        return 0
    embedder = get_embedder(model_id)
    written = skipped = 0
    # One transaction per chunk: a killed run keeps what it embedded (a slow model on a
    # big re-embed takes a while).
    for n in range(0, len(todo), batch):
        chunk = [c for c in todo[n : n + batch] if c[2].strip()]
        skipped += min(batch, len(todo) - n) - len(chunk)
        if not chunk:
            continue
        vectors = embedder.encode([t for _, _, t in chunk])
        now = utcnow()
        rows = []
        for (k, i, t), vec in zip(chunk, vectors, strict=True):
            if not np.isfinite(vec).all() or float(np.linalg.norm(vec)) < 1e-6:
                skipped += 1  # a zero vector would answer every query with 0,00
                continue
            rows.append(
                {
                    "item_kind": k,
                    "item_id": i,
                    "model_id": model_id,
                    "dim": int(vectors.shape[1]),
                    "vector": vec.tolist(),
                    "text_sha1": sha1(t),
                    "created_at": now,
                }
            )
        _write(con, model_id, [], rows)
        written += len(rows)
    if skipped:
        log.warning("%d items not embedded: empty text or zero vector (%s)", skipped, model_id)
    return written


def _write(con: Any, model_id: str, gone: list[tuple[str, str]], rows: list[dict]) -> None:
    """Delete the `gone` vectors and insert `rows`, in one transaction."""
    import pyarrow as pa

    con.execute("BEGIN TRANSACTION")
    try:
        if gone:
            con.register("_gone", pa.Table.from_pylist([{"k": k, "i": i} for k, i in gone]))
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


# Details of the best few only, looked up by key in small batches: an IN list of a few
# ids is answered from the primary-key indexes in a few ms, where joining a list of
# hundreds scans both tables (10-30 ms over 100,000 initiatives).
_DETAILS_SQL = """
SELECT i.initiative_id, i.type, i.commune_insee, coalesce(c.name, ac.name),
       coalesce(c.departement, ac.departement), a.published, a.title, a.url, a.source_id,
       i.evidence_text, coalesce(a.story_id, 's' || a.article_id)
FROM initiatives i
JOIN articles a ON a.article_id = i.article_id
LEFT JOIN article_communes ac ON ac.article_id = i.article_id AND ac.insee = i.commune_insee
LEFT JOIN communes c ON c.insee = i.commune_insee
WHERE i.initiative_id IN ({ids}) AND a.article_id IN ({article_ids})
"""


def _details(con: Any, ids: list[str], article_ids: list[str]) -> dict[str, tuple]:
    sql = _DETAILS_SQL.format(
        ids=", ".join("?" * len(ids)), article_ids=", ".join("?" * len(article_ids))
    )
    return {r[0]: r for r in con.execute(sql, [*ids, *article_ids]).fetchall()}


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
    out: list[SimilarInitiative] = []
    stories = set(exclude_stories)
    seen: set[int] = set()  # candidates already looked at (a larger pool repeats them)
    while True:
        top = (
            np.argpartition(-scores, pool)[:pool] if pool < len(scores) else np.arange(len(scores))
        )
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: deterministic
        # Details in small batches, best first: usually the first batch holds the k answers.
        todo = [i for i in top.tolist() if i not in seen]
        seen.update(todo)
        batch, done = 2 * k, 0
        while done < len(todo):
            chunk = todo[done : done + batch]
            done += len(chunk)
            batch = min(2 * batch, 160)  # a long IN list is slower than a join
            ids = [index.ids[i] for i in chunk]
            details = _details(con, ids, sorted({index.article_ids[i] for i in chunk}))
            for i, item_id in zip(chunk, ids, strict=True):
                if scores[i] < MIN_SCORE:  # sorted: the rest is no nearer
                    return out
                r = details.get(item_id)
                if (
                    r is None
                    or item_id in exclude_ids
                    or r[2] in exclude_communes
                    or r[10] in stories
                ):
                    continue
                stories.add(r[10])
                out.append(SimilarInitiative(r[0], float(scores[i]), *r[1:10]))
                if len(out) == k:
                    return out
        if pool >= len(scores):
            return out
        pool *= 4


def similar_to_text(con: Any, query: str, *, model_id: str, k: int = 10) -> list[SimilarInitiative]:
    """The k initiatives nearest to a free-text description, with why they are near."""
    import numpy as np

    from nlp.embed import get_embedder, rule_types

    _require_vectors(con, model_id)
    vector = get_embedder(model_id).encode([query])[0]
    if float(np.linalg.norm(vector)) < 1e-6:
        raise StoreError(
            f"the model {model_id} finds nothing to compare in {query!r}: describe the "
            "initiative in a sentence (who does what, where)"
        )
    hits = search_vector(con, vector, model_id=model_id, k=k)
    return explain(
        con, hits, query_text=query, query_types=set(rule_types(query)) or None, model_id=model_id
    )


def similar_to_initiative(
    con: Any, initiative_id: str, *, model_id: str, k: int = 10
) -> list[SimilarInitiative]:
    """Nearest initiatives ELSEWHERE: other communes (and other stories) than the given one."""
    _require_vectors(con, model_id)
    row = con.execute(
        """
        SELECT e.vector, v.commune_insee, v.story_id, v.type, a.text, i.evidence_start,
               i.evidence_end, a.body_start
        FROM v_initiatives v
        JOIN initiatives i USING (initiative_id)
        JOIN articles a ON a.article_id = i.article_id
        LEFT JOIN embeddings e ON e.item_id = v.initiative_id AND e.item_kind = 'initiative'
                              AND e.model_id = ?
        WHERE v.initiative_id = ?
        """,
        [model_id, initiative_id],
    ).fetchall()
    if not row:
        raise StoreError(f"no initiative {initiative_id!r}: pick an id from v_initiatives")
    vector, commune, story, kind, text, start, end, body_start = row[0]
    if vector is None:
        raise StoreError(
            f"initiative {initiative_id} has no {model_id} vector yet: run `veille process`"
        )
    hits = search_vector(
        con,
        vector,
        model_id=model_id,
        k=k,
        exclude_ids={initiative_id},
        exclude_communes={commune} if commune else set(),
        exclude_stories={story},
    )
    return explain(
        con,
        hits,
        query_text=initiative_text(text, start, end, body_start),
        query_types={kind},
        model_id=model_id,
    )


# By key, as _DETAILS_SQL: a few ids, answered from the primary-key index.
_TEXTS_SQL = """
SELECT i.initiative_id, a.text, i.evidence_start, i.evidence_end, a.body_start
FROM initiatives i JOIN articles a ON a.article_id = i.article_id
WHERE i.initiative_id IN ({ids})
"""
_WORD = re.compile(r"\w[\w-]*\w", re.UNICODE)


def _sentences(text: str) -> list[str]:
    out, lo = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[lo : m.end()].strip())
        lo = m.end()
    out.append(text[lo:].strip())
    return [x for x in out if len(x) > 3]


def _content_words(text: str) -> list[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    words = (w.split("'")[-1].split("’")[-1] for w in _WORD.findall(text.lower()))
    return [w for w in words if len(w) > 3 and w not in STOP_WORDS and not w.isdigit()]


def explain(
    con: Any,
    hits: list[SimilarInitiative],
    *,
    query_text: str,
    query_types: set[str] | None,
    model_id: str,
) -> list[SimilarInitiative]:
    """Say why each hit is near: same type, its sentence nearest to the query, shared words.

    The sentences of each hit's embedded text are scored against the query text with the
    fast word-vector model (EXPLAIN_MODEL, one batch for all hits): a sentence encoder
    would add ~0.5 s per query on 2 cores for a choice between two or three sentences.
    """
    import dataclasses

    import numpy as np

    from nlp.embed import get_embedder

    if not hits:
        return hits
    texts = {
        r[0]: initiative_text(r[1], r[2], r[3], r[4])
        for r in con.execute(
            _TEXTS_SQL.format(ids=", ".join("?" * len(hits))), [h.initiative_id for h in hits]
        ).fetchall()
    }
    per_hit = [_sentences(texts.get(h.initiative_id, "")) or [h.evidence_text] for h in hits]
    flat = [s for sents in per_hit for s in sents]
    from veille.errors import ModelMissingError

    try:
        embedder = get_embedder(EXPLAIN_MODEL)
    except ModelMissingError:
        embedder = get_embedder(model_id)
    vectors = embedder.encode([query_text, *flat])
    scores = vectors[1:] @ vectors[0]
    query_words = set(_content_words(query_text))
    out, n = [], 0
    for h, sents in zip(hits, per_hit, strict=True):
        best = sents[int(np.argmax(scores[n : n + len(sents)]))]
        n += len(sents)
        shared = dict.fromkeys(w for w in _content_words(best) if w in query_words)
        out.append(
            dataclasses.replace(
                h,
                same_type=None if query_types is None else h.type in query_types,
                matching_sentence=best,
                shared_terms=tuple(shared)[:6],
            )
        )
    return out


def _require_vectors(con: Any, model_id: str) -> None:
    n = con.execute(
        "SELECT count(*) FROM embeddings WHERE model_id = ? AND item_kind = 'initiative'",
        [model_id],
    ).fetchall()[0][0]
    if not n:
        models = [r[0] for r in con.execute("SELECT DISTINCT model_id FROM embeddings").fetchall()]
        stored = stored_model(con)
        if stored and stored not in models:
            models.append(stored)
        hint = (
            f" (this file has vectors of: {', '.join(models)}; set embedding_model, or run "
            f"`veille process` to embed everything with {model_id})"
            if models
            else ""
        )
        raise StoreError(
            f"no initiative vectors for model {model_id!r}{hint}: run `veille process`"
        )
