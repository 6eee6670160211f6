# Two entry points (see README): `make main` and `make test`.
# Both create .venv and install the project from pyproject.toml first; the
# install is skipped when pyproject.toml has not changed since the last one
# (stamp files in .venv/), so a no-op `make main` is just a no-op `dvc repro`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_MAIN := $(VENV)/.installed-main
STAMP_DEV := $(VENV)/.installed-dev
PIP_INSTALL := $(BIN)/pip install -q

# `dvc repro | sed`: keep dvc's exit status through the pipe
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: notebook main test install install-dev lint bench jieba-dict clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_MAIN): pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[dvc]'
	touch $@

# dev includes the dvc extra, so it satisfies `main` too
$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(STAMP_MAIN)

install: $(STAMP_MAIN)

install-dev: $(STAMP_DEV)

## main job: install (if needed), then `dvc repro` over the plans listed in params.yaml.
## dvc 3 ends every run that did something with "Use `dvc push` …" whatever its
## config says (dvc/commands/repro.py prints it unconditionally); this project
## has no remote, so that one line is dropped.
## The project is installed editable, so its byte code is written only where
## Python may write it (not under PYTHONDONTWRITEBYTECODE=1, set on some CI
## machines): compile it here, or every stage process compiles ≈50 modules
## again (≈0.15 s each time).  compileall skips what is up to date.
main: install
	$(BIN)/python -m compileall -q pipeline
	PATH="$(abspath $(BIN)):$$PATH" PYTHONUNBUFFERED=1 $(BIN)/dvc repro | sed -u '/^Use `dvc push`/d'

## tests: install with dev extras, lint, run the whole suite
test: install-dev
	$(BIN)/python -m compileall -q pipeline
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check pipeline tests benchmarks

## re-execute the notebook against a fresh parse of the bundled plan (commit it with its outputs)
notebook: install-dev
	$(BIN)/python notebooks/execute.py

bench: install-dev
	$(BIN)/python benchmarks/bench_speed.py --repeat 5
	$(BIN)/python benchmarks/bench_pdf.py --repeat 3
	$(BIN)/python benchmarks/bench_terms.py
	$(BIN)/python benchmarks/bench_diff.py

## rebuild jieba's dictionary trie shipped in pipeline/data/ (after a jieba upgrade)
jieba-dict: install
	$(BIN)/python -c "from pipeline.terms.tokenizer import DATA_DIR, write_base_dict; write_base_dict(DATA_DIR)"
	$(BIN)/python -c "from pipeline.terms.tokenizer import DATA_DIR, write_domain_state; write_domain_state(DATA_DIR)"

clean:
	rm -rf interim/* output/* .pytest_cache
