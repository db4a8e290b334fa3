"""Query and figure functions, called directly on a real published snapshot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboards.overview import figures as overview_figures
from dashboards.overview import queries as overview_queries
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.warehouse import published


@pytest.fixture
def con(use_published_home):
    with published(use_published_home) as c:
        yield c


@pytest.fixture
def posts(con) -> pd.DataFrame:
    return con.execute("select * from marts.fct_post_performance").df()


def test_kpis_equal_an_independent_pandas_computation(con, posts):
    opts = overview_queries.overview_options(con)
    brand = opts.brands[0]
    mine = posts[(posts.brand == brand)]
    got = overview_queries.kpis(con, opts.first_date, opts.last_date, [brand])
    assert got["posts"] == len(mine)
    assert got["impressions"] == mine.impressions.sum()
    assert got["engagements"] == mine.engagements.sum()
    rated = mine[mine.impressions > 0]
    assert got["engagement_rate"] == pytest.approx(rated.engagements.sum() / rated.impressions.sum())


def test_no_brand_filter_means_every_brand(con, posts):
    opts = overview_queries.overview_options(con)
    assert overview_queries.kpis(con, opts.first_date, opts.last_date, [])["posts"] == len(posts)
    assert len(opts.brands) == 2


def test_an_empty_period_has_no_rate_and_an_empty_figure(con):
    got = overview_queries.kpis(con, date(2001, 1, 1), date(2001, 1, 31))
    assert got == {"posts": 0, "impressions": 0, "engagements": 0, "engagement_rate": None}
    df = overview_queries.engagement_by_platform(con, date(2001, 1, 1), date(2001, 1, 31))
    fig = overview_figures.engagement_trend(df)
    assert fig.data == () and fig.layout.annotations[0].text == "No posts in this period"


def test_weekly_trend_sums_to_the_period_total(con):
    opts = overview_queries.overview_options(con)
    df = overview_queries.engagement_by_platform(con, opts.first_date, opts.last_date, None, "week")
    assert set(df.platform) == {"x", "facebook", "instagram", "linkedin", "youtube"}
    assert all(pd.Timestamp(d).day_of_week == 0 for d in df.period_start)  # ISO weeks: Mondays
    total = overview_queries.kpis(con, opts.first_date, opts.last_date)
    assert df.engagements.sum() == total["engagements"]


def test_grain_is_an_allowlisted_identifier(con):
    with pytest.raises(ValueError, match="grain must be one of"):
        overview_queries.engagement_by_platform(con, date(2026, 1, 1), date(2026, 2, 1), None,
                                       "week_start; drop table marts.dim_date")


def test_brand_values_travel_as_parameters(con):
    got = overview_queries.kpis(con, date(2000, 1, 1), date(2030, 1, 1), ["x' or '1'='1"])
    assert got["posts"] == 0


def test_previous_period_has_the_same_length():
    assert shared_queries.previous_period(date(2026, 10, 18), date(2026, 10, 31)) == (
        date(2026, 10, 4), date(2026, 10, 17))


def test_count_format():
    assert [shared_figures.fmt_count(v) for v in (950, 1234, 2_500_000, None)] == [
        "950", "1.2k", "2.5M", "–"]


def test_top_posts_are_ordered_by_engagements_and_grid_ready(con, posts):
    opts = overview_queries.overview_options(con)
    top = overview_queries.top_posts(con, opts.first_date, opts.last_date, None, limit=5)
    assert list(top.engagements) == sorted(posts.engagements, reverse=True)[:5]
    rows = shared_figures.grid_rows(top)
    assert len(rows) == 5 and isinstance(rows[0]["posted_at"], str)
    assert all(r["engagement_rate"] is None or isinstance(r["engagement_rate"], float)
               for r in rows)


def test_previous_months_are_as_many_calendar_months_before():
    assert shared_queries.previous_months(date(2026, 1, 1), date(2026, 3, 1)) == (
        date(2025, 10, 1), date(2025, 12, 1))
    assert shared_queries.previous_months(date(2026, 5, 1), date(2026, 5, 1)) == (
        date(2026, 4, 1), date(2026, 4, 1))


def test_a_platform_without_the_figure_gets_no_legend_entry(con):
    """YouTube reports no impressions: no engagement-rate line, so no legend entry without data
    (issue 22); its engagements still have one. Every platform keeps its own colour."""
    opts = overview_queries.overview_options(con)
    df = overview_queries.engagement_by_platform(con, opts.first_date, opts.last_date, None, "week")
    assert df[df.platform == "youtube"].engagement_rate.isna().all()
    rate = overview_figures.engagement_trend(df, "engagement_rate")
    assert "YouTube" not in [t.name for t in rate.data] and len(rate.data) == 4
    assert "YouTube" in [t.name for t in overview_figures.engagement_trend(df, "engagements").data]
    assert len(set(shared_figures.PLATFORM_COLORS.values())) == len(shared_figures.PLATFORM_COLORS)
