"""Find numbers in French (or English) press text and normalise them to floats.

Digits are found with one compiled regex per language: French "46,4", "235 000"
(also with no-break and narrow no-break spaces), "8.200"; English "1,800", "46.4".
A scale word may follow ("2 millions", "1,5 million", "3 M€", "50 k€"). Numbers in
words ("trente-huit", "quarante-deux", "deux millions") are left to text2num's
`find_numbers`, which also flags ordinals ("troisième"); approximate collective
nouns ("une centaine") come from `nlp/resources/figures.toml`.

Deciding whether a number is a figure (and of which kind) is not done here: see
`nlp/components/figures.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import find_numbers as _t2n_find

from nlp.resources import load_toml


@dataclass(frozen=True)
class NumberSpan:
    """A number in the text: `text[start:end]` is its surface form (scale word included)."""

    start: int
    end: int
    value: float
    spelled: bool = False  # written in words ("trente-huit")
    ordinal: bool = False  # "troisième", "third": never a quantity


_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
# Not inside a word, a path, a decimal or a range/date ("2012-2024", "1100x2000").
_LEFT = r"(?<![\w/.,:°-])"
_FR_DIGITS = re.compile(
    _LEFT
    + rf"""(?:
        \d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?!\d)(?:,\d+)?   # 235 000 ; 1 800 ; 1 234,5
      | \d{{1,3}}(?:\.\d{{3}})+(?![\d,])                  # 8.200
      | \d+\.\d{{1,2}}(?!\d)                              # 46.4 (a decimal point slipped in)
      | \d+(?:,\d+)?                                      # 46,4 ; 1000
    )""",
    re.X,
)
_EN_DIGITS = re.compile(
    _LEFT + r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)",
)
# Units that may be glued to the digits; any other letter right after means the
# digits are part of a code, an ordinal ("1er", "3e") or a time ("8h11").
_GLUED_OK = re.compile(r"(?:kms?\b|(?:k|K|M|Mds?)\s?€|€|%)")
_GLUED_BAD = re.compile(r"[^\W\d_]|°|[x×]\d")
_SCALE_WORD = re.compile(
    r"[ \u00a0\u202f]*(millions?|milliards?|billions?|thousand|mille)\b", re.IGNORECASE
)
# Abbreviated scales only count in money ("3 M€", "50 k€", "1,2 Md d'euros").
_SCALE_ABBR = re.compile(
    r"[ \u00a0\u202f]?(k|K|M|Mds?|Md)(?=[ \u00a0\u202f]?€|\s+d['’]euros|\s+euros)"
)
_WORD_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+|[^\w\s]")


@dataclass(frozen=True)
class _Token:
    """The minimal token protocol text2num's `find_numbers` needs."""

    surface: str
    start: int
    end: int

    def text(self) -> str:
        return self.surface

    def nt_separated(self, previous: object) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[str, float], re.Pattern[str]]:
    data = load_toml("figures")["numbers"]
    scale = {k.lower(): float(v) for k, v in data["scale"].items()}
    approx = {k.lower(): float(v) for k, v in data["approx_nouns"].items()}
    words = "|".join(sorted(approx, key=len, reverse=True))
    approx_re = re.compile(
        rf"\b(?:(?P<mult>une?|deux|trois|quatre|cinq|\d+)[{_SPACES}]+)?(?P<noun>{words})\b"
        rf"(?=\s+(?:de|d['’]|[àa]\s+\w+(?:er|ir|re)\b))",  # "ils sont une dizaine à exercer"
        re.IGNORECASE,
    )
    return scale, approx, approx_re


def parse_digits(surface: str, *, lang: str = "fr") -> float:
    """Value of a digit string as written in `lang` ("46,4" -> 46.4, "1,800" en -> 1800)."""
    s = re.sub(f"[{_SPACES}]", "", surface)
    if lang == "en":
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        return float(s.replace(".", ""))
    return float(s.replace(",", "."))


def find_numbers(text: str, *, lang: str = "fr") -> list[NumberSpan]:
    """Every number of `text`, in order, digits and words, with its scale applied."""
    lang = "en" if lang == "en" else "fr"
    spans = _digit_numbers(text, lang)
    spans += _approx_numbers(text, spans)
    spans += _word_numbers(text, lang, spans)
    return sorted(spans, key=lambda s: s.start)


def parse_number(text: str, *, lang: str = "fr") -> float | None:
    """The value of `text` when it is exactly one number ("2 millions", "trente-huit")."""
    stripped = text.strip()
    found = find_numbers(stripped, lang=lang)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return None if found[0].ordinal else found[0].value
    return None


def _digit_numbers(text: str, lang: str) -> list[NumberSpan]:
    scale_table = _tables()[0]
    regex = _EN_DIGITS if lang == "en" else _FR_DIGITS
    out = []
    for m in regex.finditer(text):
        value = parse_digits(m.group(), lang=lang)
        end = m.end()
        rest = text[end : end + 24]
        scale = _SCALE_WORD.match(rest) or _SCALE_ABBR.match(rest)
        if scale:
            value *= scale_table[scale.group(1).lower()]
            end += scale.end(1)
        elif not _GLUED_OK.match(rest) and _GLUED_BAD.match(rest):
            continue
        out.append(NumberSpan(m.start(), end, value))
    return out


def _approx_numbers(text: str, taken: list[NumberSpan]) -> list[NumberSpan]:
    _, approx, approx_re = _tables()
    out = []
    for m in approx_re.finditer(text):
        mult = m.group("mult")
        if mult is None and m.group("noun").lower().endswith("s"):
            continue  # "des milliers d'habitants", "des dizaines de patients": no number
        if mult is None or mult.lower() in {"un", "une"}:
            factor = 1.0
        elif mult.isdigit():
            factor = float(mult)
        else:
            factor = float(_spelled_value(mult))
        value = factor * approx[m.group("noun").lower()]
        span = NumberSpan(m.start(), m.end(), value, spelled=True)
        if not _overlaps(span, taken):
            out.append(span)
    return out


def _word_numbers(text: str, lang: str, taken: list[NumberSpan]) -> list[NumberSpan]:
    # Digits become a neutral separator so that text2num only reads words.
    tokens = [
        _Token("|" if m.group()[0].isdigit() else m.group(), m.start(), m.end())
        for m in _WORD_TOKEN.finditer(text)
    ]
    out = []
    for occ in _t2n_find(tokens, lang, threshold=0):
        first, last = tokens[occ.start], tokens[occ.end - 1]
        span = NumberSpan(first.start, last.end, float(occ.value), spelled=True,
                          ordinal=bool(occ.is_ordinal))
        if not _overlaps(span, taken):
            out.append(span)
    return out


def _spelled_value(word: str) -> int:
    from text_to_num import text2num

    return int(text2num(word.lower(), "fr"))


def _overlaps(span: NumberSpan, others: list[NumberSpan]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)
