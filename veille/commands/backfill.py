"""`veille backfill …`: fill the store with history (web archives, sitemap archives)."""

from __future__ import annotations

import typer

backfill_app = typer.Typer(
    help="Fill the store with past articles: web archives (warc), outlets' sitemaps.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    from veille.commands import backfill_warc

    backfill_warc.register(backfill_app)
    app.add_typer(backfill_app, name="backfill")
