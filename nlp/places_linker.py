"""Link place names in a text to INSEE codes: communes, départements, regions.

Steps: scan the text for names (nlp.places_scan), read départements / regions /
areas / demonyms and "(18)" codes, drop false friends (persons, streets, common
words, compounds), then resolve homonyms and short forms from context: départements
named, distance to the article's unambiguous communes, the outlet's region; the
population is only the last tie-break. Pure Python over character offsets, so it
runs on any text (French or English) and is fast.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS

from nlp.furniture import is_furniture_line
from nlp.gazetteer import Commune
from nlp.places_lexicon import ARTICLES, CONNECTORS, Lexicon, load_lexicon
from nlp.places_scan import Match, Token, joined, scan, tokenize
from veille.records import AreaLink, CommuneLink, Span

# Function words (French, and English for translated articles): never a place on their own.
_STOP = frozenset(w.lower() for w in STOP_WORDS | EN_STOP_WORDS) - {"hem"}
# Prepositions that make the next capitalised word a place ("à Tours", "d'Ajain", "in Dorat").
STRONG_LOCATIVE = frozenset({"a", "au", "aux", "in", "at"})
LOCATIVE = STRONG_LOCATIVE | {"en", "de", "d", "du", "des", "sur", "vers", "depuis", "pres",
                              "entre", "par", "dans", "pour", "from", "near", "commune", "ville",
                              "village"}
# Last words of a prefix too generic to stand for a longer commune name.
_GENERIC = frozenset({
    "saint", "sainte", "notre", "dame", "mont", "val", "pont", "port", "bourg", "ville", "grand",
    "grande", "petit", "petite", "haut", "haute", "bas", "basse", "vieux", "neuf", "neuve",
    "nouvelle", "beau", "belle", "bon", "bonne", "champ", "fontaine", "bois", "chateau", "villers",
    "villeneuve", "neuville", "roche", "plan", "la", "le", "les", "l", "region", "maison", "centre",
    "marie"})
_CODE_AFTER = re.compile(r"\s*\(\s*(\d{2}|2[AB]|97[1-6])\s*\)")
_NAME_AFTER = re.compile(r"\s*\(([^()\n]{3,30})\)")
_CODE_ANYWHERE = re.compile(r"\((\d{2}|2[AB]|97[1-6])\)")
_NAME_LINKS = frozenset({"de", "du", "des", "d", "sur", "sous", "en", "lez", "les"})
_RIVER_WORDS = frozenset({"fleuve", "riviere", "bord", "bords", "rive", "rives", "vallee", "berges",
                          "gorges", "source", "sources", "confluent", "estuaire", "embouchure",
                          "crue", "crues", "cours", "lit", "val"})
_SENTENCE_STOP = re.compile(r"[.!?…](?=\s)")
_CARDINAL = frozenset({("nord",), ("sud",), ("est",), ("ouest",), ("centre",)})


@dataclass(frozen=True)
class PlaceResult:
    communes: tuple[CommuneLink, ...] = ()
    departements: tuple[AreaLink, ...] = ()
    regions: tuple[AreaLink, ...] = ()


@dataclass
class _Group:
    """All mentions of one name in the text, resolved together."""

    key: tuple[str, ...]
    spans: list[Span] = field(default_factory=list)
    candidates: list[Commune] = field(default_factory=list)
    partial: bool = False
    fuzzy: bool = False
    forced_deps: set[str] = field(default_factory=set)  # "Dorat (87)", "Charôst (Cher)"
    strong_context: bool = False  # one mention after "à" or with a code
    mid_sentence: bool = False  # one mention not at a sentence start
    locative: bool = False  # one mention after a preposition ("de Privas", "d'Ajain")
    chosen: Commune | None = None


def _outside_furniture(text: str, tokens: list[Token], matches: list[Match]) -> list[Match]:
    """Drop matches on page-furniture lines ("Lire aussi : Bourges, le marché..."): plain
    text input keeps them (its offsets are annotated), but they name other stories."""
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip() and is_furniture_line(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    if not spans:
        return matches
    return [m for m in matches
            if not any(a <= tokens[m.i].start < b for a, b in spans)]


def link_places(text: str, *, headline_end: int | None = None, region_hint: str | None = None,
                persons: Sequence[tuple[int, int]] = (), lex: Lexicon | None = None) -> PlaceResult:
    """Every commune, département and region named in `text`, with character offsets.

    `headline_end`: offset where the headline stops (weighs for `primary`);
    `region_hint`: INSEE code of the outlet's home region; `persons`: (start, end) of
    person names found by NER, to drop "Saint-Martin" the surgeon.
    """
    lex = lex or load_lexicon()
    tokens = tokenize(text)
    matches = _outside_furniture(text, tokens, scan(text, tokens, lex))
    if headline_end is None:
        nl = text.find("\n")
        headline_end = nl if nl > 0 else min(len(text), 200)

    deps: dict[str, list[Span]] = defaultdict(list)
    regions: dict[str, list[Span]] = defaultdict(list)
    area_deps: set[str] = set()
    direct_deps: set[str] = set()  # named, coded or by demonym (an area is weaker context)
    commune_matches: list[Match] = []
    # Once "à Vienne" reads as the commune, "l'hôpital de Vienne" is the commune too.
    commune_keys = {m.key for m in matches if not m.partial and _commune_reading(text, tokens, m)
                    and len({e.kind for e in m.entries}) > 1}
    for m in matches:
        span = _span(text, tokens, m)
        if m.partial:
            commune_matches.append(m)
            continue
        kinds = {e.kind for e in m.entries}
        if m.i > 0 and text[tokens[m.i - 1].end:tokens[m.i].start].endswith("-") \
                and "demonym" not in kinds:
            continue  # "...-Loire": the tail of a longer name
        has_commune = "commune" in kinds
        if has_commune and kinds - {"commune"}:
            if _commune_reading(text, tokens, m) or (
                    m.key in commune_keys and tokens[m.i].norm not in ARTICLES
                    and (m.i == 0 or tokens[m.i - 1].norm not in {"en", "dans"})):
                commune_matches.append(Match(m.i, m.j, m.key,
                                             tuple(e for e in m.entries if e.kind == "commune")))
                continue
        elif has_commune:
            commune_matches.append(m)
            continue
        if m.key in _CARDINAL or _cardinal_direction(tokens, m) or _river(tokens, m):
            continue  # "le Nord du département", "les bords de la Loire"
        for e in m.entries:
            if e.kind == "region":
                regions[e.codes[0]].append(span)
            elif e.kind in ("departement", "demonym"):
                direct_deps.update(e.codes)
                for code in e.codes:
                    deps[code].append(span)
            elif e.kind == "area":
                area_deps.update(e.codes)
                for code in e.codes:
                    deps[code].append(span)
    for cm in _CODE_ANYWHERE.finditer(text):
        if cm.group(1) in lex.gazetteer.departements:
            deps[cm.group(1)].append(Span(cm.start(1), cm.end(1), cm.group(1)))
            direct_deps.add(cm.group(1))

    named_deps = direct_deps
    groups = _commune_groups(text, tokens, commune_matches, persons, lex)
    _resolve(groups, named_deps=named_deps, area_deps=area_deps, regions=set(regions),
             region_hint=region_hint, lex=lex)
    fuzzy = _fuzzy_groups(text, tokens, matches, groups, named_deps, lex)
    _resolve(fuzzy, named_deps=named_deps, area_deps=area_deps, regions=set(regions),
             region_hint=region_hint, lex=lex)
    communes = _commune_links(text, groups + fuzzy, headline_end,
                              _lead_end(text, headline_end), lex)
    gaz = lex.gazetteer
    return PlaceResult(
        communes=communes,
        departements=_area_links(deps, {c: d.bare_name for c, d in gaz.departements.items()}),
        regions=_area_links(regions, {c: r.name for c, r in gaz.regions.items()}),
    )


def _area_links(found: dict[str, list[Span]], names: dict[str, str]) -> tuple[AreaLink, ...]:
    """One link per code, ordered by first mention."""
    ordered = sorted((code for code in found if code in names),
                     key=lambda code: min(s.start for s in found[code]))
    return tuple(AreaLink(code, names[code], tuple(sorted(set(found[code]), key=_pos)))
                 for code in ordered)


def _pos(s: Span) -> int:
    return s.start


def _span(text: str, tokens: list[Token], m: Match) -> Span:
    start, end = tokens[m.i].start, tokens[m.j].end
    return Span(start, end, text[start:end])


def _prev(tokens: list[Token], m: Match) -> Token | None:
    return tokens[m.i - 1] if m.i > 0 else None


def _commune_reading(text: str, tokens: list[Token], m: Match) -> bool:
    """A name that is both a commune and an area: commune after "à" or with its code."""
    if m.key == ("paris",):
        return True
    if tokens[m.i].norm in ARTICLES:
        return False  # "la Creuse", "le Cher"
    prev = _prev(tokens, m)
    if prev is not None and prev.norm in STRONG_LOCATIVE:
        return True
    code = _code_after(text, tokens[m.j].end)
    return code is not None and any(e.kind == "commune" and e.codes[0] == code for e in m.entries)


def _cardinal_direction(tokens: list[Token], m: Match) -> bool:
    return m.key[-1] in {"nord", "sud", "est", "ouest"} and m.j + 1 < len(tokens) and \
        tokens[m.j + 1].norm in {"du", "de", "des", "d", "of"}


def _river(tokens: list[Token], m: Match) -> bool:
    """"les bords de la Loire", "la vallée du Lot": the river, not the département."""
    k = m.i - 1
    while k >= 0 and tokens[k].norm in {"de", "du", "des", "d", "la", "le", "l", "les"}:
        k -= 1
    return k >= 0 and k < m.i - 1 and tokens[k].norm in _RIVER_WORDS


def _code_after(text: str, end: int) -> str | None:
    cm = _CODE_AFTER.match(text, end)
    return cm.group(1) if cm else None


def _dep_named_after(text: str, end: int, lex: Lexicon) -> str | None:
    """"Charôst (Cher)": a département's name in parentheses right after the commune."""
    nm = _NAME_AFTER.match(text, end)
    if not nm:
        return None
    from nlp.gazetteer import normalize_tokens

    for e in lex.entries.get(normalize_tokens(nm.group(1)), ()):
        if e.kind == "departement":
            return e.codes[0]
    return None


