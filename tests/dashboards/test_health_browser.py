"""The Data health page in headless Chromium on the tiny demo: snapshot age, late sources (by load
and by event time, and those that never landed), tests, the gate, runs and quarantine, each as the
snapshot's ops schema records them."""

from __future__ import annotations

import shutil

from groundswell.warehouse import connect
from tests.dashboards.conftest import message_without_marts, serving, snapshot_sql


def test_health_page_shows_what_the_ops_schema_records(server, published_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Data health").click()
    page.wait_for_url("**/health")
    page.locator("#health-snapshot").wait_for(timeout=30_000)

    ((run_id,),) = snapshot_sql(published_home, "select run_id from meta.snapshot")
    assert f"Snapshot published by run {run_id}" in page.locator("#health-snapshot").inner_text()
    ((suites, failed),) = snapshot_sql(published_home, "select count(*), count(*) filter (where not success) "
                                              "from ops.validation_results where run_id = ?", [run_id])
    assert suites >= 10 and failed == 0
    assert page.locator("#health-gate").inner_text() == f"{suites} / {suites}"
    ((tests_run, tests_failed),) = snapshot_sql(published_home, """
        select count(*), count(*) filter (where status in ('fail', 'error')) from ops.dbt_results
        where resource_type in ('test', 'unit_test')
          and run_id = (select arg_max(run_id, recorded_at) from ops.dbt_results)""")
    assert tests_run > 100
    assert page.locator("#health-tests-failed").inner_text() == str(tests_failed)
    assert f"of {tests_run} in run" in page.locator("#health-tests-failed").locator("..").inner_text()

    # Every suite of the gate is listed; every source that quarantined something, with its reason.
    rows = page.locator("#health-gate-suites .ag-center-cols-container .ag-row")
    rows.nth(suites - 1).wait_for(timeout=30_000)
    assert rows.count() == suites
    quarantined = snapshot_sql(published_home, "select source, reason from ops.quarantine_summary")
    assert quarantined  # the tiny demo sets some records aside on purpose
    grid = page.locator("#health-quarantine").inner_text()
    assert all(source in grid for source, _ in quarantined)
    # The run that landed the data is in the runs grid with what it received.
    ((received,),) = snapshot_sql(published_home, "select sum(received) from ops.load_audit")
    assert f"{received}" in page.locator("#health-runs").inner_text().replace(",", "")


def test_health_page_says_when_the_snapshot_predates_the_ops_record(published_home, tmp_path, page):
    text = message_without_marts(published_home, tmp_path, page, "/health", "health-empty")
    assert "published before groundswell kept one" in text


#: Source checks the tiny demo's build does not record (it runs no freshness step): one of each
#: kind, the web sessions' older check superseded by the latest.
FRESHNESS = """
    insert into ops.source_freshness by name
    select checked_at, 'groundswell_build' as dag_id, 'test' as run_id, source_name, table_name,
           checked_at - to_seconds(age * 3600) as max_loaded_at, age as age_hours,
           checked_at - to_seconds(event_age * 3600) as max_event_at, event_age as event_age_hours,
           36.0 as warn_after_hours, 72.0 as error_after_hours, status, late_by
    from (values
        (now()::timestamp - interval 1 day, 'web', 'web__sessions', 2.0::double, 5.0::double, 'pass',
         null),
        (now()::timestamp, 'web', 'web__sessions', 0.5, 33 * 24 + 2.0, 'error', 'event time'),
        (now()::timestamp, 'crm', 'crm__deals', 100.0, 120.0, 'error', 'load time'),
        (now()::timestamp, 'facebook', 'facebook__comments', 40.0, 41.0, 'warn', 'load time'),
        (now()::timestamp, 'x', 'x__tweets', 1.0, 5.0, 'pass', null),
        (now()::timestamp, 'fivetran', 'fivetran__twitter_organic__tweet', null, null, 'no data', null),
        (now()::timestamp, 'fivetran', 'fivetran__youtube_analytics__video', null, null, 'no data', null)
    ) as t(checked_at, source_name, table_name, age, event_age, status, late_by)"""


def test_health_page_counts_late_stale_and_never_landed_sources_as_its_grid_lists_them(
        published_home, tmp_path, page):
    home = tmp_path / "home"
    path = home / "published" / "warehouse.duckdb"
    path.parent.mkdir(parents=True)
    shutil.copy(published_home / "published" / "warehouse.duckdb", path)
    con = connect(path)
    try:
        con.execute("delete from ops.source_freshness")
        con.execute(FRESHNESS)
    finally:
        con.close()
    page.set_viewport_size({"width": 1600, "height": 1200})
    with serving(home) as url:
        page.goto(url + "/health")
        page.locator("#health-freshness .ag-row").first.wait_for(timeout=30_000)
        rows = page.locator("#health-freshness .ag-center-cols-container .ag-row")
        rows.nth(5).wait_for(timeout=30_000)
        grid = [rows.nth(i).inner_text().split("\n") for i in range(rows.count())]
        order = [int(rows.nth(i).get_attribute("row-index")) for i in range(rows.count())]
        late, late_note = (page.locator("#health-sources-late").inner_text(),
                           page.locator("#health-sources-late").locator("..").inner_text())
        never = page.locator("#health-sources-never-landed").inner_text()
    grid = [cells for _, cells in sorted(zip(order, grid, strict=True))]
    assert len(grid) == 6  # each source's latest check
    statuses = [next(c for c in cells if c in ("late (error)", "late (warning)", "fresh", "never landed"))
                for cells in grid]
    # The cards count what the grid lists: late (the stale data among them), fresh, never landed.
    assert late == str(statuses.count("late (error)")) == "2"
    assert "1 of them by event time (stale data); 1 late with a warning, 1 fresh" in late_note
    assert never == str(statuses.count("never landed")) == "2"
    assert statuses == ["late (error)", "late (error)", "late (warning)", "fresh", "never landed",
                        "never landed"]  # the late first, the never landed last
    # Loaded half an hour ago, and late: its newest session is 33 days old.
    (sessions,) = [cells for cells in grid if "web__sessions" in cells]
    assert "event time (stale data)" in sessions and "0.5 h" in sessions and "33.1 d" in sessions
    assert "4.2 d" in next(cells for cells in grid if "crm__deals" in cells)  # 100 h, in days
