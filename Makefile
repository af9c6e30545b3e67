# labk8s: two commands on a fresh machine.
#   make lab   -- create .venv, install labk8s with the lab extras, open JupyterLab on the notebooks
#   make test  -- create .venv, install test + dev extras, run ruff, mypy, import-linter and pytest
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP_TEST := $(VENV)/.installed-test
STAMP_LAB  := $(VENV)/.installed-lab

.PHONY: lab test lint typecheck layers pytest bench clean

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
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP_TEST)
	$(PY) -m ruff check labk8s tests bench

typecheck: $(STAMP_TEST)
	$(PY) -m mypy

layers: $(STAMP_TEST)
	$(VENV)/bin/lint-imports

pytest: $(STAMP_TEST)
	$(PY) -m pytest

test: lint typecheck layers pytest

bench: $(STAMP_TEST)
	$(PY) bench/api.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
