# `make` sets up .venv and builds every handout and card into dist/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: all build test lint bench golden clean

all: build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	@touch $@

build: $(VENV)/.installed
	$(BIN)/python build.py build

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check handoutkit tests build.py bench

# Measure the builder on a synthetic library (N=40) and print the table for the README's Performance
# section; the numbers go to bench/results.json. Options: make bench BENCH="--handouts 20 --repeat 1".
bench: $(VENV)/.installed
	$(BIN)/python -m bench $(BENCH)

# Regenerate the golden HTML of the seed handout after a deliberate layout change.
golden: $(VENV)/.installed
	$(BIN)/python -m tests.golden

clean:
	rm -rf dist .cache .pytest_cache
