"""One base exception; each subclass says where it is raised and what to do next."""

from __future__ import annotations


class VeilleError(Exception):
    """Base of every error this project raises on purpose. The CLI prints its message."""

    exit_code = 1


class ConfigError(VeilleError):
    """Raised by `veille.config` and the sources loader: a bad TOML file or setting."""

    exit_code = 2


class InputError(VeilleError):
    """Raised by `nlp.clean` for one bad document (empty, binary, oversized, not HTML).

    `reason` is a short stable code recorded in the store (e.g. "empty", "binary",
    "too_large", "not_html", "decode"); the message says what to do.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ModelMissingError(VeilleError):
    """Raised by `nlp.pipeline` when a spaCy or embedding model is not installed."""

    exit_code = 3


class PipelineError(VeilleError):
    """Raised by `nlp.pipeline.build_pipeline`: a component's `requires` are not met
    (misordered or missing pipe). A code bug: fix nlp/pipeline.py."""


class StoreError(VeilleError):
    """Raised by `store.db`: the DuckDB file cannot be opened or written."""

    exit_code = 4


class SchemaTooNewError(StoreError):
    """Raised by `store.migrations` when the file was written by a newer schema."""

    exit_code = 5


class AlreadyRunningError(VeilleError):
    """Raised by the crawl / nightly lock: another instance holds it. Exit code 75 (EX_TEMPFAIL)."""

    exit_code = 75
