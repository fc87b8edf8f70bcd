"""`veille_initiatives`: responses to the doctor shortage reported by the article.

Sets `Doc._.initiatives: list[Initiative]`, one per (type, commune). Rules are data
(resources/initiatives.toml for types and status, resources/actors.toml for actors).
A type fires on a sentence that matches one of its patterns; the evidence is that
sentence. Communes come from `Doc._.communes` (set by `veille_places`, treated as empty
when absent): those named in the same clause or sentence, else in the previous sentence
when this one refers back, else the article's primary commune when the actor is the
town itself, else null (a national or regional initiative).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from nlp.relevance import headline_sentences, sentence_spans
from nlp.resources import load_toml
from veille.records import Initiative, Span

_FLAGS = re.IGNORECASE
# A sentence that continues the previous one's subject ("Elle ouvrira...", "Le projet...");
# used with .match(text, pos), which anchors at pos (a "^" would not).
_REFERS_BACK = re.compile(
    r"(il|elle|ils|elles|celle-ci|celui-ci|cette (structure|maison|derni[èe]re|antenne)|"
    r"ce (projet|centre|dispositif|cabinet|lieu)|ces (structures|centres|maisons)|là|"
    r"le projet|la structure|l'[ée]tablissement|le b[âa]timent|"
    r"it|they|the (centre|center|project))\b",
    _FLAGS,
)
# The town itself acts ("la mairie a publié une annonce"): the article's primary commune.
_LOCAL_ACTOR = re.compile(
    r"\b(la mairie|les mairies|la municipalit[ée]|le maire|la commune|le conseil municipal|"
    r"l'[ée]lu|l'[ée]dile|l'adjointe?|communaut[ée] (de communes|d'agglom[ée]ration)|"
    r"intercommunalit[ée]|com ?com|town hall|mayor)\b", _FLAGS)
# A pronoun standing for the people or places of the sentence before ("le Département
# met à leur disposition des studios", "des médecins y consultent"; not "il y a"): that
# sentence's communes.
_PRONOUN = re.compile(r"\b(leur|leurs)\b|(?<!il )(?<!n')(?<!n’)\by\b(?!-t-il)", _FLAGS)
# A town recruits for itself: other places of its sentence are where it looks (a fair,
# a faculty), not where the response happens.
_SELF_TYPES = frozenset({"recrutement"})
# A measure with no single place (GUIDE: national or regional): its commune stays null
# when the sentence names none. Anything else is local and belongs to the article's
# primary commune.
_WIDE_ACTOR = re.compile(
    r"\b(gouvernement|minist[èe]re|ministre|l'[ée]tat|national\w*|nationwide|government|"
    r"(proposition|projet) de loi|la loi\b|\bloi \w+|parlement|assembl[ée]e|s[ée]nat\w*|"
    r"d[ée]put[ée]s?|s[ée]nateurs?|la (grande )?r[ée]gion|r[ée]gional\w*|\bars\b|"
    r"agence r[ée]gionale|assurance maladie|\bcpam\b|syndicats?|"
    r"(toute la|partout en) france|dans tout le pays|\bcesp\b|engagement de service public|"
    r"(chaque|tous les|plusieurs|des|les|\d+|[a-z]+ante) (d[ée]partements|r[ée]gions|"
    r"territoires|communes)|(dans )?les zones|"
    r"(d[ée]veloppement|d[ée]ploiement|multiplication|essor) (des|de) "
    r"(maisons|centres|msp|p[ôo]les))",
    _FLAGS)
# A Département acting without naming a town acts across it (GUIDE: local only "in one
# town"): null too, but the same initiative as its placed sites.
_DEPARTEMENT_ACTOR = re.compile(r"\b(le d[ée]partement|conseil d[ée]partemental)\b", _FLAGS)
# A place named as where someone comes from or trained is not where the response happens
# ("diplômés de la faculté de Clermont-Ferrand", "un interne venu de Tours").
_ORIGIN_BEFORE = re.compile(
    r"\b(facult[ée]|fac|universit[ée]|chu|originaires?|venue?s?|dipl[ôo]m[ée]e?s?|internes?|"
    r"[ée]tudiants?|externes?|"
    r"form[ée]e?s?|n[ée]e?|natifs?|install[ée]e?s? jusqu'ici|"
    r"quitt\w+|arriv\w* de|pr[èe]s|autour|proximit[ée]|km|kilom[èe]tres|comme|à l'image de|"
    r"sur le mod[èe]le de|apr[èe]s|from|near|graduated)"
    r"(\s+([\w'-]+,?\s+|et |, ){0,3}?(de la |du |des |de |d'|in |at )?|\s+(à |au ))$",
    _FLAGS)
# A town named as a landmark by compass direction ("à l'ouest de Mâcon") is not where
# the response happens.
_COMPASS_BEFORE = re.compile(
    r"\b((nord|sud|est|ouest)(-est|-ouest)? (de |d')|"
    # a road between two towns ("sur la nationale entre Morlaix et Brest")
    r"(route|voie|axe|autoroute|nationale|rn ?\d+)\b[^.]{0,25}\bentre |"
    # the doctors of another town, who come to hold the consultations
    r"(m[ée]decins?|g[ée]n[ée]ralistes?|praticiens?) (de |d'))$",
    _FLAGS,
)
# "venus de Châteaumeillant et de Culan": a list continues an origin.
_LIST_GLUE = re.compile(r"\s*(,|et|ou|and|or)\s*(de la |du |des |de |d'|à |au )?\s*$", _FLAGS)
# Actors (resources/actors.toml names) of measures wider than one town.
_WIDE_ACTORS = frozenset({"ARS", "GIP Ma Région, Ma Santé", "Région",
                          "Ordre des médecins", "Gouvernement", "Assurance maladie",
                          "Préfecture", "Université"})
# Rules on where doctors settle are national or regional even when places are listed
# (the zones they apply to), unless the town itself acts.
_WIDE_TYPES = frozenset({"regulation"})
_CLAUSE_BREAK = re.compile(r"[;:]")
# Page furniture that names other articles ("Lire aussi : une MSP ouvre à X") reports
# nothing; reader comments after a "Commentaires" heading are not the article's facts.
_FURNITURE = re.compile(r"(à |a )?(lire|voir) aussi|plus d'infos|read also|see also|"
                        r"l[ée]gende photo|cr[ée]dits? photo", _FLAGS)
_FURNITURE_HEADING = re.compile(r"(à |a )?(lire|voir) aussi\s*:?|read also|see also", _FLAGS)
_COMMENTS = re.compile(r"(\d+ )?(commentaires?|r[ée]actions?|comments?)\s*(\(\d+\))?\s*:?$", _FLAGS)


def register_extensions() -> None:
    if not Doc.has_extension("initiatives"):
        Doc.set_extension("initiatives", default=None)


@dataclass(frozen=True)
class TypeRule:
    name: str
    patterns: re.Pattern[str] | None
    weak: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    veto: re.Pattern[str] | None
    passing: re.Pattern[str] | None
    context: re.Pattern[str] | None
    follow: re.Pattern[str] | None
    unless: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    types: tuple[TypeRule, ...]
    status: tuple[tuple[str, re.Pattern[str]], ...]
    actors: tuple[tuple[str, re.Pattern[str]], ...]
    health: re.Pattern[str] | None  # the [context] health vocabulary, reused by relevance
    news: re.Pattern[str] | None  # something happens to a structure (opens, grows...)


# The TOML rules run on the lowercased text (`lower_text`), compiled case-sensitively: Python's
# re scans about three times faster without IGNORECASE. Patterns are written in lowercase.
def _alt(patterns: list[str] | None) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Typographic apostrophes (most real press writes "l’installation"): the rules write "'".
APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})


def lower_text(text: str) -> str:
    """`text` lowercased, apostrophes made plain, with the same offsets (a few characters
    grow when lowercased)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.translate(APOSTROPHES)


