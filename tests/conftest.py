"""Shared fixtures. Tests that load the real models are marked `models` and share one analyzer."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# The user's sample articles live beside the checkout; their hand annotations are
# shared/dev/seeds_gold.jsonl, read-only, and tests score against our copy brought in
# line with shared/dev/GUIDE.md (changes listed in docs/gold_changes.md).
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEEDS_GOLD = FIXTURES / "seeds_gold.jsonl"


@pytest.fixture(scope="session")
def analyzer():
    """The real analyzer (fr_core_news_md + our components), loaded once per session."""
    from nlp.analyze import Analyzer

    return Analyzer()
