# Two entry points for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench train evaluate serve

$(BIN)/mizan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/mizan

setup: $(BIN)/mizan

demo: setup
	$(BIN)/mizan score examples/farm_ar.txt --format table
	$(BIN)/mizan score examples/wire_ar.txt --format table

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check detector training service tests benchmarks
	$(BIN)/ruff format --check detector training service tests benchmarks
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/run_all.py

train: setup
	$(BIN)/mizan train

evaluate: setup
	$(BIN)/mizan evaluate

serve: setup
	$(BIN)/mizan serve
