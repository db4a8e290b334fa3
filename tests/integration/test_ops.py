"""The ops schema: what each run landed, tested and validated, and how fresh each source is, from
the real pipeline (land, `dbt source freshness`, dbt build's on-run-end hook, the gate)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb

# Airflow configures logging when it is first imported (the alerts module imports it), which
# replaces the root logger's handlers: imported here, before caplog adds its handler.
import groundswell.serve.alerts  # noqa: F401
from groundswell.land.demo import generate
from groundswell.land.landing import land_everything
from groundswell.run.build import Options
from groundswell.run.build import freshness as freshness_step
from groundswell.runs import utcnow
from groundswell.transform.dbt import manifest_path
from groundswell.warehouse import connect


def _rewrite(settings, table: str, replace: str) -> None:
    """Every landing of ``table`` in the lake rewritten with ``replace`` (a ``* replace`` list)."""
    con = duckdb.connect()
    for path in Path(settings.raw_lake.path("raw", table)).rglob("*.parquet"):
        con.execute(f"copy (select * replace ({replace}) from "
                    f"read_parquet('{path}', hive_partitioning = false)) to '{path}.new' (format parquet)")
        Path(f"{path}.new").replace(path)


def test_freshness_is_recorded_per_source_late_ones_flagged_and_empty_ones_told_apart(settings, caplog,
                                                                                       monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", raising=False)
    # Data up to yesterday: every source's newest event is recent (the default demo ends on a
    # fixed day, which is weeks old by event time).
    generate(settings.landing_dir, scale="tiny", end_date=(utcnow() - timedelta(days=1)).date())
    land_everything(settings)
    # The CRM export stopped arriving four days ago: its landings, as if stamped 100 hours earlier.
    _rewrite(settings, "crm__deals", "_loaded_at - interval 100 hour as _loaded_at")
    # Web sessions land every day, but the export is stuck: its newest session is 33 days old.
    _rewrite(settings, "web__sessions", "started_at - interval 33 day as started_at")
    counts = freshness_step(settings, Options())  # the build's step: record, then alert the late
    con = connect(settings.warehouse_path, read_only=True)
    try:
        rows = {(r[0], r[1]): r[2:] for r in con.execute(
            "select source_name, table_name, status, late_by, age_hours, max_event_at, event_age_hours "
            "from ops.source_freshness").fetchall()}
    finally:
        con.close()
    status = {key: row[0] for key, row in rows.items()}
    _, late_by, age, _, _ = rows[("crm", "crm__deals")]
    assert status[("crm", "crm__deals")] == "error" and late_by == "load time" and age > 100
    # Loaded minutes ago, and late all the same: by event time.
    _, late_by, age, newest, event_age = rows[("web", "web__sessions")]
    assert status[("web", "web__sessions")] == "error" and late_by == "event time"
    assert age < 1 and 33 * 24 < event_age < 35 * 24
    assert newest < utcnow() - timedelta(days=33)
    # Fresh by both: the newest tweet of yesterday's drop, a day or so old.
    _, late_by, _, newest, event_age = rows[("x", "x__tweets")]
    assert status[("x", "x__tweets")] == "pass" and late_by is None and 0 < event_age < 48
    # A table with no event time declared is judged by load time alone.
    assert rows[("crm", "crm__accounts")][0] == "pass" and rows[("crm", "crm__accounts")][3] is None
    # Nothing ever landed in the Fivetran tables (the demo uses the file drops): each counted.
    never = {key for key, s in status.items() if s == "no data"}
    assert ("fivetran", "fivetran__twitter_organic__tweet") in never
    assert counts["no data"] == len(never) >= 10
    assert all(rows[key][1:] == (None, None, None, None) for key in never)
    assert counts["error"] == 2 and counts["pass"] >= 20
    # The late sources are alerted (no connection here: the log), once: the next check that day is quiet.
    assert "groundswell sources late (error): " in caplog.text
    assert "crm.crm__deals: error" in caplog.text and "web.web__sessions: error" in caplog.text
    assert "stale data: its newest event" in caplog.text
    caplog.clear()
    assert freshness_step(settings, Options())["error"] == 2
    assert "groundswell sources late" not in caplog.text
    con = connect(settings.warehouse_path, read_only=True)
    try:
        assert con.execute("select alert_key, kind, channel from ops.alerts order by 1").fetchall() == [
            (f"source_late:error:crm.crm__deals:{utcnow():%Y-%m-%d}", "source_late", "log"),
            (f"source_late:error:web.web__sessions:{utcnow():%Y-%m-%d}", "source_late", "log")]
    finally:
        con.close()


def test_each_run_is_recorded_with_rows_tests_and_gate(published_home):
    """The published tiny demo: one landing, one dbt build and one gate, each counted."""
    manifest = json.loads(manifest_path_for(published_home).read_text())
    test_nodes = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    unit_tests = manifest.get("unit_tests", {})
    con = connect(published_home / "published" / "warehouse.duckdb", read_only=True)
    try:
        landed = con.execute("select sum(rows_received), sum(rows_landed), sum(rows_quarantined) "
                             "from ops.pipeline_runs").fetchone()
        audit = con.execute("select sum(received), sum(landed), sum(quarantined) "
                            "from ops.load_audit").fetchone()
        tested = con.execute("select sum(tests_run), sum(tests_failed), sum(models_built) "
                             "from ops.pipeline_runs").fetchone()
        gate = con.execute("select suites_run, suites_failed, gate_passed from ops.pipeline_runs "
                           "where run_id = (select run_id from meta.snapshot)").fetchone()
        payload_columns = con.execute("select count(*) from duckdb_columns() where schema_name = 'ops' "
                                      "and column_name = 'payload'").fetchone()[0]
    finally:
        con.close()
    assert landed == audit and landed[0] == landed[1] + landed[2] > 0
    assert tested[0] == len(test_nodes) + len(unit_tests) and tested[1] == 0
    assert tested[2] > 50
    assert gate[0] >= 10 and gate[1:] == (0, True)
    assert payload_columns == 0  # quarantined payloads stay in the writer


def manifest_path_for(home):
    from tests.conftest import make_settings

    return manifest_path(make_settings(home))