def _false_friend(text: str, tokens: list[Token], m: Match, persons: Sequence[tuple[int, int]],
                  lex: Lexicon) -> str | None:
    """Why this match is not a place ("title", "compound", "person", "street"...), or None."""
    bare = _bare(m.key)
    if bare in lex.not_communes or m.key in lex.not_communes or (
            len(bare) == 1 and bare[0] in _STOP):
        return "not_commune"
    first, last = tokens[m.i], tokens[m.j]
    prev = tokens[m.i - 1] if m.i > 0 else None
    nxt = tokens[m.j + 1] if m.j + 1 < len(tokens) else None
    gap_prev = text[prev.end:first.start] if prev else ""
    gap_next = text[last.end:nxt.start] if nxt else ""
    if m.i == m.j and first.text.isupper() and len(first.text) <= 4 and not (
            (prev is not None and prev.text.isupper() and len(prev.text) > 1)
            or (nxt is not None and nxt.text.isupper() and len(nxt.text) > 1)):
        return "acronym"  # "l'ORS", "la CPAM": an acronym, unless the whole line is in capitals
    if prev is not None and prev.norm in lex.titles and gap_prev in (" ", ". ", ".", "\xa0"):
        return "person"
    if prev is not None and gap_prev in ("-", "‑") and prev.text[0].isalpha():
        return "compound"  # "Jean-Paris", "Grand-Tulle"
    if nxt is not None and gap_next in ("-", "‑") and nxt.text[0].isalpha():
        return "compound"  # "Paris-Dakar"
    after = tokens[m.j + 2] if m.j + 2 < len(tokens) else None
    if nxt is not None and after is not None and nxt.norm in _NAME_LINKS and after.cap \
            and joined(text, last, nxt) and joined(text, nxt, after):
        return "compound"  # "Tour de France", "Maison de Santé": a longer name
    if nxt is not None and gap_next == " " and nxt.cap and not nxt.initial \
            and nxt.norm not in CONNECTORS and nxt.norm not in _STOP and not nxt.text.isupper():
        return "person" if first.norm not in lex.common_words else "compound"  # "Sumène Artense"
    if prev is not None and gap_prev == " " and prev.cap and prev.norm not in _STOP \
            and prev.norm not in LOCATIVE and prev.norm not in ARTICLES and not prev.text.isupper():
        return "person"  # "Laurent Wauquiez", "Jean-François Colin"
    if prev is not None and (prev.norm in {"de", "du", "des", "d", "l", "la"}) and m.i >= 2:
        before = tokens[m.i - 2]
        if (before.norm,) in lex.street_words or (before.norm in ARTICLES and m.i >= 3
                                                   and (tokens[m.i - 3].norm,) in lex.street_words):
            return "street"
    if prev is not None and gap_prev == " " and ((prev.norm,) in lex.street_words or (
            prev.norm in lex.institution_words and not prev.cap)):
        return "street"  # "boulevard Saint-Michel", "l'hôpital Saint-Jacques"
    for ps, pe in persons:
        if ps <= first.start and last.end <= pe and (pe - ps) > (last.end - first.start) + 1:
            if prev is None or prev.norm not in LOCATIVE:
                return "person"
    return None


