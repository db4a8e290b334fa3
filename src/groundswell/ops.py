"""The ``ops`` schema: what each run received, landed, quarantined, tested, validated and sent.

Written in the writer database by the pipeline itself, copied into every published
snapshot (without payloads), read by the Data health page and by analysts:

- ``ops.dbt_results``: one row per dbt node per invocation (models, seeds, tests, unit
  tests), inserted by the project's ``on-run-end`` hook (``dbt/macros/record_run_results.sql``);
- ``ops.source_freshness``: ``dbt source freshness`` of every source at each build;
- ``ops.validation_results``: each gate suite's outcome;
- ``ops.alerts``: every alert sent (crisis episodes, failed tasks, late sources), ``groundswell.alerts``.

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
import os

import duckdb

from groundswell.config import Settings, get_settings

log = logging.getLogger(__name__)

DDL = (
    "CREATE SCHEMA IF NOT EXISTS ops",
    """CREATE TABLE IF NOT EXISTS ops.alerts (
      alert_key VARCHAR PRIMARY KEY,
      kind VARCHAR NOT NULL,      -- crisis, task_failure, source_late
      subject VARCHAR NOT NULL,
      text VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,   -- webhook, email, log, or stale (recorded, not sent)
      created_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ops.dbt_results (
      invocation_id VARCHAR NOT NULL,
      dag_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      unique_id VARCHAR NOT NULL,
      resource_type VARCHAR NOT NULL,  -- model, seed, test, unit_test
      status VARCHAR NOT NULL,         -- success, error, skipped, pass, fail, warn
      failures BIGINT,                 -- failing rows of a test
      execution_seconds DOUBLE,
      message VARCHAR,
      recorded_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ops.source_freshness (
      checked_at TIMESTAMP NOT NULL,
      dag_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      source_name VARCHAR NOT NULL,
      table_name VARCHAR NOT NULL,
      max_loaded_at TIMESTAMP,         -- NULL: nothing landed yet
      age_hours DOUBLE,
      warn_after_hours DOUBLE,
      error_after_hours DOUBLE,
      status VARCHAR NOT NULL          -- pass, warn, error, runtime error, no data (table empty)
    )""",
    """CREATE TABLE IF NOT EXISTS ops.validation_results (
      validated_at TIMESTAMP NOT NULL,
      dag_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      suite VARCHAR NOT NULL,
      rows_checked BIGINT NOT NULL,
      success BOOLEAN NOT NULL,
      failed_expectations INTEGER NOT NULL,
      failures VARCHAR                 -- JSON: each failed expectation with a sample
    )""",
)


def ensure_ops_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in DDL:
        con.execute(ddl)


#: Set by each ``groundswell`` command (``cli__<UTC time>``): its rows are one run.
RUN_ID_ENV = "GROUNDSWELL_RUN_ID"


def current_run() -> tuple[str, str]:
    """``(dag_id, run_id)`` of the Airflow task this process runs, else of the CLI command."""
    return (os.environ.get("AIRFLOW_CTX_DAG_ID") or "cli",
            os.environ.get("AIRFLOW_CTX_DAG_RUN_ID") or os.environ.get(RUN_ID_ENV) or "cli")


def start_cli_run() -> str:
    """Name the run of this command, for what it lands, builds and validates (dbt reads it too)."""
    from groundswell.warehouse import utcnow

    os.environ[RUN_ID_ENV] = f"cli__{utcnow():%Y-%m-%dT%H:%M:%S.%f}"
    return os.environ[RUN_ID_ENV]


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
    from groundswell.warehouse import utcnow, writer

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


# Hours in a dbt freshness threshold's period.
_PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


def record_freshness(settings: Settings | None = None) -> dict:
    """``dbt source freshness`` of every source, stored in ``ops.source_freshness``.

    A stale source does not stop the build: the dashboards show the last good figures, and
    the Data health page, this task's log and an alert (``groundswell.alerts``, once per
    source per status per day) say which source is late. Returns the count of sources per
    status."""
    from groundswell.alerts import LateSource, send_late_source_alerts
    from groundswell.transform import run_dbt
    from groundswell.warehouse import utcnow, writer

    settings = settings or get_settings()
    result = run_dbt(["source", "freshness"], settings, check=False)
    dag_id, run_id = current_run()
    checked_at = utcnow()
    rows = []
    for r in getattr(result, "results", None) or []:
        node = r.node
        if getattr(node, "resource_type", None) != "source":  # the on-run-end hook's own result
            continue
        criteria = node.freshness
        max_loaded = getattr(r, "max_loaded_at", None)
        age = getattr(r, "age", None)
        status = str(r.status)
        if max_loaded is not None and max_loaded.year == 1:
            # dbt's answer for a table with no rows: nothing landed, which is not lateness (a
            # deployment that uses no Fivetran connector never fills those tables).
            max_loaded, age, status = None, None, "no data"
        rows.append([
            checked_at, dag_id, run_id, node.source_name, node.name,
            max_loaded.replace(tzinfo=None) if max_loaded else None,
            age / 3600 if age is not None else None,
            _hours(criteria.warn_after if criteria else None),
            _hours(criteria.error_after if criteria else None),
            status,
        ])
    with writer(settings) as con:
        if rows:
            con.executemany("INSERT INTO ops.source_freshness VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[-1]] = counts.get(row[-1], 0) + 1
    late = [LateSource(row[3], row[4], row[-1], row[5], row[6], row[7], row[8])
            for row in rows if row[-1] not in ("pass", "no data")]
    if late:
        log.warning("sources not fresh: %s (ops.source_freshness)", ", ".join(s.name for s in late))
        send_late_source_alerts(late, checked_at, settings)
    return counts


def _hours(threshold) -> float | None:
    if threshold is None or threshold.count is None or threshold.period is None:
        return None
    return threshold.count * _PERIOD_HOURS[str(threshold.period)]


def record_validation(con: duckdb.DuckDBPyConnection, report: dict, run_id: str | None = None) -> None:
    """The gate's report, one row per suite, into ``ops.validation_results`` of ``con``
    (``run_id``: the run the snapshot names in ``meta.snapshot``; default, this process's)."""
    from groundswell.warehouse import utcnow

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
