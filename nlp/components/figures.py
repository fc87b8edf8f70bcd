"""`veille_figures`: the quantities an article gives about access to general practice.

Regex first, linear in the text: `nlp.numbers.find_numbers` lists every number (digits
and words); each is then classified by what surrounds it, with the rules of
`nlp/resources/figures.toml`:

1. dates, years, denominators, ordinals and page furniture are dropped;
2. densities "N (médecins) pour M habitants" are normalised per 100,000;
3. "N ans/mois/semaines" is an age (a doctor's) or a duration (absence, waiting,
   rotation) only with the right words around it, otherwise nothing;
4. otherwise the head noun after the number decides the kind (`[heads]`);
5. a bare number takes the kind of a recent figure ("quarante-deux MSP ... Treize
   autres"; "deux binômes, puis quatre"), and "il en verra trente-huit" counts
   consultations.

Every figure keeps its evidence: `doc.text[start:end] == text`. One figure is kept
per (kind, value) in a document: articles repeat their key numbers (headline, body).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from nlp.figure_rules import FigureRules, load_rules, mask_furniture
from nlp.labels import FIGURE_KINDS
from nlp.numbers import NumberSpan, find_numbers
from veille.records import Figure

if not Doc.has_extension("figures"):
    Doc.set_extension("figures", default=None)

_I = re.IGNORECASE
_WINDOW = 80  # characters looked at after a number
_BEFORE = 50  # and before it
_SCALED = re.compile(r"(?:millions?|milliards?|billions?|thousand|aines?|iers?)$", _I)
_PARTITIVE = re.compile(r"\s+(?:des|d['’]entre\s+les|of\s+the)\s+", _I)
_DE = re.compile(r"^\s*(?:de\s+|d['’]\s*|of\s+)", _I)
_SCALE_TAIL = re.compile(r"(?:mille|millions?|milliards?)$", _I)
_ONLY = re.compile(r"\bn(?:e\s|['’]\s*)[^.;,]{0,40}\bqu['’]\s*$", _I)
_AMONG = re.compile(r"\bparmi\s+(?:eux|elles)\s*,?\s*$", _I)
_DONT = re.compile(r"\bdont\s+$", _I)
_OTHER_PROFESSION = re.compile(
    r"\b(?:dentaires?|dentistes?|pharmacies?|pharmaciens?|kin[ée]\w*|v[ée]t[ée]rinaires?|"
    r"infirmi[eè]re?s?|orthophonistes?)\b", _I)
_HALF = re.compile(r"\s+et\s+demie?\b", _I)
_SCALES = {"mille": 1e3, "million": 1e6, "milliard": 1e9}


@Language.factory(
    "veille_figures",
    default_config={"resource": "figures", "only_relevant": True},
    requires=["doc._.relevant", "doc._.communes"],
    assigns=["doc._.figures"],
)
def make_figures(
    nlp: Language, name: str, *, resource: str, only_relevant: bool
) -> FigureExtractor:
    return FigureExtractor(resource=resource, only_relevant=only_relevant)


class FigureExtractor:
    """Sets `doc._.figures: list[Figure]`; reads `doc._.communes` when `veille_places` ran.

    With `only_relevant`, a doc that `veille_relevance` judged off-topic gets no figures:
    a figure is a quantity that matters for access to doctors (a rally's kilometres
    do not). Without a relevance component every doc is read.
    """

    def __init__(self, *, resource: str = "figures", only_relevant: bool = True) -> None:
        self.rules = load_rules(resource)
        self.only_relevant = only_relevant

    def __call__(self, doc: Doc) -> Doc:
        if self.only_relevant and Doc.has_extension("relevant") and doc._.relevant is False:
            doc._.figures = []
            return doc
        doc._.figures = extract_figures(
            doc.text, lang=_doc_lang(doc), sentences=_sentences(doc), communes=_communes(doc),
            primary=_primary(doc), doc=doc, rules=self.rules,
        )
        return doc


def extract_figures(
    text: str,
    *,
    lang: str = "fr",
    sentences: list[tuple[int, int]] | None = None,
    communes: list[tuple[int, str]] | None = None,
    primary: str | None = None,
    doc: Doc | None = None,
    rules: FigureRules | None = None,
) -> list[Figure]:
    """Figures of `text`. `communes` are (mention start, INSEE) pairs, `primary` the
    article's one primary commune if any; `doc` adds POS checks."""
    rules = rules or load_rules()
    sentences = sentences or _regex_sentences(text)
    starts = [s for s, _ in sentences]
    masked = mask_furniture(text, rules)
    numbers = find_numbers(masked, lang=lang)
    found: list[tuple[Figure, int]] = []  # with the sentence index, for anaphora
    consumed = -1  # end of a density's denominator, which is not a figure of its own
    for i, n in enumerate(numbers):
        if n.ordinal or n.start < consumed:
            continue
        sent = max(bisect_right(starts, n.start) - 1, 0)
        s_start, s_end = sentences[sent] if sentences else (0, len(text))
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        hit = _classify(masked, n, nxt, (s_start, s_end), rules, doc, found, sent)
        if hit is None:
            continue
        kind, value, start, end, consumed_to = hit
        consumed = max(consumed, consumed_to)
        commune = (_commune_in(communes or [], s_start, s_end)
                   or _local(primary, masked[s_start:s_end], rules))
        parts = _density_parts(masked, n, nxt, start, end, rules) if kind == "densite" else []
        for k, v, a, b in [(kind, value, start, end), *parts]:
            fig = Figure(value=round(v, 2), kind=k, unit=FIGURE_KINDS[k][0], text=text[a:b],
                         start=a, end=b, commune_insee=commune)
            found.append((fig, sent))
    return _dedupe([f for f, _ in found])


