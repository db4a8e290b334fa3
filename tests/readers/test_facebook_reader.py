"""The Facebook Pages reader against the local replay server: real HTTP, real files, real landing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from groundswell.config import Settings
from groundswell.land.landing import land_interval
from groundswell.land.readers import fetch_incremental, fetch_interval, load_cursors, state_path
from groundswell.land.readers.facebook import FIELDS
from groundswell.land.readers.http import ReaderError
from groundswell.land.readers.replay import Fault, ReplayData, graph_time
from groundswell.warehouse import writer
from tests.readers import Waits, ids_in, landing_files, replay_api

START = datetime(2026, 10, 18, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
NORTHWIND, CONTOSO = "104000000000001", "104000000000002"


@pytest.fixture
def data() -> ReplayData:
    return ReplayData.from_demo()


@pytest.fixture
def api(data, monkeypatch):
    # Graph often returns fewer posts than `limit` asks for (nested insights are costly):
    # capping pages at 6 gives each Page (~20 posts) four pages to walk.
    with replay_api(data, monkeypatch, page_cap=6) as server:
        yield server


@pytest.fixture
def waits() -> Waits:
    return Waits()


def all_ids(data: ReplayData) -> set[str]:
    return {pid for posts in data.posts.values() for pid in posts}


def test_every_post_is_fetched_once_by_following_paging_next(api, data, settings, waits):
    result = fetch_interval("facebook", START, END, settings, policy=waits.policy())

    ids = ids_in(result.files)
    assert len(ids) == len(set(ids)) == result.records == data.post_count()
    assert set(ids) == all_ids(data)
    assert result.pages == sum(-(-len(posts) // 6) for posts in data.posts.values()) > 2  # ceil(n / cap)
    followed = [r for r in api.requests if "after" in r.params]
    assert len(followed) == result.pages - 2  # every page but each Page's first came from paging.next
    for request in api.requests:  # the next links carry the query; the token is never in a URL
        assert request.params["fields"] == FIELDS
        # since: the start of the trailing window of posts fetched again (default 28 days)
        assert (request.params["since"], request.params["until"]) == (
            str(int((START - timedelta(days=28)).timestamp())), str(int(END.timestamp())))
        assert "access_token" not in request.params
        assert request.authorization == f"Bearer {api.facebook_token}"
    folder = settings.landing_dir / "facebook" / "posts" / "dt=2026-10-18"
    assert folder / "posts-northwind-air-20261018T000000-p001.json" in result.files
    assert landing_files(settings.landing_dir) == set(result.files)


def test_an_interval_returns_only_posts_created_inside_it(api, data, settings, waits):
    """With GROUNDSWELL_POST_METRICS_WINDOW_DAYS=0 no earlier post is asked for again."""
    settings = Settings(home=settings.home, post_metrics_window_days=0)
    start, end = datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 10, 28, tzinfo=UTC)
    expected = {p["id"] for posts in data.posts.values() for p in posts.values()
                if start <= graph_time(p["created_time"]) < end}

    result = fetch_interval("facebook", start, end, settings, policy=waits.policy())

    assert sorted(ids_in(result.files)) == sorted(expected) and expected
    assert {r.params.get("since") for r in api.requests} == {str(int(start.timestamp()))}


def test_an_interval_fetches_the_posts_of_the_window_before_it_again(api, data, settings, waits):
    """A Page's feed holds only its own posts: those of the GROUNDSWELL_POST_METRICS_WINDOW_DAYS
    before the interval come again with their current counts, in the interval's pages."""
    settings = Settings(home=settings.home, post_metrics_window_days=3)
    start, end = datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)
    window = start - timedelta(days=3)
    expected = {p["id"] for posts in data.posts.values() for p in posts.values()
                if window <= graph_time(p["created_time"]) < end}
    earlier = {p["id"] for posts in data.posts.values() for p in posts.values()
               if graph_time(p["created_time"]) < start} & expected

    result = fetch_interval("facebook", start, end, settings, policy=waits.policy())

    ids = ids_in(result.files)
    assert len(ids) == len(set(ids)) == result.records
    assert set(ids) == expected and earlier
    firsts = [r for r in api.requests if "after" not in r.params]
    assert [(r.path.split("/")[2], r.params["since"], r.params["until"]) for r in firsts] == [
        (page, str(int(window.timestamp())), str(int(end.timestamp()))) for page in (NORTHWIND, CONTOSO)]
    assert all(f.parent.name == "dt=2026-10-25" for f in result.files)
    # Today's pages hold older posts: they land whole, none quarantined for their age.
    loads = land_interval("facebook-posts", start.date(), end.date(), settings)
    assert [(r.received, r.landed, r.quarantined) for r in loads] == [(len(ids), len(ids), 0)]


