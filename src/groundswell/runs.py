"""Which run a process belongs to, and the clock every row's ``_at`` is stamped with.

Every row groundswell writes (landings, dbt results, validations, alerts) names the Airflow DAG and
run that wrote it (``AIRFLOW_CTX_*``, which Airflow exports to each task process), or the CLI
command's own run."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC as a naive timestamp: every `_at` column in the warehouse is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


#: Set by each ``groundswell`` command (``cli__<UTC time>``): its rows are one run.
RUN_ID_ENV = "GROUNDSWELL_RUN_ID"


def current_run() -> tuple[str, str]:
    """``(dag_id, run_id)`` of the Airflow task this process runs, else of the CLI command."""
    return (os.environ.get("AIRFLOW_CTX_DAG_ID") or "cli",
            os.environ.get("AIRFLOW_CTX_DAG_RUN_ID") or os.environ.get(RUN_ID_ENV) or "cli")


def start_cli_run() -> str:
    """Name the run of this command, for what it lands, builds and validates (dbt reads it too)."""
    os.environ[RUN_ID_ENV] = f"cli__{utcnow():%Y-%m-%dT%H:%M:%S.%f}"
    return os.environ[RUN_ID_ENV]