def _bare(key: tuple[str, ...]) -> tuple[str, ...]:
    i = 0
    while i < len(key) - 1 and key[i] in ARTICLES:
        i += 1
    return key[i:]


def _commune_groups(text: str, tokens: list[Token], matches: list[Match],
                    persons: Sequence[tuple[int, int]], lex: Lexicon) -> list[_Group]:
    reasons = [_false_friend(text, tokens, m, persons, lex) for m in matches]
    # A name seen as a person once ("Dr Martin") is a person everywhere unless "à Martin".
    # From there on, not before: "Chaumont, Langres, ... par Marie Langres" keeps the town.
    person_from: dict[tuple[str, ...], int] = {}
    for m, r in zip(matches, reasons, strict=True):
        if r == "person":
            person_from.setdefault(_bare(m.key), m.i)
    groups: dict[tuple[str, ...], _Group] = {}
    starts = {m.i for m, r in zip(matches, reasons, strict=True) if r is None}
    for m, reason in zip(matches, reasons, strict=True):
        if reason is not None:
            continue
        prev = tokens[m.i - 1] if m.i > 0 else None
        locative = prev is not None and prev.norm in LOCATIVE
        if person_from.get(_bare(m.key), len(tokens)) < m.i and not locative:
            continue
        g = groups.setdefault(m.key, _Group(key=m.key, partial=m.partial))
        g.spans.append(_span(text, tokens, m))
        if not g.candidates:
            g.candidates = [e.commune for e in m.entries if e.commune is not None]
        code = _code_after(text, tokens[m.j].end) or _dep_named_after(text, tokens[m.j].end, lex)
        if code:
            g.forced_deps.add(code)
        locative_prev = prev is not None and prev.norm in STRONG_LOCATIVE
        if code or locative_prev or _dateline(text, tokens, m):
            g.strong_context = True
        g.locative = g.locative or locative
        first = tokens[m.i + 1] if tokens[m.i].norm in ARTICLES and m.i < m.j else tokens[m.i]
        if not first.initial and not tokens[m.i].initial:
            g.mid_sentence = True
        elif locative or (m.j + 1 in starts
                          and text[tokens[m.j].end:tokens[m.j + 1].start] == ", "):
            g.mid_sentence = True  # "« Tours, Caen, Rouen : ..." opens a list of places
    return list(groups.values())


