# groundswell: two commands on a fresh machine (Python 3.11, make, package registries reachable).
#   make demo   install, generate demo data, run the pipeline through real Airflow, serve :8050
#   make test   install what the tests need (Debian's chromium included) and run the whole suite

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
GS := $(VENV)/bin/groundswell
SCALE ?= small
PORT ?= 8050
CHROMIUM := /usr/bin/chromium

export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: demo test install chromium lint bench clean help

help:
	@echo "make demo   - install, run the pipeline on demo data through Airflow, serve http://localhost:$(PORT)"
	@echo "make test   - install test dependencies (chromium) and run the whole suite"
	@echo "make lint   - ruff (Python, Airflow 3 rules)"
	@echo "make bench  - bench/pipeline.py at SCALE=$(SCALE)"

# uv itself, pinned, in a private virtualenv: nothing global is touched.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The locked environment, re-synced whenever the lock or the project changes.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced

demo: install
	$(GS) demo --scale $(SCALE) --port $(PORT)

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing Debian's chromium (apt)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi
	@$(CHROMIUM) --version

test: install chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(VENV)/bin/python bench/pipeline.py --scale $(SCALE)

clean:
	rm -rf .groundswell $(VENV) $(TOOLS)
