"""`veille analyze` and `veille eval`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command(name="eval")(evaluate)


def analyze(
    paths: Annotated[
        list[str], typer.Argument(help=".html/.htm/.txt files or folders; '-' reads stdin.")
    ],
    format: Annotated[
        str, typer.Option("--format", help="jsonl (one JSON object per document) or table.")
    ] = "jsonl",
    region: Annotated[
        str | None,
        typer.Option(help="INSEE code of the outlet's home region, to resolve homonyms."),
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model (default from settings).")] = None,
) -> None:
    """Analyse articles: communes (INSEE), départements, regions, relevance, initiatives, figures.

    Prints one JSON object per document on stdout; one error line per bad file on stderr.
    Exit code 0 if any document succeeded.
    """
    from nlp.inputs import iter_documents
    from veille.config import load_settings
    from veille.errors import InputError
    from veille.records import DocumentError

    if format not in {"jsonl", "table"}:
        raise typer.BadParameter("--format must be jsonl or table")
    settings = load_settings(spacy_model=model)
    analyzer = None  # loaded at the first good document: bad input is refused at once
    ok = failed = 0
    rows = []
    for item in iter_documents(paths, max_bytes=settings.max_input_bytes):
        if isinstance(item, DocumentError):
            failed += 1
            print(f"error: {item.source}: {item.reason}: {item.message}", file=sys.stderr)
            continue
        if analyzer is None:
            from nlp.analyze import Analyzer

            analyzer = Analyzer(model=settings.spacy_model)
        try:
            result = analyzer.analyze(item, region_hint=region)
        except InputError as exc:  # e.g. too_long: said, never judged "not relevant"
            failed += 1
            print(f"error: {item.source}: {exc.reason}: {exc}", file=sys.stderr)
            continue
        ok += 1
        if format == "jsonl":
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            rows.append(result)
    if format == "table":
        _print_table(rows)
    if ok == 0:
        print(f"error: no document could be analysed ({failed} failed)", file=sys.stderr)
        raise typer.Exit(1)


def _print_table(rows: list) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("source", "lang", "relevant", "communes", "initiatives", "figures")
    for r in rows:
        communes = ", ".join(f"{c.name}{'*' if c.primary else ''} ({c.insee})" for c in r.communes)
        table.add_row(
            Path(r.source).name,
            r.lang or "",
            f"{r.relevance:.2f}" if r.relevant else "no",
            communes,
            ", ".join(sorted({i.type for i in r.initiatives})),
            str(len(r.figures)),
        )
    Console().print(table)


def evaluate(
    gold: Annotated[
        Path, typer.Argument(help="Gold JSONL in the format of shared/dev/seeds_gold.jsonl.")
    ],
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    model: Annotated[str | None, typer.Option(help="spaCy model (default from settings).")] = None,
) -> None:
    """Score the analysis against annotated articles (communes, relevance, initiatives, figures)."""
    from nlp.analyze import Analyzer
    from nlp.evaluate import evaluate_file, print_report
    from veille.config import load_settings

    settings = load_settings(spacy_model=model)
    report = evaluate_file(gold, analyzer=Analyzer(model=settings.spacy_model))
    if format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