_DATELINE_END = re.compile(r"\s*(?:[:.]|[-–—]\s)")


def _dateline(text: str, tokens: list[Token], m: Match) -> bool:
    """A name opening the page and closed by ":" "." or a dash is a dateline ("Loches :
    le conseil municipal...", "Carhaix. Une infirmière..."): a place, even a French word."""
    head = len(text) - len(text.lstrip())
    return tokens[m.i].start == head and _DATELINE_END.match(text, tokens[m.j].end) is not None


def _distance_km(a: Commune, b: Commune) -> float:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return 1e9
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def _dedupe(cands: list[Commune]) -> list[Commune]:
    """One candidate per INSEE code; the COM wins over a déléguée sharing its code."""
    best: dict[str, Commune] = {}
    for c in cands:
        if c.insee not in best or (c.type == "COM" and best[c.insee].type != "COM"):
            best[c.insee] = c
    return list(best.values())


def _resolve(groups: list[_Group], *, named_deps: set[str], area_deps: set[str], regions: set[str],
             region_hint: str | None, lex: Lexicon) -> None:
    """Choose one commune per group (or none), twice: resolved groups anchor the others."""
    gaz = lex.gazetteer
    named_regions = set(regions) | {gaz.departements[d].region for d in named_deps
                                    if d in gaz.departements}
    for _ in range(2):
        anchors = [g.chosen for g in groups if g.chosen is not None]
        anchors += [g.candidates[0] for g in groups if g.chosen is None and not g.partial
                    and len(_dedupe(g.candidates)) == 1]
        for g in groups:
            own = {c.insee for c in g.candidates}
            others = [a for a in anchors if a.insee not in own]
            context = named_deps | area_deps | {a.departement for a in others}
            g.chosen = _choose(g, context, named_deps, area_deps, named_regions, region_hint,
                               others, lex)