@lru_cache(maxsize=1)
def rules() -> Rules:
    cfg = load_toml("initiatives")
    contexts = {k: re.compile(v) for k, v in cfg.get("context", {}).items()}
    types = []
    for name, t in cfg["types"].items():
        follow = t.get("follow")
        types.append(TypeRule(
            name=name, patterns=_alt(t.get("patterns")), weak=_alt(t.get("weak_patterns")),
            exclude=_alt(t.get("exclude")), veto=_alt(t.get("veto")),
            passing=re.compile(t["passing"] + "$") if "passing" in t else None,
            context=contexts[t["context"]] if "context" in t else None,
            follow=re.compile(follow) if follow else None,
            unless=tuple(t.get("unless", ())),
        ))
    status = tuple((k, _alt(v)) for k, v in cfg["status"].items())
    actors = tuple((a["name"], _alt(a["patterns"])) for a in load_toml("actors")["actors"])
    health = cfg.get("context", {}).get("health")  # relevance reads the original text
    return Rules(tuple(types), status, actors,  # type: ignore[arg-type]
                 re.compile(health, _FLAGS) if health else None, contexts.get("news"))


@dataclass
class _Hit:
    type: str
    sentence: int
    match: tuple[int, int]
    weak: bool
    communes: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    insee: str
    primary: bool