def _classify(text: str, n: NumberSpan, nxt: NumberSpan | None, bounds: tuple[int, int],
              r: FigureRules, doc: Doc | None, found: list[tuple[Figure, int]], sent: int,
              ) -> tuple[str, float, int, int, int] | None:
    """(kind, value, start, end, consumed up to) for one number, or None if not a figure."""
    sentence = text[bounds[0] : bounds[1]]
    # Prefix rules end at the number ("...$"): a short window keeps their search cheap.
    before = text[max(0, n.start - _BEFORE) : n.start]
    after = text[n.end : n.end + _WINDOW]
    surface = text[n.start : n.end]
    if r.month_after.match(after):
        return None
    # "en 2012", "depuis 2019" are years; "une commune de 2000 habitants" is not.
    year_like = not n.spelled and re.fullmatch(r"(?:18|19|20)\d\d", surface)
    if year_like and r.year_before.search(before) and _head(after, surface, r) is None:
        return None
    approx = r.approx.search(before)
    start = n.start - len(approx.group()) if approx else n.start
    ranged = _range(text, n, nxt, before, bounds, r, doc, found, sent)
    if ranged is not None:
        return ranged

    # Densities, normalised per 100,000 inhabitants.
    if nxt is not None and n.value > 0 and r.density_between.match(text[n.end : nxt.start]):
        denom = r.density_denominator.match(text[nxt.end : nxt.end + _WINDOW])
        if denom and nxt.value > 0:
            end = nxt.end + denom.end()
            return "densite", n.value * 100_000 / nxt.value, start, end, end
    per_doctor = r.per_doctor.match(after)
    if per_doctor and n.value >= 100:
        return "densite", 100_000 / n.value, start, n.end + per_doctor.end(), n.end
    if r.denominator_before.search(before) and r.density_denominator.match(after):
        return None

    unit = r.time_unit.match(after)
    if unit or r.age_after_english.match(after) or r.age_aged.search(before):
        return _time_figure(text, n, before, after, unit, bounds, r, start)
    if (r.age_apposition_english.search(before) and re.match(r"\s*,", after)
            and 25 <= n.value < 100 and not n.spelled):
        return "age", n.value, n.start, n.end, n.end

    ratio = r.ratio.match(after)
    if ratio and ratio.group("den").lower() in r.ratio_denominators:
        den = r.ratio_denominators[ratio.group("den").lower()]
        return "pourcentage", 100 * n.value / den, start, n.end + ratio.end(), n.end

    # A population without "habitants" ("un bassin de vie de 20 000 personnes").
    population = r.population_after.match(after)
    if (r.population_before.search(before) and population and n.value >= 50
            and n.value == int(n.value) and not n.spelled):
        return "habitants", n.value, start, n.end + population.end(), n.end
    if (r.patients_before.search(before) and population and n.value >= 10
            and n.value == int(n.value)):  # "une patientèle de 1 800 personnes"
        return "patients", n.value, start, n.end + population.end(), n.end
    # "un médecin", "une maison de santé": an article, not a count; "un seul" counts.
    if (n.spelled and n.value == 1 and not re.match(r"\s+seule?s?\b", after, _I)
            and not _ONLY.search(before)):
        return None  # "il n'y a plus qu'un médecin" counts
    if before.rstrip().endswith("€"):
        return "montant", n.value, start - len(before) + len(before.rstrip()) - 1, n.end, n.end
    head = _head(after, surface, r)
    partitive = _PARTITIVE.match(after) if head is None and nxt is not None else None
    if partitive and nxt.start == n.end + partitive.end():
        # "trois des cinq médecins": the part takes the kind of the whole
        whole = _head(text[nxt.end : nxt.end + _WINDOW], text[nxt.start : nxt.end], r)
        if whole is not None and _rooms(text, nxt, r):
            return None
        if whole is not None and whole[0] in r.anaphora_kinds:
            return whole[0], n.value, start, n.end, n.end
    if head is not None:
        kind, head_end = head
        if kind == "structures" and _rooms(text, n, r):
            return None
        if kind in r.anaphora_kinds and r.ratio_after.match(after[head_end:]):
            return None
        # The health context may sit in the sentence before ("Un pôle santé ... financé
        # à 80 % par l'Etat"); the unrelated words must be in the sentence itself.
        around = text[max(bounds[0] - 150, 0) : bounds[1]]
        if kind == "pourcentage" and (
            r.pct_unrelated.search(sentence) or not r.pct_context.search(around)
        ):
            return None
        return kind, n.value, start, n.end + head_end, n.end
    if n.value != int(n.value):
        # a decimal is bare only when compared: "53,8 ans (contre 50,3 au niveau national)"
        if r.before_compare.search(before):
            return _anaphora(text, n, before, after, r, doc, found, sent, start)
        return None
    for kind, pattern in r.predicates:
        if pattern.search(before) and not _noun_at(doc, n.end):
            return kind, n.value, start, n.end, n.end
    window = max(0, n.start - 120)
    change = r.count_change.search(text[window : n.start])
    if change:  # "le nombre de généralistes est passé de 12 à 7"
        noun = _head(" " + text[window + change.start("noun") : n.start], "", r)
        if noun is not None and noun[0] in r.anaphora_kinds:
            return noun[0], n.value, n.start, n.end, n.end
    pronoun = r.pronoun_count.search(before)
    if (pronoun and n.value == int(n.value) and not _noun_at(doc, n.end)
            and r.doctor_context.search(text[max(0, n.start - 150) : n.start])):
        return "medecins", n.value, n.start, n.end, n.end  # "ils ne sont plus que deux"
    en_count = r.en_count.search(before)  # "d'en recruter deux", doctors named before
    if (en_count and not _noun_at(doc, n.end) and not r.en_verb.search(before)
            and r.doctor_context.search(text[max(0, n.start - 150) : n.start])):
        return "medecins", n.value, n.start - len(en_count.group()), n.end, n.end
    en_verb = r.en_verb.search(before)  # "il en verra trente-huit", near a doctor
    if en_verb and r.en_verb_context.search(text[max(0, n.start - 400) : n.start]):
        return "consultations", n.value, n.start - len(en_verb.group()), n.end, n.end
    hit = _anaphora(text, n, before, after, r, doc, found, sent, start)
    dont = _DONT.search(before)
    if (hit is None and dont and not _noun_at(doc, n.end)
            and r.doctor_context.search(text[max(0, n.start - 60) : n.start - len(dont.group())])):
        return "medecins", n.value, n.start - len(dont.group()), n.end, n.end  # "dont trois"
    return hit


