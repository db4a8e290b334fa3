"""The X reader against the local replay server: real HTTP on loopback, real files, real landing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from groundswell.config import Settings
from groundswell.land.landing import land_interval
from groundswell.land.readers import Account, fetch_incremental, fetch_interval, load_cursors, state_path
from groundswell.land.readers.http import ReaderError
from groundswell.land.readers.replay import Fault, ReplayData, x_time
from groundswell.warehouse import writer
from tests.readers import NOW, Waits, ids_in, landing_files, replay_api, snowflake

# The tiny demo: 2026-10-18 .. 2026-10-31, two brands.
START = datetime(2026, 10, 18, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
NORTHWIND, CONTOSO = "1100000000000000001", "1100000000000000002"


@pytest.fixture
def data() -> ReplayData:
    return ReplayData.from_demo()


@pytest.fixture
def api(data, monkeypatch):
    with replay_api(data, monkeypatch) as server:
        yield server


@pytest.fixture
def waits() -> Waits:
    return Waits()


def all_ids(data: ReplayData) -> set[str]:
    return {tid for tweets in data.tweets.values() for tid in tweets}


def test_interval_fetches_every_tweet_once_across_pages(api, data, settings, waits):
    result = fetch_interval("x", START, END, settings, policy=waits.policy())

    ids = ids_in(result.files)
    assert len(ids) == len(set(ids)) == result.records == data.tweet_count()
    assert set(ids) == all_ids(data)
    # Several pages per endpoint: mentions of a brand are ~300 tweets at 100 a page.
    assert result.pages > 4
    assert any("pagination_token" in r.params for r in api.requests)
    assert all(r.params["max_results"] == "100" for r in api.requests)
    interval = [r for r in api.requests if "exclude" not in r.params]  # not the window's own posts
    assert {r.params["start_time"] for r in interval} == {"2026-10-18T00:00:00Z"}
    assert {r.params["end_time"] for r in interval} == {"2026-11-01T00:00:00Z"}
    # One page per file, named by endpoint, account and run stamp, all in dt=<start date>.
    folder = settings.landing_dir / "x" / "tweets" / "dt=2026-10-18"
    assert landing_files(settings.landing_dir) == set(result.files)
    assert all(f.parent == folder for f in result.files)
    assert folder / "mentions-northwindair-20261018T000000-p003.json" in result.files
    # An interval run neither reads nor moves the cursor, and no token lands in any file.
    assert result.cursor is None and not state_path("x", settings).exists()
    assert not [p for p in settings.home.rglob("*") if p.is_file() and api.x_token.encode() in p.read_bytes()]
    assert waits.delays == []


def test_interval_returns_only_tweets_created_inside_it(api, data, settings, waits):
    """With GROUNDSWELL_POST_METRICS_WINDOW_DAYS=0 no earlier post is asked for again."""
    settings = Settings(home=settings.home, post_metrics_window_days=0)
    start, end = datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 10, 21, tzinfo=UTC)
    expected = {t["id"] for tweets in data.tweets.values() for t in tweets.values()
                if start <= x_time(t["created_at"]) < end}

    result = fetch_interval("x", start, end, settings, policy=waits.policy())

    assert sorted(ids_in(result.files)) == sorted(expected) and expected
    assert {(r.params["start_time"], r.params["end_time"]) for r in api.requests} == {
        ("2026-10-20T00:00:00Z", "2026-10-21T00:00:00Z")}
    assert not [r for r in api.requests if "exclude" in r.params]


def test_interval_fetches_the_accounts_own_posts_of_the_window_again(api, data, settings, waits):
    """The timeline's posts of the GROUNDSWELL_POST_METRICS_WINDOW_DAYS before the interval come
    again, for their current metrics; not the account's replies and retweets (no posts of the
    brand's), and no mentions (other people's tweets)."""
    settings = Settings(home=settings.home, post_metrics_window_days=3)
    start, end = datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)
    window = start - timedelta(days=3)
    brand = data.users[NORTHWIND]
    reply_to, retweeted = next(iter(data.tweets[("mentions", NORTHWIND)].values())), "1234567890123456789"
    for n, refs in enumerate([[{"type": "replied_to", "id": reply_to["id"]}],
                              [{"type": "retweeted", "id": retweeted}]], start=1):
        when = window + timedelta(hours=n)
        tid = snowflake(when, 900 + n)
        data.add_tweet("timeline", NORTHWIND, {
            "id": tid, "text": f"not a post {n}", "author_id": NORTHWIND, "conversation_id": tid,
            "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "referenced_tweets": refs,
            **({"in_reply_to_user_id": reply_to["author_id"]} if n == 1 else {}),
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0,
                               "bookmark_count": 0, "impression_count": 9}}, author=brand)

    def created(since: datetime, until: datetime, endpoints: tuple[str, ...]) -> list[dict]:
        return [t for (endpoint, _), tweets in data.tweets.items() if endpoint in endpoints
                for t in tweets.values() if since <= x_time(t["created_at"]) < until]

    result = fetch_interval("x", start, end, settings, policy=waits.policy())

    earlier = {t["id"] for t in created(window, start, ("timeline",))
               if not {r["type"] for r in t.get("referenced_tweets", [])} & {"replied_to", "retweeted"}}
    assert len(earlier) > 10  # the demo's brand posts of three days, not the reply and the retweet
    ids = ids_in(result.files)
    assert len(ids) == len(set(ids)) == result.records
    assert set(ids) == {t["id"] for t in created(start, end, ("timeline", "mentions"))} | earlier
    refreshes = [r for r in api.requests if "exclude" in r.params]
    assert {(r.path.split("/")[3], r.path.split("/")[4]) for r in refreshes} == {
        (NORTHWIND, "tweets"), (CONTOSO, "tweets")}  # one request per account: < 100 posts each
    for request in refreshes:
        assert request.params["exclude"] == "replies,retweets"
        assert (request.params["start_time"], request.params["end_time"]) == (
            "2026-10-22T00:00:00Z", "2026-10-25T00:00:00Z")
    # Today's pages hold older posts: they land whole, none quarantined for their age.
    loads = land_interval("x-tweets", start.date(), end.date(), settings)
    assert [(r.received, r.landed, r.quarantined) for r in loads] == [(len(ids), len(ids), 0)]


def test_rerunning_an_interval_replaces_its_files(api, settings, waits):
    first = fetch_interval("x", START, END, settings, policy=waits.policy())
    second = fetch_interval("x", START, END, settings, policy=waits.policy())

    assert second.files == first.files
    assert landing_files(settings.landing_dir) == set(second.files)


@pytest.mark.parametrize(
    ("fault", "expected_wait"),
    [
        (Fault.x_rate_limit(reset_at=int(NOW) + 42), 42.0),  # x-rate-limit-reset: epoch seconds
        (Fault.retry_after(7), 7.0),
        (Fault.x_rate_limit(reset_at=int(NOW) + 7200), 900.0),  # capped at RetryPolicy.max_wait
    ],
    ids=["x-rate-limit-reset", "retry-after", "capped"],
)
def test_a_rate_limit_is_waited_out(api, data, settings, waits, fault, expected_wait):
    api.add_fault(fault, at=2)

    result = fetch_interval("x", START, END, settings, policy=waits.policy())

    assert waits.delays == [expected_wait]
    second, retried = api.requests[1], api.requests[2]
    assert second.status == 429 and retried.status == 200
    assert (retried.path, retried.params) == (second.path, second.params)
    assert sorted(ids_in(result.files)) == sorted(all_ids(data))


def test_server_errors_and_cut_off_pages_are_retried(api, data, settings, waits):
    api.add_fault(Fault.server_error(500), at=2)
    api.add_fault(Fault.server_error(503), at=5)
    api.add_fault(Fault.truncated(), at=7)  # 200 with half a JSON body: must not be written

    result = fetch_interval("x", START, END, settings, policy=waits.policy())

    statuses = [r.status for r in api.requests]
    assert statuses[1] == 500 and statuses[4] == 503 and statuses[6] == 200
    assert api.requests[7].params == api.requests[6].params  # the cut-off page, asked again
    assert len(waits.delays) == 3
    assert all(1.0 <= d <= 2.0 for d in waits.delays)  # first back-off: 2 s with equal jitter
    ids = ids_in(result.files)  # json.loads of every file: all complete
    assert len(ids) == len(set(ids)) == data.tweet_count()


def test_a_persistent_outage_fails_clearly_and_changes_nothing(api, data, settings, waits):
    fetch_incremental("x", settings, policy=waits.policy())
    state_before = state_path("x", settings).read_bytes()
    files_before = landing_files(settings.landing_dir)
    new = add_new_tweets(data)
    # Fail from the 3rd request of the next run on: two complete pages arrive first.
    api.add_fault(Fault.server_error(503), at=len(api.requests) + 3, times=None)

    with pytest.raises(ReaderError) as failure:
        fetch_incremental("x", settings, policy=waits.policy())

    message = str(failure.value)
    assert "HTTP 503" in message and f"{api.x_url}/users/" in message
    assert "gave up after 5 attempts" in message
    assert "cursor was not moved" in message
    assert len(waits.delays) == 4  # RetryPolicy.max_retries
    # All or nothing: no page of the failed run (not even the complete ones), no partial files.
    assert state_path("x", settings).read_bytes() == state_before
    assert landing_files(settings.landing_dir) == files_before

    api.clear_faults()
    again = fetch_incremental("x", settings, policy=waits.policy())
    assert sorted(ids_in(again.files)) == sorted(new)  # nothing skipped


def add_new_tweets(data: ReplayData) -> list[str]:
    """Three tweets posted after the demo's last day: two mentions of Northwind, one Contoso post."""
    when = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    customer = {"id": "2000000042", "name": "Customer 000042", "username": "c000042"}
    new = []
    for n, (endpoint, user_id, author) in enumerate(
        [("mentions", NORTHWIND, customer), ("mentions", NORTHWIND, customer),
         ("timeline", CONTOSO, data.users[CONTOSO])], start=1):
        tid = snowflake(when + timedelta(minutes=n), n)
        data.add_tweet(endpoint, user_id, {
            "id": tid, "text": f"new tweet {n}", "author_id": author["id"], "conversation_id": tid,
            "created_at": (when + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%S.000Z"), "lang": "en",
            "edit_history_tweet_ids": [tid],
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": n, "quote_count": 0,
                               "bookmark_count": 0, "impression_count": 10 * n},
        }, author=author)
        new.append(tid)
    return new