@pytest.mark.parametrize(("code", "status"), [(4, 403), (17, 400), (32, 400), (613, 400)])
def test_a_graph_rate_limit_error_is_waited_out(api, data, settings, waits, code, status):
    api.add_fault(Fault.graph_rate_limit(code=code, status=status), at=2)

    result = fetch_interval("facebook", START, END, settings, policy=waits.policy())

    assert api.requests[1].status == status and api.requests[2].status == 200
    assert api.requests[2].params == api.requests[1].params
    # Graph names no reset time: exponential back-off, first step 15-30 s (2 s x 15, equal jitter).
    assert len(waits.delays) == 1 and 15.0 <= waits.delays[0] <= 30.0
    assert sorted(ids_in(result.files)) == sorted(all_ids(data))


def test_a_cut_off_page_and_a_500_are_retried_not_written(api, data, settings, waits):
    api.add_fault(Fault.truncated(), at=3)
    api.add_fault(Fault.server_error(500), at=4)

    result = fetch_interval("facebook", START, END, settings, policy=waits.policy())

    assert [r.status for r in api.requests[2:5]] == [200, 500, 200]
    assert api.requests[2].params == api.requests[3].params == api.requests[4].params
    assert len(waits.delays) == 2
    ids = ids_in(result.files)
    assert len(ids) == len(set(ids)) == data.post_count()


def test_a_persistent_outage_fails_clearly_and_changes_nothing(api, settings, waits):
    fetch_incremental("facebook", settings, policy=waits.policy())
    state_before = state_path("facebook", settings).read_bytes()
    files_before = landing_files(settings.landing_dir)
    api.add_fault(Fault.server_error(502), at=len(api.requests) + 2, times=None)

    with pytest.raises(ReaderError, match=r"Facebook Graph API answered HTTP 502 for http://127\.0\.0\.1"):
        fetch_incremental("facebook", settings, policy=waits.policy())

    assert state_path("facebook", settings).read_bytes() == state_before
    assert landing_files(settings.landing_dir) == files_before  # no page of the failed run


def add_new_posts(data: ReplayData) -> list[str]:
    """Two posts published after the demo's last day, one per Page."""
    new = []
    for n, (page_id, name) in enumerate([(NORTHWIND, "Northwind Air"), (CONTOSO, "Contoso Mobile")], 1):
        post_id = f"{page_id}_2026110200{n}"
        created = datetime(2026, 11, 2, 8, tzinfo=UTC) + timedelta(hours=n)
        data.add_post(page_id, {
            "id": post_id, "message": f"new post {n}",
            "created_time": created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "status_type": "mobile_status_update", "permalink_url": f"https://www.facebook.com/{post_id}",
            "from": {"name": name, "id": page_id}, "shares": {"count": n},
            "reactions": {"data": [], "summary": {"total_count": 10 * n}},
            "comments": {"data": [], "summary": {"total_count": n}},
            "insights": {"data": [{"name": "post_impressions", "period": "lifetime",
                                   "values": [{"value": 100}]}]},
        })
        new.append(post_id)
    return new


