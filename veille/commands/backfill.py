"""`veille backfill ...`: bring an outlet's history into the store (sitemap archives; web
archives). Heavy imports stay inside the commands."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

backfill_app = typer.Typer(
    help="Bring past articles into the store: the outlets' sitemap archives, web archives.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    from veille.commands import backfill_warc

    backfill_warc.register(backfill_app)
    app.add_typer(backfill_app, name="backfill")


@backfill_app.command("sitemaps")
def sitemaps(
    since: Annotated[str, typer.Option("--since", help="First day of the period, YYYY-MM-DD.")],
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
    ] = None,
    max_pages: Annotated[
        int | None,
        typer.Option("--max-pages", min=0, help="Fetch at most N article pages this run."),
    ] = None,
    sources: Annotated[
        str | None,
        typer.Option("--sources", help="Sources TOML file (default: the shipped registry)."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="DuckDB file (default from settings).")
    ] = None,
    config: Annotated[str | None, typer.Option("--config", help="Settings TOML file.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="Scrapy setting override KEY=VALUE (tests), e.g. DOWNLOAD_DELAY=0.1."
        ),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="Summary as table or json.")] = "table",
) -> None:
    """Walk each source's sitemap index down to the articles published since --since, and
    store them raw (then run `veille process`).

    Same politeness, robots.txt and address guard as the crawl. The work list lives in the
    store: a killed run, or one stopped by --max-pages, resumes where it stopped and never
    fetches a stored article again. Exit codes: 0 period done, 1 pages left or failed
    (re-run to continue), 75 a crawl or backfill is running on this database.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from crawler.backfill import run_backfill
    from crawler.sources import load_sources
    from veille.commands.crawl import _parse_sets
    from veille.config import load_settings

    try:
        start = date.fromisoformat(since)
    except ValueError:
        raise typer.BadParameter(f"--since must be a date YYYY-MM-DD, got {since!r}") from None
    settings = load_settings(config, db_path=db)
    chosen = load_sources(sources, only=source or None)
    overrides = {"LOG_LEVEL": "WARNING", **_parse_sets(set_ or [])}
    console = Console(stderr=True)
    with Progress(
        TextColumn("backfill since " + start.isoformat()),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("backfill", total=None)
        summary = run_backfill(
            sources=chosen,
            db_path=settings.db_path,
            since=start,
            max_pages=max_pages,
            settings=settings,
            overrides=overrides,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    data = summary.to_dict()
    if format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        failed = ", ".join(f"{r} {n}" for r, n in data["failed"].items()) or "none"
        console.print(
            f"backfill {data['run_id']}: {data['status']}; {data['sitemaps']} sitemaps read, "
            f"{data['fetched']} articles stored, {data['known']} already stored, "
            f"{data['undated']} undated skipped; failed: {failed}; left in the period: "
            f"{data['pending_articles']} articles, {data['pending_sitemaps']} sitemaps"
        )
        if data["pending_articles"] or data["pending_sitemaps"]:
            console.print("re-run the same command to continue; then `veille process`.")
    if summary.status != "ok":
        raise typer.Exit(1)
