"""Architecture rules read from the source (issue 15): no import cycle between packages,
and SQL only in store/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("veille", "crawler", "nlp", "store", "ops", "dashboard")
# The CLI is where the stages meet: it imports every package, so it is its own node
# above them; the rest of veille/ (records, errors, config) is below them all.
CLI_MODULES = ("veille.cli", "veille.commands")
_SQL_CALL = re.compile(r"\.(?:execute|executemany|sql)\(|duckdb\.connect\(")


def _node(module: str) -> str | None:
    if module.startswith(CLI_MODULES):
        return "cli"
    top = module.split(".", 1)[0]
    return top if top in PACKAGES else None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside functions (lazy imports
    are still dependencies)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _sources():
        src = _node(_module_name(path))
        assert src is not None
        for module in _imports(path):
            dst = _node(module)
            if dst is not None and dst != src:
                graph.setdefault(src, set()).add(dst)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_packages() -> None:
    graph = package_graph()
    assert graph.get("cli"), "the CLI imports the stages"
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph) or [])}"


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_sql_runs_only_in_store() -> None:
    """Only store/ opens DuckDB and calls execute()/executemany()/sql() (others call store:
    the Writer, store.queries, store.dashboard_queries, store.shell for `veille sql`)."""
    offenders = []
    for path in _sources():
        if path.relative_to(ROOT).parts[0] == "store":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _SQL_CALL.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == [], "SQL outside store/:\n" + "\n".join(offenders)
