# Two commands: `make install` then `make test`. Everything installs offline-capable from PyPI.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: install test test-fast lint demo bench browser clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# The CPU wheel first: a looser torch requirement would pull a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $@

test: install
	$(VENV)/bin/pytest -q

test-fast: install
	$(VENV)/bin/pytest -q -m "not models and not integration and not browser"

# Serves the bundled demo press site, runs the nightly job on it, starts the dashboard.
demo: install
	$(VENV)/bin/veille demo

lint: install
	$(VENV)/bin/ruff check veille nlp store crawler dashboard ops backfill scripts tests

# Debian's chromium for the real-browser dashboard test (root, as on CI).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
