"""Gate: is every source fresh? ``dbt source freshness`` into ``ops.source_freshness``.

A late source warns; it does not stop the build (the Data health page and an alert say which)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from groundswell.config import Settings, get_settings
from groundswell.runs import current_run, utcnow
from groundswell.transform.dbt import run_dbt
from groundswell.warehouse import writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LateSource:
    """A row of ``ops.source_freshness`` whose status is not ``pass`` nor ``no data``."""

    source: str
    table: str
    status: str  # warn, error, runtime error
    max_loaded_at: datetime | None
    age_hours: float | None
    warn_after_hours: float | None
    error_after_hours: float | None

    @property
    def name(self) -> str:
        return f"{self.source}.{self.table}"

    def line(self) -> str:
        if self.status == "runtime error":
            return f"- {self.name}: the freshness check itself failed (see the freshness task's log)"
        limits = ", ".join(f"{what} after {hours:g} h" for what, hours in
                           (("warn", self.warn_after_hours), ("error", self.error_after_hours)) if hours)
        return (f"- {self.name}: {self.status}, last landed {self.max_loaded_at:%Y-%m-%d %H:%M} UTC, "
                f"{self.age_hours:.1f} h ago ({limits})")


# Hours in a dbt freshness threshold's period.
_PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


def record_freshness(settings: Settings | None = None,
                     on_late: Callable[[list[LateSource], datetime, Settings], object] | None = None) -> dict:
    """``dbt source freshness`` of every source, stored in ``ops.source_freshness``.

    A stale source does not stop the build: the dashboards show the last good figures, and
    the Data health page, this task's log and ``on_late`` (the build's freshness step sends an
    alert through groundswell.serve.alerts, once per source per status per day) say which source
    is late. Returns the count of sources per status."""
    settings = settings or get_settings()
    result = run_dbt(["source", "freshness"], settings, check=False)
    dag_id, run_id = current_run()
    checked_at = utcnow()
    rows = []
    for r in getattr(result, "results", None) or []:
        node = r.node
        if getattr(node, "resource_type", None) != "source":  # the on-run-end hook's own result
            continue
        criteria = node.freshness
        max_loaded = getattr(r, "max_loaded_at", None)
        age = getattr(r, "age", None)
        status = str(r.status)
        if max_loaded is not None and max_loaded.year == 1:
            # dbt's answer for a table with no rows: nothing landed, which is not lateness (a
            # deployment that uses no Fivetran connector never fills those tables).
            max_loaded, age, status = None, None, "no data"
        rows.append([
            checked_at, dag_id, run_id, node.source_name, node.name,
            max_loaded.replace(tzinfo=None) if max_loaded else None,
            age / 3600 if age is not None else None,
            _hours(criteria.warn_after if criteria else None),
            _hours(criteria.error_after if criteria else None),
            status,
        ])
    with writer(settings) as con:
        if rows:
            con.executemany("INSERT INTO ops.source_freshness VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[-1]] = counts.get(row[-1], 0) + 1
    late = [LateSource(row[3], row[4], row[-1], row[5], row[6], row[7], row[8])
            for row in rows if row[-1] not in ("pass", "no data")]
    if late:
        log.warning("sources not fresh: %s (ops.source_freshness)", ", ".join(s.name for s in late))
        if on_late is not None:
            on_late(late, checked_at, settings)
    return counts


def _hours(threshold) -> float | None:
    if threshold is None or threshold.count is None or threshold.period is None:
        return None
    return threshold.count * _PERIOD_HOURS[str(threshold.period)]