def _rooms(text: str, n: NumberSpan, r: FigureRules) -> bool:
    """"un bâtiment de quatre cabinets", "deux des quatre cabines": rooms, not facilities."""
    return bool(r.rooms_head.match(text[n.end : n.end + _WINDOW])
                and r.rooms_before.search(text[max(0, n.start - _BEFORE) : n.start]))


_RATE_BASES = {100.0, 1_000.0, 10_000.0, 100_000.0}


def _density_parts(text: str, n: NumberSpan, nxt: NumberSpan | None, start: int, end: int,
                   r: FigureRules) -> list[tuple[str, float, int, int]]:
    """GUIDE: "8 généralistes pour 12 000 habitants" (real counts of one place) also gives
    `medecins` 8 and `habitants` 12000; a rate ("46,4 pour 100 000", "un médecin pour 750")
    has no parts."""
    if nxt is None or nxt.start > end or nxt.value in _RATE_BASES:
        return []
    between = text[n.end : nxt.start]
    only = re.match(r"\s*seule?s?\b", between, _I) or re.search(
        r"(?:plus|n['’]\s*a|n['’]\s*y\s+a)\s+qu['’]\s*$", text[max(0, n.start - 30) : n.start], _I)
    if n.value != int(n.value) or (n.value < 2 and not only) or nxt.value <= n.value:
        return []  # "un médecin pour 750 habitants" is a rate; "un seul ... pour" a count
    seul = re.match(r"\s*(?:de\s+|d['’]\s*)?(?:seule?s?\s+)?", between, _I)
    lead = seul.end() if seul else 0
    doctors = r.heads_by_kind["medecins"].match(between, lead)
    if doctors is None:
        # "nous sommes trois pour 5 500 habitants", the doctors named just before
        if not r.doctor_context.search(text[max(0, n.start - 150) : n.start]):
            return []
        return [("medecins", n.value, start, n.end), ("habitants", nxt.value, nxt.start, end)]
    return [("medecins", n.value, start, n.end + doctors.end()),
            ("habitants", nxt.value, nxt.start, end)]


