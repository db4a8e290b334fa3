"""Customer-care query and figure functions, called directly on a real published snapshot.

Expected numbers come from the mart's rows, aggregated independently with pandas/numpy.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import pytest

from dashboards.care import figures as care_figures
from dashboards.care import queries as care_queries
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.warehouse import connect, published


@pytest.fixture(scope="module")
def varied_snapshot(published_home, tmp_path_factory) -> Path:
    """The published mart with the cases the tiny demo lacks, consistently with the mart's
    definitions: open messages still in time (is_within_sla NULL), messages without SLA
    (trolls), several complaint types and topics, messages without a brand."""
    path = tmp_path_factory.mktemp("care-varied") / "warehouse.duckdb"
    con = connect(path)
    try:
        con.execute("attach ? as fixture (read_only)",
                    [str(published_home / "published" / "warehouse.duckdb")])
        for schema, table in (("meta", "snapshot"), ("meta", "semantic_layer"),
                              ("marts", "fct_care_messages")):
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select * from fixture.{schema}.{table}")
        for sql in (
            "set complaint_topic = case hash(message_id) % 3 when 0 then 'delay' "
            "when 1 then 'refund' end",
            "set is_within_sla = null where is_open and hash(message_id) % 4 = 0",
            "set complaint_type = 'rage' where hash(message_id) % 5 = 2",
            "set complaint_type = 'troll', sla_minutes = null, is_within_sla = null, "
            "sla_breach_at = null where hash(message_id) % 9 = 1",
            "set brand = null where hash(message_id) % 23 = 3",
            # where an open message stands follows its verdict, as in the mart's view
            "set backlog_status = case when not is_open then null when is_expired then 'expired' "
            "when is_within_sla = false then 'breached' when sla_minutes is null then 'no_sla' "
            "else 'in_time' end",
        ):
            con.execute(f"update marts.fct_care_messages {sql}")
    finally:
        con.close()
    return path


@pytest.fixture(params=["published", "varied"])
def con(request, use_published_home):
    """The published demo snapshot, and a copy of it varied where the demo data is uniform."""
    if request.param == "published":
        with published(use_published_home) as c:
            yield c
    else:
        c = connect(request.getfixturevalue("varied_snapshot"), read_only=True)
        try:
            yield c
        finally:
            c.close()


@pytest.fixture
def care(con) -> pd.DataFrame:
    """The mart, with its nullable SLA verdict spelled out per row (aggregated below in pandas)."""
    df = con.execute(
        """
        select *,
               is_within_sla is not null as judged_flag,
               coalesce(is_within_sla, false) as within_flag,
               coalesce(not is_within_sla, false) as breached_flag,
               sla_minutes is null as no_sla_flag,
               -- the open backlog: unanswered, not yet expired (written apart from MESSAGE_SETS)
               is_open and not is_expired as open_flag,
               received_at::date as received_date
        from marts.fct_care_messages
        """).df()
    assert len(df) > 0, "the demo fixture publishes care messages"
    return df


@pytest.fixture
def everything(con) -> care_queries.CareFilters:
    opts = care_queries.care_options(con)
    return care_queries.CareFilters(opts.first_date, opts.last_date)


def _mask(df: pd.DataFrame, f: care_queries.CareFilters) -> pd.Series:
    dates = pd.to_datetime(df["received_date"]).dt.date
    m = (dates >= f.start) & (dates <= f.end)
    if f.brands:
        m &= df["brand"].isin(f.brands)
    if f.channels:
        m &= df["channel"].isin(f.channels)
    return m


#: The message sets, as pandas masks written independently of care_queries.MESSAGE_SETS.
PANDAS_SETS = {
    "all": lambda d: pd.Series(True, index=d.index),
    "responded": lambda d: d["is_responded"],
    "judged": lambda d: d["judged_flag"],
    "within_sla": lambda d: d["within_flag"],
    "breached": lambda d: d["breached_flag"],
    "open": lambda d: d["open_flag"],
    "open_breached": lambda d: d["open_flag"] & d["breached_flag"],
    "open_in_time": lambda d: d["open_flag"] & ~d["judged_flag"] & ~d["no_sla_flag"],
    "open_no_sla": lambda d: d["open_flag"] & d["no_sla_flag"],
    "expired": lambda d: d["is_open"] & d["is_expired"],
}


def test_options_cover_the_demo_brands_and_channels(con, care):
    opts = care_queries.care_options(con)
    assert opts.has_mart
    assert opts.brands == ["Contoso Mobile", "Northwind Air"]
    assert set(opts.channels) == {"x", "facebook_comment", "facebook_messenger"}
    assert (opts.first_date, opts.last_date) == (care.received_date.min().date(),
                                                 care.received_date.max().date())


@pytest.mark.parametrize(("brands", "channels"), [
    ([], []), (["Northwind Air"], []), ([], ["x"]), (["Contoso Mobile"], ["facebook_comment", "x"]),
])
def test_kpis_equal_an_independent_pandas_computation(con, care, everything, brands, channels):
    f = care_queries.CareFilters(everything.start, everything.end, brands, channels)
    mine = care[_mask(care, f)]
    got = care_queries.care_kpis(con, f)
    assert got["messages"] == len(mine) > 0
    assert got["responded"] == mine.is_responded.sum()
    assert got["judged"] == mine.judged_flag.sum()
    assert got["within_sla"] == mine.within_flag.sum()
    assert got["open"] == mine.open_flag.sum()
    assert got["open_breached"] == (mine.open_flag & mine.breached_flag).sum()
    assert got["expired"] == (mine.is_open & mine.is_expired).sum()
    assert got["open"] + got["expired"] == mine.is_open.sum()
    assert got["response_rate"] == pytest.approx(mine.is_responded.mean())
    assert got["sla_attainment"] == pytest.approx(mine.within_flag.sum() / mine.judged_flag.sum())
    times = mine.loc[mine.is_responded, "first_response_business_minutes"]
    assert got["median_business_minutes"] == pytest.approx(np.percentile(times, 50))
    assert got["p90_business_minutes"] == pytest.approx(np.percentile(times, 90))


def test_the_date_range_holds_whole_utc_days(con, care, everything):
    day = everything.start + timedelta(days=3)
    got = care_queries.care_kpis(con, care_queries.CareFilters(day, day))["messages"]
    assert got == (pd.to_datetime(care.received_date).dt.date == day).sum() > 0
    assert care_queries.care_kpis(con, everything)["messages"] == len(care)


def test_weekly_sla_attainment_and_response_rate(con, care, everything):
    df = care_queries.sla_by_week(con, everything)
    assert all(pd.Timestamp(w).day_of_week == 0 for w in df.week_start)  # ISO weeks: Mondays
    assert df.messages.sum() == len(care)
    week = (care.received_at.dt.normalize()
            - pd.to_timedelta(care.received_at.dt.day_of_week, unit="D")).dt.date
    expected = care.groupby(week).agg(messages=("message_id", "size"),
                                      responded=("is_responded", "sum"),
                                      judged=("judged_flag", "sum"), within=("within_flag", "sum"))
    got = df.assign(week_start=[pd.Timestamp(w).date() for w in df.week_start]).set_index("week_start")
    assert list(got.index) == list(expected.index)
    assert list(got.messages) == list(expected.messages)
    assert got.sla_attainment.to_numpy() == pytest.approx((expected.within / expected.judged).to_numpy())
    assert got.response_rate.to_numpy() == pytest.approx(
        (expected.responded / expected.messages).to_numpy())


def test_response_time_percentiles_per_channel(con, care, everything):
    df = care_queries.response_time_stats(con, everything).set_index("channel")
    responded = care[care.is_responded]
    assert set(df.index) == set(responded.channel)
    for channel, part in responded.groupby("channel"):
        assert df.loc[channel, "responded"] == len(part)
        for measure, column in (("business", "first_response_business_minutes"),
                                ("calendar", "first_response_minutes")):
            for name, q in (("median", 50), ("p90", 90), ("p10", 10), ("p25", 25), ("p75", 75)):
                assert df.loc[channel, f"{measure}_{name}"] == pytest.approx(
                    np.percentile(part[column], q)), (channel, measure, name)


def test_backlog_counts_open_messages_by_type_and_sla_status(con, care, everything):
    df = care_queries.backlog_by_type(con, everything)
    open_ = care[care.open_flag]
    assert df.messages.sum() == len(open_) > 0
    status = np.where(open_.breached_flag, "breached", np.where(open_.no_sla_flag, "no_sla", "in_time"))
    expected = open_.groupby([open_.complaint_type, status]).open_business_minutes.agg(["size", "max"])
    got = df.set_index(["complaint_type", "sla_status"])
    assert got.messages.to_dict() == expected["size"].to_dict()
    assert got.max_open_business_minutes.to_numpy() == pytest.approx(expected["max"].to_numpy())


def test_worst_segments_are_ranked_by_sla_attainment_with_enough_judged(con, care, everything):
    keys = ["brand", "channel", "complaint_type", "complaint_topic"]
    expected = care.groupby(keys, dropna=False).agg(
        messages=("message_id", "size"), judged=("judged_flag", "sum"), within=("within_flag", "sum"))
    expected = expected[expected.judged >= 5]
    df = care_queries.worst_segments(con, everything, min_judged=5)
    assert len(df) == len(expected) > 0
    assert list(df["rank"]) == list(range(1, len(df) + 1))
    assert list(df.sla_attainment) == sorted(df.sla_attainment)
    assert df.messages.sum() == expected.messages.sum()
    for row in df.itertuples(index=False):
        match = care[np.logical_and.reduce([
            care[k].isna() if pd.isna(getattr(row, k)) else care[k] == getattr(row, k) for k in keys])]
        assert row.messages == len(match)
        assert row.sla_attainment == pytest.approx(match.within_flag.sum() / match.judged_flag.sum())
    # A high minimum leaves out every segment; a minimum below 1 is taken as 1.
    assert care_queries.worst_segments(con, everything, min_judged=10**6).empty
    judged_once = (care.groupby(keys, dropna=False).judged_flag.sum() >= 1).sum()
    assert len(care_queries.worst_segments(con, everything, min_judged=-3)) == judged_once


@pytest.mark.parametrize("messages", list(PANDAS_SETS))
def test_every_number_drills_down_to_its_messages(con, care, everything, messages):
    assert set(PANDAS_SETS) == set(care_queries.MESSAGE_SETS)
    drill = care_queries.Drill(messages)
    expected = care[PANDAS_SETS[messages](care)]
    assert care_queries.care_message_count(con, everything, drill) == len(expected)
    rows = care_queries.care_messages(con, everything, drill)
    assert sorted(rows.message_id) == sorted(expected.message_id)
    assert list(rows.received_at) == sorted(rows.received_at, reverse=True)


def test_a_segment_drills_down_to_its_messages_null_topic_included(con, care, everything):
    segment = care_queries.worst_segments(con, everything).iloc[0]
    drill = care_queries.Drill("all", equals=tuple(
        (c, None if pd.isna(segment[c]) else segment[c]) for c in care_queries.DRILL_COLUMNS))
    rows = care_queries.care_messages(con, everything, drill)
    assert len(rows) == segment["messages"] == care_queries.care_message_count(con, everything, drill)
    assert set(rows.channel) == {segment["channel"]}
    assert rows.brand.isna().all() if pd.isna(segment["brand"]) else set(rows.brand) == {segment["brand"]}


def test_a_week_drills_down_to_its_judged_messages(con, care, everything):
    week = care_queries.sla_by_week(con, everything).iloc[-1]
    start = pd.Timestamp(week.week_start).date()
    drill = care_queries.Drill("judged", week_start=start)
    rows = care_queries.care_messages(con, everything, drill)
    assert len(rows) == week.judged
    assert all(start <= r.date() < start + timedelta(days=7) for r in rows.received_at)
    assert set(rows.sla_result) <= {"within SLA", "breached"}
    assert (rows.sla_result == "within SLA").sum() == week.within_sla


def test_drill_downs_are_bounded(con, everything):
    assert len(care_queries.care_messages(con, everything, care_queries.Drill(), limit=7)) == 7


def test_a_conversation_holds_its_messages_and_their_first_responses(con, care):
    sizes = care.groupby(["source", "conversation_id"]).size()
    (source, conversation_id), size = sizes.idxmax(), sizes.max()
    members = care[(care.source == source) & (care.conversation_id == conversation_id)]
    picked = members.iloc[-1]
    df = care_queries.care_conversation(con, source, picked.message_id)
    assert len(df) == size == len(members)
    assert set(df.conversation_id) == {conversation_id}
    assert df.is_selected.sum() == 1 and df[df.is_selected].message_id.iloc[0] == picked.message_id
    mart = members.set_index("message_id")
    for row in df.itertuples(index=False):
        assert row.first_response_id == mart.loc[row.message_id, "first_response_id"] or (
            pd.isna(row.first_response_id) and pd.isna(mart.loc[row.message_id, "first_response_id"]))
        assert row.first_response_by == mart.loc[row.message_id, "first_response_by"] or (
            pd.isna(row.first_response_by) and pd.isna(mart.loc[row.message_id, "first_response_by"]))
    title = care_figures.conversation_title(df)
    assert conversation_id in title and f"{size:,} inbound messages" in title
    assert care_queries.care_conversation(con, source, "no such message").empty


def test_the_export_holds_every_message_behind_the_filters(con, care, everything):
    f = care_queries.CareFilters(everything.start, everything.end, ["Northwind Air"],
                                 ["x", "facebook_messenger"])
    df = care_queries.care_export(con, f)
    expected = care[_mask(care, f)]
    assert len(df) == len(expected) > 0
    assert sorted(df.message_id) == sorted(expected.message_id)
    assert list(df.columns) == [*care_queries.EXPORT_COLUMNS, "sla_result"]
    assert set(care.columns) >= set(care_queries.EXPORT_COLUMNS)
    assert len(care_queries.care_export(con, f, limit=3)) == 3


def test_filter_values_travel_as_parameters(con, care, everything):
    evil = "x' or '1'='1"
    start, end = everything.start, everything.end
    assert care_queries.care_kpis(con, care_queries.CareFilters(start, end, [evil]))["messages"] == 0
    assert care_queries.care_kpis(con, care_queries.CareFilters(start, end, [], [evil]))["messages"] == 0
    hostile = care_queries.CareFilters(start, end, ["'; drop table marts.x; --"])
    assert care_queries.care_export(con, hostile).empty
    drill = care_queries.Drill("all", equals=(("brand", evil),))
    assert care_queries.care_message_count(con, everything, drill) == 0
    assert care_queries.care_conversation(con, evil, evil).empty
    assert con.execute("select count(*) from marts.fct_care_messages").fetchone()[0] == len(care)


@pytest.mark.parametrize("drill", [
    care_queries.Drill("all) or (1=1"),
    care_queries.Drill("all", equals=(("brand = brand or 1", "x"),)),
    care_queries.Drill("all", equals=(("author_id", "x"),)),
])
def test_drill_identifiers_are_allowlisted(con, everything, drill):
    with pytest.raises(ValueError, match="must be"):
        care_queries.care_messages(con, everything, drill)


def test_an_empty_period_has_no_rates_and_empty_figures(con):
    f = care_queries.CareFilters(date(2001, 1, 1), date(2001, 1, 31))
    got = care_queries.care_kpis(con, f)
    assert got["messages"] == 0 and got["response_rate"] is None and got["sla_attainment"] is None
    assert got["median_business_minutes"] is None
    assert care_queries.worst_segments(con, f).empty and care_queries.care_export(con, f).empty
    for fig in (care_figures.sla_trend(care_queries.sla_by_week(con, f)),
                care_figures.response_time_box(care_queries.response_time_stats(con, f)),
                care_figures.backlog_bars(care_queries.backlog_by_type(con, f))):
        assert fig.data == () and fig.layout.annotations[0].text.startswith("No ")


def test_figures_carry_the_marts_numbers(con, care, everything):
    trend = care_figures.sla_trend(care_queries.sla_by_week(con, everything))
    line = next(t for t in trend.data if t.name == "SLA attainment")
    assert sum(c[3] for c in line.customdata) == care.judged_flag.sum()
    backlog = care_figures.backlog_bars(care_queries.backlog_by_type(con, everything))
    assert sum(sum(t.y) for t in backlog.data) == care.open_flag.sum()
    assert {c[0] for t in backlog.data for c in t.customdata} <= set(care_queries.MESSAGE_SETS)
    box = care_figures.response_time_box(care_queries.response_time_stats(con, everything), "calendar")
    assert len(box.data) == care[care.is_responded].channel.nunique()


WIDE = (date(1900, 1, 1), date(2999, 12, 31))


def test_daily_backlog_adds_up_to_the_messages_and_ends_at_the_open_ones(con, care):
    daily = care_queries.backlog_by_day(con, care_queries.CareFilters(*WIDE))
    if not shared_queries.has_table(con, care_queries.DAILY_MART):
        assert daily.empty  # the varied copy predates the mart: an empty chart, not an error
        return
    ((messages, responded),) = con.execute("select sum(messages), sum(responded) from marts.agg_care_daily")\
        .fetchall()
    assert (messages, responded) == (len(care), care.is_responded.sum())
    assert list(daily.date_day) == sorted(set(daily.date_day))  # one point per day
    # Both demo calendars (New York, Chicago) end on the same as_of day: its end is as_of.
    last = daily.iloc[-1]
    assert last["backlog"] == care.open_flag.sum() > 0
    assert last["backlog_over_sla"] == (care.open_flag & care.breached_flag).sum()
    # the card beside the chart is its last point
    assert care_queries.backlog_at_end(daily) == {"date_day": last["date_day"], "backlog": last["backlog"],
                                                  "backlog_over_sla": last["backlog_over_sla"]}
    assert (daily["backlog_over_sla"] <= daily["backlog"]).all()
    one = care_queries.backlog_by_day(con, care_queries.CareFilters(*WIDE, ["Northwind Air"], ["x"]))
    mine = care[(care.brand == "Northwind Air") & (care.channel == "x")]
    assert len(mine) > 0 and one.iloc[-1]["backlog"] == mine.open_flag.sum()
    fig = care_figures.backlog_trend(daily)
    assert [t.name for t in fig.data] == ["backlog", "over its SLA"]
    assert fig.data[0].y[-1] == care.open_flag.sum()


@pytest.mark.parametrize(("brands", "channels"), [([], []), (["Contoso Mobile"], ["facebook_messenger"])])
def test_conversation_kpis_equal_pandas(con, brands, channels):
    f = care_queries.CareFilters(*WIDE, brands, channels)
    got = care_queries.conversation_kpis(con, f)
    if not shared_queries.has_table(con, care_queries.CONVERSATIONS_MART):
        assert set(got.values()) == {None}
        return
    df = con.execute("select * from marts.fct_care_conversations").df()
    if brands:
        df = df[df.brand.isin(brands) & df.channel.isin(channels)]
    assert got["conversations"] == len(df) > 0
    assert got["resolved"] == df.is_resolved.sum()
    assert got["reopened"] == df.is_reopened.sum()
    assert got["awaiting_brand"] == (df.status == "awaiting_brand").sum()
    assert got["awaiting_customer"] == (df.status == "awaiting_customer").sum()
    assert got["exchanges"] == df.exchanges.sum()
    assert got["median_resolution_minutes"] == pytest.approx(df.resolution_minutes.median())
    evil = care_queries.CareFilters(*WIDE, ["x' or '1'='1"], ["'; drop table marts.agg_care_daily; --"])
    assert care_queries.conversation_kpis(con, evil)["conversations"] == 0
    assert care_queries.backlog_by_day(con, evil).empty


def test_minutes_format():
    minutes = [shared_figures.fmt_minutes(v) for v in (None, 12.4, 150, 4320)]
    assert minutes == ["–", "12 min", "2.5 h", "3.0 d"]


@pytest.fixture
def care_layout():
    """The page's layout function, as the app registers it."""
    from dashboards.app import create_app

    create_app()
    return dash.page_registry["dashboards.care.page"]["layout"]


@pytest.mark.parametrize("with_mart", [True, False])
def test_the_page_says_no_care_messages_yet(published_home, tmp_path, monkeypatch, care_layout,
                                           with_mart):
    """A snapshot whose mart is empty (or predates it) renders a clear message, not an error."""
    home = tmp_path / "home"
    (home / "published").mkdir(parents=True)
    con = connect(home / "published" / "warehouse.duckdb")
    try:
        con.execute("attach ? as fixture (read_only)",
                    [str(published_home / "published" / "warehouse.duckdb")])
        con.execute("create schema meta")
        con.execute("create table meta.snapshot as select * from fixture.meta.snapshot")
        con.execute("create table meta.semantic_layer as select * from fixture.meta.semantic_layer")
        if with_mart:
            con.execute("create schema marts")
            con.execute("create table marts.fct_care_messages as "
                        "select * from fixture.marts.fct_care_messages limit 0")
    finally:
        con.close()
    monkeypatch.setenv("GROUNDSWELL_HOME", str(home))
    page = care_layout()
    assert page.id == "care-empty"
    assert page.children.startswith("No care messages yet")
    monkeypatch.setenv("GROUNDSWELL_HOME", str(tmp_path / "nothing"))
    assert care_layout().id == "care-missing"
