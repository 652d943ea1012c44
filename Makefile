# The two commands: `make run` (the whole service) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench bench-load bench-quality bench-speed model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/python -m moderation.runner

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

bench: bench-load bench-quality bench-speed

bench-load: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/load.py

bench-quality: $(VENV)/.installed
	$(BIN)/python bench/quality.py

bench-speed: $(VENV)/.installed
	$(BIN)/python bench/speed.py

# Retrain the default model on ../shared/data/train (or seeds/ when that is absent).
model: $(VENV)/.installed
	$(BIN)/python -m models train

clean:
	rm -rf $(VENV) *.egg-info
