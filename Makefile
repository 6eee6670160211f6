# Two entry points (see README): `make main` and `make test`.
# Both create .venv and install the project from pyproject.toml first.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: main test install install-dev lint bench jieba-dict clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-dev: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

## main job: install, then `dvc repro` over the plans listed in params.yaml
main: install
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/dvc repro

## tests: install with dev extras, lint, run the whole suite
test: install-dev
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check pipeline tests benchmarks

bench: install-dev
	$(BIN)/python benchmarks/bench_speed.py --repeat 5
	$(BIN)/python benchmarks/bench_pdf.py --repeat 3
	$(BIN)/python benchmarks/bench_terms.py
	$(BIN)/python benchmarks/bench_diff.py

## rebuild jieba's dictionary trie shipped in pipeline/data/ (after a jieba upgrade)
jieba-dict: install
	$(BIN)/python -c "from pipeline.terms.tokenizer import DATA_DIR, write_base_dict; write_base_dict(DATA_DIR)"

clean:
	rm -rf interim/* output/* .pytest_cache