def _extensions(key: tuple[str, ...], deps: set[str], lex: Lexicon) -> list[Commune]:
    """Communes of `deps` whose name starts with `key` ("Saint-Mamet": Saint-Mamet-la-Salvetat)."""
    bare = _bare(key)
    if bare[-1] in _GENERIC or (len(bare) == 1 and len(bare[0]) < 4) or bare[0] in _STOP:
        return []
    n = len(bare)
    out = [c for d in deps for toks, c in lex.by_first_token.get((d, bare[0]), ())
           if len(toks) > n and toks[:n] == bare]
    return _dedupe(out)


def _choose(g: _Group, context: set[str], named_deps: set[str], area_deps: set[str],
            named_regions: set[str], region_hint: str | None, anchors: list[Commune],
            lex: Lexicon) -> Commune | None:
    cands = _dedupe(g.candidates)
    if g.forced_deps:
        cands = [c for c in cands if c.departement in g.forced_deps]
    in_context = [c for c in cands if c.departement in context]
    if not in_context and not g.fuzzy:
        ext_deps = g.forced_deps or context
        ext = _extensions(g.key, ext_deps, lex) if ext_deps else []
        bare = _bare(g.key)
        # At a sentence start, only a name that is no French word ("Villefranche aussi...").
        safe_initial = len(bare) > 1 or (len(bare[0]) >= 5 and bare[0] not in lex.common_words)
        ext.sort(key=lambda c: -c.population)
        # A town known by that exact name beats a village whose name merely starts so
        # ("Issoudun" is not Issoudun-Létrieix, even in a Creuse article).
        exact_wins = bool(cands) and not g.forced_deps and \
            2 * ext[0].population < max(c.population for c in cands) if ext else False
        if ext and not exact_wins and (g.mid_sentence or g.strong_context or safe_initial):
            # "Villefranche" in the Aveyron: Villefranche-de-Rouergue, not -de-Panat.
            if len(ext) == 1 or ext[0].population >= 5 * ext[1].population:
                return ext[0]
            return None  # a local short form we cannot pin down: not a far-away homonym
        if g.partial:
            return None
        # An out-of-context commune déléguée is more likely a false friend than a place.
        cands = [c for c in cands if c.type == "COM" or g.strong_context]
    if not cands:
        return None
    bare = _bare(g.key)
    if len(bare) == 1 and (bare[0] in lex.common_words or len(bare[0]) <= 2):
        # "Pin", "Mars", "Y": only with place context, never as a sentence's first word.
        # ("privas" and "loches" are French words too: a town after "de" is still a town.)
        ok = [c for c in cands if g.strong_context or (g.mid_sentence and (
            c.departement in context or c.population >= 10000
            or (g.locative and c.population >= 3000)))]
        if not ok or (len(bare[0]) <= 2 and not g.strong_context):
            return None
        cands = ok

    anchor_deps = {a.departement for a in anchors}

    def score(c: Commune) -> float:
        s = 0.0
        if c.departement in named_deps:
            s += 4.0
        elif c.departement in area_deps:
            s += 2.0
        if c.departement in anchor_deps:
            s += 1.5
        if c.region in named_regions:
            s += 1.5
        if region_hint and c.region == region_hint:
            s += 1.0
        if anchors:
            d = min(_distance_km(c, a) for a in anchors)
            s += 3.0 * max(0.0, 1.0 - d / 150.0)
        if c.type == "COM":
            s += 0.3
        return s + 0.5 * math.log10(c.population + 10)

    return max(cands, key=score)


