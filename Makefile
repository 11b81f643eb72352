# Two commands: `make run` (set up, index corpus/, serve) and `make test` (set up, run every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export NEWSSEARCH_INDEX_DIR ?= var/index
export NEWSSEARCH_CORPUS_DIR ?= corpus

.PHONY: install browser tools run reindex test lint clean bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

reindex: install
	$(PY) -m indexer reindex

run: reindex
	$(VENV)/bin/newsfind serve  # NEWSSEARCH_HOST, NEWSSEARCH_PORT, NEWSSEARCH_WORKERS choose where and how

# The browser tests (tests/browser) drive Debian's Chromium with Playwright, which cannot download a browser here.
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# The replica test (tests/test_replicas.py) runs HAProxy in front of three app nodes and loads it with wrk.
tools:
	command -v haproxy >/dev/null && command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq haproxy wrk)

test: install browser tools
	$(PY) -m pytest

# The speed benchmark (docs/performance.md): 10k and 100k articles by default; `make bench SIZES=1000000
# BENCH_ARGS="--systems ours"` for the million-article run. Needs wrk (installed here with apt if missing).
SIZES ?= 10000 100000
BENCH_ARGS ?=
bench: install
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(MAKE) tools
	$(PY) -m bench.run $(foreach n,$(SIZES),--size $(n)) $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff format --check indexer webapp tests bench
	$(VENV)/bin/ruff check indexer webapp tests bench

clean:
	rm -rf $(VENV) var build *.egg-info
