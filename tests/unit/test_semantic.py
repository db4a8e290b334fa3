"""The semantic layer's SQL (groundswell.transform.semantic) on hand-made definitions and rows: what a page
gets for a metric, computed by hand. Equality with MetricFlow on the demo:
tests/dbt/test_semantic_layer.py."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from groundswell.transform.semantic import Format, Query, SemanticLayer, SemanticLayerError, Where


def _simple(name, agg, expr, fmt="count", **extra):
    return {"name": name, "label": name.replace("_", " ").capitalize(), "description": f"{name}.",
            "type": "simple", "config": {"meta": {"format": fmt}},
            "type_params": {"expr": expr, "metric_aggregation_params": {
                "semantic_model": "fct_tickets", "agg": agg,
                "agg_params": {"percentile": extra.get("percentile"), "use_discrete_percentile": False,
                               "use_approximate_percentile": False}}}}


MANIFEST = {
    "semantic_models": [{
        "name": "fct_tickets", "primary_entity": "ticket",
        "node_relation": {"alias": "fct_tickets", "schema_name": "marts"},
        "defaults": {"agg_time_dimension": "opened_on"},
        "dimensions": [
            {"name": "team", "type": "categorical", "label": "Team"},
            {"name": "opened_on", "type": "time", "label": "Day opened",
             "type_params": {"time_granularity": "day"}},
        ],
    }],
    "metrics": [
        _simple("tickets", "count", "ticket_id"),
        _simple("solved_tickets", "sum", "case when is_solved then 1 else 0 end"),
        _simple("minutes", "sum", "minutes", "minutes"),
        _simple("median_minutes", "median", "minutes", "minutes"),
        _simple("p90_minutes", "percentile", "minutes", "minutes", percentile=0.9),
        {"name": "solved_rate", "label": "Solved rate", "description": "Solved / tickets.",
         "type": "ratio", "config": {"meta": {"format": "percent", "decimals": 1}},
         "type_params": {"numerator": {"name": "solved_tickets"}, "denominator": {"name": "tickets"}}},
        {"name": "unsolved_share", "label": "Unsolved share", "description": "1 - solved rate.",
         "type": "derived", "config": {"meta": {"format": "percent"}},
         "type_params": {"expr": "1 - rate", "metrics": [{"name": "solved_rate", "alias": "rate"}]}},
    ],
}

ROWS = [  # ticket_id, team, opened_on, is_solved, minutes
    ("t1", "a", date(2026, 3, 2), True, 10),   # Monday of week 10
    ("t2", "a", date(2026, 3, 8), False, None),  # Sunday, same week
    ("t3", "b", date(2026, 3, 9), True, 30),   # Monday of week 11
    ("t4", "b", date(2026, 3, 9), True, 50),
]


@pytest.fixture
def layer():
    return SemanticLayer.from_manifest(MANIFEST)


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("create schema marts")
    c.execute("create table marts.fct_tickets (ticket_id varchar, team varchar, opened_on date, "
              "is_solved boolean, minutes double)")
    c.executemany("insert into marts.fct_tickets values (?, ?, ?, ?, ?)", ROWS)
    yield c
    c.close()


def run(con, layer, *args, **kwargs):
    sql, params = layer.sql(Query.of(*args, **kwargs))
    return con.execute(sql, params).fetchall()


def test_ratios_and_derived_metrics_come_from_sums_per_group(con, layer):
    rows = run(con, layer, ["tickets", "solved_rate", "unsolved_share"], ["ticket__team"])
    assert rows == [("a", 2, 0.5, 0.5), ("b", 2, 1.0, 0.0)]


def test_weeks_are_iso_weeks_and_a_week_filter_takes_whole_weeks(con, layer):
    rows = run(con, layer, ["tickets"], ["metric_time__week"],
               [Where("metric_time__week", "between", (date(2026, 3, 4), date(2026, 3, 4)))])
    assert [(r[0].date(), r[1]) for r in rows] == [(date(2026, 3, 2), 2)]  # Mon 2 .. Sun 8 March


def test_day_filters_include_both_ends(con, layer):
    rows = run(con, layer, ["tickets"], where=[Where("metric_time__day", "between",
                                                     (date(2026, 3, 8), date(2026, 3, 9)))])
    assert rows == [(3,)]


def test_percentiles_are_continuous_over_non_null_values(con, layer):
    assert run(con, layer, ["median_minutes", "p90_minutes"]) == [(30.0, 46.0)]  # 10, 30, 50


def test_no_rows_count_zero_and_leave_ratios_empty(con, layer):
    rows = run(con, layer, ["tickets", "minutes", "solved_rate", "median_minutes"],
               where=[Where("ticket__team", "in", ["nobody"])])
    assert rows == [(0, 0, None, None)]


def test_filter_values_are_bound_never_spliced(con, layer):
    sql, params = layer.sql(Query.of(["tickets"], where=[Where("ticket__team", "=", "a' or '1'='1")]))
    assert "1'='1" not in sql and params == ["a' or '1'='1"]
    assert con.execute(sql, params).fetchall() == [(0,)]


def test_unknown_names_say_what_exists(layer):
    with pytest.raises(SemanticLayerError, match="ticket__team, ticket__opened_on"):
        layer.sql(Query.of(["tickets"], ["ticket__brand"]))
    with pytest.raises(SemanticLayerError, match="groundswell metrics list"):
        layer.sql(Query.of(["nope"]))


def test_definitions_outside_the_rendered_subset_are_refused_at_load():
    cumulative = dict(MANIFEST["metrics"][0], name="running", type="cumulative")
    cumulative["type_params"] = dict(cumulative["type_params"], window={"count": 7, "granularity": "day"})
    with pytest.raises(SemanticLayerError, match="cumulative"):
        SemanticLayer.from_manifest({**MANIFEST, "metrics": [*MANIFEST["metrics"], cumulative]})
    unformatted = dict(MANIFEST["metrics"][0], name="bare", config={"meta": {}})
    with pytest.raises(SemanticLayerError, match="format"):
        SemanticLayer.from_manifest({**MANIFEST, "metrics": [unformatted]})


def test_what_a_snapshot_keeps_reads_back_the_same(layer):
    again = SemanticLayer.from_manifest(layer.to_json())
    assert again.to_json() == layer.to_json()
    q = Query.of(["solved_rate", "unsolved_share"], ["metric_time__month"])
    assert again.sql(q) == layer.sql(q)


@pytest.mark.parametrize(("fmt", "value", "text"), [
    (Format("count"), 1234567, "1,234,567"),
    (Format("percent", 1), 0.7834, "78.3 %"),
    (Format("usd"), -1234.5, "-$1,235"),
    (Format("minutes", 1), 0.0195559761944444, "0.0 min"),
    (Format("minutes"), 150, "2.5 h"),
    (Format("minutes"), 4320, "3.0 d"),
    (Format("hours", 1), 30.25, "30.3 h"),
    (Format("percent", 1), -0.0001, "0.0 %"),
    (Format("multiple", 2), 1.5, "1.50×"),
    (Format("count"), None, "–"),
    (Format("percent", 0), -0.005, "-1 %"),
])
def test_formats(fmt, value, text):
    assert fmt(value) == text


@pytest.mark.parametrize(("fmt", "current", "previous", "text"), [
    (Format("count"), 110, 100, "+10.0 % vs previous period"),
    (Format("count"), 90, 100, "-10.0 % vs previous period"),
    (Format("count"), 5, 0, "new vs previous period"),
    (Format("count"), 0, 0, "no change"),
    (Format("count"), 3, None, "no previous period"),
    (Format("percent", 1), 0.031, 0.025, "+0.60 pp vs previous period"),
    (Format("percent", 1), 0.02, 0.03, "-1.00 pp vs previous period"),
    # a duration moves by its difference, in the unit that keeps it short
    (Format("minutes"), 12, 10, "+2 min vs previous period"),
    (Format("minutes"), 300, 400, "-1.7 h vs previous period"),
    (Format("usd"), -50, 100, "-150.0 % vs previous period"),
    (Format("usd"), 50, -100, "+150.0 % vs previous period"),  # a loss that shrank is a gain
    (Format("multiple", 2), 2.5, 2, "+25.0 % vs previous period"),
    (Format("count"), 50, 50, "no change"),
    # a score (net sentiment) moves by its difference: it can cross zero
    (Format("number", 2), -0.17, 0.54, "-0.71 vs previous period"),
])
def test_changes_against_the_previous_period(fmt, current, previous, text):
    assert fmt.change(current, previous) == text


def test_a_change_names_what_it_is_against():
    assert Format("count").change(3, 2, "the week before") == "+50.0 % vs the week before"
    assert Format("count").change(3, None, "the week before") == "no figure for the week before"
