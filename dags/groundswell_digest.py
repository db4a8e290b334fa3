"""
### groundswell_digest

The weekly executive digest (docs/operations.md, "The weekly digest"), on
`GROUNDSWELL_DIGEST_SCHEDULE` (a cron in UTC; default Mondays at 07:00):

1. `send`: for each recipient (every dashboard user with an `email`, or the `to` of the
   `groundswell_alerts` connection), the published snapshot's last week against the week before,
   read through that recipient's access rules: the headline metrics of each page, the biggest
   movers, SLA breaches, crisis episodes, ROI by department and maturity changes, with charts;
   an HTML e-mail with the PDF attached, through the `groundswell_alerts` connection (SMTP).
   Each mail is recorded in `ops.alerts` (`digest:<week end>:<address>`): a retry or a rerun
   sends nobody the same week twice.

It reads the published snapshot only: it never waits for, or blocks, a build.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from groundswell.config import get_settings
from groundswell.run import orchestration as orch


@dag(
    dag_id="groundswell_digest",
    schedule=CronDataIntervalTimetable(get_settings().digest_schedule, timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=orch.DEFAULT_ARGS,
    tags=["groundswell", "digest"],
    doc_md=__doc__,
)
def groundswell_digest():
    @task(pool=orch.WRITER_POOL)  # it records each mail in ops.alerts
    def send() -> dict:
        return orch.send_digest()

    send()


groundswell_digest()