def find_initiatives(doc: Doc) -> list[Initiative]:
    text = doc.text
    low = lower_text(text)  # what the TOML rules read; offsets are the text's
    r = rules()
    spans = _article_sentences(text)
    mentions = _mentions(doc)
    areas = _areas(doc)
    end = doc._.headline_end if Doc.has_extension("headline_end") else None
    n_head = headline_sentences(spans, end)
    hits: list[_Hit] = []
    fired: dict[int, set[str]] = {}
    for i, (s, e) in enumerate(spans):
        for rule in r.types:
            hit = _match(rule, low, spans, i)
            if hit is None and rule.follow and rule.name in fired.get(i - 1, set()):
                # "une quatrième structure sera livrée à Maurs": same type, new commune.
                m = rule.follow.search(low, s, e)
                # "elle est rattachée au centre de X": the parent, named in passing.
                if m and rule.passing and _in_passing(rule.passing, low, s, e, m.start()):
                    m = None
                if m and _in(mentions, s, e):
                    hit = _Hit(rule.name, i, m.span(), weak=False)
            if hit is not None:
                hits.append(hit)
                fired.setdefault(i, set()).add(rule.name)
    strong_types = {h.type for h in hits if not h.weak}
    by_name = {t.name: t for t in r.types}
    hits = [h for h in hits
            if not (h.weak and any(u in strong_types for u in by_name[h.type].unless))]
    found: dict[tuple[str, str | None], Initiative] = {}
    for h in hits:
        s, e = spans[h.sentence]
        evidence = Span(s, e, text[s:e])
        actors = _actors(r, low, spans, h.sentence)
        status = _status(r, low, s, e, h.match)
        for insee in _communes(text, spans, h, mentions, areas, headline=h.sentence < n_head):
            key = (h.type, insee)
            old = found.get(key)
            if old is None:
                found[key] = Initiative(h.type, insee, actors, status, evidence)
            else:
                merged = old.actors + tuple(a for a in actors if a not in old.actors)
                found[key] = Initiative(h.type, insee, merged, old.status or status, old.evidence)
    # A null-commune initiative next to placed ones of the same type is the same local
    # initiative seen from a sentence that names no place, unless a national or regional
    # actor is behind it.
    local = {t for t, insee in found if insee is not None}
    return [i for i in found.values()
            if not (i.commune_insee is None and i.type in local
                    and not _WIDE_ACTORS.intersection(i.actors)
                    and not _WIDE_ACTOR.search(i.evidence.text))]


def _article_sentences(text: str) -> list[tuple[int, int]]:
    """The article's own sentences: stop at the comments heading, skip furniture lines."""
    out = []
    heading = False  # a bare "Lire aussi" line: the next line is the other article's title
    for s, e in sentence_spans(text):
        if _COMMENTS.fullmatch(text, s, e):
            break
        furniture = _FURNITURE.match(text, s, e)
        if not furniture and not heading:
            out.append((s, e))
        heading = bool(furniture) and _FURNITURE_HEADING.fullmatch(text, s, e) is not None
    return out


