from __future__ import annotations

import pytest

from backfill.sample import Sample, make_sample
from crawler.sources import load_sources


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """The repository's sample archive: 13 outlet articles (10 relevant) in 4 WARC files,
    noise records, and a cut copy of the last file."""
    return make_sample(tmp_path_factory.mktemp("warc"))


@pytest.fixture(scope="session")
def sample_sources(sample: Sample) -> list:
    return load_sources(sample.sources)


@pytest.fixture(scope="session")
def reference(sample: Sample, sample_sources: list, tmp_path_factory: pytest.TempPathFactory):
    """The in-process run that every other executor must match: (db path, report)."""
    from backfill.run import backfill_warc, local_segments
    from tests.backfill.helpers import SPACY_MODEL

    db = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    report = backfill_warc(
        db,
        local_segments([str(p) for p in sample.files]),
        sources=sample_sources,
        spacy_model=SPACY_MODEL,
    )
    return db, report
