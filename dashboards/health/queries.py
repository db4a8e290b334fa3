"""The health page's queries: the semantic layer's metrics and the rows it shows, for the page's filters."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboards.care.queries import COVERAGE_COLUMNS, COVERAGE_MART
from dashboards.shared.queries import has_column, has_table
from groundswell.land.sources.base import BRAND_CONFIGURATION

HEALTH_TABLES = ("ops.source_freshness", "ops.pipeline_runs", "ops.quarantine_summary",
                 "ops.validation_results", "ops.dbt_results", "ops.alerts")
FRESHNESS_COLUMNS = ("source_name", "table_name", "status", "late_by", "max_loaded_at", "age_hours",
                     "max_event_at", "event_age_hours", "warn_after_hours", "error_after_hours", "checked_at")
#: Columns ops.source_freshness gained with event time (groundswell.warehouse.OPS_ADDED_COLUMNS):
#: NULL when the snapshot was published before them.
_EVENT_COLUMNS = {"max_event_at": "TIMESTAMP", "event_age_hours": "DOUBLE", "late_by": "VARCHAR"}
RUN_COLUMNS = ("dag_id", "run_id", "started_at", "finished_at", "rows_received", "rows_landed",
               "rows_quarantined", "models_built", "models_failed", "tests_run", "tests_failed",
               "suites_run", "suites_failed", "gate_passed")


def health_available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the snapshot carries the ops tables (one published before they existed does not)."""
    return all(has_table(con, t) for t in HEALTH_TABLES)


def health_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """The snapshot's age and gate, the sources per freshness status, the latest build's tests."""
    snapshot_at, run_id = con.execute("select snapshot_at, run_id from meta.snapshot").fetchone()
    latest = _latest_freshness(con)
    statuses = dict(con.execute(f"select status, count(*) from ({latest}) group by status").fetchall())
    # Late by event time: landed lately, but what landed is old (stale data).
    (stale,) = con.execute(f"select count(*) from ({latest}) where status in ('error', 'runtime error') "
                           "and late_by like '%event%'").fetchone()
    suites, suites_failed = con.execute(
        "select count(*), count(*) filter (where not success) from ops.validation_results "
        "where run_id = ?", [run_id]).fetchone()
    # The latest run that ran tests: a build, possibly in several dbt invocations (one per task).
    tests = con.execute("""
        select run_id, count(*), count(*) filter (where status in ('fail', 'error'))
        from ops.dbt_results
        where resource_type in ('test', 'unit_test')
          and run_id = (select arg_max(run_id, recorded_at) from ops.dbt_results
                        where resource_type in ('test', 'unit_test'))
        group by run_id""").fetchone() or (None, 0, 0)
    quarantined_7d = con.execute("""
        select coalesce(sum(quarantined), 0) from ops.load_audit
        where finished_at >= (select max(finished_at) from ops.load_audit) - interval 7 day""").fetchone()[0]
    return {"snapshot_at": snapshot_at, "run_id": run_id, "freshness": statuses, "stale_by_event": stale,
            "suites": suites, "suites_failed": suites_failed, "tests_run_id": tests[0],
            "tests_run": tests[1], "tests_failed": tests[2], "quarantined_7d": int(quarantined_7d)}


def _latest_freshness(con: duckdb.DuckDBPyConnection) -> str:
    """Each source's latest freshness check, with every column of FRESHNESS_COLUMNS."""
    missing = "".join(f", null::{kind} as {c}" for c, kind in _EVENT_COLUMNS.items()
                      if not has_column(con, "ops.source_freshness", c))
    return f"""
        select *{missing} from ops.source_freshness
        qualify row_number() over (partition by source_name, table_name order by checked_at desc) = 1"""


def health_freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each source's latest check: the late ones first (error, runtime error, warn), then the
    fresh, then the sources that never landed."""
    return con.execute(f"""
        select {', '.join(FRESHNESS_COLUMNS)} from ({_latest_freshness(con)})
        order by case status when 'error' then 0 when 'runtime error' then 1 when 'warn' then 2
                 when 'pass' then 3 else 4 end, source_name, table_name""").df()


def health_runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest runs of every DAG (and CLI), newest first."""
    return con.execute(f"select {', '.join(RUN_COLUMNS)} from ops.pipeline_runs "
                       "order by finished_at desc nulls last limit ?", [int(limit)]).df()


def health_unknown_brands(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Records quarantined because the brand they name is not configured (the value contract of
    brand fields: docs/sources.md, "Value contracts"), per source and reason, the most first."""
    return con.execute("""
        select source, reason, records from ops.quarantine_summary
        where reason like ? order by records desc, source, reason""",
                       [f"% is not a brand of {BRAND_CONFIGURATION}:%"]).df()


def health_quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Records set aside per source and reason, the most first."""
    return con.execute("""
        select source, reason, records, first_quarantined_at, last_quarantined_at
        from ops.quarantine_summary order by records desc, source, reason""").df()


def health_coverage(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Brand × channel pairs with replies whose parent is not in the data, incomplete ones first
    (agg_care_coverage); empty for a snapshot published before the mart."""
    if not has_table(con, COVERAGE_MART):
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    return con.execute(f"select {', '.join(COVERAGE_COLUMNS)} from {COVERAGE_MART} "
                       "where orphan_replies > 0 order by threads_incomplete desc, orphan_replies desc, "
                       f"brand, channel limit {int(limit)}").df()


def health_coverage_batches(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest batches that brought orphan replies, per brand and channel
    (agg_care_coverage_batches)."""
    if not has_table(con, "marts.agg_care_coverage_batches"):
        return pd.DataFrame()
    return con.execute(
        "select _loaded_at as loaded_at, source, _batch_id as batch_id, brand, channel, brand_replies, "
        "orphan_replies from marts.agg_care_coverage_batches where orphan_replies > 0 "
        f"order by _loaded_at desc, orphan_replies desc, brand, channel limit {int(limit)}").df()


def health_gate(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The validation suites of the run that published this snapshot, failed first."""
    return con.execute("""
        select suite, success, rows_checked, failed_expectations, validated_at
        from ops.validation_results
        where run_id = (select run_id from meta.snapshot)
        order by success, suite""").df()


def health_failures(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """dbt nodes that failed, errored or warned, newest first."""
    return con.execute("""
        select recorded_at, dag_id, run_id, resource_type, unique_id, status, failures, message
        from ops.dbt_results where status in ('error', 'fail', 'warn')
        order by recorded_at desc, unique_id limit ?""", [int(limit)]).df()


def health_alerts(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Alerts sent (crisis episodes, failed tasks), newest first."""
    return con.execute("select created_at, kind, channel, subject from ops.alerts "
                       "order by created_at desc, alert_key limit ?", [int(limit)]).df()