def _range(text: str, n: NumberSpan, nxt: NumberSpan | None, before: str,
           bounds: tuple[int, int], r: FigureRules, doc: Doc | None,
           found: list[tuple[Figure, int]], sent: int,
           ) -> tuple[str, float, int, int, int] | None:
    """"300 à 400 euros", "entre deux et trois semaines": the kind of the upper bound,
    the value of the lower one, the evidence covering both (GUIDE)."""
    if nxt is None or nxt.end > bounds[1] or nxt.value <= n.value or n.ordinal:
        return None
    if not r.range_between.match(text[n.end : nxt.start]):
        return None
    between = text[n.end : nxt.start].strip().lower()
    entre = r.range_entre.search(before)
    if between in {"et", "and"} and not entre:
        return None
    upper = _classify(text, nxt, None, bounds, r, doc, found, sent)
    unit = r.time_unit.match(text[nxt.end : nxt.end + _WINDOW])
    if upper is None and unit:  # "des séjours de deux à quatre semaines": n's trigger
        whole = NumberSpan(n.start, nxt.end, nxt.value, spelled=nxt.spelled)
        upper = _time_figure(text, whole, before, text[nxt.end : nxt.end + _WINDOW], unit,
                             bounds, r, n.start)
    if upper is None or upper[0] == "densite":
        return None
    if upper[0] == "age" and not r.doctors_aged.search(before):
        return None  # age ranges describe a population, unless named doctors' ("âgés de")
    kind, value, _s, end, consumed = upper
    scale = _SCALE_TAIL.search(text[nxt.start : nxt.end])
    if scale and not _SCALE_TAIL.search(text[n.start : n.end]):
        # "entre quatre et cinq mille euros", "2 à 3 millions": the scale is shared
        factor = _SCALES[scale.group().lower().rstrip("s")]
        if n.value < 1000 <= factor:
            value = n.value * factor * (value / nxt.value)
        else:
            value = n.value * value / nxt.value
    elif kind == "duree":
        value = value / nxt.value * n.value  # same unit as the upper bound
    elif value != nxt.value:
        value = n.value * value / nxt.value  # a scale word on the upper bound only
    else:
        value = n.value
    start = n.start - len(entre.group()) if entre else n.start
    return kind, value, min(start, _s), end, max(consumed, nxt.end)


