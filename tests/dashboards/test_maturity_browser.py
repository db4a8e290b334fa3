"""The Maturity page in headless Chromium on the tiny demo: stages, the dimension heat map, the stage
history and the next-stage checklist, each from the marts."""

from __future__ import annotations

import pytest

from dashboards.labels import value
from tests.dashboards.conftest import snapshot_sql


def test_maturity_page_shows_stages_dimensions_history_and_the_checklist(server, published_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Maturity").click()
    page.wait_for_url("**/maturity")

    ((quarter,),) = snapshot_sql(published_home, "select quarter from marts.fct_maturity_stage "
                                        "order by quarter_start desc limit 1")
    stages = snapshot_sql(published_home, "select business_unit, stage from marts.fct_maturity_stage "
                                 "where quarter = ? order by stage_rank desc, business_unit", [quarter])
    assert {s for _, s in stages} >= {"dormant", "testing", "scaling_optimizing", "empowered"}
    rows = page.locator("#maturity-stages .ag-pinned-left-cols-container .ag-row")
    rows.nth(len(stages) - 1).wait_for(timeout=30_000)
    assert [r.strip() for r in rows.all_inner_texts()] == [u for u, _ in stages]

    # The heat map: each unit's share of applicable criteria passed per dimension.
    expected = {(u, d): share for u, d, share in snapshot_sql(published_home, """
        select business_unit, dimension, count(*) filter (where passed) / nullif(count(passed), 0)
        from marts.fct_maturity_assessment where quarter = ? group by all""", [quarter])}
    page.wait_for_function(
        "() => document.querySelector('#maturity-dimensions .js-plotly-plot')?.data?.length")
    heat = page.evaluate("() => { const t = document.querySelector('#maturity-dimensions .js-plotly-plot')"
                         ".data[0]; return {x: Array.from(t.x), y: Array.from(t.y), z: t.z}; }")
    shown = {(u, d): heat["z"][i][j] for i, u in enumerate(heat["y"]) for j, d in enumerate(heat["x"])}
    assert shown.keys() == expected.keys()
    for key, share in expected.items():
        assert shown[key] == (None if share is None else pytest.approx(share)), key

    history = page.evaluate("() => document.querySelector('#maturity-history .js-plotly-plot')"
                            ".data.map(t => t.name)")
    assert history == sorted(u for u, _ in stages)

    # The least mature unit is selected first (the most to gain, issue 22): its checklist is its
    # next stage's criteria, failed first. The most mature, empowered, has no next stage.
    ((least,),) = snapshot_sql(published_home, "select business_unit from marts.fct_maturity_stage "
                               "where quarter = ? order by stage_rank, business_unit limit 1", [quarter])
    for unit in (least, "contoso-consumer"):
        criteria = snapshot_sql(published_home, """
            select a.criterion, a.passed, s.stage, s.next_stage
            from marts.fct_maturity_assessment as a
            join marts.fct_maturity_stage as s using (business_unit, quarter)
            where business_unit = ? and quarter = ? and a.stage_rank = s.stage_rank + 1
            order by a.passed nulls last, a.criterion""", [unit, quarter])
        failed = sum(passed is False for _, passed, *_ in criteria)
        stage, next_stage = criteria[0][2:]
        assert failed >= 1
        if unit != least:
            page.locator("#maturity-unit").click()
            page.get_by_role("option", name=unit, exact=True).click()
        # stages and criteria read as words ("scaling_optimizing": scaling and optimizing)
        page.locator("#maturity-checklist-title").filter(
            has_text=f"{unit} is {value(stage).lower()} in {quarter}: {failed} of {len(criteria)} criteria "
                     f"of {value(next_stage).lower()} to meet").wait_for(timeout=30_000)
        checklist = page.locator("#maturity-checklist .ag-pinned-left-cols-container .ag-row")
        checklist.nth(len(criteria) - 1).wait_for(timeout=30_000)
        assert [r.strip() for r in checklist.all_inner_texts()] == [value(c) for c, *_ in criteria]
    first, top = stages[0]
    assert top == "empowered" and least != first
    page.locator("#maturity-unit").click()
    page.get_by_role("option", name=first, exact=True).click()
    page.locator("#maturity-checklist-title").filter(
        has_text=f"{first} is empowered in {quarter}: the highest stage").wait_for(timeout=30_000)


def test_maturity_page_says_so_without_an_assessment(published_home, tmp_path, page):
    from tests.dashboards.conftest import message_without_marts

    text = message_without_marts(published_home, tmp_path, page, "/maturity", "maturity-empty")
    assert "No maturity assessment yet" in text