def test_an_incremental_run_asks_since_the_cursor_and_gets_only_new_tweets(api, data, settings, waits):
    first = fetch_incremental("x", settings, policy=waits.policy())
    assert first.records == data.tweet_count()
    assert first.cursor == load_cursors("x", settings)
    assert set(first.cursor) == {f"{e}:{a}" for e in ("timeline", "mentions") for a in (NORTHWIND, CONTOSO)}
    asked_first = len(api.requests)
    new = add_new_tweets(data)

    second = fetch_incremental("x", settings, policy=waits.policy())

    run = api.requests[asked_first:]
    assert len(run) == 4  # one page per account and endpoint
    for request in run:
        endpoint = "timeline" if request.path.endswith("/tweets") else "mentions"
        account = request.path.split("/")[3]
        assert request.params["since_id"] == first.cursor[f"{endpoint}:{account}"]
        assert "start_time" not in request.params
    assert sorted(ids_in(second.files)) == sorted(new) and second.records == 3
    # Only the endpoints that had new tweets wrote pages (X answers an empty result without "data").
    assert sorted(f.name.split("-")[0] + "-" + f.name.split("-")[1] for f in second.files) == [
        "mentions-northwindair", "timeline-contosomobile"]
    # Pages of runs in the same second never replace each other.
    assert not set(first.files) & set(second.files)
    assert all(f.exists() for f in first.files)
    assert second.cursor[f"mentions:{NORTHWIND}"] == new[1]
    assert second.cursor[f"timeline:{CONTOSO}"] == new[2]
    assert second.cursor[f"mentions:{CONTOSO}"] == first.cursor[f"mentions:{CONTOSO}"]
    today = datetime.now(UTC).date().isoformat()
    assert all(f.parent.name == f"dt={today}" for f in second.files)

    third = fetch_incremental("x", settings, policy=waits.policy())
    assert (third.pages, third.records, third.files) == (0, 0, ())


