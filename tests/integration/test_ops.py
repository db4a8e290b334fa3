"""The ops schema: what each run landed, tested and validated, and how fresh each source is, from
the real pipeline (land, `dbt source freshness`, dbt build's on-run-end hook, the gate)."""

from __future__ import annotations

import json
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


def test_freshness_is_recorded_per_source_late_ones_flagged_and_empty_ones_told_apart(settings, caplog,
                                                                                       monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", raising=False)
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    # The CRM export stopped arriving four days ago: its landings, as if stamped 100 hours earlier.
    rewrite = duckdb.connect()
    for path in Path(settings.raw_lake.path("raw", "crm__deals")).rglob("*.parquet"):
        rewrite.execute(f"copy (select * replace (_loaded_at - interval 100 hour as _loaded_at) from "
                        f"read_parquet('{path}', hive_partitioning = false)) to '{path}.new' "
                        "(format parquet)")
        Path(f"{path}.new").replace(path)
    counts = freshness_step(settings, Options())  # the build's step: record, then alert the late
    con = connect(settings.warehouse_path, read_only=True)
    try:
        status = dict(((s, t), st) for s, t, st in con.execute(
            "select source_name, table_name, status from ops.source_freshness").fetchall())
        ((age,),) = con.execute("select age_hours from ops.source_freshness "
                                "where table_name = 'crm__deals'").fetchall()
    finally:
        con.close()
    assert status[("crm", "crm__deals")] == "error" and age > 100
    assert status[("x", "x__tweets")] == "pass"
    assert status[("fivetran", "fivetran__twitter_organic__tweet")] == "no data"  # never landed
    assert counts["error"] == 1 and counts["pass"] >= 20
    # The late source is alerted (no connection here: the log), once: the next check that day is quiet.
    assert "groundswell sources late (error): crm.crm__deals" in caplog.text
    caplog.clear()
    assert freshness_step(settings, Options())["error"] == 1
    assert "groundswell sources late" not in caplog.text
    con = connect(settings.warehouse_path, read_only=True)
    try:
        assert con.execute("select alert_key, kind, channel from ops.alerts").fetchall() == [
            (f"source_late:error:crm.crm__deals:{utcnow():%Y-%m-%d}", "source_late", "log")]
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
