"""The same dbt project on Spark (local[2], GROUNDSWELL_ENGINE=spark) publishes the same marts as on
DuckDB, from the same lake: every mart, every column, rows as multisets, doubles to a relative 1e-9
(tests/engines.py). docs/operations.md, "Scaling out".

The tiny demo here (make test); the small one in make e2e (marker reliability). Spark runs in the
`groundswell` processes (dbt-spark's session method: pyspark on Debian's JRE, `make spark`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.engines import differences

GS = str(Path(sys.executable).parent / "groundswell")

pytestmark = pytest.mark.slow

#: Columns the engines may legitimately give differently, with why (none so far: every ordering
#: the marts depend on has an explicit tie-breaker, docs/metrics.md).
LEGITIMATE: dict[str, str] = {}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([GS, *args], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (f"groundswell {' '.join(args)}:\n"
                                  + done.stdout[-4000:] + done.stderr[-4000:])
    return done


@pytest.mark.parametrize("scale", ["tiny", pytest.param("small", marks=pytest.mark.reliability)])
def test_spark_publishes_the_marts_duckdb_publishes(tmp_path, scale):
    duck, spark = tmp_path / "duckdb", tmp_path / "spark"
    base = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    env = dict(base, GROUNDSWELL_HOME=str(duck), GROUNDSWELL_PSEUDONYM_KEY="engines-key")
    for command in (["generate", "--scale", scale], ["land"], ["build"]):
        _run(command, env)
    # The Spark home reads the DuckDB home's lake: the same landings, nothing landed twice.
    spark_env = dict(env, GROUNDSWELL_HOME=str(spark), GROUNDSWELL_LAKE=str(duck / "lake"),
                     GROUNDSWELL_ENGINE="spark")
    _run(["build"], spark_env)
    # dbt's own words, in the build's log (the terminal gets a line per step): the Spark home's one build
    (log,) = (spark / "logs").glob("build-*.log")
    assert "target='spark'" in log.read_text()

    published = spark / "published" / "warehouse.duckdb"
    assert differences(duck / "published" / "warehouse.duckdb", published) == LEGITIMATE
    assert differences(duck / "published" / "warehouse.duckdb", published, "seeds") == {}
    with duckdb.connect(str(published), read_only=True) as con:
        # built by Spark, validated by the gate, with its run's dbt results and dbt's descriptions
        assert con.execute("select count(*) from ops.validation_results where success").fetchone()[0] > 0
        statuses = dict(con.execute("select status, count(*) from ops.dbt_results "
                                    "where resource_type = 'model' group by all").fetchall())
        assert statuses == {"success": statuses.get("success", 0)} and statuses["success"] >= 60
        assert con.execute("select comment from duckdb_tables() where schema_name = 'marts' "
                           "and table_name = 'fct_social_roi'").fetchone()[0]
    assert not (spark / "warehouse.duckdb").exists() or not _has_marts(spark / "warehouse.duckdb")


def _has_marts(path: Path) -> bool:
    """Whether DuckDB built marts in the writer (it must not, on Spark)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from duckdb_tables() "
                           "where schema_name = 'marts'").fetchone()[0] > 0


@pytest.mark.reliability
def test_the_spark_demo_runs_through_airflow_and_the_dashboards_serve_it(tmp_path):
    """`GROUNDSWELL_ENGINE=spark groundswell demo --scale tiny --no-serve`: Airflow's land and build
    DAGs (Cosmos' tasks against the Spark target, in `airflow dags test`'s one process), the gate
    and publish; the dashboards then read the snapshot as they read DuckDB's. About 6 minutes."""
    from dashboards.overview import queries as overview_queries
    from groundswell.config import Settings
    from tests.dashboards.conftest import serving

    home = tmp_path / "home"
    base = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    env = dict(base, GROUNDSWELL_HOME=str(home), GROUNDSWELL_ENGINE="spark")
    done = subprocess.run([GS, "demo", "--scale", "tiny", "--no-serve"], env=env, capture_output=True,
                          text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

    build_log = (home / "logs" / "airflow-dags-test-groundswell_build.log").read_text()
    assert "DagRun Finished: dag_id=groundswell_build" in build_log and ", state=success," in build_log
    assert "[DAG TEST] end task task_id=dbt.fct_mentions_model_build" in build_log
    # Spark built the marts: their tables are Parquet under Spark's warehouse, none in the writer
    settings = Settings(home=home, engine="spark")
    assert list(Path(settings.spark_warehouse_dir, "marts.db", "fct_mentions").glob("*.parquet"))
    assert not _has_marts(settings.warehouse_path)

    published = home / "published" / "warehouse.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        run_id = con.execute("select run_id from meta.snapshot").fetchone()[0]
        assert run_id.startswith("manual__")  # published by the DAG run, not the CLI
        # Cosmos' tasks recorded their dbt results (the Spark callback): every model, succeeded
        models = dict(con.execute(
            "select status, count(distinct unique_id) from ops.dbt_results where resource_type = 'model' "
            "and dag_id = 'groundswell_build' and run_id = ? group by all", [run_id]).fetchall())
        assert set(models) == {"success"} and models["success"] >= 60
        options = overview_queries.overview_options(con)
        kpis = overview_queries.kpis(con, options.first_date, options.last_date)
    assert options.brands and kpis["posts"] > 50

    # `groundswell serve --demo` (gunicorn), as a user starts it: a server, not Flask's test client,
    # whose async hooks refuse to run where pytest-playwright's loop runs (make e2e's browser tests)
    with serving(home) as url:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as health:
            assert json.load(health) == {"status": "ok", "snapshot": True}
        with urllib.request.urlopen(url + "/", timeout=30) as page:
            assert page.status == 200
