# labk8s: two commands on a fresh machine.
#   make lab   -- create .venv, install labk8s with the lab extras, open JupyterLab on the notebooks
#   make test  -- create .venv, install test + dev extras, run ruff, mypy, import-linter and pytest
PYTHON ?= python3
CHROMIUM ?= /usr/bin/chromium
R2D    := .venv-r2d/bin/repo2docker
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP_TEST := $(VENV)/.installed-test
STAMP_LAB  := $(VENV)/.installed-lab

.PHONY: lab test lint typecheck layers pytest notebooks chromium bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $@

$(STAMP_LAB): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[lab]'
	touch $@

lab: $(STAMP_LAB)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00-index.ipynb

# Debian's Chromium for the browser test (CI runs as root); a test tool never downloads its own browser.
chromium:
	@test -x $(CHROMIUM) || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }

# repo2docker lives in its own environment: it only checks that Binder picks up binder/.
$(R2D):
	$(PYTHON) -m venv .venv-r2d && .venv-r2d/bin/pip install -q jupyter-repo2docker

lint: $(STAMP_TEST)
	$(PY) -m ruff check labk8s tests bench tools

typecheck: $(STAMP_TEST)
	$(PY) -m mypy

layers: $(STAMP_TEST)
	$(VENV)/bin/lint-imports

pytest: $(STAMP_TEST) chromium $(R2D)
	LABK8S_REQUIRE_BROWSER=1 LABK8S_REQUIRE_REPO2DOCKER=1 LABK8S_REPO2DOCKER=$(R2D) $(PY) -m pytest

# Strict nbval: every notebook's stored outputs must be reproduced exactly (notebooks/pytest.ini).
notebooks: $(STAMP_TEST)
	$(PY) -m pytest notebooks/

test: lint typecheck layers pytest notebooks

bench: $(STAMP_TEST)
	$(PY) bench/api.py
	$(PY) bench/widgets.py

clean:
	rm -rf $(VENV) .venv-r2d .mypy_cache .pytest_cache .ruff_cache test-artifacts
