"""The validators every page callback applies to what the browser sends (dashboards/inputs.py)."""

from __future__ import annotations

from datetime import date

from dashboards import inputs


def test_a_date_takes_iso_dates_clamped_and_nothing_else():
    assert inputs.a_date("2026-10-18", None) == date(2026, 10, 18)
    assert inputs.a_date("2026-10-18T00:00:00", None) == date(2026, 10, 18)
    assert inputs.a_date("0001-01-01", None) == inputs.EARLIEST  # no date arithmetic overflows
    assert inputs.a_date("9999-12-31", None) == inputs.LATEST
    for junk in (None, 3.5, ["2026-10-18"], {"a": 1}, "2026-10-18' or 1=1 --", "x" * 10_000, ""):
        assert inputs.a_date(junk, "default") == "default"


def test_choices_picks_and_numbers():
    assert inputs.one_of("week", {"day": 1, "week": 2}, "day") == "week"
    for junk in (None, ["week"], {"week": 1}, 3.5, "Week"):
        assert inputs.one_of(junk, {"day": 1, "week": 2}, "day") == "day"  # unhashable: no TypeError
    assert inputs.some_of(["a", 1, None, {"b": 2}, "c"]) == ["a", "c"]
    assert inputs.some_of("a") == ["a"]
    assert inputs.some_of(3.5) == inputs.some_of({"a": 1}) == inputs.some_of(None) == []
    assert inputs.some_of(["a", "b", "x"], ["b", "a"]) == ["a", "b"]
    assert inputs.an_int(7.9, 5, 1, 10) == 7 and inputs.an_int(10**30, 5, 1, 10) == 10
    for junk in (None, True, "7", float("inf"), float("nan"), [7]):
        assert inputs.an_int(junk, 5, 1, 10) == 5


def test_clicks_and_selections():
    click = {"points": [{"x": "X", "customdata": ["open_breached", "billing"]}]}
    assert inputs.click_point(click, ("x",)) == click["points"][0]
    assert inputs.click_point(click, ("y",)) is None
    for junk in (None, "x", [], {"points": "x"}, {"points": []}, {"points": ["x"]}):
        assert inputs.click_point(junk) is None
    assert inputs.custom_data(click["points"][0], 2) == ["open_breached", "billing"]
    assert inputs.custom_data(click["points"][0], 3) is None
    assert inputs.custom_data({"customdata": "ab"}, 2) is None
    rows = [{"source": "x", "message_id": "1", "other": 2}]
    assert inputs.selected_row(rows, ("source", "message_id")) == {"source": "x", "message_id": "1"}
    assert inputs.selected_row([{"source": None, "message_id": "1"}], ("source", "message_id")) \
        == {"source": None, "message_id": "1"}
    for junk in (None, "x" * 100, [], ["x"], [{"source": "x"}], [{"source": ["x"], "message_id": "1"}],
                 [{"source": {"a": 1}, "message_id": "1"}]):
        assert inputs.selected_row(junk, ("source", "message_id")) is None
