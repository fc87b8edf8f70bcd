"""The Analyzer with the real model: contract of `Analysis`, two speeds, errors."""

from __future__ import annotations

import pytest

from veille.errors import ModelMissingError
from veille.records import CleanArticle


def _article(text: str, source: str = "t.txt", lang: str = "fr") -> CleanArticle:
    title = text.split("\n", 1)[0]
    return CleanArticle(source=source, text=text, title=title, lang=lang,
                        body_start=len(title) + 2 if "\n\n" in text else 0)


@pytest.mark.models
def test_analysis_carries_places_with_offsets(analyzer):
    art = _article("Chârost cherche un médecin\n\nA Chârost (Cher), le dernier médecin part. "
                   "Les patients iront à Avord. La désertification médicale gagne la "
                   "région Centre.")
    result = analyzer.analyze(art)
    assert (result.source, result.title, result.lang) == ("t.txt", art.title, "fr")
    assert [(c.insee, c.primary) for c in result.communes] == [("18055", True), ("18018", False)]
    for c in result.communes:
        for m in c.mentions:
            assert art.text[m.start:m.end] == m.text
    assert [d.code for d in result.departements] == ["18"]
    assert [r.code for r in result.regions] == ["24"]
    out = result.to_dict()
    assert set(out["communes"][0]) == {"insee", "name", "departement", "region", "primary",
                                       "mentions"}


@pytest.mark.models
def test_non_candidates_get_places_only(analyzer):
    pytest.importorskip("nlp.relevance")
    art = _article("Fête de la musique à Aurillac\n\nLes groupes joueront place du Square à "
                   "Aurillac jusqu'à minuit, dans le Cantal.")
    result = analyzer.analyze(art)
    assert result.relevant is False and result.relevance < 0.5
    assert result.initiatives == () and result.figures == ()
    assert [c.insee for c in result.communes] == ["15014"]


@pytest.mark.models
def test_analyze_many_keeps_order_and_region_hint(analyzer):
    arts = [_article(f"Le cabinet de Beaulieu ferme\n\nArticle {i}.", source=str(i))
            for i in range(5)]
    results = list(analyzer.analyze_many(arts, region_hint="24", batch_size=2))
    assert [r.source for r in results] == ["0", "1", "2", "3", "4"]
    assert all(r.communes[0].insee == "36015" for r in results)


@pytest.mark.models
def test_english_article(analyzer):
    art = _article("Doctors for rural France\n\nA health centre opened in Charenton-du-Cher (18).",
                   lang="en")
    result = analyzer.analyze(art)
    assert result.lang == "en"
    assert [c.insee for c in result.communes] == ["18052"]


def test_missing_model_gives_an_actionable_error():
    from nlp.pipeline import build_pipeline

    with pytest.raises(ModelMissingError, match="pip install"):
        build_pipeline("fr_core_news_nonexistent")


@pytest.mark.models
def test_candidate_beyond_spacys_limit_is_reported_not_judged(analyzer):
    from veille.errors import InputError

    filler = "Les habitants attendent un médecin depuis longtemps. " * 20_000  # > 1M chars
    art = _article("Un médecin pour Chârost\n\nA Chârost, dans le Cher. " + filler)
    with pytest.raises(InputError) as err:  # was: silently relevant=False (issue 15)
        analyzer.analyze(art)
    assert err.value.reason == "too_long"


def test_linker_accepts_empty_and_odd_text():
    from nlp.places_linker import link_places

    assert link_places("").communes == ()
    assert link_places("\n\n\x00 ' - ( ) 18").communes == ()
    assert link_places("(18)").departements[0].code == "18"


@pytest.mark.models
def test_pipeline_order_and_disabled_parser(analyzer):
    ours = [p for p in analyzer.nlp.pipe_names if p.startswith("veille_")]
    expected = ["veille_places", "veille_relevance", "veille_initiatives", "veille_figures"]
    assert ours == [p for p in expected if p in ours]
    assert ours[0] == "veille_places"
    assert "parser" not in analyzer.nlp.pipe_names
    # Only what our components read (issue 12): no NER, no lemmatizer; senter for sents.
    assert "ner" not in analyzer.nlp.pipe_names
    assert "lemmatizer" not in analyzer.nlp.pipe_names
    assert "senter" in analyzer.nlp.pipe_names
