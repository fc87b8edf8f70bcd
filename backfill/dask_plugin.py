"""Dask worker plugin: each worker loads the spaCy pipeline once, when it starts.

Kept apart from backfill.run so that in-process runs never import distributed.
"""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin


class PipelinePlugin(WorkerPlugin):
    """Fills backfill.map_stage's per-process analyser cache at worker start-up (and again
    on a worker that a nanny restarted after a crash)."""

    def __init__(self, spacy_model: str) -> None:
        self.spacy_model = spacy_model

    def setup(self, worker: Any) -> None:
        from backfill.map_stage import _analyzer

        _analyzer(self.spacy_model)
