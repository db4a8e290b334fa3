"""
### groundswell_listen

Hourly crisis early warning (docs/metrics.md#crisis-early-warning):

1. `land`: the listening drop of the day the hour falls in
   (`landing/listening/mentions/dt=YYYY-MM-DD/`), again each hour: a re-landing replaces the day.
2. `enrich`: sentiment and complaint type of the mentions that are new: only the records landed
   since the last enrichment are compared (the build DAG's full check catches the rest).
3. `dbt`: the listening models only (`+fct_crisis_episodes`: mentions, hourly figures, crisis
   signals, episodes; and `agg_share_of_voice_hourly`), with their tests (astronomer-cosmos). The
   models are incremental: a run rebuilds what landed or changed since the last one, so its cost
   follows what landed, not the history (1.49 times at 50M mentions what it is at 1M:
   docs/metrics.md#listening-at-scale).
   Tests tagged `full_history` (uniqueness over every mention) are left to the build DAG.
4. `alert`: each new crisis episode of the company's brands, once, through the
   `groundswell_alerts` connection (a webhook, Slack's included, or SMTP); with none configured,
   to the task log. Every alert is recorded in `ops.alerts`.

The dashboards see the episodes at the next publish (`groundswell_build`); the alert does not wait.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from groundswell.run import orchestration as orch


@dag(
    dag_id="groundswell_listen",
    schedule=CronDataIntervalTimetable("5 * * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=orch.DEFAULT_ARGS,
    tags=["groundswell", "listen"],
    doc_md=__doc__,
)
def groundswell_listen():
    @task  # the lake, not the warehouse: outside the writer pool
    def land(data_interval_start=None) -> dict:
        return orch.land_listening_day(data_interval_start)

    @task(pool=orch.WRITER_POOL)
    def enrich() -> dict:
        return orch.enrich(since_last_run=True)

    dbt = orch.dbt_task_group(select=["+fct_crisis_episodes", "+agg_share_of_voice_hourly"],
                              exclude=["tag:full_history"])

    @task(pool=orch.WRITER_POOL)
    def alert() -> dict:
        return orch.send_crisis_alerts()

    land() >> enrich() >> dbt >> alert()


groundswell_listen()
