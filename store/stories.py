"""Stories: group syndicated copies and light rewrites of one text across outlets.

MinHash (datasketch) over word 9-shingles of the body proposes candidates through
LSH; each candidate pair is then verified on the exact shingle sets (overlap over
the smaller text), which tolerates trimmed paragraphs and different boilerplate
while rejecting two different articles on the same subject. Verified pairs are
joined with union-find.

Story ids are stable: a story keeps the id it was given ("s" + the article id of its
earliest member) when copies join later; when a new article bridges two stories, the
merged story keeps the smaller id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from store.ids import utcnow

NUM_PERM = 128
# 9 words: long enough that two different articles sharing stock sentences in another
# order overlap little, short enough that a changed word breaks few shingles.
SHINGLE = 9
LSH_THRESHOLD = 0.2  # candidate recall: trimmed copies have low Jaccard but high containment
MIN_OVERLAP = 0.56  # |A ∩ B| / min(|A|, |B|) on exact shingle sets
MIN_JACCARD = 0.15  # a short paragraph quoted inside a long article is not a copy
MIN_EST_JACCARD = 0.2  # MinHash pre-filter; copies measured >= 0.3 (estimate sd ~0.04)
MIN_TOKENS = 25  # shorter bodies (briefs, captions) never group: too little evidence
SCHEME = "affine32"  # datasketch hashing scheme; stored signatures are only valid with it

_WORD = re.compile(r"\w+")


def shingles(text: str, body_start: int = 0) -> set[bytes]:
    """Word 5-shingles of the body, case- and accent-folded (the headline is often edited)."""
    tokens = _WORD.findall(fold(text[body_start:]))
    if len(tokens) < SHINGLE:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)}


def fold(text: str) -> str:
    """Lowercase without accents ("Élus" -> "elus"); NFKD in C, much cheaper than unidecode."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return decomposed.encode("ascii", "ignore").decode("ascii")


def n_tokens(text: str, body_start: int = 0) -> int:
    return len(_WORD.findall(text[body_start:]))


def signature(sh: set[bytes]) -> Any:
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    mh.update_batch(sorted(sh))
    return mh.hashvalues


def _minhash(values: Any) -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


def _candidates(lsh: Any, sigs: dict[str, Any], doc_id: str) -> list[str]:
    """LSH candidates whose MinHash-estimated Jaccard is plausible for a copy.

    The estimate (a vectorised comparison of signatures) is cheap; the exact check on
    shingle sets is not, and texts on one subject share enough stock phrases for LSH
    to propose many pairs.
    """
    import numpy as np

    others = sorted(o for o in lsh.query(sigs[doc_id]) if o != doc_id)
    if not others:
        return []
    mine = sigs[doc_id].hashvalues
    theirs = np.stack([sigs[o].hashvalues for o in others])
    estimate = (theirs == mine).mean(axis=1)
    return [o for o, e in zip(others, estimate, strict=True) if e >= MIN_EST_JACCARD]


