# groundswell: two commands on a fresh machine (Python 3.11, make, package registries reachable).
#   make demo   install, generate demo data, run the pipeline through real Airflow, serve :8050
#   make test   install what the tests need (Debian's chromium included) and run the whole suite
#   make e2e    the production topology natively: Postgres, Airflow's four services, the dashboards

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

.PHONY: demo test e2e stack install chromium postgres spark compose lint bench clean help

help:
	@echo "make demo   - install, run the pipeline on demo data through Airflow, serve http://localhost:$(PORT)"
	@echo "make test   - install test dependencies (chromium) and run the whole suite"
	@echo "make e2e    - Postgres + api-server, scheduler, dag-processor, triggerer + dashboards: land, build, serve"
	@echo "make stack  - start that stack on GROUNDSWELL_HOME and keep it running until Ctrl-C"
	@echo "make spark  - Debian's JRE and the spark extra (pyspark, dbt-spark): GROUNDSWELL_ENGINE=spark"
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

# Apache Spark, local (pyspark on Debian's JRE), and dbt-spark: the `spark` extra of the lock.
spark: install
	@if ! command -v java >/dev/null; then \
		echo "installing Debian's openjdk-17-jre-headless (apt)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; \
	fi
	$(UV) sync --frozen --extra spark
	@java -version 2>&1 | head -1

# Debian's PostgreSQL for the production topology (a throwaway cluster per run; never the system one).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing Debian's postgresql (apt)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	fi
	@ls -d /usr/lib/postgresql/*/bin/initdb

# tests/e2e/test_compose.py validates docker-compose.yml with `docker compose config` (no daemon
# needed): where a docker client has no compose plugin, Debian's docker-compose stands in.
compose:
	@if command -v docker >/dev/null && ! docker compose version >/dev/null 2>&1 \
			&& ! command -v docker-compose >/dev/null; then \
		echo "installing Debian's docker-compose (apt)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; \
	fi

# The whole suite except the production topology and the minutes-long fault and load tests
# (pyproject's addopts deselect `topology` and `reliability`; make e2e runs them), with the Spark
# engine (tests/dbt/test_spark_engine.py builds the tiny demo on both engines). Test files run
# on TEST_WORKERS processes (pytest-xdist, one file per worker at a time: a file's fixtures stay
# in one process); every test has its own GROUNDSWELL_HOME and free ports. TEST_WORKERS=0: serial.
TEST_WORKERS ?= 2
test: install chromium compose spark
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

# The production topology, natively (tests/e2e/test_topology.py, docs/operations.md), then SIGKILL
# convergence and 20 users under a rebuild (tests/reliability). E2E_DAYS: days of demo data, and
# backfill runs (each about a minute here: the backfill is most of the time); the small demo built
# on Spark and on DuckDB gives the same marts, and the tiny demo runs through Airflow on Spark
# (tests/dbt/test_spark_engine.py).
E2E_DAYS ?= 7
e2e: install chromium postgres spark
	GROUNDSWELL_E2E_DAYS=$(E2E_DAYS) $(VENV)/bin/pytest -m "topology or reliability" -p no:cacheprovider \
		--durations=15 tests/e2e/test_topology.py tests/e2e/test_marts_unchanged.py tests/dbt/test_spark_engine.py \
		tests/reliability/test_faults.py tests/reliability/test_load.py

stack: install postgres
	$(VENV)/bin/python -m groundswell.run.stack

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(VENV)/bin/python bench/pipeline.py --scale $(SCALE)

clean:
	rm -rf .groundswell $(VENV) $(TOOLS)
