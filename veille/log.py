"""Logging set-up; only the CLI calls it (libraries just use logging.getLogger)."""

from __future__ import annotations

import logging
from pathlib import Path


def setup_logging(verbose: bool = False, log_file: str | Path | None = None) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not any(
        isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
        for h in root.handlers
    ):
        stderr = logging.StreamHandler()
        stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stderr.setFormatter(fmt)
        root.addHandler(stderr)
    if log_file is not None:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(fmt)
        root.addHandler(handler)
    # Third-party chatter stays out of the user's way unless asked for.
    for noisy in ("scrapy", "twisted", "trafilatura", "htmldate", "filelock", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
