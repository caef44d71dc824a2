# `make` sets up .venv and builds every handout and card into dist/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: all build test chromium lint bench golden clean

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

test: $(VENV)/.installed-test chromium
	$(BIN)/ruff check handoutkit tests build.py bench
	$(BIN)/python -m pytest

# The browser test drives Debian's chromium (no browser is downloaded): installed here when missing.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "the browser test needs Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check handoutkit tests build.py bench

# Measure the builder on a synthetic library (N=40), a personalised packet, and the front desk over
# loopback; each prints its table for the README's Performance section and writes bench/results*.json.
# Options for the first part: make bench BENCH="--handouts 20 --repeat 1".
bench: $(VENV)/.installed
	$(BIN)/python -m bench $(BENCH)
	$(BIN)/python -m bench.packets
	$(BIN)/python -m bench.web

# Regenerate the golden HTML of the seed handout after a deliberate layout change.
golden: $(VENV)/.installed
	$(BIN)/python -m tests.golden

.PHONY: serve bench-web

# The front desk on http://127.0.0.1:8000/ (Ctrl-C to stop); see README: Front desk.
serve: $(VENV)/.installed
	$(BIN)/python build.py serve

# Front-desk speed against the real server over loopback (see bench/web.py).
bench-web: $(VENV)/.installed
	$(BIN)/python -m bench.web

clean:
	rm -rf dist .cache .pytest_cache
