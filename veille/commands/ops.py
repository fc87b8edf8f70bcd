"""Operations commands: nightly, schedule print, sql, backup, digest, demo.

Thin commands over ops/*.py; heavy imports stay inside the commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

ConfigFile = Annotated[str | None, typer.Option("--config", help="Settings TOML file.")]
DbOption = Annotated[
    str | None, typer.Option("--db", help="DuckDB file to read (default: the published snapshot).")
]

schedule_app = typer.Typer(
    help="Print the systemd / cron files for this install.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command()(nightly)
    app.add_typer(schedule_app, name="schedule")
    app.command()(sql)
    app.command()(backup)
    app.command()(digest)
    app.command()(demo)


def nightly(
    sources: Annotated[
        str | None,
        typer.Option("--sources", help="Sources TOML file (default: the shipped registry)."),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source id.")
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="Working DuckDB file.")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Published snapshot path.")
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=0, help="Fetch at most N article pages.")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Scrapy setting override KEY=VALUE (tests, demo)."),
    ] = None,
    embeddings: Annotated[bool, typer.Option(help="Compute embeddings for similar search.")] = True,
    config: ConfigFile = None,
    format: Annotated[str, typer.Option("--format", help="Report as table or json.")] = "table",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress on stderr.")
    ] = False,
) -> None:
    """Crawl, analyse, apply retention and publish the read-only snapshot; one run at a time.

    Exit codes: 0 ok, 1 a stage failed, 2 bad config, 3 partial (some pages or articles
    failed), 5 database from a newer version, 75 already running, 124 time limit reached.
    """
    from datetime import UTC, datetime

    from ops.nightly import run_nightly
    from veille.commands.crawl import _parse_sets
    from veille.config import load_settings
    from veille.log import setup_logging

    settings = load_settings(config, db_path=db, published_path=published)
    log_file = Path(settings.log_dir) / f"nightly-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    setup_logging(verbose=verbose, log_file=log_file)
    report = run_nightly(
        settings,
        sources,
        only=source or None,
        max_pages=max_pages,
        overrides=_parse_sets(set_ or []),
        embeddings=embeddings,
        log_file=log_file,
    )
    if format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_report(report)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print_report(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    data = report.to_dict()  # type: ignore[attr-defined]
    table = Table(
        "stage",
        "status",
        "seconds",
        "counts",
        title=f"nightly {data['run_id']}: {data['status']} (exit {data['exit_code']})",
    )
    for name, stage in data["stages"].items():
        counts = ", ".join(
            f"{k} {v}"
            for k, v in stage.items()
            if k not in ("status", "seconds") and v not in (None, {}, "")
        )
        table.add_row(name, str(stage.get("status", "")), str(stage.get("seconds", "")), counts)
    console = Console()
    console.print(table)
    for err in data["errors"]:
        console.print(f"[red]{err['stage']} failed:[/red] {err['error']}")
    console.print(f"log: {data['log_file']}")


@schedule_app.command("print")
def schedule_print(
    systemd: Annotated[
        bool, typer.Option("--systemd", help="The service and timer units.")
    ] = False,
    cron: Annotated[bool, typer.Option("--cron", help="The flock-wrapped crontab line.")] = False,
    env: Annotated[bool, typer.Option("--env", help="The environment file example.")] = False,
) -> None:
    """Print the schedule files filled in for this install (the .venv's veille, the repo dir)."""
    from ops.schedule import render_all

    if not (systemd or cron or env):
        raise typer.BadParameter("choose --systemd, --cron or --env")
    for name, text in render_all().items():
        if (
            (systemd and name.startswith("veille-nightly."))
            or (cron and name == "veille.cron")
            or (env and name == "veille.env.example")
        ):
            print(f"# ---- {name} ----")
            print(text, end="" if text.endswith("\n") else "\n")


def sql(
    command: Annotated[
        str | None, typer.Option("-c", "--command", help="Run this SQL and exit (non-interactive).")
    ] = None,
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Rows shown per query (table).")
    ] = 200,
) -> None:
    """A read-only SQL shell on the published snapshot (views v_* documented in store/schema.md)."""
    from ops.sql import Shell
    from veille.commands.store import _reader_path

    if format not in ("table", "csv", "json"):
        raise typer.BadParameter("--format must be table, csv or json")
    shell = Shell(_reader_path(db), fmt=format, max_rows=max_rows)
    try:
        if command is not None:
            ok = shell.run(command)
        else:
            ok = shell.repl(sys.stdin)
    finally:
        shell.close()
    if not ok:
        raise typer.Exit(1)


def backup(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the backup (created if missing).")],
    db: Annotated[str | None, typer.Option("--db", help="Working DuckDB file.")] = None,
    config: ConfigFile = None,
) -> None:
    """A consistent, verified copy of the working database (waits for no one: exit 75 if a
    nightly run is in progress)."""
    from ops.backup import backup as run
    from veille.config import load_settings

    settings = load_settings(config, db_path=db)
    result = run(settings.db_path, out_dir)
    print(json.dumps(result.to_dict(), ensure_ascii=False))


def digest(
    week: Annotated[str, typer.Option("--week", help="ISO week, e.g. 2026-W46.")],
    format: Annotated[str, typer.Option("--format", help="md (or text) or html.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
    db: DbOption = None,
    dashboard_url: Annotated[
        str | None,
        typer.Option(
            "--dashboard-url",
            help="Link each story to this dashboard's article page "
            "(default: setting dashboard_url, env VEILLE_DASHBOARD_URL).",
        ),
    ] = None,
) -> None:
    """The week's summary for e-mail: new initiatives by region, notable figures, links."""
    from ops.digest import build_digest, parse_week, render
    from store.queries import open_readonly
    from veille.commands.store import _reader_path

    if format not in ("md", "text", "html"):
        raise typer.BadParameter("--format must be md (or text) or html")
    try:
        monday = parse_week(week)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    con = open_readonly(_reader_path(db))
    try:
        data = build_digest(con, monday)
    finally:
        con.close()
    if dashboard_url is None:
        from veille.config import load_settings

        dashboard_url = load_settings().dashboard_url
    if dashboard_url and not dashboard_url.lower().startswith(("http://", "https://")):
        raise typer.BadParameter("--dashboard-url must start with http:// or https://")
    text = render(data, fmt=format, dashboard_url=dashboard_url)
    if out:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        print(out)
    else:
        print(text, end="")


def demo(
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Start the dashboard after the run (--no-serve: stop, print counts).",
        ),
    ] = True,
    port: Annotated[
        int, typer.Option("--port", help="Port of the demo press site (keep it: URLs include it).")
    ] = 8765,
    data_dir: Annotated[
        Path, typer.Option("--data", help="Where the demo's database lives.")
    ] = Path("data/demo"),
) -> None:
    """Serve the bundled demo press site, run `veille nightly` against it, start the dashboard."""
    from ops.demo import run_demo

    raise typer.Exit(run_demo(port=port, serve=serve, data_dir=data_dir))
