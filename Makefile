# The two commands: `make run` (the whole service) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench bench-load bench-moderation bench-quality bench-speed bench-dashboard model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The dashboard's browser tests drive Debian's chromium (Playwright's own browsers are never
# downloaded); installing it needs root.
/usr/bin/chromium:
	apt-get update && apt-get install -y chromium

run: $(VENV)/.installed
	$(BIN)/python -m moderation.runner

test: $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python -m pytest

bench: bench-load bench-moderation bench-quality bench-speed bench-dashboard

bench-load: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/load.py

bench-moderation: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/reports_and_queues.py

bench-quality: $(VENV)/.installed
	$(BIN)/python bench/quality.py

bench-speed: $(VENV)/.installed
	$(BIN)/python bench/speed.py

bench-dashboard: $(VENV)/.installed
	$(BIN)/python bench/dashboard.py

# Retrain the default model on ../shared/data/train (or seeds/ when that is absent).
model: $(VENV)/.installed
	$(BIN)/python -m models train

clean:
	rm -rf $(VENV) *.egg-info
