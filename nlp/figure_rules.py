"""Rules of the figures component, compiled from `nlp/resources/figures.toml`.

Kept apart from `nlp/components/figures.py` so the component reads as the algorithm
and this module as the data it runs on (plus the offset-preserving furniture mask).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.furniture import is_furniture_line
from nlp.labels import FIGURE_KINDS
from nlp.resources import load_toml

_I = re.IGNORECASE


@dataclass(frozen=True)
class FigureRules:
    """The compiled rules of one figures TOML (see its comments for each field)."""

    approx: re.Pattern[str]
    fillers: re.Pattern[str]
    ratio_after: re.Pattern[str]
    ratio: re.Pattern[str]
    ratio_denominators: dict[str, float]
    predicates: tuple[tuple[str, re.Pattern[str]], ...]
    heads: tuple[tuple[str, re.Pattern[str]], ...]
    density_between: re.Pattern[str]
    density_denominator: re.Pattern[str]
    per_doctor: re.Pattern[str]
    time_units: dict[str, float]
    time_unit: re.Pattern[str]
    duree_before: re.Pattern[str]
    duree_after: re.Pattern[str]
    duree_sentence: re.Pattern[str]
    duree_period: re.Pattern[str]
    duree_since: re.Pattern[str]
    career_before: re.Pattern[str]
    duree_during: re.Pattern[str]
    recurring_after: re.Pattern[str]
    age_apposition_english: re.Pattern[str]
    before_compare: re.Pattern[str]
    age_before: re.Pattern[str]
    age_after_english: re.Pattern[str]
    age_aged: re.Pattern[str]
    doctor_context: re.Pattern[str]
    child_context: re.Pattern[str]
    after_other: re.Pattern[str]
    before_list: re.Pattern[str]
    anaphora_kinds: frozenset[str]
    en_verb: re.Pattern[str]
    en_verb_context: re.Pattern[str]
    year_before: re.Pattern[str]
    month_after: re.Pattern[str]
    denominator_before: re.Pattern[str]
    range_after: re.Pattern[str]
    range_before: re.Pattern[str]
    furniture_lines: re.Pattern[str]
    masks: re.Pattern[str]
    pct_unrelated: re.Pattern[str]
    pct_context: re.Pattern[str]
    local_reference: re.Pattern[str]
    heads_by_kind: dict[str, re.Pattern[str]]
    population_before: re.Pattern[str]
    population_after: re.Pattern[str]
    career_sentence: re.Pattern[str]
    career_after: re.Pattern[str]
    access_sentence: re.Pattern[str]
    range_between: re.Pattern[str]
    range_entre: re.Pattern[str]
    pronoun_count: re.Pattern[str]
    doctors_aged: re.Pattern[str]
    rooms_before: re.Pattern[str]
    rooms_head: re.Pattern[str]
    duree_ago: re.Pattern[str]
    en_count: re.Pattern[str]
    after_time: re.Pattern[str]
    term_before: re.Pattern[str]
    patients_before: re.Pattern[str]
    count_change: re.Pattern[str]
    duree_ago_context: re.Pattern[str]


@lru_cache(maxsize=4)
def load_rules(resource: str = "figures") -> FigureRules:
    """Compile the shipped rules once; `resource` names a TOML in nlp/resources."""
    data = load_toml(resource)
    sections = ("heads", "density", "time", "anaphora", "exclude")
    heads, dens, time, ana, exc = (data[k] for k in sections)

    def c(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern, _I)

    unknown = set(heads["order"]) - set(FIGURE_KINDS) - {"patients_without_doctor"}
    if unknown:
        raise ValueError(f"{resource}.toml: unknown kinds in [heads].order: {sorted(unknown)}")
    return FigureRules(
        approx=c(data["approx"]["prefix"]),
        fillers=c(rf"^\s*(?:{heads['fillers']}\s+){{0,2}}"),
        ratio_after=c(heads["ratio_after"]),
        ratio=c(rf"^\s*{heads['ratio_heads']}(?:\s+[\w'’-]+){{0,3}}?\s+sur\s+(?P<den>\w+)\b"),
        ratio_denominators={k.lower(): float(v) for k, v in heads["ratio_denominators"].items()},
        predicates=tuple((k, c(rf"\b{heads[k]}{heads['predicate_before']}"))
                         for k in heads["predicate_kinds"]),
        heads=tuple((kind, c(heads[kind])) for kind in heads["order"]),
        density_between=c(dens["between"]),
        density_denominator=c(dens["denominator"]),
        per_doctor=c(dens["per_doctor"]),
        time_units={k.lower(): float(v) for k, v in time["units"].items()},
        time_unit=c(time["unit"]),
        duree_before=c(time["duree_before"]),
        duree_after=c(time["duree_after"]),
        duree_sentence=c(time["duree_sentence"]),
        duree_period=c(time["duree_period"]),
        duree_since=c(time["duree_since"]),
        career_before=c(time["career_before"]),
        duree_during=c(time["duree_during"]),
        recurring_after=c(time["recurring_after"]),
        age_apposition_english=re.compile(time["age_apposition_english"]),  # case matters
        before_compare=c(ana["before_compare"]),
        age_before=c(time["age_before"]),
        age_after_english=c(time["age_after_english"]),
        age_aged=c(time["age_aged"]),
        doctor_context=c(time["doctor_context"]),
        child_context=c(time["child_context"]),
        after_other=c(ana["after_other"]),
        before_list=c(ana["before_list"]),
        anaphora_kinds=frozenset(ana["kinds"]),
        en_verb=c(ana["en_verb"]),
        en_verb_context=c(ana["en_verb_context"]),
        year_before=c(exc["year_before"]),
        month_after=c(exc["month_after"]),
        denominator_before=c(exc["denominator_before"]),
        range_after=c(exc["range_after"]),
        range_before=c(exc["range_before"]),
        furniture_lines=re.compile("|".join(f"(?:{p})" for p in exc["lines"]), re.I | re.M),
        masks=c("|".join(f"(?:{p})" for p in exc["masks"])),
        pct_unrelated=c(exc["pourcentage_unrelated"]),
        pct_context=c(exc["pourcentage_context"]),
        local_reference=c(data["commune"]["local_reference"]),
        heads_by_kind={kind: c(heads[kind]) for kind in heads["order"]},
        population_before=c(heads["population_before"]),
        population_after=c(heads["population_after"]),
        career_sentence=c(time["career_sentence"]),
        career_after=c(time["career_after"]),
        access_sentence=c(time["access_sentence"]),
        range_between=c(time["range_between"]),
        range_entre=c(time["range_entre"]),
        pronoun_count=c(ana["pronoun_count"]),
        doctors_aged=c(time["doctors_aged"]),
        rooms_before=c(heads["rooms_before"]),
        rooms_head=c(heads["rooms_head"]),
        duree_ago=c(time["duree_ago"]),
        en_count=c(ana["en_count"]),
        after_time=c(ana["after_time"]),
        term_before=c(time["term_before"]),
        patients_before=c(heads["patients_before"]),
        count_change=c(ana["count_change"]),
        duree_ago_context=c(time["duree_ago_context"]),
    )


def mask_furniture(text: str, r: FigureRules) -> str:
    """Blank out furniture lines, phone numbers, times, article numbers; offsets stay put."""
    chars = list(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "

    for m in r.masks.finditer(text):
        blank(m.start(), m.end())
    pos = 0
    for line in text.split("\n"):
        if line.strip() and (r.furniture_lines.search(line) or is_furniture_line(line)):
            blank(pos, pos + len(line))
        pos += len(line) + 1
    return "".join(chars)
