"""The Listening & crisis and Influencers pages in headless Chromium, on a snapshot of the tiny
demo's listening and feedback marts (landed, enriched and built as the DAGs do): numbers from the
marts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from dashboards.labels import value as words
from dashboards.shared.figures import brand_colors
from groundswell.land.demo import generate
from groundswell.land.landing import land_everything
from groundswell.transform import dbt as transform
from groundswell.transform.enrichment import enrich
from groundswell.warehouse import connect
from tests.conftest import make_settings
from tests.dashboards.conftest import metric, serving, shown, snapshot_sql

TABLES = (("meta", "snapshot"), ("meta", "semantic_layer"), ("seeds", "brands"),
          ("marts", "agg_mentions_hourly"), ("marts", "agg_share_of_voice_hourly"),
          ("marts", "fct_crisis_episodes"), ("marts", "fct_crisis_episode_days"), ("marts", "fct_mentions"),
          ("marts", "dim_influencers"),
          ("marts", "fct_feedback_actions"), ("marts", "agg_feedback_actions"))


@pytest.fixture(scope="module")
def listening_home(published_home, tmp_path_factory):
    root = tmp_path_factory.mktemp("listening-page")
    work = make_settings(root / "work")
    generate(work.landing_dir, scale="tiny")
    land_everything(work)
    enrich(work)
    transform.build(work, "+fct_crisis_episode_days +agg_share_of_voice_hourly +dim_influencers "
                          "+agg_feedback_actions")
    return publish_tables(work, published_home, root / "home", TABLES)


def publish_tables(work, published_home, home, tables):
    """A published snapshot of ``tables`` of the work warehouse (meta from the fixture's)."""
    dest = home / "published" / "warehouse.duckdb"
    dest.parent.mkdir(parents=True)
    con = connect(dest)
    try:
        con.execute("attach ? as fixture (read_only)",
                    [str(published_home / "published" / "warehouse.duckdb")])
        con.execute("attach ? as work (read_only)", [str(work.warehouse_path)])
        for schema, table in tables:
            origin = "fixture" if schema == "meta" else "work"
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select * from {origin}.{schema}.{table}")
    finally:
        con.close()
    return home


@pytest.fixture(scope="module")
def server(listening_home):
    with serving(listening_home) as url:
        yield url




def test_listening_page_shows_volume_episodes_and_share_of_voice(server, listening_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Listening & crisis").click()  # registered in the navigation
    page.wait_for_url("**/listening")

    ((first, last),) = snapshot_sql(listening_home, "select min(hour_at)::date, max(hour_at)::date "
                                           "from marts.agg_mentions_hourly")
    start = max(first, last - timedelta(days=29))
    episodes = snapshot_sql(listening_home, "select brand from marts.fct_crisis_episodes "
                                   "where start_at < ? + interval 1 day and end_at > ?", [last, start])
    assert episodes, "the tiny demo's injected crises are detected"
    for brand in ("Contoso Mobile", "Northwind Air"):  # our brands, the first by name by default
        if brand != "Contoso Mobile":
            page.locator("#listening-brand").click()
            page.get_by_role("option", name=brand, exact=True).click()
        ((mentions, negative, sov),) = snapshot_sql(listening_home, """
            select sum(mentions), sum(negative_mentions) / sum(mentions),
                   sum(mentions) / (select sum(h.mentions) from marts.agg_mentions_hourly as h
                                    join seeds.brands as b using (brand)
                                    where b.industry = (select industry from seeds.brands where brand = ?)
                                      and h.hour_at >= ? and h.hour_at < ? + interval 1 day)
            from marts.agg_mentions_hourly
            where brand = ? and hour_at >= ? and hour_at < ? + interval 1 day""",
            [brand, start, last, brand, start, last])
        # all outputs of one callback change together: wait for the most precise one
        def value(card: str) -> str:
            return page.locator(f"#{card}-value").inner_text()

        expect(page.locator("#listening-kpi-negative-value")).to_have_text(
            shown(listening_home, "negative_share", negative), timeout=30_000)
        assert value("listening-kpi-mentions") == shown(listening_home, "mentions", mentions)
        # Each card's change against the period of the same length before, of the brand
        days = (last - start).days + 1
        ((before,),) = snapshot_sql(listening_home, """
            select sum(mentions) from marts.agg_mentions_hourly
            where brand = ? and hour_at >= ? - to_days(?) and hour_at < ?""", [brand, start, days, start])
        assert page.locator("#listening-kpi-mentions-change").inner_text() == (
            metric(listening_home, "mentions").format.change(mentions, before) if before
            else f"no mentions in the previous {days} days")
        assert value("listening-kpi-sov") == shown(listening_home, "share_of_voice", sov)
        mine = sum(b == brand for (b,) in episodes)
        assert page.locator("#listening-kpi-episodes-value").inner_text() == str(mine)
        # the card, the shaded chart and the table follow the brand: the same episodes
        expect(page.locator("#listening-episodes .ag-center-cols-container .ag-row")).to_have_count(
            mine, timeout=30_000)
        # The volume chart shades each of the brand's episodes; three sentiment bars and a line.
        shapes = page.evaluate("() => document.querySelector('#listening-volume .js-plotly-plot')"
                               ".layout.shapes.length")
        traces = page.evaluate("() => document.querySelector('#listening-volume .js-plotly-plot')"
                               ".data.map(t => t.name)")
        assert shapes == mine
        assert traces == ["Negative", "Neutral", "Positive", "Net sentiment"]
        sov_traces = page.evaluate("() => document.querySelector('#listening-sov .js-plotly-plot')"
                                   ".data.map(t => t.name)")
        assert brand in sov_traces and len(sov_traces) == 2  # the brand and its competitor
        # each brand keeps its own colour whatever is selected: its place among all the brands
        colors = dict(page.evaluate("() => document.querySelector('#listening-sov .js-plotly-plot')"
                                    ".data.map(t => [t.name, t.line.color])"))
        every = [b for (b,) in snapshot_sql(listening_home,
                                            "select distinct brand from marts.agg_mentions_hourly")]
        assert colors == {b: c for b, c in brand_colors(every).items() if b in colors}
        assert len(set(colors.values())) == len(colors)
        # The feedback loop: the brand's actions, closure pooled from the sums, one row per
        # topic and department.
        ((actions, closure, open_actions, rows),) = snapshot_sql(listening_home, """
            select sum(actions), sum(actions_closed) / sum(actions), sum(actions_open), count(*)
            from marts.agg_feedback_actions where brand = ?""", [brand])
        assert actions and 0 < closure < 1, "the demo's brands closed some of their actions, not all"
        page.locator("#feedback-kpi-closure-value").filter(
            has_text=shown(listening_home, "closure_rate", closure)).wait_for(timeout=30_000)
        assert value("feedback-kpi-actions") == shown(listening_home, "feedback_actions", actions)
        assert value("feedback-kpi-open") == shown(listening_home, "open_actions", open_actions)
        feedback_rows = page.locator("#feedback-actions .ag-center-cols-container .ag-row")
        feedback_rows.nth(rows - 1).wait_for(timeout=30_000)
        assert feedback_rows.count() == rows
    assert {b for (b,) in episodes} == {"Contoso Mobile", "Northwind Air"}, "both brands' tables have rows"


def test_listening_page_says_so_without_listening_data(published_home, tmp_path, page):
    from tests.dashboards.conftest import message_without_marts

    text = message_without_marts(published_home, tmp_path, page, "/listening", "listening-empty")
    assert "No listening data yet" in text


def test_influencers_page_ranks_authors_and_opens_a_profile(server, listening_home, page):
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.goto(server + "/")
    page.get_by_role("link", name="Influencers").click()
    page.wait_for_url("**/influencers")
    brand = "Contoso Mobile"  # our brands first, by name
    candidates = snapshot_sql(listening_home, "select influence_rank, author_id, public_handle, platform "
                                     "from marts.dim_influencers where brand = ? and program_role = "
                                     "'evangelist_candidate' order by influence_rank", [brand])
    assert candidates
    title = f"Evangelist candidates of {brand}: {len(candidates):,} authors, 20 a page"
    page.locator("#influencers-title").filter(has_text=title).wait_for(timeout=30_000)
    rows = page.locator("#influencers-grid .ag-center-cols-container .ag-row")
    # the rows come from the server a page at a time (the infinite row model): wait for the page
    page.wait_for_function(
        "n => dash_ag_grid.getApi('influencers-grid').paginationGetRowCount() === n && document"
        ".querySelectorAll('#influencers-grid .ag-center-cols-container .ag-row').length === Math.min(n, 20)",
        arg=len(candidates), timeout=30_000)
    assert rows.count() == min(len(candidates), 20)  # a page of 20
    # Ranks within the list run 1, 2, 3... without gaps; the overall rank is the mart's.
    pinned = page.locator("#influencers-grid .ag-pinned-left-cols-container .ag-row")
    assert [pinned.nth(i).locator("[col-id=list_rank]").inner_text().strip()
            for i in range(min(3, len(candidates)))] == [str(i + 1) for i in range(min(3, len(candidates)))]
    assert page.locator("#influencers-grid .ag-center-cols-container .ag-row").first.locator(
        "[col-id=influence_rank]").inner_text().strip() == str(candidates[0][0])

    # All authors: every one, a page at a time from the server (not a fixed 100 nor 500).
    everyone = snapshot_sql(listening_home, "select count(*) from marts.dim_influencers where brand = ?",
                            [brand])[0][0]
    page.get_by_text("All authors").click()
    page.locator("#influencers-title").filter(
        has_text=f"All authors of {brand}: {everyone:,} authors").wait_for(timeout=30_000)
    page.wait_for_function("n => dash_ag_grid.getApi('influencers-grid').paginationGetRowCount() === n",
                           arg=everyone, timeout=30_000)
    page.evaluate("dash_ag_grid.getApi('influencers-grid').paginationGoToLastPage()")
    last_rank = str(everyone)
    page.locator("#influencers-grid .ag-pinned-left-cols-container [col-id=list_rank]").filter(
        has_text=last_rank).first.wait_for(timeout=30_000)

    # The detractor watch list is a different set of authors.
    page.get_by_text("Detractor watch list").click()
    watched = snapshot_sql(listening_home, "select count(*) from marts.dim_influencers where brand = ? and "
                                  "program_role = 'detractor_watch'", [brand])[0][0]
    page.locator("#influencers-title").filter(
        has_text=f"Detractor watch list of {brand}: {watched:,} authors").wait_for(timeout=30_000)

    # Back to the candidates: a click on the top one opens their mentions of the brand.
    page.get_by_text("Evangelist candidates").click()
    page.locator("#influencers-title").filter(has_text=title).wait_for(timeout=30_000)
    _, author_id, handle, platform = candidates[0]
    # the candidates' first page is back from the server (the detractor list may be as long)
    page.wait_for_function(
        "id => { const r = dash_ag_grid.getApi('influencers-grid').getDisplayedRowAtIndex(0);"
        " return r && r.data && r.data.author_id === id; }", arg=author_id, timeout=30_000)
    rows.first.click()
    mentions = snapshot_sql(listening_home, "select count(*) from marts.fct_mentions where brand = ? and "
                                   "platform = ? and author_id = ?", [brand, platform, author_id])[0][0]
    profile = page.locator("#influencers-profile-text")
    profile.wait_for(timeout=30_000)
    who = f"@{handle}" if handle else f"Author {author_id}"
    assert profile.inner_text().startswith(f"{who} on {words(platform)}: rank {candidates[0][0]} for "
                                           f"{brand}")
    shown = page.locator("#influencers-mentions .ag-center-cols-container .ag-row")
    shown.first.wait_for(timeout=30_000)
    assert shown.count() == min(mentions, 20)


def test_airline_dataset_gives_each_airline_net_sentiment_and_share_of_voice(published_home, tmp_path,
                                                                             page):
    """Issue 6, done when: loading ../shared/data/airline_sentiment/Tweets.csv gives per-airline net
    sentiment and share of voice on the listening page."""
    from groundswell.land.landing import land_files, resolve_files
    from groundswell.land.sources import get_source
    from tests.conftest import shared_file

    tweets = shared_file("airline_sentiment", "Tweets.csv")
    work = make_settings(tmp_path / "work")
    source = get_source("airline-sentiment")
    land_files(source.key, resolve_files(source, [tweets]), work)
    enrich(work)
    transform.build(work, "+fct_crisis_episodes +agg_share_of_voice_hourly")
    home = publish_tables(work, published_home, tmp_path / "home", TABLES[:6])
    airlines = [b for (b,) in snapshot_sql(home, "select distinct brand from marts.agg_mentions_hourly "
                                                 "order by 1")]
    assert airlines == ["American", "Delta", "Southwest", "US Airways", "United", "Virgin America"]
    with serving(home) as url:
        page.set_viewport_size({"width": 1600, "height": 1200})
        page.goto(url + "/listening")
        for n, airline in enumerate(airlines):
            if n:
                page.locator("#listening-brand").click()
                page.get_by_role("option", name=airline, exact=True).click()
            # The whole dataset (February 2015) is inside the default 30-day period.
            ((net, sov),) = snapshot_sql(home, """
                select (sum(positive_mentions) - sum(negative_mentions))
                           / (sum(positive_mentions) + sum(negative_mentions)),
                       sum(mentions) / (select sum(mentions) from marts.agg_mentions_hourly)
                from marts.agg_mentions_hourly where brand = ?""", [airline])
            assert -1 < net < 1 and 0 < sov < 1
            page.locator("#listening-kpi-sov-value").filter(
                has_text=shown(home, "share_of_voice", sov)).wait_for(timeout=30_000)
            assert page.locator("#listening-kpi-net-value").inner_text() == shown(home, "net_sentiment", net)
            names = page.evaluate("() => document.querySelector('#listening-sov .js-plotly-plot')"
                                  ".data.map(t => t.name)")
            assert airline in names and len(names) == 6  # every airline of the industry that spoke
