"""Quality gate for figures: pinned floors on the seeds and on our own fixture articles.

Floors sit a little under the scores measured when they were pinned (see
docs/figures.md); raise them when the extractor improves, never lower them silently.
"""

from __future__ import annotations

import hashlib

import pytest

from nlp.components.figures import FigureExtractor
from nlp.evaluate import evaluate_file, load_gold, score
from nlp.inputs import load_path
from nlp.labels import FIGURE_KINDS
from tests.conftest import FIXTURES, SEEDS_GOLD
from veille.records import Analysis

FIGURES_GOLD = FIXTURES / "figures_gold.jsonl"

# (precision, recall, F1) floors; measured 2026-11-23 in the comments.
# Seeds scored against the GUIDE copy (tests/fixtures/seeds_gold.jsonl, issue 12):
# measured 1.000 / 0.976 / 0.988 (0.947 / 1.000 / 0.973 against the original gold).
SEEDS_FLOOR = (0.97, 0.95, 0.96)
FIXTURES_FLOOR = (0.96, 0.95, 0.96)  # measured 0.979 / 0.984 / 0.981 (35 relevant articles)

pytestmark = pytest.mark.models


def _figures_only(analyzer, gold_path):
    """(gold, Analysis with figures only) for every gold article, relevance set aside.

    The shared analyzer's model, places and relevance run as in production; figures are
    then read again with `only_relevant=False`, so the gate measures figure extraction
    alone (relevance has its own gate).
    """
    keep_all = FigureExtractor(only_relevant=False)
    for gold in load_gold(gold_path):
        article = load_path(gold["_path"])
        doc = keep_all(analyzer.nlp(article.text))
        yield gold, article.text, Analysis(source=article.source, title=None, published=None,
                                           lang=article.lang, figures=tuple(doc._.figures))


@pytest.fixture(scope="module")
def fixture_runs(analyzer):
    return list(_figures_only(analyzer, FIGURES_GOLD))


def _check(report: dict, floor: tuple[float, float, float]) -> None:
    s = report["figures"]
    missed = {d["id"]: (d["figures_missed"], d["figures_extra"]) for d in report["details"]
              if d["figures_missed"] or d["figures_extra"]}
    got = (s["precision"], s["recall"], s["f1"])
    assert all(v >= f for v, f in zip(got, floor, strict=True)), (s, missed)


def test_every_fixture_figure_slices_its_text(fixture_runs) -> None:
    seen = 0
    for _gold, text, analysis in fixture_runs:
        for f in analysis.figures:
            assert text[f.start : f.end] == f.text, (f, text[f.start : f.end])
            seen += 1
    assert seen > 50


def test_fixture_gold_is_well_formed_and_covers_every_kind(fixture_runs) -> None:
    kinds = set()
    for gold, text, _ in fixture_runs:
        path_text = open(gold["_path"], encoding="utf-8").read()
        assert hashlib.sha256(path_text.encode()).hexdigest() == gold["sha256"], gold["id"]
        for g in gold["figures"]:
            assert g["text"] in text, (gold["id"], g["text"])
            kinds.add(g["kind"])
        if not gold["relevant"]:
            assert gold["figures"] == [], gold["id"]
    assert kinds == set(FIGURE_KINDS)


def test_fixture_figures_floor(fixture_runs) -> None:
    relevant = [(g, a) for g, _t, a in fixture_runs if g["relevant"]]
    _check(score(relevant), FIXTURES_FLOOR)


def test_seed_figures_floor(analyzer) -> None:
    runs = [(g, a) for g, _t, a in _figures_only(analyzer, SEEDS_GOLD)]
    _check(score(runs), SEEDS_FLOOR)


def test_seed_figures_end_to_end(analyzer) -> None:
    """Acceptance: `veille eval` on the seeds, relevance included, figures F1 >= 0.9."""
    report = evaluate_file(SEEDS_GOLD, analyzer=analyzer)
    assert report["figures"]["f1"] >= 0.9, report["details"]