def _fuzzy_groups(text: str, tokens: list[Token], matches: list[Match], groups: list[_Group],
                  named_deps: set[str], lex: Lexicon) -> list[_Group]:
    """Typos ("Chârots") of communes of the départements in context, capitalised words only."""
    deps = named_deps | {g.chosen.departement for g in groups if g.chosen is not None}
    if not deps:
        return []
    covered = {k for m in matches for k in range(m.i, m.j + 1)}
    choices = _fuzzy_choices(tuple(sorted(deps)), lex)
    if not choices:
        return []
    found: dict[str, _Group] = {}
    for k, t in enumerate(tokens):
        if k in covered or not t.cap or t.initial or len(t.norm) < 5 or t.norm in _STOP \
                or t.text.isupper() or (t.norm,) in lex.not_communes:
            continue
        prev = tokens[k - 1] if k else None
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if prev is not None and (prev.cap and joined(text, prev, t) or prev.norm in lex.titles):
            continue
        if nxt is not None and nxt.cap and joined(text, t, nxt):
            continue
        hit = process.extractOne(t.norm, choices.keys(), scorer=fuzz.ratio, score_cutoff=85)
        if hit is None or hit[0][0] != t.norm[0] or abs(len(hit[0]) - len(t.norm)) > 2:
            continue
        c = choices[hit[0]]
        g = found.setdefault(c.insee, _Group(key=(t.norm,), candidates=[c], fuzzy=True,
                                             mid_sentence=True))
        g.spans.append(Span(t.start, t.end, t.text))
    return list(found.values())


@lru_cache(maxsize=256)
def _fuzzy_choices(deps: tuple[str, ...], lex: Lexicon) -> dict[str, Commune]:
    return {" ".join(toks): c for d in deps for toks, c in lex.commune_tokens.get(d, ())}


def _lead_end(text: str, headline_end: int) -> int:
    """End of the first real paragraph after the headline (datelines and bylines skipped)."""
    pos = headline_end
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        if len(text[pos:end].strip()) >= 80:
            return end
        pos = end + 1
    return len(text)


def _first_sentence_end(text: str, start: int, end: int) -> int:
    m = _SENTENCE_STOP.search(text, start, end)
    return m.end() if m else end


def _commune_links(text: str, groups: list[_Group], headline_end: int, lead_end: int,
                   lex: Lexicon) -> tuple[CommuneLink, ...]:
    by_code: dict[str, list[Span]] = defaultdict(list)
    chosen: dict[str, Commune] = {}
    for g in groups:
        if g.chosen is None:
            continue
        c = g.chosen
        # A déléguée sharing its code with the new commune is reported under the new name.
        if c.type != "COM" and lex.gazetteer.by_insee[c.insee].type == "COM":
            c = lex.gazetteer.by_insee[c.insee]
        chosen[c.insee] = c
        by_code[c.insee].extend(g.spans)
    if not chosen:
        return ()
    spans = {code: sorted(set(s), key=_pos) for code, s in by_code.items()}
    in_head = {code for code, s in spans.items() if any(x.start < headline_end for x in s)}
    counts = {code: len(s) for code, s in spans.items()}
    top = max(counts.values())
    primary = set(in_head) | {code for code, n in counts.items() if n >= 2 and 2 * n >= top}
    if not primary:
        # No headline place, nothing repeated: the lead's place(s), one or two, else those
        # of the lead's first sentence.
        in_lead = {code for code, s in spans.items()
                   if any(headline_end <= x.start < lead_end for x in s)}
        if len(in_lead) > 2:
            first_end = _first_sentence_end(text, headline_end, lead_end)
            in_lead = {code for code, s in spans.items()
                       if any(headline_end <= x.start < first_end for x in s)}
        if 0 < len(in_lead) <= 2:
            primary = in_lead
    if not primary and len(spans) == 1:
        primary = set(spans)  # a short piece about one place
    order = sorted(spans, key=lambda code: (code not in primary, spans[code][0].start))
    return tuple(
        CommuneLink(insee=code, name=chosen[code].name, departement=chosen[code].departement,
                    region=chosen[code].region, primary=code in primary,
                    mentions=tuple(spans[code]))
        for code in order
    )
