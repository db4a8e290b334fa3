"""
### groundswell_build

Runs when the land DAG has updated every source family's Asset. Its tasks are the steps of
`groundswell.run.build.STEPS`, the list `groundswell build` runs too:

1. `prepare`: every raw table exists (a family that never landed still builds);
   `freshness`: `dbt source freshness` of every source into `ops.source_freshness`
   (a late source is alerted and shown on the Data health page; it does not stop the build);
   `test_sources`: the tests declared on the raw sources, which Cosmos does not render
   (a failing one stops the build).
2. `enrich`: sentiment, complaint type and topic of the inbound texts that are new
   since the last run, into `enrichment.texts` (VADER and keyword rules, in Python).
3. `dbt`: the dbt project, one `dbt build` task per model or seed, its data and unit tests
   included (astronomer-cosmos, in-process dbt runner); a test across two models is its own task.
4. `validate`: Great Expectations suites (`expectations/`) on a candidate copy of the
   warehouse; a failure stops here and the published snapshot stays as it was.
5. `publish`: the validated candidate replaces `published/warehouse.duckdb` atomically;
   the last `GROUNDSWELL_SNAPSHOTS_KEEP` snapshots are kept for `groundswell rollback`.

A task that fails for good alerts through the connection `groundswell_alerts`, as crisis
alerts do (`on_failure_callback`).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag

from groundswell.land.sources import FAMILIES
from groundswell.run import orchestration as orch


@dag(
    dag_id="groundswell_build",
    schedule=[Asset(name=f"raw.{family}", uri=orch.asset_uri(family)) for family in FAMILIES],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=orch.DEFAULT_ARGS,
    tags=["groundswell", "build"],
    doc_md=__doc__,
)
def groundswell_build():
    orch.build_tasks()  # groundswell.run.build.STEPS, in order


groundswell_build()
