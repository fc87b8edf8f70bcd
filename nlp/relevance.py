"""Cheap first relevance stage, run on every crawled page (no spaCy).

`cheap_score(text)` counts weighted keyword hits (rules in resources/relevance.toml,
section [cheap]) over the lowercased text and squashes the sum into [0, 1]. Pages at or
above `CANDIDATE_THRESHOLD` go on to the spaCy pipeline (components/relevance.py), which
decides. The stage is tuned for recall: anything that speaks of doctors twice passes.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from nlp.resources import load_toml

__all__ = ["CANDIDATE_THRESHOLD", "cheap_score"]

CANDIDATE_THRESHOLD: float = float(load_toml("relevance")["cheap"]["threshold"])


@lru_cache(maxsize=1)
def _compiled() -> tuple[list[tuple[float, re.Pattern[str]]], float, int]:
    cfg = load_toml("relevance")["cheap"]
    # One alternation per weight class would be faster still, but per-pattern hit
    # caps need separate counts; a few dozen compiled patterns stay far above 500 pages/s.
    terms = [(float(group["weight"]), re.compile(p))
             for group in cfg["terms"] for p in group["patterns"]]
    return terms, float(cfg["scale"]), int(cfg["max_hits"])


def cheap_score(text: str) -> float:
    """Keyword score in [0, 1]; >= CANDIDATE_THRESHOLD means "run the full pipeline"."""
    terms, scale, max_hits = _compiled()
    low = text.lower()
    total = 0.0
    for weight, pattern in terms:
        hits = 0
        for _ in pattern.finditer(low):
            hits += 1
            if hits == max_hits:
                break
        total += weight * hits
    return round(1.0 - math.exp(-total / scale), 4)


# Sentence ends: a newline, or . ! ? … (optionally closing quotes) before a capital, a
# digit or an opening quote (French typography puts a space inside « »). Abbreviations
# like "M." or "Dr." stay inside the sentence.
_SENT_END = re.compile(
    r"\n\s*|(?<![A-Z])(?<!\bDr)(?<!\bMr)(?<!\bSt)(?<!\bMme)"
    r"[.!?…]+(?:\s?[»\"”)])?\s+(?=[«\"“(]?\s?[A-ZÀ-Ý0-9])"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; deterministic and spaCy-free.

    Press pages break lines between headline, paragraphs and furniture, so a newline
    always ends a sentence; the parser's splits are not needed for clause-level rules.
    """
    spans = []
    pos = 0
    for m in _SENT_END.finditer(text):
        end = m.start() if m.group(0)[0] in "\n " else m.start() + len(m.group(0).rstrip())
        _append_trimmed(text, pos, end, spans)
        pos = m.end()
    _append_trimmed(text, pos, len(text), spans)
    return spans


def headline_sentences(spans: list[tuple[int, int]], headline_end: int | None) -> int:
    """How many leading sentences form the headline: those starting before `headline_end`
    (the Analyzer knows it; pages may open with a byline), else just the first one."""
    if headline_end:
        return max(1, sum(1 for s, _ in spans if s < headline_end))
    return 1


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
