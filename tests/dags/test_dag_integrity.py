"""Every DAG imports, is tagged, retries, and writes DuckDB only through the one-slot pool
(landing writes the lake, and runs outside it)."""

from __future__ import annotations

import os

import pytest

from groundswell.land.sources import SOURCES
from groundswell.run.orchestration import WRITER_POOL

EXPECTED = {"groundswell_land", "groundswell_build", "groundswell_digest"}


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    from groundswell.config import Settings

    home = tmp_path_factory.mktemp("dagbag") / "home"
    settings = Settings(home=home)
    old = dict(os.environ)
    os.environ.update(settings.runtime_env())
    try:
        from airflow.dag_processing.dagbag import DagBag

        yield DagBag(dag_folder=str(settings.dags_dir))
    finally:
        os.environ.clear()
        os.environ.update(old)


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert EXPECTED <= set(dagbag.dag_ids)


def test_dags_are_tagged_documented_and_retry(dagbag):
    for dag_id in EXPECTED:
        dag = dagbag.dags[dag_id]
        assert "groundswell" in dag.tags
        assert dag.doc_md and dag_id in dag.doc_md
        for task in dag.tasks:
            assert task.retries >= 2, f"{dag_id}.{task.task_id} retries {task.retries}"


def test_every_task_that_fails_for_good_alerts(dagbag):
    from groundswell.run.orchestration import on_task_failure

    for dag_id in (*EXPECTED, "groundswell_listen"):
        for task in dagbag.dags[dag_id].tasks:
            assert on_task_failure in (task.on_failure_callback or []), f"{dag_id}.{task.task_id}"


def test_the_build_checks_source_freshness_before_it_builds(dagbag):
    build = dagbag.dags["groundswell_build"]
    freshness = build.get_task("freshness")
    assert freshness.pool == WRITER_POOL
    assert {t.task_id for t in freshness.upstream_list} == {"prepare"}
    assert {t.task_id for t in freshness.downstream_list} == {"test_sources"}
    # The sources' own tests, which Cosmos does not render, before anything reads them.
    tested = build.get_task("test_sources")
    assert tested.pool == WRITER_POOL
    assert {t.task_id for t in tested.downstream_list} == {"enrich"}


def test_every_task_that_writes_duckdb_is_in_the_writer_pool(dagbag):
    land = dagbag.dags["groundswell_land"]
    landers = [t for t in land.tasks if t.task_id.startswith("land_")]
    # Landing writes the lake, not the database: land tasks run side by side, outside the pool.
    # One task per source family (a backfill day pays the task start-up per family).
    assert {t.task_id for t in landers} == {f"land_{s.family}" for s in SOURCES.values()}
    assert all(t.pool != WRITER_POOL for t in landers)
    listen = dagbag.dags["groundswell_listen"]
    assert listen.get_task("land").pool != WRITER_POOL
    assert all(t.pool == WRITER_POOL for t in listen.tasks if t.task_id != "land")
    # API fetches write files, not the database: they run outside the pool, before their landing.
    fetchers = [t for t in land.tasks if t.task_id.startswith("fetch_")]
    assert {t.task_id for t in fetchers} == {"fetch_x", "fetch_x_followers", "fetch_facebook"}
    for t in fetchers:
        assert t.pool != WRITER_POOL
        assert {d.task_id for d in t.downstream_list} <= {f.task_id for f in landers}
    build = dagbag.dags["groundswell_build"]
    writers = [t for t in build.tasks if t.task_id != "publish"]
    assert writers and all(t.pool == WRITER_POOL for t in writers)


def test_build_is_scheduled_on_the_land_assets(dagbag):
    land = dagbag.dags["groundswell_land"]
    emitted = {o.uri for t in land.tasks for o in t.outlets}
    build = dagbag.dags["groundswell_build"]
    condition = build.timetable.asset_condition
    # Every family must have landed (AssetAll): one build per land run, not one per source.
    assert type(condition).__name__ == "AssetAll"
    consumed = {a.uri for a in condition.objects}
    assert emitted and emitted == consumed


def test_dbt_runs_as_one_build_task_per_model_with_its_tests(dagbag):
    build = dagbag.dags["groundswell_build"]
    ids = set(build.task_ids)
    assert {"dbt.fct_post_performance_model_build", "dbt.stg_x__tweets_model_build", "dbt.brands_seed_build",
            "prepare", "enrich", "validate", "publish"} <= ids
    # `dbt build --select` the node: its data and unit tests run in the same task, after it. A test
    # across two models (a relationship) is its own task, once both are built.
    post = build.get_task("dbt.fct_post_performance_model_build")
    assert post.select == "fqn:groundswell.marts.content.fct_post_performance"
    relationship = next(t for t in build.tasks
                        if t.task_id.startswith("dbt.relationships_fct_post_performance"))
    assert {"dbt.fct_post_performance_model_build",
            "dbt.dim_date_model_build"} <= relationship.upstream_task_ids
    assert relationship.task_id.removeprefix("dbt.").removesuffix("_test") in post.exclude
    # Enrichment writes enrichment.texts after prepare (and the source checks), before any
    # dbt model reads it.
    enrich = build.get_task("enrich")
    assert enrich.upstream_task_ids == {"test_sources"}
    assert enrich.downstream_task_ids and all(t.startswith("dbt.") for t in enrich.downstream_task_ids)
    dbt_roots = [t for t in build.tasks if t.task_id.startswith("dbt.")
                 and not any(u.startswith("dbt.") for u in t.upstream_task_ids)]
    assert dbt_roots and all("enrich" in t.upstream_task_ids for t in dbt_roots)
    validate = build.get_task("validate")
    assert "publish" in validate.downstream_task_ids
    assert any(t.startswith("dbt.") for t in validate.upstream_task_ids)


def test_the_digest_is_weekly_and_records_through_the_writer_pool(dagbag):
    digest = dagbag.dags["groundswell_digest"]
    assert digest.timetable.expression == "0 7 * * 1"  # GROUNDSWELL_DIGEST_SCHEDULE's default
    (send,) = digest.tasks
    assert send.pool == WRITER_POOL  # it records each mail in ops.alerts


def test_the_build_dag_runs_the_build_steps_of_the_cli_in_their_order(dagbag):
    """One list of steps (groundswell.run.build.STEPS): each task after the step before it, the dbt
    task group between enrich and validate."""
    from groundswell.run.build import STEPS

    build = dagbag.dags["groundswell_build"]
    dbt_tasks = [t for t in build.tasks if t.task_id.startswith("dbt.")]
    for before, after in zip(STEPS, STEPS[1:], strict=False):
        if after.dbt:
            first = [t for t in dbt_tasks if not t.upstream_task_ids & {d.task_id for d in dbt_tasks}]
            assert first and all(before.name in t.upstream_task_ids for t in first)
        elif before.dbt:
            assert {t.task_id for t in dbt_tasks} & build.get_task(after.name).upstream_task_ids
        else:
            assert build.get_task(after.name).upstream_task_ids == {before.name}
    assert {t.task_id for t in build.tasks if not t.task_id.startswith("dbt.")} == \
        {s.name for s in STEPS if not s.dbt}
