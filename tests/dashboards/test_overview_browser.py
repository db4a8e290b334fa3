"""The Overview page in headless Chromium: it shows the snapshot and follows the filters."""

from __future__ import annotations

from pathlib import Path

from dashboards.overview import queries as overview_queries
from groundswell.warehouse import published
from tests.conftest import make_settings
from tests.dashboards.conftest import serving


def expected_posts(published_home, brands):
    with published(make_settings(published_home)) as con:
        opts = overview_queries.overview_options(con)
        return overview_queries.kpis(con, opts.first_date, opts.last_date, brands)["posts"]


def test_overview_shows_kpis_and_follows_the_brand_filter(server, published_home, page):
    page.goto(server + "/")
    value = page.locator("#kpi-posts-value")
    total = expected_posts(published_home, [])
    value.filter(has_text=str(total)).wait_for(timeout=30_000)
    assert page.locator("#overview-engagements .js-plotly-plot").count() == 1
    assert "X" in page.locator("#overview-engagements").inner_text()

    # Pick one brand in the dropdown: the cards recompute for that brand only.
    page.locator("#overview-brands").click()
    page.get_by_role("option", name="Northwind Air").click()
    northwind = expected_posts(published_home, ["Northwind Air"])
    assert 0 < northwind < total
    value.filter(has_text=str(northwind)).wait_for(timeout=30_000)

    # The top posts grid follows too, and exports what it shows as CSV.
    page.locator("#overview-top-posts .ag-row").first.wait_for(timeout=30_000)
    assert "Contoso Mobile" not in page.locator("#overview-top-posts").inner_text()
    with page.expect_download() as download:
        page.locator("#overview-export").click()
    assert download.value.suggested_filename == "groundswell-top-posts.csv"
    exported = Path(download.value.path()).read_text()
    assert exported.splitlines()[0].lstrip("\ufeff").startswith('"Posted (UTC)","Brand","Platform"')
    assert len(exported.splitlines()) == min(northwind, 100) + 1

    # Switch the grain to days: the trend redraws with one point per day.
    page.get_by_label("day").check()
    page.wait_for_function(
        "() => { const g = document.querySelector('#overview-engagements .js-plotly-plot');"
        " return g && g.data && g.data[0].x.length > 7; }", timeout=30_000)


def test_the_page_says_what_to_do_when_nothing_is_published(tmp_path, page):
    with serving(tmp_path / "empty") as url:
        page.goto(url + "/")
        alert = page.locator("#overview-missing")
        alert.wait_for(timeout=30_000)
        assert "groundswell build" in alert.inner_text()