def _time_figure(text: str, n: NumberSpan, before: str, after: str, unit: re.Match[str] | None,
                 bounds: tuple[int, int], r: FigureRules, start: int,
                 ) -> tuple[str, float, int, int, int] | None:
    """An age (a doctor's, in years) or a duration (in days) that matters, else None."""
    sentence = text[bounds[0] : bounds[1]]
    if unit is not None:
        word = unit.group("unit").lower()
        unit_end = n.end + unit.end()
        is_years = word in {"an", "ans", "year", "years"}
        age_trigger = r.age_before.search(before) if is_years else None
    else:  # "32-year-old", "aged 32"
        word = "years"
        english = r.age_after_english.match(after)
        unit_end = n.end + (english.end() if english else 0)
        age_trigger = r.age_aged.search(before) or re.search(r"$", before)
    tail = text[unit_end : unit_end + _WINDOW]
    if (
        age_trigger
        and not (n.spelled and n.value == 1)
        and 18 <= n.value < 100
        and _doctor_named(_age_context(text, bounds, age_trigger.group()), r)
        and not r.child_context.search(sentence)
        and not r.range_after.match(tail)
        and not r.range_before.search(before)
        and not re.match(r"\s+de\s", tail)  # "à deux ans de la retraite"
        and not _threshold(before, age_trigger.group())
        and not re.search(r"\by\s+(?:a|avait)\s+$", before, _I)  # "il y a vingt ans"
    ):
        lead = age_trigger.group()
        age_start = n.start - len(lead.lstrip(" ,("))
        return "age", n.value, age_start, unit_end, unit_end
    if unit is None:
        return None
    days = r.time_units.get(word)
    half = _HALF.match(tail)
    value = n.value
    if half and days:  # "un an et demi" -> 1.5 years
        value, unit_end = n.value + 0.5, unit_end + half.end()
        tail = text[unit_end : unit_end + _WINDOW]
    if r.term_before.search(before):
        return None  # "recruté pour une durée de deux ans": a contract's term
    near = text[max(bounds[0], n.start - 60) : min(bounds[1], unit_end + 60)]
    if _OTHER_PROFESSION.search(near) and not r.doctor_context.search(sentence):
        return None  # "le cabinet dentaire est fermé depuis un an": not our topic (GUIDE)
    if (r.career_after.match(tail) or r.career_sentence.search(sentence)) and not (
            r.access_sentence.search(sentence) or r.duree_after.match(tail)
            or r.duree_before.search(before)):
        return None  # a career, studies, a contract: not access (GUIDE)
    trigger = r.duree_before.search(before)
    since = r.duree_since.search(before)
    if trigger is None and since and not r.career_before.search(before[: since.start()]):
        trigger = since
    during = r.duree_during.search(before)
    if trigger is None and during and not r.recurring_after.match(tail):
        trigger = during
    ago = r.duree_ago.search(before)  # "l'annonce passée il y a un an reste sans réponse"
    if trigger is None and ago and r.duree_ago_context.search(sentence):
        trigger = ago
    waiting = r.duree_sentence.search(text[bounds[0] : n.start]) and not r.duree_period.search(
        before)
    if days == 1 and n.value >= 5 and re.match(r"\s*par\s+semaine", tail, _I):
        return None  # "cinq jours par semaine" is a working week, not a visit
    if days and (trigger or waiting or r.duree_after.match(tail)):
        d_start = n.start - len(trigger.group()) if trigger else start
        return "duree", value * days, d_start, unit_end, unit_end
    return None


