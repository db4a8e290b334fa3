"""Post metrics stay current: each daily run fetches the brand's own posts of the trailing window
again (GROUNDSWELL_POST_METRICS_WINDOW_DAYS, default 28) and the incremental build keeps each
post's latest landing, so a post's likes in marts.fct_post_performance grow with the platform's.

Three daily runs, as the land and build DAGs run them (fetch, land the day, build incrementally),
against the replay server, whose X post and Facebook post gain likes between the runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from groundswell.land.landing import land_interval
from groundswell.land.readers import Account, fetch_interval
from groundswell.land.readers.replay import ReplayData
from groundswell.transform import dbt as transform
from groundswell.warehouse import writer
from tests.readers import Waits, replay_api, snowflake

DAYS = [date(2026, 11, 10) + timedelta(days=n) for n in range(3)]
LIKES = (3, 10, 25)  # the posts' likes (X) and reactions (Facebook) when each day's run fetches
SELECT = "+fct_post_performance +dim_date"  # the published post metrics and what they are tested on
X_USER, PAGE = "1100000000000000001", "104000000000001"  # Northwind Air's (dbt/seeds/brand_accounts.csv)
POSTED = datetime(2026, 11, 10, 9, 30, tzinfo=UTC)  # on the first day
TWEET_ID = snowflake(POSTED, 1)
POST_ID = f"{PAGE}_20261110001"
ACCOUNTS = {"x": [Account("x", X_USER, "NorthwindAir", "Northwind Air")],
            "facebook": [Account("facebook", PAGE, "Northwind Air", "Northwind Air")]}


def _replay_data() -> ReplayData:
    data = ReplayData()
    brand = {"id": X_USER, "username": "NorthwindAir", "name": "Northwind Air",
             "public_metrics": {"followers_count": 52000}}
    data.add_tweet("timeline", X_USER, {
        "id": TWEET_ID, "text": "Our winter schedule is out", "author_id": X_USER,
        "conversation_id": TWEET_ID, "created_at": POSTED.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "lang": "en", "edit_history_tweet_ids": [TWEET_ID],
        "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": LIKES[0], "quote_count": 0,
                           "bookmark_count": 0, "impression_count": 100}}, author=brand)
    data.tweets[("mentions", X_USER)] = {}  # nobody mentions it: X answers with no data
    data.add_post(PAGE, {
        "id": POST_ID, "message": "Our winter schedule is out",
        "created_time": POSTED.strftime("%Y-%m-%dT%H:%M:%S+0000"), "status_type": "mobile_status_update",
        "permalink_url": f"https://www.facebook.com/{PAGE}/posts/20261110001",
        "from": {"name": "Northwind Air", "id": PAGE}, "shares": {"count": 1},
        "reactions": {"data": [], "summary": {"total_count": LIKES[0]}},
        "comments": {"data": [], "summary": {"total_count": 0}},
        "insights": {"data": [
            {"name": "post_impressions", "period": "lifetime", "values": [{"value": 100}]}]}})
    return data


def _set_likes(data: ReplayData, likes: int) -> None:
    data.tweets[("timeline", X_USER)][TWEET_ID]["public_metrics"]["like_count"] = likes
    data.posts[PAGE][POST_ID]["reactions"]["summary"]["total_count"] = likes


@pytest.fixture
def data() -> ReplayData:
    return _replay_data()


@pytest.fixture
def api(data, monkeypatch):
    with replay_api(data, monkeypatch) as server:
        yield server


def test_a_posts_likes_grow_in_the_mart_over_three_daily_runs(api, data, settings):
    compiled = (settings.dbt_target_dir / "compiled" / "groundswell" / "models" / "staging" / "x"
                / "stg_x__tweets.sql")
    for n, (day, likes) in enumerate(zip(DAYS, LIKES, strict=True)):
        _set_likes(data, likes)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for reader, source in (("x", "x-tweets"), ("facebook", "facebook-posts")):
            fetched = fetch_interval(reader, start, start + timedelta(days=1), settings,
                                     accounts=ACCOUNTS[reader], policy=Waits().policy())
            assert fetched.records == 1, (reader, day)  # the post of the first day, every day
            loads = land_interval(source, day, day + timedelta(days=1), settings)
            assert [(r.landed, r.quarantined) for r in loads] == [(1, 0)], (source, day)
        transform.build(settings, SELECT)

        with writer(settings) as con:
            posts = con.execute(
                "select platform, post_id, posted_at, reactions from marts.fct_post_performance "
                "order by platform").fetchall()
            landings = con.execute(
                "select (select count(*) from raw.x__tweets), (select count(*) from raw.facebook__posts), "
                "(select count(*) from staging.stg_x__tweets), "
                "(select count(*) from staging.stg_facebook__posts)").fetchone()
        # One row per post, with the likes of the latest run: the lake keeps every landing.
        posted = POSTED.replace(tzinfo=None)
        assert posts == [("facebook", POST_ID, posted, likes), ("x", TWEET_ID, posted, likes)], day
        assert landings == (n + 1, n + 1, 1, 1)
        if n:  # the later builds were incremental: staging read only what landed since its last run
            assert "_loaded_at > cast(" in compiled.read_text()
