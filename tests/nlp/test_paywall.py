"""Subscribers-only teasers (nlp.paywall) and the flag on CleanArticle."""

from __future__ import annotations

import pytest

from crawler import fixture_shapes, fixture_site
from nlp.clean import clean_html
from nlp.paywall import detect_paywall

SHORT = "Titre\n\nUn premier paragraphe, puis plus rien."
LONG = "Titre\n\n" + "Un paragraphe complet sur le centre de santé du bourg. " * 40


@pytest.mark.parametrize("html, text, expected", [
    ('<script type="application/ld+json">{"isAccessibleForFree": false}</script>', LONG,
     "jsonld"),
    ("<script>{\"isAccessibleForFree\":\"False\"}</script>", LONG, "jsonld"),
    ('<meta property="article:content_tier" content="locked">', LONG, "content_tier"),
    ("<div>Article réservé aux abonnés</div>", SHORT, "marker+short_body"),
    ("<p>Pour lire la suite, abonnez-vous</p>", SHORT, "marker+short_body"),
    # A marker on a long body: the page links *other* subscribers' articles.
    ("<li>Réservé aux abonnés : un autre sujet</li>", LONG, None),
    # The usual call to action of a free article is no paywall.
    ("<p>Abonnez-vous pour 1 € le premier mois</p>", SHORT, None),
    ('<script>{"isAccessibleForFree": true}</script>', SHORT, None),
])
def test_detect_paywall(html, text, expected):
    found = detect_paywall(html, text, body_start=7)
    assert found.paywalled is (expected is not None) and found.reason == expected


def test_clean_html_flags_the_teaser_and_only_it():
    root = fixture_site.DEFAULT_ROOT
    metas = list(fixture_shapes.articles().values())
    teaser = metas[fixture_shapes.PAYWALLED_INDEX]
    base = "http://127.0.0.1:1"
    page = fixture_shapes.paywall_markup(fixture_site.render_article(teaser, base=base,
                                                                      root=root))
    assert clean_html(page, source="t").paywalled is True
    for meta in [metas[0], *fixture_site.load_articles(root / "articles").values()]:
        full = fixture_site.render_article(meta, base=base, root=root)
        assert clean_html(full, source="f").paywalled is False, meta["path"]
