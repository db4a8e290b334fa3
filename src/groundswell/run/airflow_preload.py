"""Warm imports for the scheduler, so the task processes it forks start warm.

LocalExecutor forks every task from the scheduler's worker processes: a module the scheduler
has imported is already in each task's memory. A Cosmos dbt task otherwise spends about two
seconds importing dbt before running a model that takes a fraction of that, and the build DAG
runs a hundred of them one after another (the ``duckdb_writer`` pool). ``airflow_local_settings``
(which Airflow imports at start-up from ``$AIRFLOW_HOME/config``) calls :func:`preload`.
"""

from __future__ import annotations

import importlib
import sys

#: What a land or dbt task imports before doing any work.
MODULES = (
    "duckdb",
    "pandas",
    "dbt.cli.main",
    "dbt.adapters.duckdb",
    "cosmos",
    "groundswell.run.orchestration",
    "groundswell.land.landing",
    "groundswell.land.sources",
)

LOCAL_SETTINGS = "from groundswell.run.airflow_preload import preload\n\npreload()\n"


def preload(argv: list[str] | None = None) -> list[str]:
    """Import MODULES when this process is ``airflow scheduler``; the names imported."""
    argv = sys.argv if argv is None else argv
    if len(argv) < 2 or argv[1] != "scheduler":
        return []
    for name in MODULES:
        importlib.import_module(name)
    return list(MODULES)
