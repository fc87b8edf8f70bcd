"""Score analyses against a gold JSONL (format of shared/dev/seeds_gold.jsonl).

Scoring, as defined in shared/dev/README.md:
- communes: micro P/R/F1 over (article, INSEE); a gold `alt_insee` is accepted too;
- primary: recall of gold primary communes predicted as primary;
- relevance: accuracy, precision, recall;
- initiatives: micro P/R/F1 over distinct (article, type);
- placed: micro P/R/F1 over distinct (article, type, commune), the initiatives as the map
  and the commune pages show them; a null commune is a value of its own (national or
  regional measures), and a gold `alt_insee` is accepted for the commune;
- figures: micro P/R/F1 over (article, kind, value within 1 %, 2 % for densities).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veille.records import Analysis, CleanArticle


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
            rec["_path"] = str((path.parent / rec["file"]).resolve())
            records.append(rec)
    return records


def score(pairs: Iterable[tuple[dict[str, Any], Analysis]]) -> dict[str, Any]:
    """Score (gold record, predicted analysis) pairs; returns a JSON-able report."""
    communes, primary, inits, figs = Counts(), Counts(), Counts(), Counts()
    placed = Counts()
    rel = Counts()
    n = correct = 0
    details = []
    for gold, pred in pairs:
        n += 1
        miss = _score_communes(gold, pred, communes, primary)
        g_types = {i["type"] for i in gold.get("initiatives", [])}
        p_types = {i.type for i in pred.initiatives}
        inits.add(len(g_types & p_types), len(p_types - g_types), len(g_types - p_types))
        g_placed, p_placed = _placed(gold, pred)
        placed.add(
            len(g_placed & p_placed), len(p_placed - g_placed), len(g_placed - p_placed)
        )
        fig_miss, fig_extra = _score_figures(gold.get("figures", []), pred, figs)
        if "relevant" in gold:
            correct += gold["relevant"] == pred.relevant
            rel.add(
                int(gold["relevant"] and pred.relevant),
                int(pred.relevant and not gold["relevant"]),
                int(gold["relevant"] and not pred.relevant),
            )
        details.append(
            {
                "id": gold.get("id"),
                **miss,
                "initiatives_missed": sorted(g_types - p_types),
                "initiatives_extra": sorted(p_types - g_types),
                "placed_missed": sorted(_show(x) for x in g_placed - p_placed),
                "placed_extra": sorted(_show(x) for x in p_placed - g_placed),
                "figures_missed": fig_miss,
                "figures_extra": fig_extra,
            }
        )
    rel_scores = rel.scores()
    return {
        "articles": n,
        "communes": communes.scores(),
        "primary_recall": primary.scores()["recall"],
        "relevance": {
            "accuracy": round(correct / n, 4) if n else 1.0,
            "precision": rel_scores["precision"],
            "recall": rel_scores["recall"],
        },
        "initiatives": inits.scores(),
        "placed": placed.scores(),
        "figures": figs.scores(),
        "details": details,
    }


def _score_communes(gold: dict, pred: Analysis, counts: Counts, primary: Counts) -> dict:
    accepted: dict[str, str] = {}  # any accepted code -> canonical gold code
    for c in gold.get("communes", []):
        accepted[c["insee"]] = c["insee"]
        for alt in _as_list(c.get("alt_insee")):
            accepted[alt] = c["insee"]
    predicted = {accepted.get(c.insee, c.insee) for c in pred.communes}
    pred_primary = {accepted.get(c.insee, c.insee) for c in pred.communes if c.primary}
    gold_codes = {c["insee"] for c in gold.get("communes", [])}
    counts.add(
        len(gold_codes & predicted), len(predicted - gold_codes), len(gold_codes - predicted)
    )
    gold_primary = {c["insee"] for c in gold.get("communes", []) if c.get("primary")}
    primary.add(len(gold_primary & pred_primary), 0, len(gold_primary - pred_primary))
    names = {c.insee: c.name for c in pred.communes}
    return {
        "communes_missed": sorted(gold_codes - predicted),
        "communes_extra": sorted(f"{names.get(x, '?')} {x}" for x in predicted - gold_codes),
    }


def _placed(gold: dict, pred: Analysis) -> tuple[set, set]:
    """(type, commune) pairs of gold and prediction, predicted codes mapped to gold codes."""
    accepted: dict[str, str] = {}
    for c in gold.get("communes", []):
        for alt in _as_list(c.get("alt_insee")):
            accepted[alt] = c["insee"]
    g = {(i["type"], i.get("commune_insee")) for i in gold.get("initiatives", [])}
    p = {(i.type, accepted.get(i.commune_insee, i.commune_insee)) for i in pred.initiatives}
    return g, p


def _show(pair: tuple[str, str | None]) -> str:
    return f"{pair[0]}@{pair[1] or '-'}"


def _score_figures(gold_figs: list[dict], pred: Analysis, counts: Counts) -> tuple[list, list]:
    remaining = list(pred.figures)
    missed = []
    for g in gold_figs:
        tol = 0.02 if g["kind"] == "densite" else 0.01
        match = next(
            (
                f
                for f in remaining
                if f.kind == g["kind"]
                and abs(f.value - g["value"]) <= tol * max(abs(g["value"]), 1e-9)
            ),
            None,
        )
        if match is None:
            missed.append(f"{g['kind']}={g['value']} ({g.get('text', '')})")
        else:
            remaining.remove(match)
    counts.add(len(gold_figs) - len(missed), len(remaining), len(missed))
    return missed, [f"{f.kind}={f.value} ({f.text})" for f in remaining]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def evaluate_file(
    gold_path: str | Path, *, analyzer: Any, load: Callable[[str], CleanArticle] | None = None
) -> dict[str, Any]:
    """Clean and analyse every gold article, then score. `load` defaults to nlp.inputs.load_path."""
    if load is None:
        from nlp.inputs import load_path as load
    gold = load_gold(gold_path)
    return score((g, analyzer.analyze(load(g["_path"]))) for g in gold)


def print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "metric", "precision", "recall", "F1 / accuracy", title=f"{report['articles']} articles"
    )
    for key in ("communes", "initiatives", "placed", "figures"):
        s = report[key]
        table.add_row(key, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}")
    table.add_row("primary communes", "", f"{report['primary_recall']:.3f}", "")
    r = report["relevance"]
    table.add_row(
        "relevance", f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['accuracy']:.3f}"
    )
    console = Console()
    console.print(table)
    for d in report["details"]:
        errs = {k: v for k, v in d.items() if k != "id" and v}
        if errs:
            console.print(f"[bold]{d['id']}[/bold]", errs)
