"""`veille_relevance`: is this article about access to general practice in France?

Sets `Doc._.relevance` (float in [0, 1]) and `Doc._.relevant` (bool). A logistic score
over sentence-level cues (rules in resources/relevance.toml, section [component]):
topic sentences (the headline weighs more), doctor lemmas, and penalties for other
senses of "désert", vets, medical deserts abroad and hospital labour disputes. Works on
`spacy.blank` too (lemmas then fall back to lowercase word forms).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components.initiatives import APOSTROPHES, lower_text
from nlp.components.initiatives import rules as initiative_rules
from nlp.relevance import headline_sentences, sentence_spans
from nlp.resources import load_toml


def headline_end(doc: Doc) -> int | None:
    """Where the Analyzer says the headline ends (None when run outside it)."""
    return doc._.headline_end if Doc.has_extension("headline_end") else None


def register_extensions() -> None:
    # None until scored: downstream components can tell "not scored" from "off topic".
    for name, default in (("relevance", None), ("relevant", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


@dataclass(frozen=True)
class _Rules:
    weights: dict[str, float]
    doctor_lemmas: frozenset[str]
    care_lemmas: frozenset[str]
    vet_lemmas: frozenset[str]
    pharmacy_lemmas: frozenset[str]
    topic: re.Pattern[str]
    negative: re.Pattern[str]
    labour: re.Pattern[str]
    foreign: re.Pattern[str]
    foreign_origin: re.Pattern[str]
    french: re.Pattern[str]
    fee_strike_headline: re.Pattern[str]
    fee_strike_cause: re.Pattern[str]
    pharmacy_story: re.Pattern[str] | None


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    cfg = load_toml("relevance")["component"]

    def alt(key: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in cfg[key]), re.IGNORECASE)

    numeric = {k: float(v) for k, v in cfg.items() if isinstance(v, int | float)}
    return _Rules(numeric, frozenset(cfg["doctor_lemmas"]), frozenset(cfg["care_lemmas"]),
                  frozenset(cfg["vet_lemmas"]),
                  frozenset(cfg.get("pharmacy_lemmas", ())),
                  alt("topic"), alt("negative"), alt("labour"), alt("foreign"),
                  re.compile(cfg["foreign_origin"], re.IGNORECASE), alt("french"),
                  alt("fee_strike_headline"), alt("fee_strike_cause"),
                  alt("pharmacy_story") if "pharmacy_story" in cfg else None)


@dataclass(frozen=True)
class RelevanceFeatures:
    """What the score is made of; kept so that tests and the docs can explain a verdict."""

    headline_topic: bool
    headline_doctor: bool
    topic_sentences: int
    doctor_mentions: int
    care_mentions: int
    negative_sentences: int
    vet_mentions: int
    foreign_mentions: int
    french_markers: float
    labour_sentences: int
    fee_strike: bool = False  # doctors striking over fees (headline strike + fees named)
    pharmacy_mentions: int = 0  # pharmacy words, in a story of pharmacies closing


def features(doc: Doc) -> RelevanceFeatures:
    rules = _rules()
    # Patterns are written lowercase and matched case-insensitively on the original text
    # (the sentence splitter needs the capitals; str.lower() may shift offsets).
    low = doc.text.translate(APOSTROPHES)  # same offsets; the rules write "'"
    spans = sentence_spans(low)
    n_head = headline_sentences(spans, headline_end(doc))
    n_doc = n_care = n_vet = n_pharm = 0
    head_end = spans[n_head - 1][1] if spans else 0
    head_doctor = False
    for token in doc:
        # Lemma when the model gives one, else the word form with a plural -s removed.
        forms = {(token.lemma_ or token.lower_).lower(), token.lower_, token.lower_.rstrip("s")}
        if forms & (rules.doctor_lemmas | rules.care_lemmas) and token.idx < head_end:
            head_doctor = True
        if forms & rules.doctor_lemmas:
            n_doc += 1
        elif forms & rules.vet_lemmas:
            n_vet += 1
        elif forms & rules.pharmacy_lemmas:
            n_pharm += 1
        elif forms & rules.care_lemmas:
            n_care += 1
    lowered = lower_text(low)  # the initiative rules read lowercased text
    topical = [bool(rules.topic.search(low, s, e)) or _initiative_cue(lowered, spans, i)
               for i, (s, e) in enumerate(spans)]
    communes = doc._.communes if Doc.has_extension("communes") else None
    pharmacy_story = rules.pharmacy_story is not None and rules.pharmacy_story.search(low)
    return RelevanceFeatures(
        headline_topic=any(topical[:n_head]),
        headline_doctor=head_doctor,
        topic_sentences=sum(topical[n_head:]),
        doctor_mentions=n_doc,
        care_mentions=n_care,
        # An off-topic cue only counts where nothing speaks of access to care.
        negative_sentences=sum(1 for (s, e), t in zip(spans, topical, strict=True)
                               if not t and rules.negative.search(low, s, e)),
        vet_mentions=n_vet,
        # The headline sets the scene ("Au Sénégal, ..."): a foreign place there counts twice.
        foreign_mentions=_foreign(rules, low, 0, len(low)) + _foreign(rules, low, 0, head_end),
        # Spurious homonym links are possible abroad (Mons, Montréal): half weight, capped.
        french_markers=sum(1 for _ in rules.french.finditer(low)) + min(len(communes or ()), 4) / 2,
        labour_sentences=sum(1 for s, e in spans if rules.labour.search(low, s, e)),
        fee_strike=bool(rules.fee_strike_headline.search(low, 0, head_end)
                        and rules.fee_strike_cause.search(low)),
        pharmacy_mentions=n_pharm if pharmacy_story else 0,
    )


def _foreign(rules: _Rules, text: str, start: int, end: int) -> int:
    """Foreign places in text[start:end], except a doctor's origin ("médecin algérien")."""
    return sum(1 for m in rules.foreign.finditer(text, start, end)
               if not rules.foreign_origin.search(text[max(m.start() - 40, 0):m.start()]))


