"""The Data health page in headless Chromium on the tiny demo: snapshot age, late sources, tests,
the gate, runs and quarantine, each as the snapshot's ops schema records them."""

from __future__ import annotations

from tests.dashboards.conftest import message_without_marts, snapshot_sql


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
