# Two commands: `make run` (set up, index corpus/, serve) and `make test` (set up, run every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export NEWSSEARCH_INDEX_DIR ?= var/index
export NEWSSEARCH_CORPUS_DIR ?= corpus

.PHONY: install run reindex test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

reindex: install
	$(PY) -m indexer reindex

run: reindex
	@echo "Serving the search page at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'webapp:create_app()'

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check indexer webapp tests bench

clean:
	rm -rf $(VENV) var build *.egg-info
