"""Veille déserts médicaux: where the stages (crawler, nlp, store, dashboard) meet."""

__version__ = "0.1.0"