def test_a_wrong_token_fails_at_once_naming_the_fix(api, settings, waits, monkeypatch):
    monkeypatch.setenv("GROUNDSWELL_X_BEARER_TOKEN", "not-the-token")

    with pytest.raises(ReaderError, match="HTTP 401") as failure:
        fetch_incremental("x", settings, policy=waits.policy())

    assert "set GROUNDSWELL_X_BEARER_TOKEN or the Airflow connection groundswell_x" in str(failure.value)
    assert "not-the-token" not in str(failure.value)
    assert len(api.requests) == 1 and waits.delays == []  # not retried
    assert not state_path("x", settings).exists() and not landing_files(settings.landing_dir)


def test_no_credentials_names_the_env_var_and_the_connection(api, settings, monkeypatch):
    monkeypatch.delenv("GROUNDSWELL_X_BEARER_TOKEN")

    with pytest.raises(ReaderError) as failure:
        fetch_incremental("x", settings)

    fix = "set GROUNDSWELL_X_BEARER_TOKEN or the Airflow connection groundswell_x"
    assert str(failure.value).startswith(f"no credentials for the X API: {fix}")
    assert api.requests == []


@pytest.mark.parametrize("form", ["json", "uri"])
def test_the_token_can_come_from_an_airflow_connection(api, data, settings, waits, monkeypatch, form):
    monkeypatch.delenv("GROUNDSWELL_X_BEARER_TOKEN")
    conn = (json.dumps({"conn_type": "http", "password": api.x_token}) if form == "json"
            else f"http://:{api.x_token}@")
    monkeypatch.setenv("AIRFLOW_CONN_GROUNDSWELL_X", conn)

    result = fetch_interval("x", START, END, settings, policy=waits.policy())

    assert result.records == data.tweet_count()
    assert {r.authorization for r in api.requests} == {f"Bearer {api.x_token}"}


