"""`veille nightly`: crawl -> process -> stories -> embeddings -> retention -> publish,
under one lock, recorded.

Exit codes (cron and systemd alert on anything but 0; docs/operations.md):

    0    ok: every stage ran and nothing failed
    1    a stage failed (see the run record's `errors` and the log file)
    2    bad configuration or sources file (nothing was done)
    3    partial: every stage ran, but some pages or articles failed
    5    the database was written by a newer version of veille (nothing was done)
    75   another nightly run (or backup) holds the lock (nothing was done)
    124  the time limit (settings.nightly_max_minutes) was reached

Each stage is bounded: the crawl gets a share of the budget (Scrapy's
CLOSESPIDER_TIMEOUT), the analysis runs in chunks until the deadline, and a
watchdog ends the process if a stage still overruns (every write is one
transaction, so a hard stop never corrupts the working file; the next run resumes).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veille.config import Settings
from veille.errors import VeilleError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL, EXIT_TIMEOUT = 0, 1, 3, 124
_CRAWL_SHARE = 0.6  # of the time budget; the analysis of what was fetched needs the rest
_PROCESS_CHUNK = 256  # articles per process() call: the deadline is checked between chunks


@dataclass(frozen=True)
class NightlyReport:
    run_id: str
    status: str  # ok | partial | failed | timeout
    exit_code: int
    seconds: float
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: tuple[dict[str, str], ...] = ()
    log_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 2),
            "stages": self.stages,
            "errors": list(self.errors),
            "log_file": self.log_file,
        }


def run_nightly(
    settings: Settings,
    sources_file: str | Path | None = None,
    *,
    only: list[str] | None = None,
    max_pages: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    embeddings: bool = True,
    log_file: str | Path | None = None,
) -> NightlyReport:
    """Run the night's stages on settings.db_path and publish settings.published_path.

    Raises AlreadyRunningError (75), ConfigError (2) or SchemaTooNewError (5) before
    doing anything; stage failures are recorded and reflected in the exit code.
    """
    from crawler.sources import load_sources
    from ops.lock import ops_lock

    sources = load_sources(sources_file, only=only)  # a bad file fails before any work
    started = time.monotonic()
    budget = settings.nightly_max_minutes * 60.0
    deadline = started + budget
    with ops_lock(settings.db_path, what="nightly"):
        watchdog = _watchdog(budget * 1.1 + 60)  # hard stop if a stage ignores its deadline
        try:
            run_id = _start_record(settings.db_path, log_file)
            log.info(
                "nightly %s: %d sources, db %s, budget %d min",
                run_id,
                len(sources),
                settings.db_path,
                settings.nightly_max_minutes,
            )
            night = _Night(settings=settings, deadline=deadline)
            night.crawl(sources, max_pages=max_pages, overrides=overrides or {})
            night.process()
            night.stories()
            if embeddings:
                night.embeddings()
            night.retention()
            status, code = night.outcome()
            _finish_record(settings.db_path, run_id, night, status, code)
            night.publish()
            if night.stages.get("publish", {}).get("status") == "failed":
                # The previous snapshot stays published; the record says why it is stale.
                status, code = "failed", EXIT_FAILED
            # The working file's record gets the publish stage too (the snapshot cannot).
            _finish_record(settings.db_path, run_id, night, status, code)
        finally:
            watchdog.cancel()
    report = NightlyReport(
        run_id=run_id,
        status=status,
        exit_code=code,
        seconds=time.monotonic() - started,
        stages=night.stages,
        errors=tuple(night.errors),
        log_file=str(log_file) if log_file else None,
    )
    log.info("nightly %s finished: %s (exit %d) in %.1fs", run_id, status, code, report.seconds)
    return report


@dataclass
class _Night:
    settings: Settings
    deadline: float
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    timed_out: bool = False
    partial: bool = False
    crawl_run_id: str | None = None

    def _stage(self, name: str, fn: Any) -> Any:
        t0 = time.monotonic()
        log.info("stage %s: start", name)
        try:
            result = fn()
        except Exception as exc:  # one failed stage must not stop the others: record it
            log.exception("stage %s failed", name)
            self.errors.append({"stage": name, "error": f"{type(exc).__name__}: {exc}"})
            self.stages[name] = {"status": "failed", "seconds": round(time.monotonic() - t0, 2)}
            return None
        self.stages.setdefault(name, {})
        self.stages[name].setdefault("status", "ok")
        self.stages[name]["seconds"] = round(time.monotonic() - t0, 2)
        log.info(
            "stage %s: %s", name, json.dumps(self.stages[name], ensure_ascii=False, default=str)
        )
        return result

    def crawl(
        self, sources: list[Any], *, max_pages: int | None, overrides: Mapping[str, Any]
    ) -> None:
        def go() -> None:
            from crawler.run import run_crawl

            conf = dict(overrides)
            conf.setdefault("CLOSESPIDER_TIMEOUT", max(1, int(self._remaining() * _CRAWL_SHARE)))
            conf.setdefault("LOG_LEVEL", "WARNING")
            summary = run_crawl(
                sources=sources,
                db_path=self.settings.db_path,
                max_pages=max_pages,
                settings=self.settings,
                overrides=conf,
            )
            self.crawl_run_id = summary.run_id
            totals = summary.data.get("totals", {})
            if summary.data.get("close_reason") == "closespider_timeout":
                self.timed_out = True
            self.partial |= summary.status != "ok"
            self.stages["crawl"] = {
                "status": summary.status,
                "run_id": summary.run_id,
                "close_reason": summary.data.get("close_reason"),
                # sources that found nothing usable (docs/sources.md says what to fix)
                "problem_sources": summary.data.get("problem_sources", []),
                **totals,
            }

        self._stage("crawl", go)

    def process(self) -> None:
        def go() -> None:
            from store.process import process

            s = self.settings
            analyzer = None
            counts = ("selected", "analysed", "relevant", "failed", "initiatives", "figures")
            totals: dict[str, Any] = dict.fromkeys(counts, 0)
            while True:
                if self._remaining() <= 0:
                    self.timed_out = True
                    break
                if analyzer is None:
                    analyzer = _LazyAnalyzer(s.spacy_model)
                r = process(
                    s.db_path,
                    limit=_PROCESS_CHUNK,
                    analyzer=analyzer,
                    stories=False,
                    spacy_model=s.spacy_model,
                    embedding_model=None,
                )
                for k in counts:
                    totals[k] += getattr(r, k)
                totals["pipeline_version"] = r.pipeline_version
                if r.selected < _PROCESS_CHUNK:
                    break
            self.partial |= totals["failed"] > 0
            self.stages["process"] = totals

        self._stage("process", go)

    def stories(self) -> None:
        def go() -> None:
            from store.writer import Writer

            with Writer.open(self.settings.db_path) as w:
                self.stages["stories"] = {"changed": w.update_stories()}

        self._stage("stories", go)

    def embeddings(self) -> None:
        def go() -> None:
            from store.writer import Writer

            model_id = self.settings.embedding_model
            with Writer.open(self.settings.db_path) as w:
                self.stages["embeddings"] = {
                    "model": model_id,
                    "embedded": w.embed_pending(model_id=model_id),
                }

        self._stage("embeddings", go)

    def retention(self) -> None:
        def go() -> None:
            from store.writer import Writer

            with Writer.open(self.settings.db_path) as w:
                dropped = w.prune_raw_bodies(
                    keep_all=self.settings.keep_all_raw, raw_days=self.settings.raw_days
                )
                self.stages["retention"] = {"dropped": dropped, "kept": w.raw_bodies_kept()}

        self._stage("retention", go)

    def publish(self) -> None:
        def go() -> None:
            from ops.publish import publish

            self.stages["publish"] = publish(
                self.settings.db_path, self.settings.published_path
            ).to_dict()

        self._stage("publish", go)

    def outcome(self) -> tuple[str, int]:
        if self.errors:
            return "failed", EXIT_FAILED
        if self.timed_out:
            return "timeout", EXIT_TIMEOUT
        if self.partial:
            return "partial", EXIT_PARTIAL
        return "ok", EXIT_OK

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()


class _LazyAnalyzer:
    """Loads the spaCy pipeline on first use: a night with nothing new skips the load."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._inner: Any = None

    def _get(self) -> Any:
        if self._inner is None:
            from nlp.analyze import Analyzer

            self._inner = Analyzer(model=self.model)
        return self._inner

    def analyze(self, article: Any, *, region_hint: str | None = None) -> Any:
        return self._get().analyze(article, region_hint=region_hint)

    def analyze_many(self, articles: Any, *, region_hint: str | None = None) -> Any:
        return self._get().analyze_many(articles, region_hint=region_hint)


def _start_record(db_path: str, log_file: str | Path | None) -> str:
    from store.writer import Writer

    # Writer.open migrates; SchemaTooNewError here means nothing was touched.
    with Writer.open(db_path) as w:
        return w.start_nightly(
            host=socket.gethostname(),
            pid=os.getpid(),
            log_file=str(log_file) if log_file else None,
        )


def _finish_record(db_path: str, run_id: str, night: _Night, status: str, code: int) -> None:
    from store.writer import Writer

    try:
        with Writer.open(db_path) as w:
            w.finish_nightly(
                run_id,
                status=status,
                exit_code=code,
                crawl_run_id=night.crawl_run_id,
                stages=night.stages,
                errors=night.errors,
            )
    except VeilleError as exc:
        log.error("could not record the end of nightly %s: %s", run_id, exc)


def _watchdog(seconds: float) -> threading.Timer:
    def stop() -> None:
        log.error(
            "nightly run exceeded its time limit by 10%%: stopping now (exit %d); "
            "the next run resumes where this one stopped",
            EXIT_TIMEOUT,
        )
        logging.shutdown()
        os._exit(EXIT_TIMEOUT)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    return timer
