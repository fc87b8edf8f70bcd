"""Find place-name candidates in raw text: tokens, furniture spans, trie matches.

The scanner only proposes; `nlp.places_linker` decides (homonyms, false friends).
Everything works on character offsets of the text it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from unidecode import unidecode

from nlp.places_lexicon import ARTICLES, CONNECTORS, Entry, Lexicon

_TOKEN = re.compile(r"[^\W\d_]+|\d+")
# Page furniture that is text too: image paths, URLs, e-mail addresses, file names.
_FURNITURE = re.compile(
    r"\S*[_/\\@=]\S*|https?://\S+|www\.\S+|\S+\.(?:fr|com|org|net|jpe?g|png|webp|gif)\b\S*",
    re.IGNORECASE,
)
_JOINERS = {"", " ", "-", "'", "’", "‑", "‐", "ʼ", "' ", "’ "}
_SENTENCE_END = set(".!?:;«»\"“”…•|*>")


class Token(NamedTuple):  # a NamedTuple: ~700 per article, built fast
    start: int
    end: int
    text: str
    norm: str
    cap: bool  # starts with an uppercase letter
    initial: bool  # first word of a sentence, a line or a quote


@dataclass(frozen=True)
class Match:
    """A trie match over tokens i..j (inclusive); `partial` when only a prefix of a name."""

    i: int
    j: int
    key: tuple[str, ...]
    entries: tuple[Entry, ...]
    partial: bool = False


@lru_cache(maxsize=65536)
def _norm(word: str) -> str:
    norm = unidecode(word).lower()
    return {"st": "saint", "ste": "sainte"}.get(norm, norm)


def tokenize(text: str) -> list[Token]:
    furniture = [(m.start(), m.end()) for m in _FURNITURE.finditer(text)]
    tokens: list[Token] = []
    f = 0
    prev_end = 0
    for m in _TOKEN.finditer(text):
        while f < len(furniture) and furniture[f][1] <= m.start():
            f += 1
        if f < len(furniture) and furniture[f][0] <= m.start():
            prev_end = m.end()
            continue
        word = m.group()
        before = text[prev_end:m.start()]
        stripped = before.replace(" ", "").replace("\t", "").replace("\xa0", "")
        initial = not tokens or "\n" in before or (stripped[-1:] in _SENTENCE_END)
        tokens.append(Token(m.start(), m.end(), word, _norm(word), word[0].isupper(), initial))
        prev_end = m.end()
    return tokens


def joined(text: str, a: Token, b: Token) -> bool:
    """True when b continues a name started by a (space, hyphen or apostrophe between)."""
    return text[a.end:b.start] in _JOINERS


def _caps_ok(tokens: list[Token], i: int, j: int, kind: str) -> bool:
    if kind == "demonym":
        return True
    if kind in ("area", "region"):  # "Châtaigneraie cantalienne", "région Centre"
        first = i + 1 if tokens[i].norm in ARTICLES and i < j else i
        if kind == "region" and tokens[first].norm == "region" and first < j:
            first += 1
        return tokens[first].cap
    first = i
    while first < j and tokens[first].norm in ARTICLES:
        first += 1
    if not tokens[first].cap:
        return False
    return all(t.cap or t.norm in CONNECTORS for t in tokens[first + 1:j + 1])


def scan(text: str, tokens: list[Token], lex: Lexicon) -> list[Match]:
    """Greedy longest matches, left to right; prefixes of commune names kept as partial."""
    matches: list[Match] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if not tok.cap and tok.norm not in lex.lowercase_starts:
            i += 1
            continue
        if _glued_tail(text, tokens, i):
            i += 1
            continue
        best = _longest(text, tokens, lex, i)
        if tokens[i].norm in ARTICLES and i + 1 < n:
            # "la Châtaigneraie cantalienne": the name without its article may run longer.
            alt = _longest(text, tokens, lex, i + 1)
            if alt is not None and (best is None or alt.j > best.j):
                best = alt
        if best is not None:
            matches.append(best)
            i = best.j + 1
        else:
            i += 1
    return matches


def _glued_tail(text: str, tokens: list[Token], i: int) -> bool:
    """True for the tail of a coined name glued by an apostrophe: "Xaintrie Val'Dordogne".

    Elided articles ("d'Ajain", "L'Isle-Jourdain") are one letter and stay candidates.
    """
    if i == 0:
        return False
    prev = tokens[i - 1]
    return (text[prev.end:tokens[i].start] in ("'", "’", "ʼ") and prev.cap
            and len(prev.text) > 1 and prev.norm not in ARTICLES)


def _longest(text: str, tokens: list[Token], lex: Lexicon, i: int) -> Match | None:
    n = len(tokens)
    best: Match | None = None
    longest_prefix: tuple[int, tuple[str, ...]] | None = None
    key: tuple[str, ...] = ()
    j = i
    while j < n and (j == i or joined(text, tokens[j - 1], tokens[j])):
        key = key + (tokens[j].norm,)
        in_entries = key in lex.entries
        if not in_entries and key not in lex.prefixes:
            break
        if in_entries:
            usable = tuple(e for e in lex.entries[key] if _caps_ok(tokens, i, j, e.kind))
            if usable:
                best = Match(i, j, key, usable)
        elif _caps_ok(tokens, i, j, "commune") and tokens[j].norm not in CONNECTORS:
            longest_prefix = (j, key)
        j += 1
    if longest_prefix is not None and (best is None or longest_prefix[0] > best.j):
        pj, pkey = longest_prefix
        # A prefix is only a candidate short form if the name stops there in the text.
        nxt = tokens[pj + 1] if pj + 1 < n else None
        gap = text[tokens[pj].end:nxt.start] if nxt is not None else ""
        if nxt is None or not joined(text, tokens[pj], nxt) or (
                gap.strip() == "" and not nxt.cap):  # "de Cosne à Château-Chinon"
            best = Match(i, pj, pkey, (), partial=True)
    return best
