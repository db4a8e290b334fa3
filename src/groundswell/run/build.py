"""The build, as one list of steps: `groundswell build` runs them in order, and the
``groundswell_build`` DAG renders each as a task (dbt as Cosmos' task group), in the same order.

A step is a function of the settings, the build's options and what the step before it returned;
it returns what its task passes on (something Airflow can keep as an XCom).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from groundswell.config import Settings


@dataclass(frozen=True)
class Options:
    """What `groundswell build` may ask beyond the defaults (the DAG builds everything)."""

    select: str | None = None
    full_refresh: bool = False


@dataclass(frozen=True)
class Step:
    name: str  # the DAG's task id (the dbt step: its task group's); the CLI prints it
    does: str  # one line, for the CLI and the DAG's documentation
    run: Callable[[Settings, Options, object], object]
    #: The DAG renders the dbt project here as Cosmos' task group (one task per node), not ``run``.
    dbt: bool = False
    #: `groundswell build` skips it: ``dbt build`` runs the sources' tests itself. Cosmos renders
    #: no task for a source, so the DAG runs them as their own step.
    dag_only: bool = False
    #: Opens the writer database (the DAG puts it in the writer pool of one slot).
    writes: bool = True
    #: Takes what the step before it returned (publish: the validated candidate's path).
    takes_previous: bool = False


def prepare(settings: Settings, options: Options, previous: object = None) -> str:
    from groundswell.transform.dbt import register_sources
    from groundswell.warehouse import writer

    with writer(settings):
        pass
    register_sources(settings)
    return str(settings.warehouse_path)


def freshness(settings: Settings, options: Options, previous: object = None) -> dict:
    from groundswell.gate.freshness import record_freshness
    from groundswell.serve.alerts import send_late_source_alerts

    return record_freshness(settings, on_late=send_late_source_alerts)


def test_sources(settings: Settings, options: Options, previous: object = None) -> dict:
    from groundswell.transform.dbt import run_dbt

    result = run_dbt(["test", "--select", "source:*"], settings)
    counts: dict[str, int] = {}
    for r in result.results:
        counts[str(r.status)] = counts.get(str(r.status), 0) + 1
    return counts


def enrich(settings: Settings, options: Options, previous: object = None):
    from groundswell.transform.enrichment import enrich as run

    return run(settings)  # its counts (the DAG keeps them as a dict)


def dbt(settings: Settings, options: Options, previous: object = None) -> dict:
    from groundswell.transform.dbt import build, summarize

    # What it built and tested, by outcome (the CLI's line; the DAG runs Cosmos' tasks instead).
    return summarize(build(settings, select=options.select, full_refresh=options.full_refresh))


def validate(settings: Settings, options: Options, previous: object = None) -> str:
    from groundswell.gate.quality import gate
    from groundswell.runs import current_run

    return str(gate(settings, run_id=current_run()[1]))


def publish(settings: Settings, options: Options, candidate: object = None) -> str:
    from groundswell.publish.snapshots import publish as swap

    return str(swap(Path(str(candidate)), settings))


STEPS = (
    Step("prepare", "every raw table readable (the lake's contracts, the writer's raw views; on Spark its "
         "source views), every commit a killed landing journaled finished", prepare),
    Step("freshness", "`dbt source freshness` of every source into ops.source_freshness; a late source "
         "is alerted and shown on Data health, and does not stop the build", freshness),
    Step("test_sources", "the tests declared on the raw sources (a failing one stops the build)",
         test_sources, dag_only=True),
    Step("enrich", "sentiment, complaint type and topic of the inbound texts new since the last run, "
         "into enrichment.texts", enrich),
    Step("dbt", "the dbt project: every model and seed, then its data and unit tests", dbt, dbt=True),
    Step("validate", "Great Expectations on a candidate snapshot; a failure stops here and the "
         "published snapshot stays as it was", validate),
    Step("publish", "the validated candidate replaces the published snapshot atomically",
         publish, writes=False, takes_previous=True),
)
