"""Fast language identification without a model download: stop-word ratios.

Press articles are long enough (a headline plus a paragraph) for function words to
decide reliably between French and English, the two languages we must tell apart;
other European languages are listed so that they are not mistaken for either.
The word lists ship in `nlp/resources/lang_stopwords.toml`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.resources import load_toml

# Letters incl. accents; the apostrophe splits "l'hôpital" into "l" + "hôpital".
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE_CHARS = 5_000  # the beginning of an article is enough and keeps this O(1)
_MIN_HITS = 2  # below this many function words we do not guess


@lru_cache(maxsize=1)
def _languages_of() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """(all codes, word -> codes of the languages listing it): one dict lookup per token."""
    data = load_toml("lang_stopwords")
    index: dict[str, list[str]] = {}
    for code, entry in data.items():
        for word in set(entry["words"].split()):
            index.setdefault(word, []).append(code)
    return tuple(data), {word: tuple(codes) for word, codes in index.items()}


def detect_lang(text: str) -> str | None:
    """ISO 639-1 code of the text's language ("fr", "en", ...), or None when unsure."""
    scores = lang_scores(text)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, hits = ranked[0]
    if hits < _MIN_HITS:
        return None
    # A tie or a near tie means mixed or too-short text; refuse rather than guess.
    if len(ranked) > 1 and ranked[1][1] * 1.2 >= hits:
        return None
    return best


def lang_scores(text: str) -> dict[str, int]:
    """Number of function-word tokens of each language in the start of `text`."""
    codes, languages_of = _languages_of()
    scores = dict.fromkeys(codes, 0)
    for word in _WORD.findall(text[:_SAMPLE_CHARS].lower()):
        for code in languages_of.get(word, ()):
            scores[code] += 1
    return scores
