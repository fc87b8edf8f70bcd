"""`veille process`, `veille similar`, `veille export`, `veille schema` (store stage).

Thin commands: the logic lives in store/*.py; heavy imports stay inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="DuckDB file (default: settings.db_path; readers prefer the published snapshot).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command()(process)
    app.command()(similar)
    app.command()(export)
    app.command()(schema)


def _reader_path(db: str | None) -> str:
    """Readers open the published snapshot when it exists: the working file may be locked."""
    from veille.config import load_settings

    if db:
        return db
    settings = load_settings()
    return settings.published_path if Path(settings.published_path).exists() else settings.db_path


def process(
    db: DbOption = None,
    reprocess: Annotated[
        bool, typer.Option(help="Re-analyse every article, even if up to date.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Analyse at most N articles this run.")] = None,
    batch_size: Annotated[
        int, typer.Option(help="Articles per analysis batch / transaction.")
    ] = 64,
    embeddings: Annotated[
        bool, typer.Option(help="Compute embeddings for similar-initiative search.")
    ] = True,
) -> None:
    """Analyse stored articles not yet processed by the current NLP pipeline version.

    Idempotent: re-running inserts nothing; a killed run resumes where it stopped.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from store.process import process as run
    from veille.config import load_settings

    settings = load_settings(db_path=db)
    console = Console(stderr=True)
    with Progress(
        TextColumn("analyse"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("analyse", total=None)
        report = run(
            settings.db_path,
            reprocess=reprocess,
            limit=limit,
            batch_size=batch_size,
            spacy_model=settings.spacy_model,
            embedding_model=settings.embedding_model if embeddings else None,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    data = report.as_dict()
    console.print(
        f"pipeline {data['pipeline_version']}: {data['selected']} selected, "
        f"{data['analysed']} analysed "
        f"({data['relevant']} relevant), {data['failed']} failed; {data['communes']} communes, "
        f"{data['initiatives']} initiatives, {data['figures']} figures; "
        f"{data['stories_changed']} story assignments; {data['embedded']} vectors"
    )
    if data["failures"]:
        console.print(f"failures by reason: {data['failures']} (see table processing_failures)")
    if data["embed_skipped"]:
        console.print(f"embeddings skipped: {data['embed_skipped']}")
    print(json.dumps(data, ensure_ascii=False, default=str))


def similar(
    text: Annotated[str | None, typer.Argument(help="Free text describing an initiative.")] = None,
    initiative: Annotated[
        str | None, typer.Option("--initiative", help="An initiative id (v_initiatives).")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="Number of answers.")] = 10,
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="table or jsonl.")] = "table",
) -> None:
    """The k initiatives nearest to a text or to a stored initiative, elsewhere (other communes).

    Each answer says why it is near: same type as the query, its sentence nearest to the
    query, the words they share.
    """
    from dataclasses import asdict

    from store.queries import open_readonly
    from store.similar import similar_to_initiative, similar_to_text
    from veille.config import load_settings

    if (text is None) == (initiative is None):
        raise typer.BadParameter("give either a TEXT or --initiative ID")
    model_id = load_settings().embedding_model
    con = open_readonly(_reader_path(db))
    try:
        if initiative:
            hits = similar_to_initiative(con, initiative, model_id=model_id, k=k)
        else:
            hits = similar_to_text(con, text or "", model_id=model_id, k=k)
    finally:
        con.close()
    if format == "jsonl":
        for h in hits:
            print(json.dumps(asdict(h), ensure_ascii=False, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("score", "type", "commune", "date", "article", "why")
    for h in hits:
        table.add_row(
            f"{h.score:.2f}",
            h.type + {True: "\n(same type)", False: "", None: ""}[h.same_type],
            f"{h.commune_name or '-'} ({h.commune_insee or '-'})",
            str(h.published or ""),
            f"{h.title or ''}\n{h.url}",
            f"« {h.matching_sentence[:200]} »"
            + (f"\nshared words: {', '.join(h.shared_terms)}" if h.shared_terms else ""),
        )
    if not hits:
        Console(stderr=True).print("no comparable initiative found")
        return
    Console().print(table)


def export(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write into (created if missing).")],
    format: Annotated[
        str, typer.Option("--format", help="parquet, csv or jsonl (articles.jsonl).")
    ] = "parquet",
    db: DbOption = None,
) -> None:
    """Export the public views (parquet/csv) or every article as analyze-contract JSON lines."""
    from store.export import FORMATS
    from store.export import export as run
    from store.queries import open_readonly

    if format not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    con = open_readonly(_reader_path(db))
    try:
        for path in run(con, out_dir, fmt=format):
            print(path)
    finally:
        con.close()


def schema(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write Markdown here instead of stdout.")
    ] = None,
) -> None:
    """Print the documented schema (tables, views, columns) as Markdown, from COMMENT ON."""
    from store.schema_doc import schema_markdown

    text = schema_markdown()
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
