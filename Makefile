# Two entry points for a fresh machine with Python 3.11: `make demo` and `make test`.
# After either, every command runs from the venv: `.venv/bin/mizan ...`, or `. .venv/bin/activate`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: help setup setup-core demo test lint bench train evaluate serve

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The editable install is setuptools' strict mode: a tree of links under build/ that mypy reads
# (the default mode's import hook maps mizan.detector to detector/, which mypy cannot follow).
# A file added to or removed from a package needs a re-install, so the installs depend on
# the list of package files, rewritten only when it changes.
EDITABLE := --config-settings editable_mode=strict
PACKAGE_FILES := $(VENV)/.package-files

$(PACKAGE_FILES): FORCE | $(BIN)/python
	@find detector training service -type f ! -path '*/__pycache__/*' ! -name '*.py[co]' \
		| LC_ALL=C sort > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

.PHONY: FORCE
FORCE:

# Scoring only: the core dependencies (no scikit-learn, pandas, test or lint tools).
$(VENV)/.core: pyproject.toml $(PACKAGE_FILES) | $(BIN)/python
	$(PIP) -e . $(EDITABLE)
	touch $@

# Everything: service, batch, training, tests and lint.
$(VENV)/.dev: pyproject.toml $(PACKAGE_FILES) | $(BIN)/python
	$(PIP) -e '.[dev]' $(EDITABLE)
	touch $(VENV)/.core $@

setup-core: $(VENV)/.core  ## create .venv with what scoring needs

setup: $(VENV)/.dev  ## create .venv with the service, batch, training and test extras

demo: setup-core  ## score the content-farm and the wire example side by side
	@echo "== examples/farm_ar.txt: a content-farm page (unsourced experts, false figures, SEO headings)"
	$(BIN)/mizan score examples/farm_ar.txt --format table
	@echo "== examples/wire_ar.txt: a wire story (named officials, a ministry statement)"
	$(BIN)/mizan score examples/wire_ar.txt --format table

test: setup  ## run the test suite (skip reasons listed at the end)
	$(BIN)/python -m pytest

lint: setup  ## ruff and mypy
	$(BIN)/ruff check detector training service tests benchmarks
	$(BIN)/ruff format --check detector training service tests benchmarks
	$(BIN)/mypy

bench: setup  ## every benchmark; results in benchmarks/results/
	$(BIN)/python benchmarks/run_all.py

train: setup  ## retrain the default bundle from ../shared/corpora
	$(BIN)/mizan train

evaluate: setup  ## reports/evaluation.md and the plots
	$(BIN)/mizan evaluate

serve: setup  ## the HTTP API on 127.0.0.1:8000 (`mizan serve --help` names the store)
	$(BIN)/mizan serve
