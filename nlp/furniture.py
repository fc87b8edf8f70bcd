"""Page furniture lines ("À lire aussi", newsletter, cookies, share buttons, credits...).

The rules are data, in `nlp/resources/boilerplate.toml`. `nlp.clean` drops these lines
from extracted HTML text; NLP components may call `is_furniture_line` to skip them in
plain-text input, which is never altered (its annotations index the raw text).
This module does not import trafilatura, so components can use it cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.resources import load_toml
from veille.errors import ConfigError


@dataclass(frozen=True)
class FurnitureRule:
    name: str
    action: str  # "drop" the line, or "cut" it and everything after it
    max_words: int
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def furniture_rules() -> tuple[FurnitureRule, ...]:
    rules = []
    for entry in load_toml("boilerplate")["rule"]:
        if entry["action"] not in {"drop", "cut"}:
            raise ConfigError(
                f"boilerplate.toml rule {entry['name']}: unknown action {entry['action']!r}"
            )
        # One alternation per rule: one regex pass per rule instead of one per pattern.
        joined = "|".join(f"(?:{p})" for p in entry["patterns"])
        rules.append(FurnitureRule(entry["name"], entry["action"], int(entry["max_words"]),
                                   re.compile(joined, re.IGNORECASE)))
    return tuple(rules)


def furniture_rule(line: str) -> FurnitureRule | None:
    """The first rule that marks `line` as furniture, or None for article text."""
    stripped = line.strip()
    if not stripped:
        return None
    words = len(stripped.split())
    for rule in furniture_rules():
        if words <= rule.max_words and rule.pattern.search(stripped):
            return rule
    return None


def is_furniture_line(line: str) -> bool:
    """True when the line is page furniture rather than article text."""
    return furniture_rule(line) is not None


def drop_furniture(lines: list[str]) -> list[str]:
    """Remove furniture lines; a "cut" rule in the second half also drops what follows."""
    kept: list[str] = []
    half = len(lines) / 2
    for i, line in enumerate(lines):
        rule = furniture_rule(line)
        if rule is None:
            kept.append(line)
        elif rule.action == "cut" and i >= half:
            break
    return kept
