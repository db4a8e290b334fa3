"""The newcomer's path: `groundswell demo --scale tiny --no-serve` through real Airflow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from groundswell.config import Settings
from groundswell.transform.dbt import manifest_path
from groundswell.warehouse import connect

GS = str(Path(sys.executable).parent / "groundswell")


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    env = dict(os.environ, GROUNDSWELL_HOME=str(home))
    proc = subprocess.run([GS, "demo", "--scale", "tiny", "--no-serve"], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "published" in proc.stdout
    return home


def test_demo_publishes_a_snapshot_with_posts(demo_home):
    con = connect(demo_home / "published" / "warehouse.duckdb", read_only=True)
    try:
        posts = con.execute("select count(*) from marts.fct_post_performance").fetchone()[0]
        run_id = con.execute("select run_id from meta.snapshot").fetchone()[0]
    finally:
        con.close()
    assert posts > 50
    assert run_id.startswith("manual__")  # published by the Airflow DAG run, not the CLI


def test_both_dags_ran_through_airflow_and_succeeded(demo_home):
    logs = demo_home / "logs"
    for dag_id in ("groundswell_land", "groundswell_build"):
        text = (logs / f"airflow-dags-test-{dag_id}.log").read_text()
        assert f"DagRun Finished: dag_id={dag_id}" in text
        assert ", state=success," in text
    build_log = (logs / "airflow-dags-test-groundswell_build.log").read_text()
    for task in ("dbt.fct_post_performance_model_build", "validate", "publish"):
        assert f"[DAG TEST] end task task_id={task}" in build_log
    assert (demo_home / "airflow" / "airflow.db").exists()


def test_the_airflow_build_runs_every_dbt_test_once_as_the_cli_build_does(demo_home):
    """Cosmos's `dbt build` task per model or seed, the detached tests of two parents and
    ``test_sources``: together every data test and unit test of the project, each once, in the
    published run."""
    manifest = json.loads(manifest_path(Settings(home=demo_home)).read_text())
    expected = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    expected |= set(manifest.get("unit_tests", {}))
    con = connect(demo_home / "published" / "warehouse.duckdb", read_only=True)
    try:
        ran = dict(con.execute("""
            select unique_id, count(*) from ops.dbt_results
            where resource_type in ('test', 'unit_test') and dag_id = 'groundswell_build'
              and run_id = (select run_id from meta.snapshot)
            group by all""").fetchall())
    finally:
        con.close()
    assert sorted(expected - set(ran)) == [] and sorted(set(ran) - expected) == []
    assert {uid for uid, n in ran.items() if n > 1} == set()


def test_land_dag_lands_only_its_data_interval(demo_home):
    """A scheduled run for one logical date lands that day's partition, replacing it."""
    from groundswell.config import Settings
    from groundswell.run.airflow_runner import dags_test

    settings = Settings(home=demo_home)
    con = connect(settings.warehouse_path, read_only=True)
    before = con.execute("select count(*) from raw.load_audit").fetchone()[0]
    rows_before = con.execute("select count(*) from raw.crm__deals").fetchone()[0]
    con.close()
    dags_test("groundswell_land", settings, logical_date="2026-10-21T02:00:00+00:00")
    con = connect(settings.warehouse_path, read_only=True)
    try:
        new = con.execute(
            "select source, files[1] from raw.load_audit order by finished_at desc limit ?",
            [con.execute("select count(*) from raw.load_audit").fetchone()[0] - before],
        ).fetchall()
        rows_after = con.execute("select count(*) from raw.crm__deals").fetchone()[0]
    finally:
        con.close()
    # One batch per source that sent files that day (contacts come once, the survey quarterly).
    from groundswell.land.sources import SOURCES

    sent = {key for key, s in SOURCES.items()
            if any((settings.landing_dir / s.drop_dir / "dt=2026-10-20").glob(s.file_pattern))}
    assert len(sent) >= 12
    assert sorted(source for source, _ in new) == sorted(sent)
    # The run at 02:00 on the 21st covers [20th 02:00, 21st 02:00): the 20th's partition.
    assert {Path(f).parent.name for _, f in new} == {"dt=2026-10-20"}
    assert rows_after == rows_before  # the day was replaced, not added again


