"""The Social ROI page in headless Chromium: numbers from the mart, model switch, CSV export."""

from __future__ import annotations

import csv

import pytest

from dashboards import labels, semantic
from dashboards.roi import figures as roi_figures
from dashboards.roi import queries as roi_queries
from groundswell.warehouse import published
from tests.conftest import make_settings
from tests.dashboards.conftest import serving, write_roi_snapshot

ROI_OF = "(sum(total_value) - sum(cost)) / nullif(sum(cost), 0)"


@pytest.fixture(scope="module")
def varied_server(varied_roi_home):
    with serving(varied_roi_home) as url:
        yield url


def mart(home, sql: str, params: list | None = None):
    """The rows of a direct SQL computation on the published snapshot."""
    with published(make_settings(home)) as con:
        return con.execute(sql, params or []).fetchall()


def layer_of(home):
    """The semantic layer of the published snapshot: the cards' labels, definitions, formats."""
    with published(make_settings(home)) as con:
        return semantic.layer(con)


def department_labels(home) -> dict[str, str]:
    """{department: label} of seeds.departments: the words the page shows for a department."""
    return dict(mart(home, "select department, label from seeds.departments"))


def figure_data(page, graph_id: str) -> list[dict]:
    return page.evaluate(
        f"() => document.querySelector('#{graph_id} .js-plotly-plot').data.map("
        "t => ({x: Array.from(t.x || []), y: Array.from(t.y || []), type: t.type, name: t.name,"
        " plus: t.error_y ? Array.from(t.error_y.array) : null,"
        " minus: t.error_y ? Array.from(t.error_y.arrayminus) : null}))")


def wait_for_card(page, card: str, text: str) -> None:
    page.locator(f"#{card}-value").filter(has_text=text).wait_for(timeout=30_000)
    assert page.locator(f"#{card}-value").inner_text() == text


