"""The ``ops`` schema: what each run received, landed, quarantined, tested, validated and sent.

Written in the writer database (its tables created with it: ``OPS_DDL`` in groundswell.warehouse)
by the pipeline itself, copied into every published
snapshot (without payloads), read by the Data health page and by analysts:

- ``ops.dbt_results``: one row per dbt node per invocation (models, seeds, tests, unit
  tests), inserted by the project's ``on-run-end`` hook (``dbt/macros/record_run_results.sql``);
- ``ops.source_freshness``: ``dbt source freshness`` of every source at each build, and the
  newest event time of each (groundswell.gate.freshness);
- ``ops.validation_results``: each gate suite's outcome;
- ``ops.alerts``: every alert sent (crisis episodes, failed tasks, late sources, digests),
  ``groundswell.serve.alerts``.

A snapshot also gets, computed when it is taken (:func:`summarize`):
``ops.load_audit`` (``raw.load_audit``: received, landed, quarantined per batch),
``ops.quarantine_summary`` (records set aside per source and reason, no payloads) and
``ops.pipeline_runs`` (one row per run: the three above, by run id).

Every row carries the Airflow DAG and run that wrote it (``AIRFLOW_CTX_*``, which Airflow
exports to each task process), or ``cli`` when a command ran outside Airflow.
"""

from __future__ import annotations

import json
import logging

import duckdb

from groundswell.config import Settings
from groundswell.runs import current_run, utcnow
from groundswell.warehouse import writer

log = logging.getLogger(__name__)


def record_dbt_results(result, settings: Settings) -> int:
    """Each node's outcome of a dbt invocation into ``ops.dbt_results``, from dbt's own results:
    on DuckDB the on-run-end hook inserts them (dbt/macros/record_run_results.sql); on Spark
    the table is in the DuckDB writer, which Spark does not see, so groundswell writes them."""
    from dbt_common.invocation import get_invocation_id  # the invocation that just ran

    return _insert_dbt_results(get_invocation_id(), [
        (r.node.unique_id, str(r.node.resource_type), str(r.status), r.failures, r.execution_time,
         r.message) for r in getattr(result, "results", None) or []
        if getattr(getattr(r, "node", None), "resource_type", None) is not None], settings)


def record_dbt_artifacts(settings: Settings) -> int:
    """The same from the ``run_results.json`` the last dbt invocation wrote: a Cosmos task on Spark
    runs dbt itself and calls this after it (``orchestration.dbt_task_group``)."""
    path = settings.dbt_target_dir / "run_results.json"
    if not path.exists():
        return 0
    artifact = json.loads(path.read_text())
    return _insert_dbt_results(artifact["metadata"]["invocation_id"], [
        (r["unique_id"], r["unique_id"].split(".", 1)[0], r["status"], r.get("failures"),
         r.get("execution_time"), r.get("message")) for r in artifact.get("results", [])], settings)


_DBT_NODE_KINDS = ("model", "seed", "snapshot", "test", "unit_test")


def _insert_dbt_results(invocation: str, results: list[tuple], settings: Settings) -> int:
    rows = [r for r in results if r[1] in _DBT_NODE_KINDS]
    if not rows:
        return 0
    dag_id, run_id = current_run()
    at = utcnow()
    with writer(settings) as con:
        con.executemany(
            "INSERT INTO ops.dbt_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[invocation, dag_id, run_id, unique_id, kind, status, failures, seconds,
              None if message is None else str(message)[:1000], at]
             for unique_id, kind, status, failures, seconds, message in rows])
    return len(rows)


def record_validation(con: duckdb.DuckDBPyConnection, report: dict, run_id: str | None = None) -> None:
    """The gate's report, one row per suite, into ``ops.validation_results`` of ``con``
    (``run_id``: the run the snapshot names in ``meta.snapshot``; default, this process's)."""
    dag_id, current = current_run()
    run_id = run_id or current
    at = utcnow()
    con.executemany(
        "INSERT INTO ops.validation_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [[at, dag_id, run_id, s["name"], s["rows"], s["success"], len(s["failed"]),
          json.dumps(s["failed"], default=str) if s["failed"] else None]
         for s in report["suites"]],
    )


# Computed in a snapshot from the writer (catalog ``{src}``): what landed and what was set
# aside, without the payloads (they hold customers' identities in clear).
SNAPSHOT_TABLES = {
    "load_audit": """
        select batch_id, source, target_table, file_count, files, received, landed, quarantined,
               started_at, finished_at, coalesce(dag_id, 'cli') as dag_id,
               coalesce(run_id, 'cli') as run_id
        from {src}.raw.load_audit""",
    "quarantine_summary": """
        select source, target_table, reason, count(*) as records,
               min(quarantined_at) as first_quarantined_at, max(quarantined_at) as last_quarantined_at
        from {src}.raw.quarantine
        group by all""",
}

# One row per run of any DAG (or `cli`): what it landed, built, tested and validated.
PIPELINE_RUNS = """
create or replace table ops.pipeline_runs as
with loads as (
    select dag_id, run_id, min(started_at) as started_at, max(finished_at) as finished_at,
           count(*) as batches, sum(received) as rows_received, sum(landed) as rows_landed,
           sum(quarantined) as rows_quarantined
    from ops.load_audit group by all
), dbt as (
    select dag_id, run_id, min(recorded_at) as started_at, max(recorded_at) as finished_at,
           count(*) filter (where resource_type in ('model', 'seed')) as models_built,
           count(*) filter (where resource_type in ('model', 'seed') and status = 'error') as models_failed,
           count(*) filter (where resource_type in ('test', 'unit_test')) as tests_run,
           count(*) filter (where resource_type in ('test', 'unit_test') and status in ('fail', 'error'))
               as tests_failed,
           count(*) filter (where resource_type in ('test', 'unit_test') and status = 'warn') as tests_warned
    from ops.dbt_results group by all
), gate as (
    select dag_id, run_id, max(validated_at) as finished_at, count(*) as suites_run,
           count(*) filter (where not success) as suites_failed
    from ops.validation_results group by all
)
select
    dag_id, run_id,
    least(loads.started_at, dbt.started_at, gate.finished_at) as started_at,
    greatest(loads.finished_at, dbt.finished_at, gate.finished_at) as finished_at,
    loads.batches, loads.rows_received, loads.rows_landed, loads.rows_quarantined,
    dbt.models_built, dbt.models_failed, dbt.tests_run, dbt.tests_failed, dbt.tests_warned,
    gate.suites_run, gate.suites_failed,
    case when gate.suites_run is null then null else gate.suites_failed = 0 end as gate_passed
from loads
full outer join dbt using (dag_id, run_id)
full outer join gate using (dag_id, run_id)
"""


def summarize(con: duckdb.DuckDBPyConnection, source: str, target: str) -> None:
    """Into the snapshot being taken (catalog ``target``), from the writer (catalog ``source``):
    the payload-free copies of what landed and what was set aside."""
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{target}".ops')
    for table, query in SNAPSHOT_TABLES.items():
        con.execute(f'CREATE OR REPLACE TABLE "{target}".ops.{table} AS '
                    + query.format(src=f'"{source}"'))


def summarize_runs(con: duckdb.DuckDBPyConnection) -> None:
    """``ops.pipeline_runs`` of a snapshot, from its own ops tables (after the gate recorded)."""
    con.execute(PIPELINE_RUNS)