def test_listen_dag_alerts_each_crisis_once_through_the_webhook(demo_home, webhook, monkeypatch):
    """The hourly DAG through real Airflow: land, enrich, the listening models, then one alert per
    new episode of our brands, POSTed to a webhook connection (a local server), and none again."""
    from groundswell.config import Settings
    from groundswell.run.airflow_runner import dags_test

    monkeypatch.setenv("GROUNDSWELL_ALERT_RECENT_HOURS", "100000")  # the demo's episodes are old
    settings = Settings(home=demo_home)
    dags_test("groundswell_listen", settings, logical_date="2026-10-31T05:05:00+00:00")
    first = list(webhook.bodies)
    dags_test("groundswell_listen", settings, logical_date="2026-10-31T06:05:00+00:00")

    log = (demo_home / "logs" / "airflow-dags-test-groundswell_listen.log").read_text()
    assert "[DAG TEST] end task task_id=dbt.fct_crisis_episodes_model_build" in log
    con = connect(settings.warehouse_path, read_only=True)
    try:
        ours = con.execute("select episode_id, brand from marts.fct_crisis_episodes join seeds.brands "
                           "using (brand) where not is_competitor order by episode_id").fetchall()
        # Crisis alerts only: the demo's data ends on a fixed day, so its build also alerts the
        # sources late by event time (docs/operations.md, "Freshness by load time and by event time").
        recorded = con.execute("select alert_key, channel, subject from ops.alerts "
                               "where kind = 'crisis' order by alert_key").fetchall()
    finally:
        con.close()
    assert ours, "the tiny demo injects a crisis per brand"
    assert [(k, c) for k, c, _ in recorded] == [(f"crisis:{e}", "webhook") for e, _ in ours]
    assert sorted(p["subject"] for p in first) == sorted(s for *_, s in recorded)
    assert all(brand in p["text"] for p, (_, brand) in zip(sorted(first, key=lambda p: p["subject"]),
                                                           sorted(ours, key=lambda o: o[1]), strict=True))
    assert len(webhook.bodies) == len(first)  # the second run found nothing new: one alert per episode


def test_build_dag_stops_at_the_gate_and_the_old_snapshot_stays(demo_home, tmp_path):
    """Runs last: it lands a bad batch into the demo's warehouse."""
    import json

    from groundswell.config import Settings
    from groundswell.land.landing import land_files
    from groundswell.run.airflow_runner import AirflowRunError, dags_test

    settings = Settings(home=demo_home)
    published = settings.published_path
    con = connect(published, read_only=True)
    before = con.execute("select snapshot_at, (select count(*) from marts.fct_post_performance) "
                         "from meta.snapshot").fetchone()
    con.close()

    page = json.loads(next((settings.landing_dir / "x/tweets").rglob("timeline-*.json")).read_text())
    for t in page["data"]:
        t["id"] = "8" + t["id"][1:]
        t["public_metrics"]["like_count"] = -5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(page))
    land_files("x-tweets", [bad], settings)

    with pytest.raises(AirflowRunError, match="ended failed"):
        dags_test("groundswell_build", settings)
    log = (demo_home / "logs" / "airflow-dags-test-groundswell_build.log").read_text()
    assert "validation gate failed; publish stopped" in log
    assert "[DAG TEST] end task task_id=publish" not in log
    con = connect(published, read_only=True)
    try:
        after = con.execute("select snapshot_at, (select count(*) from marts.fct_post_performance) "
                            "from meta.snapshot").fetchone()
    finally:
        con.close()
    assert after == before
    assert not list(settings.published_dir.glob(".candidate-*"))
