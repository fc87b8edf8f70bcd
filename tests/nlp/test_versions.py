"""The cleaner and the analysis are versioned by what each actually runs."""

from __future__ import annotations

from nlp.versions import analysis_version, clean_version, closure


def test_the_cleaner_closure_is_the_cleaner_and_its_helpers():
    names = {p.name for p in closure("nlp.clean")}
    assert {
        "clean.py",
        "decode.py",
        "furniture.py",
        "page_meta.py",
        "lang.py",
        "boilerplate.toml",
        "lang_stopwords.toml",
    } <= names
    # Analysis code and resources are not the cleaner's: editing them re-cleans nothing.
    assert not names & {
        "analyze.py",
        "pipeline.py",
        "initiatives.py",
        "figures.py",
        "initiatives.toml",
        "relevance.toml",
        "stage.py",
        "versions.py",
    }


def test_the_analysis_closure_follows_components_named_as_strings():
    names = {p.name for p in closure("nlp.analyze")}
    # pipeline.py imports the components by name (importlib): they are found anyway.
    assert {
        "analyze.py",
        "pipeline.py",
        "initiatives.py",
        "figures.py",
        "relevance.py",
        "places_linker.py",
    } <= names
    assert "clean.py" not in names


def test_versions_name_what_they_hash():
    assert clean_version().startswith("c-") and "+trafilatura-" in clean_version()
    assert analysis_version("fr_core_news_md").startswith("a-")
    assert analysis_version("fr_core_news_sm") != analysis_version("fr_core_news_md")