_PATIENT_SIDE = re.compile(r"\bchez\s+(?:le|un|son|sa|mon|ma|leur|ton|votre|notre)\s+$", _I)


def _doctor_named(context: str, r: FigureRules) -> bool:
    """A doctor in the context, not only as where a patient goes ("chez le médecin",
    "son médecin traitant"): "Marie, 36 ans, ... aller chez le médecin" is a patient's age."""
    for m in r.doctor_context.finditer(context):
        if _PATIENT_SIDE.search(context[max(0, m.start() - 20) : m.start()]):
            continue
        if re.match(r"\s+traitant", context[m.end() : m.end() + 12], _I):
            continue
        return True
    return False


def _threshold(before: str, trigger: str) -> bool:
    """"les plus de 60 ans" is an age group; "ils ont plus de 60 ans" states an age."""
    if re.search(r"(?:plus|moins|pr[èe]s)\s+de\s*$", trigger, _I):
        return False
    return re.search(r"(?:plus|moins)\s+de\s*$|over\s*$|under\s*$", before, _I) is not None


def _age_context(text: str, bounds: tuple[int, int], trigger: str) -> str:
    """Where to look for the doctor an age belongs to: the sentence, or around it when
    a pronoun carries the age ("Elle a 34 ans, lui 36. Tous deux généralistes...") or
    the sentence opens on it ("A 31 ans, Julie Marchand a repris le cabinet.")."""
    if re.match(r"\s*(?:il|elle|qui|[àa])\s", trigger, _I):
        return text[max(bounds[0] - 200, 0) : bounds[1] + 200]
    return text[bounds[0] : bounds[1]]


def _head(after: str, surface: str, r: FigureRules) -> tuple[str, int] | None:
    """The kind given by the head noun after the number, and where that noun ends."""
    pos = 0
    if _SCALED.search(surface):
        de = _DE.match(after)  # "2 millions d'euros", "une centaine de patients"
        pos = de.end() if de else 0
    immediate = after[pos:]
    for kind, pattern in r.heads:
        if kind in {"pourcentage", "montant", "distance"}:
            m = pattern.match(immediate.lstrip(" \u00a0\u202f"))
            if m:
                lead = len(immediate) - len(immediate.lstrip(" \u00a0\u202f"))
                return kind, pos + lead + m.end()
            continue
        fill = r.fillers.match(immediate)
        offset = fill.end() if fill else 0
        m = pattern.match(immediate[offset:])
        if m:
            kind = "patients" if kind == "patients_without_doctor" else kind
            return kind, pos + offset + m.end()
    return None