def test_roi_page_shows_the_mart_and_exports_the_campaigns(server, published_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Social ROI").click()  # registered in the navigation
    page.wait_for_url("**/roi")

    ((cost, value, revenue, pipeline, savings, deflected, ideas, roi, roas, rows),) = mart(
        published_home, f"""
        select sum(cost), sum(total_value), sum(attributed_revenue), sum(attributed_pipeline),
               sum(deflection_savings), sum(deflected_contacts), sum(ideas_adopted), {ROI_OF},
               sum(attributed_revenue) / nullif(sum(paid_media_cost), 0), count(*)
        from marts.fct_social_roi where model = 'linear'""")
    layer = layer_of(published_home)

    def shown(metric: str, v) -> str:  # the metric's format in the semantic layer
        return layer.metric(metric).format(v)

    wait_for_card(page, "roi-kpi-cost", shown("program_cost", cost))
    assert page.locator("#roi-kpi-value-value").inner_text() == shown("total_value", value)
    assert page.locator("#roi-kpi-roi-value").inner_text() == shown("social_roi", roi)
    assert page.locator("#roi-kpi-roas-value").inner_text() == shown("roas", roas)
    assert page.locator("#roi-kpi-revenue-value").inner_text() == shown("attributed_revenue", revenue)
    assert page.locator("#roi-kpi-pipeline-value").inner_text() == shown("attributed_pipeline", pipeline)
    assert "not in ROI" in page.locator("#roi-kpi-pipeline-card").inner_text()
    assert page.locator("#roi-kpi-savings-value").inner_text() == shown("deflection_savings", savings)
    assert f"{int(deflected):,} deflected contacts" in page.locator("#roi-kpi-savings-detail").inner_text()
    assert page.locator("#roi-kpi-ideas-value").inner_text() == f"{int(ideas):,}"
    # Each card is headed by its metric's label; its tooltip is the metric's definition.
    for card, metric in (("cost", "program_cost"), ("roi", "social_roi")):
        title = page.locator(f"#roi-kpi-{card}-card").get_attribute("title")
        assert title == layer.metric(metric).description
    assert layer.metric("social_roi").label in page.locator("#roi-kpi-roi-card").inner_text()

    # ROI by department: the bars carry the mart's ROI computed from sums.
    by_department = dict(mart(published_home, f"""
        select department, {ROI_OF} from marts.fct_social_roi where model = 'linear'
        group by department"""))
    page.wait_for_function(
        "n => { const g = document.querySelector('#roi-by-department .js-plotly-plot');"
        " return !!(g && g.data && g.data.length) && g.data[0].x.length === n; }",
        arg=len(by_department), timeout=30_000)
    (bars,) = figure_data(page, "roi-by-department")
    words = department_labels(published_home)  # the bars are labelled in words
    assert bars["x"] == [words[d] for d in sorted(by_department)]
    assert bars["y"] == pytest.approx([by_department[d] for d in sorted(by_department)])
    page.locator("#roi-by-channel .js-plotly-plot").wait_for(timeout=30_000)

    # The waterfall: revenue, savings, ideas, minus cost, net value; the pipeline apart.
    page.locator("#roi-waterfall .js-plotly-plot").wait_for(timeout=30_000)
    fall, beside = figure_data(page, "roi-waterfall")
    assert fall["type"] == "waterfall" and fall["x"][-2:] == ["cost", "net value"]
    assert fall["y"][-1] == pytest.approx(float(value - cost))  # the mart's sums: DECIMAL
    assert beside["x"] == [roi_figures.PIPELINE_LABEL] and beside["y"] == pytest.approx([float(pipeline)])

    # The campaign table: one row per department × channel × campaign of the model.
    page.locator("#roi-campaigns .ag-row").first.wait_for(timeout=30_000)
    assert page.evaluate("dash_ag_grid.getApi('roi-campaigns').getDisplayedRowCount()") == rows
    page.locator("#roi-campaign-title").filter(has_text=f"{rows:,} rows").wait_for(timeout=10_000)

    # Filter one department: the cards follow.
    page.locator("#roi-departments").click()
    page.get_by_role("option", name=department_labels(published_home)["service"], exact=True).click()
    ((s_cost, s_roi, s_rows),) = mart(published_home, f"""
        select sum(cost), {ROI_OF}, count(*) from marts.fct_social_roi
        where model = 'linear' and department = 'service'""")
    assert 0 < s_cost < cost
    wait_for_card(page, "roi-kpi-cost", shown("program_cost", s_cost))
    assert page.locator("#roi-kpi-roi-value").inner_text() == shown("social_roi", s_roi)
    page.locator("#roi-campaign-title").filter(has_text=f"{s_rows:,} rows").wait_for(timeout=30_000)

    # Export: the campaign table behind the filters, every column.
    with page.expect_download() as download:
        page.locator("#roi-export").click()
    assert download.value.suggested_filename.startswith("groundswell-social-roi-linear-")
    with open(download.value.path(), newline="") as fh:
        reader = csv.DictReader(fh)
        exported = list(reader)
    assert reader.fieldnames == list(roi_queries.CAMPAIGN_COLUMNS)
    assert len(exported) == s_rows
    assert {r["department"] for r in exported} == {"service"}
    assert sum(float(r["cost"]) for r in exported) == pytest.approx(float(s_cost))
    assert {r["model"] for r in exported} == {"linear"}
    page.locator("#roi-export-status").filter(has_text=f"Exported {s_rows:,} rows").wait_for(
        timeout=10_000)


def test_fan_quality_table_shows_the_mart(server, published_home, page):
    rows = mart(published_home, "select brand, channel, engagers, follower_customer_share "
                                "from marts.agg_fan_quality order by brand, channel")
    assert len(rows) == 4 and sum(r[3] is not None for r in rows) == 2  # X lists only
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/roi")
    grid = page.locator("#roi-fan-quality")
    grid.locator(".ag-row").nth(len(rows) - 1).wait_for(timeout=30_000)
    assert grid.locator(".ag-center-cols-container .ag-row").count() == len(rows)
    for brand, channel, engagers, share in rows:
        row = grid.locator(".ag-center-cols-container .ag-row").filter(
            has=page.locator("[col-id=channel]", has_text=channel)).filter(
            has=page.locator("[col-id=brand]", has_text=brand))
        assert row.locator("[col-id=engagers]").inner_text() == f"{engagers:,}"
        expected = "–" if share is None else f"{share:.1%}"
        assert row.locator("[col-id=follower_customer_share]").inner_text() == expected


def test_the_model_switch_and_the_range_across_models(varied_server, varied_roi_home, page):
    """On the varied mart the models disagree: the switch changes the numbers, and each
    department's whiskers span the lowest to the highest of its per-model ROI."""
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(varied_server + "/roi")
    per_model = dict(mart(varied_roi_home, f"""
        select model, {ROI_OF} from marts.fct_social_roi group by model"""))
    assert per_model["linear"] != pytest.approx(per_model["first_touch"])
    layer = layer_of(varied_roi_home)
    roi_shown, money_shown = layer.metric("social_roi").format, layer.metric("attributed_revenue").format
    wait_for_card(page, "roi-kpi-roi", roi_shown(per_model["linear"]))

    page.get_by_label("First touch", exact=True).check()  # its label in dbt/seeds/attribution_models.csv
    wait_for_card(page, "roi-kpi-roi", roi_shown(per_model["first_touch"]))
    ((revenue,),) = mart(varied_roi_home, "select sum(attributed_revenue) from marts.fct_social_roi "
                                          "where model = 'first_touch'")
    assert page.locator("#roi-kpi-revenue-value").inner_text() == money_shown(revenue)
    page.locator("#roi-campaign-title").filter(has_text="First touch model").wait_for(timeout=30_000)

    ranges = {d: (lo, hi, sel) for d, lo, hi, sel in mart(varied_roi_home, f"""
        with per_model as (
            select department, model, {ROI_OF} as roi from marts.fct_social_roi group by all
        )
        select department, min(roi), max(roi), any_value(roi) filter (where model = 'first_touch')
        from per_model group by department""")}
    assert any(hi - lo > 0.01 for lo, hi, _ in ranges.values() if lo is not None)
    page.wait_for_function(
        "() => { const g = document.querySelector('#roi-by-department .js-plotly-plot');"
        " return !!(g && g.data && g.data.length) && g.layout.title.text.includes('First touch'); }",
        timeout=30_000)
    (bars,) = figure_data(page, "roi-by-department")
    # the bars in words: this snapshot has no seeds.departments, so the departments' own words
    named = {labels.value(d): d for d in ranges}
    for department, y, plus, minus in zip(bars["x"], bars["y"], bars["plus"], bars["minus"],
                                          strict=True):
        lo, hi, selected = ranges[named[department]]
        assert y == pytest.approx(selected)
        assert y + plus == pytest.approx(hi) and y - minus == pytest.approx(lo)


def test_roi_page_says_so_when_there_is_no_roi(published_home, tmp_path, page):
    home = tmp_path / "home"
    write_roi_snapshot(published_home / "published" / "warehouse.duckdb",
                       home / "published" / "warehouse.duckdb", empty=True)
    with serving(home) as url:
        page.goto(url + "/roi")
        alert = page.locator("#roi-empty")
        alert.wait_for(timeout=30_000)
        assert "No Social ROI yet" in alert.inner_text()
