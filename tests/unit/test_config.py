"""Settings: everything under GROUNDSWELL_HOME, and a clear error for a broken checkout."""

from __future__ import annotations

import pytest

from groundswell.config import ConfigError, Settings


def test_paths_live_under_home(tmp_path):
    s = Settings(home=tmp_path / "h")
    for path in (s.warehouse_path, s.published_path, s.landing_dir, s.airflow_home, s.logs_dir,
                 s.gx_dir, s.dbt_target_dir):
        assert path.is_relative_to(tmp_path / "h")
    env = s.runtime_env()
    assert env["GROUNDSWELL_WAREHOUSE_PATH"] == str(tmp_path / "h" / "warehouse.duckdb")
    assert env["AIRFLOW_HOME"] == str(tmp_path / "h" / "airflow")
    assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False"
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"


def test_home_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDSWELL_HOME", str(tmp_path / "x"))
    assert Settings().home == tmp_path / "x"


def test_a_checkout_without_dbt_says_how_to_fix_it(tmp_path):
    with pytest.raises(ConfigError, match="GROUNDSWELL_PROJECT_ROOT"):
        Settings(home=tmp_path, project_root=tmp_path).check_project()


def test_apply_exports_no_airflow_settings(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(os, "environ", dict(os.environ))  # undone after the test
    os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    Settings(home=tmp_path).apply()
    assert os.environ["GROUNDSWELL_WAREHOUSE_PATH"] == str(tmp_path / "warehouse.duckdb")
    assert "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in os.environ


def test_the_engine_picks_dbt_s_target_and_its_own_artifacts(tmp_path):
    duck = Settings(home=tmp_path)
    spark = Settings(home=tmp_path, engine="spark")
    cluster = Settings(home=tmp_path, engine="spark", spark_thrift_host="thrift.example")
    assert (duck.dbt_target, spark.dbt_target, cluster.dbt_target) == ("local", "spark", "spark_thrift")
    assert duck.tool_env()["DBT_TARGET"] == "local" and spark.tool_env()["DBT_TARGET"] == "spark"
    # switching engines never reuses the other's partial parse
    assert duck.dbt_target_dir != spark.dbt_target_dir
    assert spark.tool_env()["GROUNDSWELL_SPARK_WAREHOUSE_DIR"] == str(tmp_path / "spark" / "warehouse")
    # the Airflow tasks of a Spark home carry the pseudonyms' key for the sessions Cosmos starts
    assert spark.runtime_env()["GROUNDSWELL_PSEUDONYM_KEY"] == spark.pseudonym_key_value()
    assert "GROUNDSWELL_PSEUDONYM_KEY" not in duck.runtime_env()


def test_an_unknown_engine_says_which_exist(tmp_path):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="'duckdb' or 'spark'"):
        Settings(home=tmp_path, engine="snowflake")


def test_dbt_results_of_a_spark_task_reach_ops_from_its_artifacts(tmp_path):
    """A Cosmos task on Spark runs dbt itself; its run_results.json goes to ops.dbt_results
    (the on-run-end hook cannot reach the DuckDB writer from Spark)."""
    import json

    from groundswell.ops import record_dbt_artifacts
    from groundswell.warehouse import connect

    settings = Settings(home=tmp_path, engine="spark")
    assert record_dbt_artifacts(settings) == 0  # nothing ran yet
    settings.dbt_target_dir.mkdir(parents=True)
    (settings.dbt_target_dir / "run_results.json").write_text(json.dumps({
        "metadata": {"invocation_id": "inv-1"},
        "results": [
            {"unique_id": "model.groundswell.fct_mentions", "status": "success", "failures": None,
             "execution_time": 1.5, "message": "OK"},
            {"unique_id": "test.groundswell.not_null_x.abc", "status": "fail", "failures": 3,
             "execution_time": 0.2, "message": "Got 3 results"},
            {"unique_id": "operation.groundswell.groundswell-on-run-end-0", "status": "success"},
        ]}))
    assert record_dbt_artifacts(settings) == 2
    con = connect(settings.warehouse_path, read_only=True)
    rows = con.execute("select invocation_id, unique_id, resource_type, status, failures "
                       "from ops.dbt_results order by unique_id").fetchall()
    con.close()
    assert rows == [("inv-1", "model.groundswell.fct_mentions", "model", "success", None),
                    ("inv-1", "test.groundswell.not_null_x.abc", "test", "fail", 3)]


def test_the_post_metrics_window_is_a_whole_number_of_days(tmp_path, monkeypatch):
    from pydantic import ValidationError

    assert Settings(home=tmp_path).post_metrics_window_days == 28
    monkeypatch.setenv("GROUNDSWELL_POST_METRICS_WINDOW_DAYS", "0")
    assert Settings(home=tmp_path).post_metrics_window_days == 0
    for bad in ("-1", "1.5", "four weeks", ""):
        monkeypatch.setenv("GROUNDSWELL_POST_METRICS_WINDOW_DAYS", bad)
        with pytest.raises(ValidationError, match="GROUNDSWELL_POST_METRICS_WINDOW_DAYS must be a whole "
                           "number of days, 0 or more"):
            Settings(home=tmp_path)
