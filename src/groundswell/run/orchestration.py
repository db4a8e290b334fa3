"""What the DAG files share: assets, defaults, the writer pool and the task bodies.

DAG files only wire these together; the CLI and the tests call the same
functions, so nothing runs under Airflow that cannot be run without it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from groundswell.config import Settings, get_settings

log = logging.getLogger(__name__)

#: Every task that opens the writer database runs in this pool of one slot:
#: DuckDB allows a single writing process per file. Land tasks write the raw lake, not the
#: database, and run outside it (groundswell.lake).
WRITER_POOL = "duckdb_writer"
WRITER_POOL_DESCRIPTION = "DuckDB allows one writer per file: every task that writes it"

def on_task_failure(context) -> None:
    """A task failed for good (retries spent): alert it like a crisis (``groundswell.serve.alerts``)."""
    from groundswell.serve.alerts import task_failure_alert

    task_failure_alert(context)


DEFAULT_ARGS = {
    "owner": "groundswell",
    "retries": 2,
    # Embedded runs (`groundswell demo`, the tests) shorten this so a failure ends in seconds.
    "retry_delay": timedelta(seconds=int(os.environ.get("GROUNDSWELL_RETRY_DELAY_SECONDS", 300))),
    "retry_exponential_backoff": True,
    "on_failure_callback": on_task_failure,
}


def asset_uri(family: str) -> str:
    return f"groundswell://warehouse/raw/{family}"


def land_source(source_key: str, start: date | None, end: date | None,
                scope: str = "interval") -> dict:
    """Land one source's partitions in ``[start, end)`` (``scope="all"``: every partition)."""
    from groundswell.land.landing import land_interval

    if scope == "all":
        start = end = None
    elif scope != "interval":
        raise ValueError(f"scope must be 'interval' or 'all', not {scope!r}")
    results = land_interval(source_key, start, end)
    return {
        "source": source_key,
        "batches": len(results),
        "received": sum(r.received for r in results),
        "landed": sum(r.landed for r in results),
        "quarantined": sum(r.quarantined for r in results),
    }


def land_family(family: str, start: date | None, end: date | None, scope: str = "interval") -> list[dict]:
    """Land every source of one family (the land DAG's task: one per family, so a backfill's days
    pay Airflow's task start-up per family, not per source), each in turn. A source that fails
    does not stop the others; the task fails after them, naming every source that failed."""
    from groundswell.land.sources import SOURCES

    results, failed = [], []
    for key in sorted(k for k, s in SOURCES.items() if s.family == family):
        try:
            results.append(land_source(key, start, end, scope=scope))
        except Exception as exc:  # reported below, after the family's other sources
            log.exception("landing %s failed", key)
            failed.append(f"{key}: {exc}")
    if not results and not failed:
        raise ValueError(f"no source has the family {family!r}")
    if failed:
        raise RuntimeError(f"{len(failed)} of the {family} sources failed to land: " + "; ".join(failed))
    return results


def fetch_source(reader_name: str, start: datetime, end: datetime) -> dict:
    """Fetch one reader's API pages for ``[start, end)`` into the landing folder.

    Without credentials (no env var, no Airflow connection) the task is
    skipped, not failed: a deployment that receives its files as drops has no
    reason to configure API tokens, and landing runs either way.
    """
    from airflow.sdk.exceptions import AirflowSkipException

    from groundswell.land.readers import READERS, fetch_interval
    from groundswell.land.readers.http import MissingCredentialsError

    try:
        READERS[reader_name].connect().close()
    except MissingCredentialsError as exc:
        raise AirflowSkipException(f"{exc}; landing what was dropped by other means") from exc
    result = fetch_interval(reader_name, start, end)
    return {"reader": reader_name, "partition": result.partition.isoformat(), "pages": result.pages,
            "records": result.records}


def build_tasks():
    """Each step of the build (groundswell.run.build) as an Airflow task, in order: dbt as Cosmos'
    task group, the steps that open the writer in its pool, each task after the one before it
    (publish takes the validated candidate from validate). Call it inside the ``@dag`` function."""
    from airflow.sdk import task

    from groundswell.run import build

    previous = None
    for step in build.STEPS:
        if step.dbt:
            node = dbt_task_group()
        else:
            node = task(task_id=step.name, pool=WRITER_POOL if step.writes else None,
                        doc_md=step.does)(_build_step(step))
            node = node(previous) if step.takes_previous else node()
        if previous is not None and not step.takes_previous:  # else the XCom orders them
            previous >> node
        previous = node
    return previous


