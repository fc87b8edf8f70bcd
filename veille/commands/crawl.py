"""`veille crawl` and `veille sources list|check`. Heavy imports stay inside the commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer

SourcesFile = Annotated[
    str | None, typer.Option("--sources", help="Sources TOML file (default: the shipped registry).")
]
SourceIds = Annotated[
    list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
]
ConfigFile = Annotated[str | None, typer.Option("--config", help="Settings TOML file.")]

sources_app = typer.Typer(help="The registry of press outlets: list them, check them live.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(crawl)
    app.add_typer(sources_app, name="sources")


def crawl(
    sources: SourcesFile = None,
    source: SourceIds = None,
    db: Annotated[
        str | None, typer.Option("--db", help="DuckDB file (default from settings).")
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=0, help="Fetch at most N article pages.")
    ] = None,
    config: ConfigFile = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Scrapy setting override KEY=VALUE (tests, demo), e.g. DOWNLOAD_TIMEOUT=5.")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="Summary as table or json.")] = "table",
) -> None:
    """Discover and fetch new articles of every source, clean them, store them.

    Exit codes: 0 all fine, 1 some pages failed (see the summary), 75 another crawl
    is running on this database.
    """
    from crawler.run import run_crawl
    from crawler.sources import load_sources
    from veille.config import load_settings

    settings = load_settings(config, db_path=db)
    chosen = load_sources(sources, only=source or None)
    summary = run_crawl(sources=chosen, db_path=settings.db_path, max_pages=max_pages,
                        settings=settings, overrides=_parse_sets(set_ or []))
    if format == "json":
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        Console().print(summary.table())
    if summary.status != "ok":
        raise typer.Exit(1)


@sources_app.command("list")
def list_sources(
    sources: SourcesFile = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the outlets of the registry (json: one object per source)."""
    from crawler.sources import REGIONS, load_sources

    items = load_sources(sources)
    if format == "json":
        print(json.dumps([s.to_dict() for s in items], ensure_ascii=False, indent=2))
        return
    if format != "table":
        raise typer.BadParameter("--format must be table or json")
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "name", "region", "départements", "start URLs", "verified")
    for s in items:
        table.add_row(s.id, s.name, f"{s.region} {REGIONS.get(s.region, '')}",
                      " ".join(s.departements), "\n".join(s.start_urls),
                      "yes" if s.verified else "no")
    Console().print(table)


@sources_app.command("check")
def check(
    source: SourceIds = None,
    sources: SourcesFile = None,
    config: ConfigFile = None,
    delay: Annotated[float | None, typer.Option(
        help="Seconds between two requests to one host (default from settings).")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Live canary: fetch each discovery URL once, politely; report whether it yields article links.

    Exit code 1 when a source yields no article link.
    """
    from crawler.check import check_sources
    from crawler.settings import user_agent_string
    from crawler.sources import load_sources
    from veille.config import load_settings

    settings = load_settings(config)
    results = check_sources(load_sources(sources, only=source or None),
                            user_agent=user_agent_string(settings),
                            delay=settings.download_delay if delay is None else delay,
                            max_bytes=settings.max_page_bytes)
    by_source: dict[str, bool] = {}
    for r in results:
        by_source[r.source_id] = by_source.get(r.source_id, False) or r.ok
    if format == "json":
        print(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("source", "url", "kind", "links", "result")
        for r in results:
            table.add_row(r.source_id, r.url, r.kind, str(r.links),
                          ("ok: " if r.ok else "FAIL: ") + r.detail)
        Console().print(table)
    if not all(by_source.values()):
        raise typer.Exit(1)


def _parse_sets(values: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--set expects KEY=VALUE, got {item!r}")
        try:
            out[key.strip()] = json.loads(raw)  # numbers, true/false, lists
        except json.JSONDecodeError:
            out[key.strip()] = raw
    return out
