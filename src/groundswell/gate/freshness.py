"""Gate: is every source fresh? ``dbt source freshness`` into ``ops.source_freshness``.

A source is judged twice: by load time (``dbt source freshness`` on ``_loaded_at``: did a file
land?) and by event time (the newest value of the column its sources yml declares as
``config: event_time``: is what landed about now?). A feed that keeps landing the same old export
is fresh by load time and stale by event time.

A late source warns; it does not stop the build (the Data health page and an alert say which)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from groundswell.config import Settings, get_settings
from groundswell.land.sources.base import quote_ident
from groundswell.runs import current_run, utcnow
from groundswell.transform.dbt import run_dbt
from groundswell.transform.semantic import Format
from groundswell.warehouse import writer

log = logging.getLogger(__name__)

#: ``ops.source_freshness``'s columns, in the order :func:`record_freshness` writes them (an
#: older warehouse got the event columns appended, so rows are inserted by name).
COLUMNS = ("checked_at", "dag_id", "run_id", "source_name", "table_name", "max_loaded_at", "age_hours",
           "warn_after_hours", "error_after_hours", "status", "max_event_at", "event_age_hours", "late_by")


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
    max_event_at: datetime | None = None
    event_age_hours: float | None = None
    late_by: str | None = None  # load time, event time, load and event time

    @property
    def name(self) -> str:
        return f"{self.source}.{self.table}"

    def line(self) -> str:
        if self.status == "runtime error":
            return f"- {self.name}: the freshness check itself failed (see the freshness task's log)"
        limits = ", ".join(f"{what} after {hours:g} h" for what, hours in
                           (("warn", self.warn_after_hours), ("error", self.error_after_hours)) if hours)
        stale = (f"; stale data: its newest event is of {self.max_event_at:%Y-%m-%d %H:%M} UTC, "
                 f"{_AGE(self.event_age_hours)} old" if self.late_by and "event" in self.late_by else "")
        return (f"- {self.name}: {self.status}, last landed {self.max_loaded_at:%Y-%m-%d %H:%M} UTC, "
                f"{self.age_hours:.1f} h ago{stale} ({limits})")


#: Hours as the Data health page writes them (the semantic layer's format): 5.3 h, 2.1 d from 48 h on.
_AGE = Format("hours", 1)

# Hours in a dbt freshness threshold's period.
_PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


def record_freshness(settings: Settings | None = None,
                     on_late: Callable[[list[LateSource], datetime, Settings], object] | None = None) -> dict:
    """``dbt source freshness`` of every source, and the newest event time of each, stored in
    ``ops.source_freshness``.

    ``status`` is the worse of the two judgements: dbt's by load time (``pass``, ``warn``,
    ``error``, ``runtime error``), and ``error`` when the newest event is older than the
    source's ``error_after``; ``late_by`` says which made it late. Event age is held to
    ``error_after`` only: events lag their landing by design (a daily export holds a day of
    events, a day's report is stamped at its midnight), so ``warn_after``, meant for loads, would
    warn on healthy sources. A table nothing ever landed in is ``no data``: not late, counted
    apart.

    A stale source does not stop the build: the dashboards show the last good figures, and
    the Data health page, this task's log and ``on_late`` (the build's freshness step sends an
    alert through groundswell.serve.alerts, once per source per status per day) say which source
    is late. Returns the count of sources per status."""
    settings = settings or get_settings()
    result = run_dbt(["source", "freshness"], settings, check=False)
    dag_id, run_id = current_run()
    checked_at = utcnow()
    rows = []
    with writer(settings) as con:
        for r in getattr(result, "results", None) or []:
            node = r.node
            if getattr(node, "resource_type", None) != "source":  # the on-run-end hook's own result
                continue
            criteria = node.freshness
            max_loaded = getattr(r, "max_loaded_at", None)
            age = getattr(r, "age", None)
            status = str(r.status)
            warn_after = _hours(criteria.warn_after if criteria else None)
            error_after = _hours(criteria.error_after if criteria else None)
            max_event = event_age = late_by = None
            if max_loaded is not None and max_loaded.year == 1:
                # dbt's answer for a table with no rows: nothing landed, which is not lateness (a
                # deployment that uses no Fivetran connector never fills those tables).
                max_loaded, age, status = None, None, "no data"
            else:
                max_event = _newest_event(con, node)
                if max_event is not None:
                    event_age = (checked_at - max_event).total_seconds() / 3600
                late_by = _late_by(status, event_age, error_after)
                if late_by and "event" in late_by and status != "runtime error":
                    status = "error"
            rows.append({
                "checked_at": checked_at, "dag_id": dag_id, "run_id": run_id,
                "source_name": node.source_name, "table_name": node.name,
                "max_loaded_at": max_loaded.replace(tzinfo=None) if max_loaded else None,
                "age_hours": age / 3600 if age is not None else None,
                "warn_after_hours": warn_after, "error_after_hours": error_after, "status": status,
                "max_event_at": max_event, "event_age_hours": event_age, "late_by": late_by,
            })
        if rows:
            con.executemany(f"INSERT INTO ops.source_freshness ({', '.join(COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(COLUMNS))})",
                            [[row[c] for c in COLUMNS] for row in rows])
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    late = [LateSource(row["source_name"], row["table_name"], row["status"], row["max_loaded_at"],
                       row["age_hours"], row["warn_after_hours"], row["error_after_hours"],
                       row["max_event_at"], row["event_age_hours"], row["late_by"])
            for row in rows if row["status"] not in ("pass", "no data")]
    if late:
        log.warning("sources not fresh: %s (ops.source_freshness)", ", ".join(s.name for s in late))
        if on_late is not None:
            on_late(late, checked_at, settings)
    return counts


def _newest_event(con, node) -> datetime | None:
    """The newest value of the source table's ``event_time`` column, read in the writer (its
    ``raw`` views read the lake on either engine); None without one, or when it is empty."""
    column = getattr(node.config, "event_time", None)
    if not column:
        return None
    relation = f"{quote_ident(node.schema)}.{quote_ident(node.identifier)}"
    try:
        (newest,) = con.execute(f"SELECT max({quote_ident(column)}) FROM {relation}").fetchone()
    except Exception as exc:  # a misdeclared column: told, and judged by load time alone
        log.warning("newest event of %s.%s (%s) unreadable: %s", node.source_name, node.name, column, exc)
        return None
    if isinstance(newest, datetime):
        return newest.astimezone(UTC).replace(tzinfo=None) if newest.tzinfo else newest
    if isinstance(newest, date):  # a day's data (a daily report, a cost date): stamped at its midnight
        return datetime(newest.year, newest.month, newest.day)
    return None


def _late_by(load_status: str, event_age: float | None, error_after: float | None) -> str | None:
    """Which judgement makes a landed source late: load time (dbt's warn or error), event time
    (its newest event older than ``error_after``), both, or none."""
    by_load = load_status in ("warn", "error")
    by_event = event_age is not None and error_after is not None and event_age > error_after
    if by_load and by_event:
        return "load and event time"
    return "load time" if by_load else "event time" if by_event else None


def _hours(threshold) -> float | None:
    if threshold is None or threshold.count is None or threshold.period is None:
        return None
    return threshold.count * _PERIOD_HOURS[str(threshold.period)]
