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

    # evidence and article_pattern are in --format json (too wide for a terminal table)
    table = Table("id", "name", "region", "départements", "start URLs", "pattern", "verified")
    for s in items:
        table.add_row(s.id, s.name, f"{s.region} {REGIONS.get(s.region, '')}",
                      " ".join(s.departements), "\n".join(s.start_urls),
                      "yes" if s.article_pattern else "-", "yes" if s.verified else "no")
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

    Each source ends with a verdict: ok, or PROBLEM with what to fix (no article link,
    every entry outside allowed_domains, robots.txt 5xx, TDM reservation...).
    Exit code 1 when a source has a problem.
    """
    from crawler.check import check_sources, verdicts
    from crawler.settings import user_agent_string
    from crawler.sources import load_sources
    from veille.config import load_settings

    settings = load_settings(config)
    results = check_sources(load_sources(sources, only=source or None),
                            user_agent=user_agent_string(settings),
                            delay=settings.download_delay if delay is None else delay,
                            max_bytes=settings.max_page_bytes,
                            research_exception=settings.tdm_research_exception)
    summary = verdicts(results)
    if format == "json":
        problems = {v.source_id: v.problem for v in summary}
        print(json.dumps([{**r.__dict__, "source_problem": problems[r.source_id]}
                          for r in results], ensure_ascii=False, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("source", "url", "kind", "links", "refused by host", "result")
        for r in results:
            table.add_row(r.source_id, r.url, r.kind, str(r.links), str(r.offsite),
                          ("ok: " if r.ok else "FAIL: ") + r.detail
                          + (f" -> fix: {r.fix}" if r.fix else ""))
        console = Console()
        console.print(table)
        per_source = Table("source", "verdict", "article links", "refused by host",
                           "what to fix", title="per source")
        for v in summary:
            per_source.add_row(v.source_id, "ok" if v.ok else "PROBLEM", str(v.links),
                               str(v.offsite), v.problem or "-")
        console.print(per_source)
    if not all(v.ok for v in summary):
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
