"""`veille backfill warc`: web archives (WARC files or a CDX index) into the store."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def register(group: typer.Typer) -> None:
    group.command("warc")(warc)


def warc(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="WARC files (local paths or http(s) URLs); with --from-index, CDX index URLs."
        ),
    ] = None,
    sources: Annotated[
        str | None,
        typer.Option("--sources", help="Sources TOML file (default: the shipped registry)."),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="DuckDB file (default from settings).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Run the map stage on a local Dask cluster of N processes."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run the map stage on an existing Dask cluster, e.g. tcp://host:8786.",
        ),
    ] = None,
    from_index: Annotated[
        bool,
        typer.Option(
            "--from-index",
            help="PATHS are CDX index URLs: read only the registry's records, by byte range.",
        ),
    ] = False,
    data_url: Annotated[
        str,
        typer.Option(
            "--data-url", help="With --from-index: base URL of the WARC files the index names."
        ),
    ] = "https://data.commoncrawl.org/",
    per_segment: Annotated[
        int, typer.Option("--per-segment", min=1, help="With --from-index: records per task.")
    ] = 64,
    make_sample: Annotated[
        str | None,
        typer.Option(
            "--make-sample", help="Write a small sample archive + sources.toml to DIR and exit."
        ),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="Summary as table or json.")] = "table",
) -> None:
    """Read web archives, keep the registry's pages, analyse the relevant ones, store them.

    Idempotent: same canonical URL -> one page; re-running stores nothing new. Bad
    records (cut files, undecodable pages) and rejected pages (HTTP errors, non-HTML) are
    counted by reason and recorded in fetch_failures; they never stop the run.
    Exit codes: 0 all fine, 3 some records were damaged.
    """
    from rich.console import Console

    console = Console(stderr=True)
    if make_sample:
        from backfill.sample import make_sample as build

        sample = build(make_sample)
        console.print(
            f"wrote {len(sample.files)} WARC files ({sample.articles} outlet articles) and "
            f"{sample.sources} to {make_sample}\ntry: veille backfill warc "
            f"{make_sample}/*.warc.gz --sources {sample.sources} --db {make_sample}/sample.duckdb"
        )
        return
    if not paths:
        raise typer.BadParameter("give at least one WARC file (or --make-sample DIR)")
    from backfill.run import backfill_warc, local_segments
    from crawler.sources import load_sources
    from veille.config import load_settings

    settings = load_settings(db_path=db)
    chosen = load_sources(sources, only=source or None)
    if from_index:
        from backfill.cdx import index_segments

        with console.status("querying the index…"):
            segments, index_counts = index_segments(
                paths, chosen, data_url=data_url, per_segment=per_segment
            )
        console.print(
            f"index: {index_counts['index_records']} registry records in "
            f"{len(segments)} segments ({index_counts['index_rows']} rows seen)"
        )
    else:
        segments = local_segments(paths)
    report = _run(console, backfill_warc, settings, segments, chosen, workers, scheduler)
    data = report.as_dict()
    if format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print(console, data)
    bad = sum(v for k, v in report.counts.items() if k.startswith("bad:"))
    if bad:
        raise typer.Exit(3)


def _run(console, backfill_warc, settings, segments, chosen, workers, scheduler):  # type: ignore[no-untyped-def]
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("warc segments"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[info]}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("warc", total=len(segments), info="")
        return backfill_warc(
            settings.db_path,
            segments,
            sources=chosen,
            spacy_model=settings.spacy_model,
            workers=workers,
            scheduler=scheduler,
            on_progress=lambda done, total, c: bar.update(
                task,
                completed=done,
                info=f"{c['records']} records, {c['candidates']} candidates, "
                f"{c['pages_new']} new pages",
            ),
        )


def _print(console, data) -> None:  # type: ignore[no-untyped-def]
    c = data["counts"]
    console.print(
        f"run {data['run_id']} ({data['executor']}, {data['seconds']} s): "
        f"{data['segments']} segments, {c.get('records', 0)} records, "
        f"{c.get('candidates', 0)} candidates, {c.get('analysed', 0)} analysed "
        f"({c.get('relevant', 0)} relevant); {c.get('pages_new', 0)} new pages, "
        f"{c.get('analyses_written', 0)} analyses written, "
        f"{data['stories_changed']} story assignments"
    )
    skipped = {k[8:]: v for k, v in c.items() if k.startswith("skipped:")}
    rejected = {k[9:]: v for k, v in c.items() if k.startswith("rejected:")}
    bad = {k[4:]: v for k, v in c.items() if k.startswith("bad:")}
    if skipped:
        console.print(f"skipped: {skipped}")
    if rejected:
        console.print(f"rejected pages of registry hosts: {rejected} (see table fetch_failures)")
    if bad:
        console.print(f"bad records by reason: {bad} (see table fetch_failures)")
