"""The gate's spine check on marts.agg_mentions_hourly (expectations/marts.py), on hand-made marts:
rows beyond what the mentions allow, and a lone mention far from the rest, are violations."""

from __future__ import annotations

import importlib.util

import duckdb
import pytest

from groundswell.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def spine():
    spec = importlib.util.spec_from_file_location("marts_suites", PROJECT_ROOT / "expectations" / "marts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(s for s in module.SUITES if s.name == "marts.agg_mentions_hourly.spine"), module


def violations(spine, mentions: dict[str, list[str]], extra_hours: dict[str, int] | None = None) -> dict:
    """The suite's violations on marts built as dbt would: every hour of a brand's span a row
    (plus ``extra_hours`` rows that no mention allows)."""
    suite, _ = spine
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.fct_mentions (brand varchar, mentioned_at timestamp)")
    for brand, times in mentions.items():
        con.executemany("insert into marts.fct_mentions values (?, ?)", [(brand, t) for t in times])
    con.execute("""create table marts.agg_mentions_hourly as
        select brand, unnest(generate_series(date_trunc('hour', min(mentioned_at)),
                                             date_trunc('hour', max(mentioned_at)),
                                             interval 1 hour)) as hour_at
        from marts.fct_mentions group by brand""")
    for brand, n in (extra_hours or {}).items():
        con.execute("insert into marts.agg_mentions_hourly "
                    "select ?, timestamp '2030-01-01' + to_hours(range) from range(?)", [brand, n])
    rows = con.execute(f"select brand, violation from ({suite.query}) "
                       "where violation is not null").fetchall()
    return dict(rows)


STEADY = [f"2026-10-{d:02d} {h:02d}:15:00" for d in range(1, 29) for h in (9, 15)]


def test_steady_and_sparse_brands_pass(spine):
    _, module = spine
    sparse = [f"2026-{m:02d}-01 12:00:00" for m in range(1, 13)]  # a mention a month: no stray
    assert violations(spine, {"A": STEADY, "B": sparse, "C": ["2026-10-01 10:00:00"]}) == {}
    assert module.STRAY_GAP_DAYS == 90


def test_more_rows_than_the_mentions_allow_is_a_violation(spine):
    found = violations(spine, {"A": STEADY, "B": STEADY}, extra_hours={"B": 3})
    assert list(found) == ["B"]
    assert found["B"].startswith("marts.agg_mentions_hourly holds 658 hours of B, its mentions allow 655")


def test_a_lone_early_or_late_mention_is_a_stray(spine):
    found = violations(spine, {"A": ["2021-03-04 05:06:07", *STEADY], "B": [*STEADY, "2031-01-01 00:00:00"]})
    assert found["A"].startswith("A's first mention (2021-03-04 05:06:07) lies 2037 days before its next")
    assert found["B"].startswith("B's last mention (2031-01-01 00:00:00) lies 1525 days after the one before")
    # a gap longer than 90 days but shorter than the rest of the span is a quiet spell, not a stray
    long_history = [f"{y}-{m:02d}-15 12:00:00" for y in (2024, 2025) for m in range(1, 13)]
    assert violations(spine, {"C": ["2023-08-01 00:00:00", *long_history]}) == {}
