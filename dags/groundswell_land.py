"""
### groundswell_land

Lands every source's file drop for the run's data interval
(`$GROUNDSWELL_HOME/landing/<family>/<entity>/dt=YYYY-MM-DD/`) into the raw lake,
one batch per partition: good records to `lake/raw/<table>/dt=YYYY-MM-DD/`, bad
ones to `lake/quarantine/`, a row per landing in `lake/load_audit/`, committed
together. Re-running a day replaces that day.

Landing needs no lock on the warehouse: the land tasks of different families (and of
different days, in a backfill) run side by side; landings of one table take turns.

One task per source family lands its sources in turn (a failed source fails the task
after the family's others have landed) and emits the family's Asset; `groundswell_build`
runs on them. Per family rather than per source: a backfill's days pay Airflow's task
start-up 15 times a day, not 35.
Trigger with `{"scope": "all"}` to land every partition present (first load, demo).

Sources with an API reader (X, Facebook Pages) are fetched first for the same
interval when their credentials are configured (`GROUNDSWELL_X_BEARER_TOKEN` or
the connection `groundswell_x`, ...); without credentials the fetch is skipped
and whatever was dropped lands.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, task

from groundswell.land.readers import READERS
from groundswell.land.sources import SOURCES
from groundswell.run.orchestration import DEFAULT_ARGS, asset_uri, fetch_source, land_family

FETCHED_BY = {reader.source_key: name for name, reader in READERS.items()}


@dag(
    dag_id="groundswell_land",
    # Data intervals, not trigger times: the run for day D lands partition dt=D, after D ends.
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={"scope": Param("interval", enum=["interval", "all"],
                           description="interval: the run's data interval; all: every partition")},
    tags=["groundswell", "land"],
    doc_md=__doc__,
)
def groundswell_land():
    for family in sorted({source.family for source in SOURCES.values()}):

        @task(
            task_id=f"land_{family}",
            outlets=[Asset(name=f"raw.{family}", uri=asset_uri(family))],
            # Land what was dropped even when the API fetch was skipped (no credentials).
            trigger_rule="none_failed",
        )
        def land(family: str, data_interval_start=None, data_interval_end=None, params=None):
            return land_family(
                family,
                data_interval_start.date() if data_interval_start else None,
                data_interval_end.date() if data_interval_end else None,
                scope=(params or {}).get("scope", "interval"),
            )

        landed = land(family)
        for source_key, reader_name in FETCHED_BY.items():
            if SOURCES[source_key].family != family:
                continue

            @task(task_id=f"fetch_{reader_name.replace('-', '_')}", max_active_tis_per_dag=1)
            def fetch(reader_name: str, data_interval_start=None, data_interval_end=None, params=None):
                if (params or {}).get("scope") == "all":
                    from airflow.sdk.exceptions import AirflowSkipException

                    raise AirflowSkipException("scope=all lands what is present; it fetches nothing")
                return fetch_source(reader_name, data_interval_start, data_interval_end)

            fetch(reader_name) >> landed


groundswell_land()
