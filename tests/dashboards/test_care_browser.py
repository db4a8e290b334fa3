"""The Customer care page in headless Chromium: numbers from the mart, drill-down, CSV export."""

from __future__ import annotations

import csv

from groundswell.warehouse import connect, published
from tests.conftest import make_settings
from tests.dashboards.conftest import serving, shown

#: True once the backlog figure in the page sums to n open messages.
BACKLOG_TOTAL_IS = (
    "n => { const g = document.querySelector('#care-backlog .js-plotly-plot');"
    " return !!(g && g.data) && g.data.reduce("
    "(s, t) => s + Array.from(t.y).reduce((a, b) => a + b, 0), 0) === n; }")


def mart(published_home, sql: str, params: list | None = None):
    """One row of a direct SQL computation on the published mart."""
    with published(make_settings(published_home)) as con:
        return con.execute(sql, params or []).fetchone()


def click_plot_element(page, locator) -> None:
    """Click an SVG mark of a Plotly figure where a user would (Plotly reads the mouse position)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def grid_row_count(page, grid_id: str) -> int:
    return page.evaluate(f"dash_ag_grid.getApi('{grid_id}').getDisplayedRowCount()")


def test_care_page_shows_the_mart_drills_down_and_exports(server, published_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Customer care").click()  # registered in the navigation
    page.wait_for_url("**/care")

    total, responded, judged, within, open_ = mart(published_home, """
        select count(*), count(*) filter (where is_responded), count(is_within_sla),
               count(*) filter (where is_within_sla),
               count(*) filter (where backlog_status in ('breached', 'in_time', 'no_sla'))
        from marts.fct_care_messages""")
    page.locator("#care-kpi-messages-value").filter(
        has_text=shown(published_home, "messages", total)).wait_for(timeout=30_000)
    assert page.locator("#care-kpi-sla-value").inner_text() == shown(published_home, "sla_attainment",
                                                                     within / judged)
    assert page.locator("#care-kpi-response-rate-value").inner_text() == shown(
        published_home, "response_rate", responded / total)
    # The default period ends on as_of's day: the backlog at its end is every open message.
    assert page.locator("#care-kpi-open-value").inner_text() == shown(published_home, "backlog_at_day_end",
                                                                      open_)

    # Conversations opened in the default period (the last 90 days of received_at).
    (conversations, resolved) = mart(published_home, """
        with period as (
            select greatest(min(received_at)::date, max(received_at)::date - 89) as first_day,
                   max(received_at)::date + 1 as after
            from marts.fct_care_messages
        )
        select count(*), count(*) filter (where is_resolved)
        from marts.fct_care_conversations, period
        where opened_at >= first_day and opened_at < after""")
    assert 0 < resolved < conversations
    assert page.locator("#care-conv-opened-value").inner_text() == shown(
        published_home, "conversations", conversations)
    assert page.locator("#care-conv-resolved-value").inner_text() == shown(
        published_home, "resolved_rate", resolved / conversations)

    # The figures render, carrying the marts' numbers; the daily backlog ends at the open messages.
    page.wait_for_function(
        "n => { const p = document.querySelector('#care-backlog-trend .js-plotly-plot');"
        " return p && p.data && p.data.length && p.data[0].y[p.data[0].y.length - 1] === n; }",
        arg=open_, timeout=30_000)
    for graph in ("care-trend", "care-response-times", "care-backlog", "care-backlog-trend"):
        assert page.locator(f"#{graph} .js-plotly-plot").count() == 1
    page.wait_for_function(
        BACKLOG_TOTAL_IS,
        arg=open_, timeout=30_000)
    (x_median,) = mart(published_home, """
        select quantile_cont(first_response_business_minutes, 0.5) from marts.fct_care_messages
        where is_responded and channel = 'x'""")
    table = page.locator("#care-response-table")
    table.filter(has_text=shown(published_home, "median_first_response_business_minutes",
                                x_median)).wait_for(timeout=30_000)
    page.locator("#care-segments .ag-row").first.wait_for(timeout=30_000)

    # Filter one brand and one channel: the cards follow.
    page.locator("#care-brands").click()
    page.get_by_role("option", name="Northwind Air").click()
    page.locator("#care-channels").click()
    page.get_by_role("option", name="X", exact=True).click()
    (mine, mine_open) = mart(published_home, """
        select count(*), count(*) filter (where backlog_status in ('breached', 'in_time', 'no_sla'))
        from marts.fct_care_messages where brand = 'Northwind Air' and channel = 'x'""")
    assert 0 < mine < total and mine_open > 0
    page.locator("#care-kpi-messages-value").filter(
        has_text=shown(published_home, "messages", mine)).wait_for(timeout=30_000)
    page.locator("#care-kpi-open-value").filter(
        has_text=shown(published_home, "backlog_at_day_end", mine_open)).wait_for(timeout=30_000)
    # The card is the backlog chart's last point, whatever the filters.
    last_point = page.evaluate(
        "() => { const y = document.querySelector('#care-backlog-trend .js-plotly-plot').data[0].y;"
        " return y[y.length - 1]; }")
    assert page.locator("#care-kpi-open-value").inner_text() == shown(published_home, "backlog_at_day_end",
                                                                      last_point)

    # Drill into a backlog bar: the messages behind that number, and exactly those.
    page.wait_for_function(
        BACKLOG_TOTAL_IS,
        arg=mine_open, timeout=30_000)
    bar_value = page.evaluate(
        "() => document.querySelector('#care-backlog .js-plotly-plot').data[0].y[0]")
    click_plot_element(page, page.locator("#care-backlog .barlayer .point path").first)
    title = page.locator("#care-drill-title")
    title.filter(has_text="open messages").wait_for(timeout=30_000)
    assert title.inner_text().startswith(f"{bar_value:,} open messages")
    page.locator("#care-drill-grid .ag-row").first.wait_for(timeout=30_000)
    assert grid_row_count(page, "care-drill-grid") == bar_value
    grid_text = page.locator("#care-drill-grid").inner_text()
    assert "Contoso Mobile" not in grid_text and "facebook_comment" not in grid_text

    # Pick a message: its conversation, with the mart's first response, shows below.
    page.locator("#care-drill-grid .ag-row").first.click()
    conversation = page.locator("#care-conversation-title")
    conversation.filter(has_text="inbound message").wait_for(timeout=30_000)
    message_id = conversation.inner_text().split("Selected message ")[1].split(":")[0]
    (size,) = mart(published_home, """
        select count(*) from marts.fct_care_messages m
        join marts.fct_care_messages s
          on s.source = m.source and s.message_id = ? and m.conversation_id = s.conversation_id""",
        [message_id])
    assert f"{size:,} inbound message" in conversation.inner_text()
    page.locator("#care-conversation .ag-row").first.wait_for(timeout=30_000)
    assert grid_row_count(page, "care-conversation") == size

    # A card is a number too: the SLA attainment card drills into the judged messages.
    (mine_judged,) = mart(published_home, """
        select count(is_within_sla) from marts.fct_care_messages
        where brand = 'Northwind Air' and channel = 'x'""")
    page.locator("#care-kpi-sla-card").click()
    title.filter(has_text=f"{mine_judged:,} judged messages").wait_for(timeout=30_000)

    # Export: every message behind the filters, one CSV row each.
    with page.expect_download() as download:
        page.locator("#care-export").click()
    assert download.value.suggested_filename.startswith("groundswell-care-messages-")
    with open(download.value.path(), newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == mine
    assert {r["brand"] for r in rows} == {"Northwind Air"} and {r["channel"] for r in rows} == {"x"}
    assert sum(r["backlog_status"] in ("breached", "in_time", "no_sla") for r in rows) == mine_open
    page.locator("#care-export-status").filter(has_text=f"Exported {mine:,} messages").wait_for(
        timeout=10_000)


def test_care_page_says_so_when_there_are_no_care_messages(published_home, tmp_path, page):
    home = tmp_path / "home"
    (home / "published").mkdir(parents=True)
    con = connect(home / "published" / "warehouse.duckdb")
    try:
        con.execute("attach ? as fixture (read_only)",
                    [str(published_home / "published" / "warehouse.duckdb")])
        for schema, table in (("meta", "snapshot"), ("meta", "semantic_layer"),
                              ("marts", "fct_care_messages")):
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select * from fixture.{schema}.{table} "
                        f"where {schema != 'marts'}")
    finally:
        con.close()
    with serving(home) as url:
        page.goto(url + "/care")
        alert = page.locator("#care-empty")
        alert.wait_for(timeout=30_000)
        assert "No care messages yet" in alert.inner_text()
