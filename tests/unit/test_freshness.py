"""How a source's freshness is judged and shown: load time and event time, and the tables
nothing ever landed in (groundswell.gate.freshness, the Data health page's queries)."""

from __future__ import annotations

from datetime import datetime

import duckdb

from dashboards.health import queries
from groundswell.gate.freshness import LateSource, _late_by
from groundswell.warehouse import connect, writer

OLD_DDL = """CREATE TABLE ops.source_freshness (
  checked_at TIMESTAMP NOT NULL, dag_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
  source_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL, max_loaded_at TIMESTAMP,
  age_hours DOUBLE, warn_after_hours DOUBLE, error_after_hours DOUBLE, status VARCHAR NOT NULL)"""


def test_a_source_is_late_by_load_time_event_time_or_both():
    assert _late_by("pass", 10.0, 72.0) is None
    assert _late_by("pass", 33 * 24.0, 72.0) == "event time"  # landed now, about a month ago
    assert _late_by("warn", 10.0, 72.0) == "load time"
    assert _late_by("error", 800.0, 72.0) == "load and event time"
    # Event age is held to error_after only: a day's events land a day later by design.
    assert _late_by("pass", 50.0, 72.0) is None
    assert _late_by("pass", None, 72.0) is None  # no event time declared, or none in the rows
    assert _late_by("pass", 900.0, None) is None  # a source without thresholds is never late


def test_the_alert_says_when_the_data_is_stale():
    stale = LateSource(
        "web",
        "web__sessions",
        "error",
        datetime(2026, 12, 6, 5),
        0.5,
        36.0,
        72.0,
        datetime(2026, 11, 3, 5),
        33 * 24.0,
        "event time",
    )
    assert stale.line() == (
        "- web.web__sessions: error, last landed 2026-12-06 05:00 UTC, 0.5 h ago; "
        "stale data: its newest event is of 2026-11-03 05:00 UTC, 33.0 d old "
        "(warn after 36 h, error after 72 h)"
    )
    late = LateSource("crm", "crm__deals", "error", datetime(2026, 11, 20, 6), 100.0, 36.0, 72.0)
    assert "stale" not in late.line()


def test_an_older_warehouse_gets_the_event_columns_in_place(settings):
    settings.home.mkdir(parents=True)
    con = connect(settings.warehouse_path)
    con.execute("CREATE SCHEMA ops")
    con.execute(OLD_DDL)
    con.execute(
        "INSERT INTO ops.source_freshness VALUES (TIMESTAMP '2026-11-01', 'cli', 'r1', 'x', "
        "'x__tweets', TIMESTAMP '2026-11-01', 1.0, 36, 72, 'pass')"
    )
    con.close()
    with writer(settings) as con:
        rows = con.execute(
            "select table_name, status, max_event_at, event_age_hours, late_by from ops.source_freshness"
        ).fetchall()
    assert rows == [("x__tweets", "pass", None, None, None)]  # kept, not rebuilt


def _freshness(con, rows: list[tuple]) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute(OLD_DDL)
    con.executemany(
        "INSERT INTO ops.source_freshness VALUES (TIMESTAMP '2026-12-06 05:00', 'b', 'r', "
        "?, ?, ?, ?, 36, 72, ?)",
        rows,
    )


def test_the_grid_lists_the_late_first_and_the_never_landed_last_even_from_an_older_snapshot():
    con = duckdb.connect()
    _freshness(
        con,
        [
            ("fivetran", "fivetran__a", None, None, "no data"),
            ("x", "x__tweets", "2026-12-06 04:00", 1.0, "pass"),
            ("crm", "crm__deals", "2026-12-02 01:00", 100.0, "error"),
            ("web", "web__sessions", "2026-12-04 17:00", 36.5, "warn"),
        ],
    )
    grid = queries.health_freshness(con)
    assert list(grid.columns) == list(queries.FRESHNESS_COLUMNS)
    assert list(grid["table_name"]) == ["crm__deals", "web__sessions", "x__tweets", "fivetran__a"]
    assert grid["max_event_at"].isna().all() and grid["late_by"].isna().all()
