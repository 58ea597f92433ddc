# `make demo`: set up .venv and crawl the bundled demo site into archive/.
# `make test`: set up .venv and run the whole test suite (lint, types, tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck pytest browser redis clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

test: $(STAMP) browser redis lint typecheck pytest

# The browser tests drive Debian's Chromium (headless). Installed here when apt-get can; where it
# cannot, those tests skip and say why (CI sets ARCHIVER_REQUIRE_BROWSER=1: they fail instead).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is not installed and cannot be installed here: browser tests will skip"; fi; }

# The distributed-crawl tests start their own redis-server (Debian's) on 127.0.0.1. Installed here
# when apt-get can; where it cannot, those tests skip and say why (CI: ARCHIVER_REQUIRE_REDIS=1).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	  else echo "redis-server is not installed and cannot be installed here: distributed tests will skip"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check archiver tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -ra

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
