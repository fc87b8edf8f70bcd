"""spaCy component `veille_places`: communes, départements and regions named in a Doc.

Sets `doc._.communes: list[CommuneLink]` (primary first, then by first mention),
`doc._.departements: list[AreaLink]`, `doc._.regions: list[AreaLink]`. The outlet's
home region (INSEE code) helps with homonyms: the `region_hint` setting, overridden
per document by `doc._.region_hint`. The linking itself is `nlp.places_linker`;
PER entities, when the pipeline ran NER, are used to drop person names.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.places_lexicon import load_lexicon
from nlp.places_linker import link_places


def register_extensions() -> None:
    for name, default in (("communes", None), ("departements", None), ("regions", None),
                          ("region_hint", None), ("headline_end", None), ("lang", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


@Language.factory(
    "veille_places",
    default_config={"region_hint": None, "use_ner": True},
    assigns=["doc._.communes", "doc._.departements", "doc._.regions"],
)
def make_places(nlp: Language, name: str, *, region_hint: str | None, use_ner: bool) -> PlaceLinker:
    return PlaceLinker(region_hint=region_hint, use_ner=use_ner)


class PlaceLinker:
    def __init__(self, *, region_hint: str | None = None, use_ner: bool = True) -> None:
        self.region_hint = region_hint
        self.use_ner = use_ner
        self.lexicon = load_lexicon()  # built once per process, shared by every pipeline

    def __call__(self, doc: Doc) -> Doc:
        persons: list[tuple[int, int]] = []
        if self.use_ner and doc.has_annotation("ENT_IOB"):
            persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]
        result = link_places(doc.text, headline_end=doc._.headline_end,
                             region_hint=doc._.region_hint or self.region_hint,
                             persons=persons, lex=self.lexicon)
        doc._.communes = list(result.communes)
        doc._.departements = list(result.departements)
        doc._.regions = list(result.regions)
        return doc