def _anaphora(text: str, n: NumberSpan, before: str, after: str, r: FigureRules, doc: Doc | None,
              found: list[tuple[Figure, int]], sent: int, start: int,
              ) -> tuple[str, float, int, int, int] | None:
    """A bare number after a count of the same thing: "Treize autres", "puis quatre"."""
    people = r.after_other.match(after)
    among = _AMONG.search(before)  # "Parmi eux, trois ont plus de 65 ans"
    if among and not _noun_at(doc, n.end) and r.doctor_context.search(
            text[max(0, n.start - 150) : n.start]):
        return "medecins", n.value, n.start - len(among.group()), n.end, n.end
    if people and re.search(r"entre|them", people.group(), _I) and r.doctor_context.search(
            text[max(0, n.start - 120) : n.start]):
        # "Trois d'entre eux": the doctors or interns named just before
        return "medecins", n.value, start, n.end + people.end(), n.end
    if not found or (_SCALED.search(text[n.start : n.end]) and _DE.match(after)):
        return None  # "une vingtaine d'infirmiers": its own noun, not one of ours
    last, last_sent = found[-1]
    close = n.start - last.end < _WINDOW and "\n" not in text[last.end : n.start]
    compare = r.before_compare.search(before)
    if compare and close and not _noun_at(doc, n.end):
        return last.kind, n.value, n.start - len(compare.group()), n.end, n.end
    if last.kind not in r.anaphora_kinds:
        return None
    other = r.after_other.match(after)
    if other and re.search(r"entre|them", other.group(), _I) and sent != last_sent:
        return None
    if other and sent - last_sent <= 2 and not _noun_at(doc, n.end + other.end()):
        return last.kind, n.value, start, n.end + other.end(), n.end
    dated = r.after_time.match(after)
    if dated and close and last_sent == sent and not _noun_at(doc, n.end):
        return last.kind, n.value, start, n.end, n.end  # "12 en 2015, 7 aujourd'hui"
    listed = r.before_list.search(before)
    if listed and close and not _noun_at(doc, n.end):
        return last.kind, n.value, n.start - len(listed.group()), n.end, n.end
    if last_sent == sent and close and _pos_around(doc, n) == ("PUNCT", "VERB"):
        return last.kind, n.value, start, n.end, n.end
    return None


def _pos_around(doc: Doc | None, n: NumberSpan) -> tuple[str, str] | None:
    """Coarse POS of the tokens just before and after a number ("VERB" covers AUX)."""
    if doc is None or not doc.has_annotation("POS"):
        return None
    span = doc.char_span(n.start, n.end, alignment_mode="expand")
    if span is None or span.start == 0 or span.end >= len(doc):
        return None
    prev, nxt = doc[span.start - 1], doc[span.end]
    return prev.pos_, ("VERB" if nxt.pos_ == "AUX" else nxt.pos_)


def _noun_at(doc: Doc | None, char: int) -> bool:
    """Whether the first token after `char` is a noun (needs a tagged doc; else False)."""
    if doc is None or not doc.has_annotation("POS"):
        return False
    for token in doc:
        if token.idx >= char:
            return token.pos_ in {"NOUN", "PROPN"} and not token.is_punct
    return False


def _dedupe(figures: list[Figure]) -> list[Figure]:
    seen: set[tuple[str, float]] = set()
    out = []
    for f in figures:
        key = (f.kind, round(f.value, 1))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _commune_in(communes: list[tuple[int, str]], start: int, end: int) -> str | None:
    codes = {insee for pos, insee in communes if start <= pos < end}
    return codes.pop() if len(codes) == 1 else None


def _local(primary: str | None, sentence: str, r: FigureRules) -> str | None:
    return primary if primary and r.local_reference.search(sentence) else None


def _primary(doc: Doc) -> str | None:
    if not Doc.has_extension("communes"):
        return None
    codes = {c.insee for c in (doc._.communes or []) if c.primary}
    return codes.pop() if len(codes) == 1 else None


def _doc_lang(doc: Doc) -> str:
    if Doc.has_extension("lang") and doc._.lang:
        return str(doc._.lang)
    from nlp.lang import detect_lang

    return detect_lang(doc.text) or "fr"


def _communes(doc: Doc) -> list[tuple[int, str]]:
    if not Doc.has_extension("communes"):
        return []
    return [(m.start, c.insee) for c in (doc._.communes or []) for m in c.mentions]


_SENT_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def _regex_sentences(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out or [(0, len(text))]


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Model sentences, cut again at line breaks (the models run across paragraphs)."""
    if not doc.has_annotation("SENT_START"):
        return _regex_sentences(doc.text)
    out = []
    for sent in doc.sents:
        pos = sent.start_char
        for m in re.finditer(r"\n+", sent.text):
            if sent.start_char + m.start() > pos:
                out.append((pos, sent.start_char + m.start()))
            pos = sent.start_char + m.end()
        if pos < sent.end_char:
            out.append((pos, sent.end_char))
    return out or [(0, len(doc.text))]