def test_an_incremental_run_asks_since_the_newest_post_and_gets_only_new_ones(api, data, settings, waits):
    first = fetch_incremental("facebook", settings, policy=waits.policy())
    assert first.records == data.post_count()
    assert first.cursor == load_cursors("facebook", settings)
    newest = {page: max(data.posts[page].values(), key=lambda p: graph_time(p["created_time"]))
              for page in (NORTHWIND, CONTOSO)}
    assert first.cursor == {f"posts:{page}": p["created_time"] for page, p in newest.items()}
    asked_first = len(api.requests)
    new = add_new_posts(data)

    second = fetch_incremental("facebook", settings, policy=waits.policy())

    run = api.requests[asked_first:]
    since = {page: str(int(graph_time(p["created_time"]).timestamp())) for page, p in newest.items()}
    assert [(r.path.split("/")[2], r.params["since"]) for r in run] == list(since.items())
    # `since` is inclusive: the last run's newest post comes again (staging keeps its latest
    # landing), nothing older does.
    assert sorted(ids_in(second.files)) == sorted([*new, *(p["id"] for p in newest.values())])
    assert second.cursor[f"posts:{NORTHWIND}"] == data.posts[NORTHWIND][new[0]]["created_time"]


def test_a_wrong_token_fails_at_once_naming_the_fix(api, settings, waits, monkeypatch):
    monkeypatch.setenv("GROUNDSWELL_FACEBOOK_ACCESS_TOKEN", "expired-token")

    with pytest.raises(ReaderError, match="Invalid OAuth access token") as failure:
        fetch_incremental("facebook", settings, policy=waits.policy())

    message = str(failure.value)
    assert "set GROUNDSWELL_FACEBOOK_ACCESS_TOKEN or the Airflow connection groundswell_facebook" in message
    assert "expired-token" not in message
    assert len(api.requests) == 1 and waits.delays == []


def test_no_credentials_names_the_env_var_and_the_connection(api, settings, monkeypatch):
    monkeypatch.delenv("GROUNDSWELL_FACEBOOK_ACCESS_TOKEN")

    with pytest.raises(ReaderError, match="set GROUNDSWELL_FACEBOOK_ACCESS_TOKEN or the Airflow connection "
                                          "groundswell_facebook"):
        fetch_interval("facebook", START, END, settings)
    assert api.requests == []


def test_a_next_link_to_another_host_is_not_followed(api, data, settings, waits, monkeypatch):
    """The token goes only to the configured host: a foreign `next` falls back to the after cursor."""
    import groundswell.land.readers.replay as replay

    real = replay.ReplayServer._graph_page

    def foreign_next(self, page_id, path, params):
        status, page, headers = real(self, page_id, path, params)
        if "next" in page.get("paging", {}):
            query = parse_qs(urlsplit(page["paging"]["next"]).query)
            page["paging"]["next"] = f"https://elsewhere.example/v21.0/{page_id}/posts?after={query['after'][0]}"
        return status, page, headers

    monkeypatch.setattr(replay.ReplayServer, "_graph_page", foreign_next)

    result = fetch_interval("facebook", START, END, settings, policy=waits.policy())

    assert sorted(ids_in(result.files)) == sorted(all_ids(data))
    assert all(r.params["fields"] == FIELDS for r in api.requests)


def test_what_the_reader_wrote_lands_whole(api, data, settings, waits):
    fetch_interval("facebook", START, END, settings, policy=waits.policy())

    loads = land_interval("facebook-posts", date(2026, 10, 18), date(2026, 10, 19), settings)

    served = set(api.served)
    assert len(served) == data.post_count()
    assert [(r.landed, r.quarantined) for r in loads] == [(len(served), 0)]
    with writer(settings) as con:
        rows, distinct, pages, without_reach = con.execute(
            "SELECT count(*), count(DISTINCT id), count(DISTINCT page_id), "
            "count(*) FILTER (post_impressions IS NULL OR reactions_count IS NULL) "
            "FROM raw.facebook__posts").fetchone()
    assert rows == distinct == len(served)
    assert pages == 2
    assert without_reach == 0  # the requested fields (insights, summaries) came back