def _match(rule: TypeRule, text: str, spans: list[tuple[int, int]], i: int) -> _Hit | None:
    s, e = spans[i]
    # Most sentences trigger nothing: the vetoes and exclusions are only read after a hit.
    pairs = ((rule.patterns, False), (rule.weak, True))
    first = [(p, weak, p.search(text, s, e)) for p, weak in pairs if p is not None]
    if not any(m for _, _, m in first):
        return None
    if rule.veto is not None and rule.veto.search(text, s, e):
        return None  # labour disputes, protests recalled as background...
    bad = [m.span() for m in rule.exclude.finditer(text, s, e)] if rule.exclude else []
    for pattern, weak, m0 in first:
        if m0 is None:
            continue
        for m in pattern.finditer(text, m0.start(), e):
            # An excluded sense anywhere in the sentence: drop only the hits it covers.
            if any(b0 <= m.start() < b1 or m.start() <= b0 < m.end() for b0, b1 in bad):
                continue
            if rule.context is not None and not _has_context(rule.context, text, spans, i):
                return None
            if rule.passing is not None and _in_passing(rule.passing, text, s, e, m.start()):
                continue
            return _Hit(rule.name, i, m.span(), weak)
    return None


# A site attached to a parent structure names the parent as a place (GUIDE: in passing).
_ATTACHED = re.compile(r"\brattach[ée]e?s? (au|aux|à la|à l')\s*$", _FLAGS)


def _in_passing(passing: re.Pattern[str], text: str, s: int, e: int, at: int) -> bool:
    """"Il consulte à la maison de santé": an existing structure named as a place, in a
    sentence where nothing happens to it (GUIDE: not an initiative)."""
    if _ATTACHED.search(text, max(s, at - 40), at):
        return True  # "rattachée au centre de santé de X": the parent site, whatever happens
    news = rules().news
    return (passing.search(text, max(s, at - 40), at) is not None
            and (news is None or news.search(text, s, e) is None))


def _has_context(context: re.Pattern[str], text: str, spans: list[tuple[int, int]], i: int) -> bool:
    # Two sentences either side: press paragraphs name the subject once ("le docteur Morin
    # a pris sa retraite... La municipalité offrirait six mois de loyer à tout repreneur").
    lo, hi = spans[max(i - 2, 0)][0], spans[min(i + 2, len(spans) - 1)][1]
    return context.search(text, lo, hi) is not None


def _mentions(doc: Doc) -> list[_Mention]:
    links = doc._.communes if Doc.has_extension("communes") else None
    out = []
    for link in links or ():
        for m in link.mentions:
            out.append(_Mention(m.start, m.end, link.insee, link.primary))
    return sorted(out, key=lambda m: m.start)


def _areas(doc: Doc) -> list[int]:
    """Where départements and regions are named (a sentence naming only them is wide)."""
    out = []
    for name in ("departements", "regions"):
        for link in (getattr(doc._, name) if Doc.has_extension(name) else None) or ():
            out.extend(m.start for m in link.mentions)
    return out


def _in(mentions: list[_Mention], s: int, e: int) -> list[str]:
    seen: list[str] = []
    for m in mentions:
        if s <= m.start < e and m.insee not in seen:
            seen.append(m.insee)
    return seen