def is_copy(a: set[bytes], b: set[bytes]) -> bool:
    if not a or not b:
        return False
    inter = len(a & b)
    return inter / min(len(a), len(b)) >= MIN_OVERLAP and inter / len(a | b) >= MIN_JACCARD


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group(docs: Iterable[tuple[str, str, int]]) -> list[set[str]]:
    """Group (id, text, body_start) documents in memory: the algorithm of update_stories.

    Used by scripts/eval_stories.py and the tests; returns the groups (singletons too).
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    sets: dict[str, set[bytes]] = {}
    sigs: dict[str, Any] = {}
    for doc_id, text, body_start in docs:
        sets[doc_id] = (
            shingles(text, body_start) if n_tokens(text, body_start) >= MIN_TOKENS else set()
        )
        if sets[doc_id]:
            sigs[doc_id] = _minhash(signature(sets[doc_id]))
            lsh.insert(doc_id, sigs[doc_id])
    uf = _UnionFind()
    for doc_id in sets:
        uf.find(doc_id)
        if doc_id in sigs:
            for other in _candidates(lsh, sigs, doc_id):
                if is_copy(sets[doc_id], sets[other]):
                    uf.union(doc_id, other)
    groups: dict[str, set[str]] = {}
    for doc_id in sets:
        groups.setdefault(uf.find(doc_id), set()).add(doc_id)
    return list(groups.values())


def update_stories(con: Any, *, batch: int = 2000) -> int:
    """Give every relevant article without a story one; returns how many got or changed story.

    Only relevant articles are grouped: they are what views count, and the others (98 %
    of a crawl) would cost most of the time. Views give an ungrouped article the
    singleton story "s" + its id.

    Runs in one transaction; signatures of new articles are stored in article_minhash
    so later runs only hash what is new.
    """
    import numpy as np
    import pyarrow as pa
    from datasketch import MinHashLSH

    new_rows = con.execute(
        """
        SELECT a.article_id, a.text, a.body_start FROM articles a
        WHERE a.relevant
          AND NOT EXISTS (SELECT 1 FROM article_minhash m WHERE m.article_id = a.article_id)
        """
    ).fetchall()
    unassigned = [
        r[0]
        for r in con.execute(
            "SELECT article_id FROM articles WHERE story_id IS NULL AND relevant "
            "ORDER BY article_id"
        ).fetchall()
    ]
    if not unassigned and not new_rows:
        return 0
    new_sets = {}
    sig_rows = []
    for aid, text, body_start in new_rows:
        sh = shingles(text, body_start) if n_tokens(text, body_start) >= MIN_TOKENS else set()
        new_sets[aid] = sh
        # Short texts get an empty signature: stored so they are not re-hashed, never grouped.
        sig_rows.append(
            {
                "article_id": aid,
                "num_perm": NUM_PERM,
                "signature": signature(sh).tolist() if sh else [],
            }
        )
    con.execute("BEGIN TRANSACTION")
    try:
        if sig_rows:
            con.register(
                "_sigs",
                pa.Table.from_pylist(
                    sig_rows,
                    schema=pa.schema(
                        [
                            ("article_id", pa.string()),
                            ("num_perm", pa.int32()),
                            ("signature", pa.list_(pa.uint64())),
                        ]
                    ),
                ),
            )
            con.execute("INSERT INTO article_minhash SELECT * FROM _sigs ON CONFLICT DO NOTHING")
            con.unregister("_sigs")
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        sigs: dict[str, Any] = {}
        for aid, sig in con.execute(
            "SELECT m.article_id, m.signature FROM article_minhash m "
            "JOIN articles a USING (article_id) "
            "WHERE a.relevant AND len(m.signature) = ? ORDER BY m.article_id",
            [NUM_PERM],
        ).fetchall():
            sigs[aid] = _minhash(np.asarray(sig, dtype=np.uint64))
            lsh.insert(aid, sigs[aid])
        # Candidate pairs from every unassigned article, verified on exact shingle sets.
        candidates: dict[str, list[str]] = {
            aid: _candidates(lsh, sigs, aid) for aid in unassigned if aid in sigs
        }
        needed = {o for os in candidates.values() for o in os} | set(candidates)
        sets = {aid: s for aid, s in new_sets.items() if aid in needed}
        missing = sorted(needed - set(sets))
        for i in range(0, len(missing), batch):
            for aid, text, body_start in con.execute(
                "SELECT article_id, text, body_start FROM articles "
                "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                [missing[i : i + batch]],
            ).fetchall():
                sets[aid] = shingles(text, body_start)
        uf = _UnionFind()
        for aid, others in candidates.items():
            for o in others:
                if is_copy(sets[aid], sets[o]):
                    uf.union(aid, o)
        changed = _assign(con, uf, unassigned)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return changed


def _assign(con: Any, uf: _UnionFind, unassigned: list[str]) -> int:
    """Turn union-find components into story ids and write them (in the caller's transaction)."""
    import pyarrow as pa

    members: dict[str, set[str]] = {}
    for aid in set(uf.parent) | set(unassigned):
        members.setdefault(uf.find(aid), set()).add(aid)
    all_ids = sorted({a for m in members.values() for a in m})
    info = {
        r[0]: r[1:]
        for r in con.execute(
            """
            SELECT article_id, story_id, coalesce(published, fetched_at::DATE), fetched_at
            FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
            """,
            [all_ids],
        ).fetchall()
    }
    updates: dict[str, str] = {}
    for group in members.values():
        existing = sorted({info[a][0] for a in group if info[a][0] is not None})
        if existing:
            story = existing[0]
            # Articles of the other stories follow the merge.
            if len(existing) > 1:
                for (aid,) in con.execute(
                    "SELECT article_id FROM articles "
                    "WHERE story_id IN (SELECT unnest(?::VARCHAR[]))",
                    [existing[1:]],
                ).fetchall():
                    updates[aid] = story
        else:
            first = min(group, key=lambda a: (info[a][1], info[a][2], a))
            story = "s" + first
        for aid in group:
            if info[aid][0] != story:
                updates[aid] = story
    if not updates:
        return 0
    con.register(
        "_story",
        pa.Table.from_pylist(
            [{"article_id": a, "story_id": s} for a, s in sorted(updates.items())]
        ),
    )
    con.execute(
        "UPDATE articles SET story_id = s.story_id FROM _story s "
        "WHERE articles.article_id = s.article_id"
    )
    affected = sorted(set(updates.values()) | {info[a][0] for a in updates if info[a][0]})
    con.unregister("_story")
    con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?::VARCHAR[]))", [affected])
    con.execute(
        """
        INSERT INTO stories
        SELECT story_id,
               arg_min(title, (coalesce(published, fetched_at::DATE), fetched_at, article_id)),
               arg_min(article_id, (coalesce(published, fetched_at::DATE), fetched_at, article_id)),
               min(coalesce(published, fetched_at::DATE)),
               count(*), count(DISTINCT source_id), ?
        FROM articles WHERE story_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY story_id
        """,
        [utcnow(), affected],
    )
    return len(updates)