def _build_step(step):
    """The Airflow task body of a build step: it takes the task before it's XCom when the step
    takes what the step before it returned."""
    from groundswell.run import build

    def run_step(previous=None):
        from airflow.sdk.exceptions import AirflowFailException

        from groundswell.gate.quality import ValidationFailedError

        try:
            result = step.run(get_settings(), build.Options(), previous)
        except ValidationFailedError as exc:
            # The data will not change by retrying: fail now, keep the published snapshot.
            raise AirflowFailException(str(exc)) from exc
        return asdict(result) if is_dataclass(result) else result  # an XCom

    def run_alone():
        return run_step()

    return run_step if step.takes_previous else run_alone


def enrich(since_last_run: bool = False) -> dict:
    """Score new inbound texts into ``enrichment.texts`` (before dbt, which reads it).

    ``since_last_run`` (the hourly listen DAG): look only at what landed since the last run
    (``groundswell.transform.enrichment.enrich``); the build DAG checks everything."""
    from dataclasses import asdict

    from groundswell.transform.enrichment import enrich as run

    return asdict(run(get_settings(), since_last_run=since_last_run))


def dbt_manifest(settings: Settings | None = None) -> Path:
    """The manifest Cosmos renders the dbt task group from, parsed once when missing."""
    from groundswell.transform.dbt import forget_stale_partial_parse, manifest_path, parse

    settings = settings or get_settings()
    forget_stale_partial_parse(settings)  # before Cosmos' dbt tasks read it
    path = manifest_path(settings)
    if not path.exists():
        parse(settings)
    return path


def land_listening_day(hour_start: datetime) -> dict:
    """Land the listening drop of the day the hour falls in (again: a re-landing replaces it)."""
    day = hour_start.date()
    return land_source("listening-mentions", day, day + timedelta(days=1))


def send_crisis_alerts() -> dict:
    from airflow.sdk import get_current_context

    from groundswell.serve.alerts import send_crisis_alerts as send

    return send(get_settings(), get_current_context())


def send_digest() -> dict:
    """The weekly digest to every recipient; with nobody configured to get it, the task is
    skipped (and says whom to configure), not failed: a deployment without a digest is no alert."""
    from airflow.sdk.exceptions import AirflowSkipException

    from groundswell.serve.digest import NoRecipientsError, run

    try:
        return run(get_settings())
    except NoRecipientsError as exc:
        raise AirflowSkipException(str(exc)) from exc


def record_dbt_results(project_dir: str, **_context) -> int:
    """Cosmos' callback after each dbt task on Spark: its nodes' outcomes into ops.dbt_results."""
    from groundswell.ops import record_dbt_artifacts

    return record_dbt_artifacts(get_settings())


def dbt_task_group(select: list[str] | None = None, exclude: list[str] | None = None):
    """The dbt project (or a selection of it) as a Cosmos task group: one ``dbt build`` task per
    model or seed (the node, then its data and unit tests), in-process dbt runner, every task in
    the writer pool (on Spark too: a local Spark's metastore takes one process at a time), against
    the engine's profile target (``GROUNDSWELL_ENGINE``). ``exclude`` leaves out nodes, tests
    included (Cosmos forwards it to each build task). Built at DAG parse time from the manifest,
    so the DAG file must call it inside its ``@dag`` function."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    settings = get_settings()
    return DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=settings.dbt_project_dir,
            manifest_path=dbt_manifest(settings),
        ),
        profile_config=ProfileConfig(
            profile_name="groundswell",
            target_name=settings.dbt_target,  # the engine's: DuckDB's writer or Spark
            profiles_yml_filepath=settings.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            select=select or [],
            exclude=exclude or [],
            # One `dbt build --select <node>` task per model or seed: the node, then its data and
            # unit tests, in one process (AFTER_EACH made a second task per node, each paying a
            # task start-up and a wait for the writer slot under the scheduler).
            test_behavior=TestBehavior.BUILD,
            # A test across two models (a relationship) runs once both are built.
            should_detach_multiple_parents_tests=True,
        ),
        operator_args={"pool": WRITER_POOL, "install_deps": False,
                       # on Spark the on-run-end hook cannot reach ops.dbt_results (the writer's)
                       **({"callback": record_dbt_results} if settings.engine == "spark" else {})},
        default_args=DEFAULT_ARGS,
    )