def _communes(text: str, spans: list[tuple[int, int]], h: _Hit, mentions: list[_Mention],
              areas: list[int], *, headline: bool) -> list[str | None]:
    """Where the initiative happens (GUIDE "Where"): the communes of its clause or
    sentence, else of the sentence it refers back to, else null for a national or
    regional measure, else the article's primary commune (a local actor)."""
    s, e = spans[h.sentence]
    local = _LOCAL_ACTOR.search(text, s, e) is not None
    if h.type in _WIDE_TYPES and not local:
        return [None]
    places = _not_origins(text, mentions)
    clause_s, clause_e = s, e
    for b in _CLAUSE_BREAK.finditer(text, s, e):
        if b.start() < h.match[0]:
            clause_s = b.end()
        elif b.start() >= h.match[1]:
            clause_e = b.start()
            break
    found = _in(places, clause_s, clause_e) or _in(places, s, e)
    if not found and h.sentence > 0 and (_REFERS_BACK.match(text, s)
                                         or _PRONOUN.search(text, s, e)):
        ps, pe = spans[h.sentence - 1]
        found = _in(places, ps, pe)
    primary = list(dict.fromkeys(m.insee for m in mentions if m.primary))
    # A city with arrondissements named where the article is about one of them (Paris
    # for its 13th): the arrondissement.
    found = [_arrondissement(f, primary) for f in found]
    if found and local and h.type in _SELF_TYPES and primary and not set(found) & set(primary):
        return primary[:1]
    if found:
        return list(found)
    if not local and (_WIDE_ACTOR.search(text, s, e) or _DEPARTEMENT_ACTOR.search(text, s, e)
                      or any(s <= a < e for a in areas)):
        return [None]  # national or regional, or a whole département ("dans l'Indre")
    # A headline summarises the article, so it is about the primary commune(s); any
    # other local actor acts in the first one. Without a primary commune, an article
    # naming a single commune (places of origin aside) is about it.
    if not primary and len({m.insee for m in places}) == 1:
        primary = [places[0].insee]
    return (primary if headline else primary[:1]) or [None]


# Paris, Lyon, Marseille and the INSEE prefix of their arrondissements.
_PLM = {"75056": "751", "69123": "6938", "13055": "132"}


def _arrondissement(insee: str | None, primary: list[str]) -> str | None:
    prefix = _PLM.get(insee or "")
    if prefix:
        for p in primary:
            if p.startswith(prefix) and len(p) == 5:
                return p
    return insee


def _not_origins(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Mentions that may be where a response happens (not an origin, landmark, model)."""
    out, prev_origin, prev_end = [], False, -1
    for m in mentions:
        origin = (
            _ORIGIN_BEFORE.search(text, max(0, m.start - 60), m.start) is not None
            or _COMPASS_BEFORE.search(text, max(0, m.start - 20), m.start) is not None
            or (prev_origin and _LIST_GLUE.fullmatch(text, prev_end, m.start) is not None)
        )
        if not origin:
            out.append(m)
        prev_origin, prev_end = origin, m.end
    return out


def _actors(r: Rules, text: str, spans: list[tuple[int, int]], i: int) -> tuple[str, ...]:
    for j in (i, i - 1):
        if j < 0:
            break
        s, e = spans[j]
        names = tuple(name for name, p in r.actors if p.search(text, s, e))
        if names:
            return names
    return ()


def _status(r: Rules, text: str, s: int, e: int, trigger: tuple[int, int]) -> str | None:
    best: tuple[int, str] | None = None
    for name, pattern in r.status:
        for m in pattern.finditer(text, s, e):
            if m.start() >= trigger[1]:
                gap = m.start() - trigger[1]
            elif m.end() <= trigger[0]:
                gap = trigger[0] - m.end()
            else:
                continue  # the cue is the trigger itself ("projet de loi")
            if best is None or gap < best[0]:
                best = (gap, name)
    return best[1] if best else None


class InitiativesComponent:
    def __init__(self) -> None:
        register_extensions()
        rules()  # fail at pipeline build time, not on the first document

    def __call__(self, doc: Doc) -> Doc:
        if Doc.has_extension("relevant") and doc._.relevant is False:
            doc._.initiatives = []  # off-topic pages report no initiatives
        else:
            doc._.initiatives = find_initiatives(doc)
        return doc


@Language.factory(
    "veille_initiatives",
    requires=["doc._.relevant", "doc._.communes"],
    assigns=["doc._.initiatives"],
)
def make_initiatives(nlp: Language, name: str) -> InitiativesComponent:
    return InitiativesComponent()
