"""The place vocabulary as a token trie: communes, départements, regions, areas, demonyms.

Keys are tuples of normalised tokens (see `nlp.gazetteer.normalize_tokens`); the
linker walks the text's tokens and keeps the longest key that matches. Built once
per process from the shipped gazetteer and `nlp/resources/places_areas.toml`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from nlp.gazetteer import Commune, Gazetteer, common_word_names, load_gazetteer, normalize_tokens
from nlp.resources import load_toml

# Lowercase words allowed inside a place name ("Mehun-sur-Yèvre", "Saint-Mamet-la-Salvetat").
CONNECTORS = frozenset({"sur", "sous", "de", "du", "des", "la", "le", "les", "l", "d", "en", "et",
                        "aux", "au", "a", "lez", "es", "y", "pres", "val", "devant", "lo", "di"})
ARTICLES = frozenset({"le", "la", "les", "l"})


@dataclass(frozen=True)
class Entry:
    """One meaning of a key: a commune, a département, a region, or an area / demonym."""

    kind: str  # "commune" | "departement" | "region" | "area" | "demonym"
    codes: tuple[str, ...]  # département or region codes (areas and demonyms may name several)
    commune: Commune | None = None


@dataclass(frozen=True, eq=False)  # identity hash: caches key on the one lexicon
class Lexicon:
    gazetteer: Gazetteer
    entries: dict[tuple[str, ...], tuple[Entry, ...]]
    prefixes: frozenset[tuple[str, ...]]
    common_words: frozenset[str]
    not_communes: frozenset[tuple[str, ...]]
    titles: frozenset[str]
    street_words: frozenset[tuple[str, ...]]
    institution_words: frozenset[str]
    commune_tokens: dict[str, list[tuple[tuple[str, ...], Commune]]]  # département -> names
    lowercase_starts: frozenset[str]  # first tokens of keys that may start in lowercase
    # (département, first token) -> names: short forms are looked up here, not by a scan.
    by_first_token: dict[tuple[str, str], list[tuple[tuple[str, ...], Commune]]]


def _inflections(stem: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Feminine and plural forms of a demonym: cantalien -> cantalienne(s), cantaliens."""
    last = stem[-1]
    forms = {last, last + "s", last + "e", last + "es"}
    if last.endswith(("ien", "on", "en")):
        forms |= {last + "ne", last + "nes"}
    if last.endswith(("s", "x")):
        forms |= {last + "e", last + "es"}
    return {stem[:-1] + (f,) for f in forms}


def _without_article(key: tuple[str, ...]) -> tuple[str, ...]:
    return key[1:] if len(key) > 1 and key[0] in ARTICLES else key


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    gaz = load_gazetteer()
    areas = load_toml("places_areas")
    entries: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
    commune_tokens: dict[str, list[tuple[tuple[str, ...], Commune]]] = defaultdict(list)
    by_first: dict[tuple[str, str], list[tuple[tuple[str, ...], Commune]]] = defaultdict(list)

    for c in gaz.communes:
        bare = normalize_tokens(c.bare_name)
        commune_tokens[c.departement].append((bare, c))
        by_first[(c.departement, bare[0])].append((bare, c))
        keys = {normalize_tokens(c.name), bare}
        if c.name.endswith(" (Ville)"):  # "Château-Chinon (Ville)" is plain "Château-Chinon"
            keys.add(normalize_tokens(c.name[: -len(" (Ville)")]))
        for key in keys:
            entries[key].append(Entry("commune", (c.departement,), c))
    for d in gaz.departements.values():
        for key in {normalize_tokens(d.name), normalize_tokens(d.bare_name)}:
            entries[key].append(Entry("departement", (d.code,)))
    for r in gaz.regions.values():
        for key in {normalize_tokens(r.name), normalize_tokens(r.bare_name)}:
            entries[key].append(Entry("region", (r.code,)))
    for name, code in areas["regions"].items():
        key = normalize_tokens(name)
        if not any(e.kind == "region" for e in entries.get(key, ())):
            entries[key].append(Entry("region", (code,)))
    # "région Centre-Val de Loire" must win over "région Centre" + "Loire".
    for key in [k for k, v in entries.items() if any(e.kind == "region" for e in v)]:
        if key[0] != "region":
            region = next(e for e in entries[key] if e.kind == "region")
            if region not in entries[("region",) + _without_article(key)]:
                entries[("region",) + _without_article(key)].append(region)
    for name, codes in areas["areas"].items():
        entries[normalize_tokens(name)].append(Entry("area", tuple(codes)))
    for name, codes in areas["demonyms"].items():
        for key in _inflections(normalize_tokens(name)):
            entries[key].append(Entry("demonym", tuple(codes)))

    prefixes = {key[:i] for key in entries for i in range(1, len(key))}
    return Lexicon(
        gazetteer=gaz,
        entries={k: tuple(v) for k, v in entries.items()},
        prefixes=frozenset(prefixes),
        common_words=common_word_names(),
        not_communes=frozenset(normalize_tokens(w) for w in areas["not_communes"]["words"]),
        titles=frozenset(areas["person_titles"]["titles"]),
        street_words=frozenset(normalize_tokens(w) for w in areas["street_words"]["words"]),
        institution_words=frozenset(areas["institution_words"]["words"]),
        commune_tokens=dict(commune_tokens),
        by_first_token=dict(by_first),
        lowercase_starts=frozenset(
            {k[0] for k, v in entries.items() if any(e.kind == "demonym" for e in v)}
            | ARTICLES | {"region"}),
    )
