# `make` sets up .venv and builds every handout and card into dist/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: all build test lint golden clean

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
	$(BIN)/ruff check handoutkit tests build.py
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check handoutkit tests build.py

# Regenerate the golden HTML of the seed handout after a deliberate layout change.
golden: $(VENV)/.installed
	$(BIN)/python -m tests.golden

clean:
	rm -rf dist .pytest_cache
