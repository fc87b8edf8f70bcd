"""Records cross process lines (Dask workers -> the writer) as JSON in Arrow tables."""

from __future__ import annotations

import json
from dataclasses import asdict

from veille.records import (
    Analysis,
    AreaLink,
    CleanArticle,
    CommuneLink,
    Figure,
    Initiative,
    Span,
    analysis_from_dict,
    from_dict,
)


def test_analysis_survives_json_exactly() -> None:
    span = Span(10, 18, "Mauriac")
    analysis = Analysis(
        source="https://www.echo-du-cantal.example/a.html",
        title="Mauriac loge les internes",
        published="2026-11-16",
        lang="fr",
        communes=(CommuneLink("15120", "Mauriac", "15", "84", True, (span,)),),
        departements=(AreaLink("15", "Cantal", (Span(30, 36, "Cantal"),)),),
        regions=(),
        relevant=True,
        relevance=0.91,
        initiatives=(Initiative("internes", "15120", ("la ville",), "ouvert", span),),
        figures=(Figure(80.0, "densite", "medecins_pour_100000", "80 médecins", 40, 51, None),),
    )
    back = analysis_from_dict(json.loads(json.dumps(analysis.to_dict())))
    assert back == analysis
    assert isinstance(back.initiatives[0].actors, tuple)


def test_clean_article_survives_json_and_ignores_nothing() -> None:
    article = CleanArticle(source="s", text="Titre\n\nCorps.", title="Titre", body_start=7)
    back = from_dict(CleanArticle, json.loads(json.dumps(asdict(article))))
    assert back == article and asdict(back) == asdict(article)