def test_an_unknown_account_is_a_clear_error(api, settings, waits):
    nobody = Account("x", "999", "nobody", "Nobody")

    with pytest.raises(ReaderError, match=r"Could not find user with id: \[999\].*brand_accounts.csv"):
        fetch_interval("x", START, END, settings, accounts=[nobody], policy=waits.policy())


def test_what_the_reader_wrote_lands_whole(api, data, settings, waits):
    fetch_interval("x", START, END, settings, policy=waits.policy())

    loads = land_interval("x-tweets", date(2026, 10, 18), date(2026, 10, 19), settings)

    served = set(api.served)
    assert len(api.served) == len(served) == data.tweet_count()
    assert [(r.received, r.landed, r.quarantined) for r in loads] == [(len(served), len(served), 0)]
    with writer(settings) as con:
        rows, distinct, without_author, with_media = con.execute(
            "SELECT count(*), count(DISTINCT id), count(*) FILTER (author_username IS NULL), "
            "count(*) FILTER (media_types IS NOT NULL) FROM raw.x__tweets").fetchone()
        landed_ids = {r[0] for r in con.execute("SELECT id FROM raw.x__tweets").fetchall()}
    assert rows == distinct == len(served)
    assert landed_ids == served
    assert without_author == 0  # includes.users came along on every page
    assert with_media > 0  # and includes.media
