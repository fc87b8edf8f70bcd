"""The `veille` command line: one typer app; each stage registers its thin commands.

Heavy libraries (spaCy, Scrapy, DuckDB, torch) are imported inside the commands so
that `veille --help` stays fast.
"""

from __future__ import annotations

import sys

import typer

from veille.commands import backfill, crawl, dashboard, nlp, ops, store
from veille.errors import VeilleError

app = typer.Typer(
    name="veille",
    help="Follow medical desertification ('déserts médicaux') in the French regional press.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (nlp, crawl, backfill, store, ops, dashboard):
    module.register(app)


def main() -> None:
    try:
        app()
    except VeilleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