def _initiative_cue(text: str, spans: list[tuple[int, int]], i: int) -> bool:
    """An initiative trigger in sentence i, with health words in it or a neighbour."""
    init = initiative_rules()
    s, e = spans[i]
    lo, hi = spans[max(i - 1, 0)][0], spans[min(i + 1, len(spans) - 1)][1]
    if init.health is None or not init.health.search(text, lo, hi):
        return False
    return any(t.patterns is not None and t.patterns.search(text, s, e) for t in init.types)


def score(f: RelevanceFeatures) -> float:
    w = _rules().weights
    cap = int(w["topic_cap"])
    z = w["bias"]
    z += w["headline_topic"] * f.headline_topic + w["headline_doctor"] * f.headline_doctor
    z += w["topic_sentence"] * min(f.topic_sentences, cap)
    z += w["doctor_lemma"] * min(f.doctor_mentions, int(w["doctor_cap"]))
    z += w["care_lemma"] * min(f.care_mentions, int(w["care_cap"]))
    z += w["negative_sentence"] * min(f.negative_sentences, cap)
    if f.vet_mentions >= 2 and 2 * f.vet_mentions >= f.doctor_mentions:
        z += w["vet_dominant"]
    # GUIDE: a story about another profession only (pharmacies) is off topic.
    if f.pharmacy_mentions >= 3 and f.pharmacy_mentions >= 2 * f.doctor_mentions:
        z += w.get("pharmacy_dominant", 0.0)
    if f.foreign_mentions >= 2 and f.foreign_mentions > f.french_markers:
        z += w["foreign_dominant"]
    if f.labour_sentences >= 2 and f.labour_sentences >= f.topic_sentences:
        z += w["labour_dispute"]
    if f.fee_strike:
        z += w.get("fee_strike", 0.0)
    return 1.0 / (1.0 + math.exp(-z))


class RelevanceComponent:
    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        value = score(features(doc))
        doc._.relevance = round(value, 4)
        doc._.relevant = value >= self.threshold
        return doc


@Language.factory(
    "veille_relevance",
    default_config={"threshold": 0.5},
    requires=["doc._.communes"],
    assigns=["doc._.relevance", "doc._.relevant"],
)
def make_relevance(nlp: Language, name: str, *, threshold: float) -> RelevanceComponent:
    return RelevanceComponent(threshold)
