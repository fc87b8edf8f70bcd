"""Quality gate on the issue-12 development set (tests/fixtures/round12/, 12 articles).

Written for the issue's error categories (initiatives without a place, aide_installation
and recrutement in plain words, structures and protests named in passing, labour
disputes, counts in words, approximations, density parts, populations without
"habitants", dotted thousands, ranges, careers that are not durations), in six regions
the older fixtures do not cover, annotated per shared/dev/GUIDE.md before the rules
ran on them. First scores, before any rule was changed for them: relevance 0.917,
initiatives F1 0.857, placed 0.542, figures F1 0.894 (docs/initiatives.md).
round12b (8 articles, six more regions) was written after the round's rules and scored
before any change for it: relevance 1.0, communes F1 1.0, initiatives F1 0.947, placed
0.833, figures F1 0.889. round12c (6 articles) likewise, after round12b's fixes:
initiatives F1 0.800, placed 0.706, figures F1 0.706 (main before the round: 0.800 /
0.778 / 0.647). Floors sit under the scores after the round.
"""

from __future__ import annotations

import hashlib

import pytest

from nlp.evaluate import evaluate_file, load_gold
from nlp.labels import FIGURE_KINDS, INITIATIVE_TYPES
from tests.conftest import FIXTURES

ROUND12 = FIXTURES / "round12_gold.jsonl"
ROUND12B = FIXTURES / "round12b_gold.jsonl"
ROUND12C = FIXTURES / "round12c_gold.jsonl"
FLOORS = {  # after the round: round12 0.914 / 0.930 / 0.989, round12b 1.0 / 1.0 / 0.983,
    # round12c 0.875 / 0.889 / 0.842
    ("initiatives", "f1"): 0.85,
    ("placed", "f1"): 0.85,
    ("figures", "f1"): 0.82,
    ("relevance", "accuracy"): 0.90,
    ("communes", "f1"): 0.95,
}


@pytest.mark.parametrize("path", [ROUND12, ROUND12B, ROUND12C], ids=lambda p: p.stem)
def test_round12_gold_is_well_formed(path):
    gold = load_gold(path)
    assert len(gold) >= 6
    for rec in gold:
        text = open(rec["_path"], encoding="utf-8").read()
        assert hashlib.sha256(text.encode()).hexdigest() == rec["sha256"], rec["id"]
        for fig in rec["figures"]:
            assert fig["text"] in text and fig["kind"] in FIGURE_KINDS, (rec["id"], fig)
        for init in rec["initiatives"]:
            assert init["type"] in INITIATIVE_TYPES, rec["id"]
        if not rec["relevant"]:
            assert rec["initiatives"] == [] and rec["figures"] == [], rec["id"]


@pytest.mark.models
@pytest.mark.parametrize("path", [ROUND12, ROUND12B, ROUND12C], ids=lambda p: p.stem)
def test_round12_floors(analyzer, path):
    report = evaluate_file(path, analyzer=analyzer)
    errors = [d for d in report["details"] if any(v for k, v in d.items() if k != "id")]
    for (metric, key), floor in FLOORS.items():
        assert report[metric][key] >= floor, (metric, report[metric], errors)
