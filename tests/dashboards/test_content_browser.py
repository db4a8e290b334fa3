"""The Content page in headless Chromium on the tiny demo: pooled rates from the posts themselves."""

from __future__ import annotations

import time

import pytest

from groundswell.warehouse import published
from tests.conftest import make_settings


def posts_sql(home, query: str, params: list | None = None):
    with published(make_settings(home)) as con:
        return con.execute(query, params or []).fetchall()


RATE_BY_TYPE = """
    select content_type,
           sum(engagements) filter (where impressions > 0) / sum(impressions) filter (where impressions > 0)
    from marts.fct_post_performance where {where}
    group by 1 order by 1"""


def bar_data(page) -> dict:
    data = page.evaluate("() => { const t = document.querySelector('#content-types .js-plotly-plot')"
                         ".data[0]; return {x: Array.from(t.x), y: Array.from(t.y)}; }")
    return dict(zip(data["x"], data["y"], strict=True))


def test_content_page_pools_rates_by_type_and_slot(server, published_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Content").click()
    page.wait_for_url("**/content")
    page.locator("#content-types .js-plotly-plot").wait_for(timeout=30_000)

    expected = dict(posts_sql(published_home, RATE_BY_TYPE.format(where="true")))
    page.wait_for_function("() => document.querySelector('#content-types .js-plotly-plot')?.data?.length")
    shown = bar_data(page)
    assert set(shown) == set(expected)
    for content_type, rate in expected.items():
        assert shown[content_type] == (pytest.approx(rate) if rate is not None else None), content_type
    # The heatmap has a value in every local slot where posts with impressions went out.
    slots = posts_sql(published_home, "select count(distinct (posting_weekday, posting_hour)) "
                                      "from marts.fct_post_performance where impressions > 0")[0][0]
    cells = page.evaluate("() => Array.from(document.querySelector('#content-slots .js-plotly-plot')"
                          ".data[0].z).map(r => Array.from(r)).flat()"
                          ".filter(v => v !== null && !Number.isNaN(v)).length")
    assert cells == slots > 10
    combos = posts_sql(published_home, "select count(distinct (content_type, posting_weekday, "
                                       "posting_hour)) from marts.fct_post_performance")[0][0]
    page.locator("#content-table .ag-paging-row-summary-panel").filter(has_text=f"of {combos}").wait_for(
        timeout=30_000)

    # Only X: the rates of X's posts.
    page.locator("#content-platforms").click()
    page.get_by_role("option", name="X", exact=True).click()
    x_rates = dict(posts_sql(published_home, RATE_BY_TYPE.format(where="platform = 'x'")))
    assert x_rates != expected  # X alone differs from all platforms: the update is visible
    deadline = time.monotonic() + 30
    while (shown := bar_data(page)) != pytest.approx(x_rates) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert shown == pytest.approx(x_rates)


def test_the_date_filter_keeps_the_posts_of_the_period(published_home):
    """The page's date filter (issue 22): the rates of the posts published in the period only."""
    from dashboards.content import queries

    with published(make_settings(published_home)) as con:
        first, last = queries.content_span(con)
        assert first < last
        start = first + (last - first) / 2
        everything = queries.content_by(con, ["content_type"], None, None, first, last)
        late = queries.content_by(con, ["content_type"], None, None, start, last)
    expected = dict(posts_sql(published_home, RATE_BY_TYPE.format(where="posted_date between ? and ?"),
                              [start, last]))
    assert dict(zip(late.content_type, late.engagement_rate, strict=True)) == pytest.approx(expected)
    assert late.posts.sum() < everything.posts.sum() == posts_sql(
        published_home, "select count(*) from marts.fct_post_performance")[0][0]
