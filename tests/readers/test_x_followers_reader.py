"""The X followers reader against the replay server: whole lists, named by account, landed whole."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from groundswell.land.landing import land_files
from groundswell.land.readers import fetch_incremental, fetch_interval, load_cursors
from groundswell.land.readers.replay import ReplayData
from groundswell.warehouse import writer
from tests.readers import Waits, ids_in, replay_api

NORTHWIND, CONTOSO = "1100000000000000001", "1100000000000000002"


@pytest.fixture(scope="module")
def demo() -> ReplayData:
    return ReplayData.from_demo()


@pytest.fixture
def data(demo) -> ReplayData:
    return ReplayData(followers={k: list(v) for k, v in demo.followers.items()})


@pytest.fixture
def api(data, monkeypatch):
    with replay_api(data, monkeypatch) as server:
        yield server


def test_the_demo_lists_followers_of_both_accounts(demo):
    # The tiny demo's one snapshot: over 1,000 followers each, so the reader must page.
    assert set(demo.followers) == {NORTHWIND, CONTOSO}
    assert all(len(users) > 1000 for users in demo.followers.values())


def test_a_run_fetches_each_whole_list_across_pages_into_files_named_by_account(api, data, settings):
    waits = Waits()

    result = fetch_incremental("x-followers", settings, policy=waits.policy())

    expected = sum(len(users) for users in data.followers.values())
    ids = ids_in(result.files)
    assert result.records == len(ids) == expected
    assert all(r.params["max_results"] == "1000" and r.params["user.fields"] == "public_metrics"
               for r in api.requests)
    assert sum("pagination_token" in r.params for r in api.requests) == 2  # one more page each
    names = sorted(f.name for f in result.files)
    assert [n.split("-")[:2] for n in names] == [["followers", NORTHWIND]] * 2 + [["followers", CONTOSO]] * 2
    assert all(f.parent.parent == settings.landing_dir / "x" / "followers" for f in result.files)
    # A snapshot has no cursor: the next run fetches every follower again.
    assert load_cursors("x-followers", settings) == {}
    again = fetch_incremental("x-followers", settings, policy=waits.policy())
    assert again.records == expected and not set(again.files) & set(result.files)


def test_a_short_page_is_followed_by_the_next(data, settings, monkeypatch):
    with replay_api(data, monkeypatch, page_cap=400):
        result = fetch_interval("x-followers", datetime(2026, 10, 31, tzinfo=UTC),
                                datetime(2026, 11, 1, tzinfo=UTC), settings, policy=Waits().policy())

    assert result.records == sum(len(users) for users in data.followers.values())
    for account, users in data.followers.items():
        files = sorted(f for f in result.files if f.name.startswith(f"followers-{account}-"))
        assert len(files) == -(-len(users) // 400)
        assert ids_in(files) == [u["id"] for u in users]


def test_what_the_reader_wrote_lands_with_the_followed_account(api, data, settings):
    result = fetch_interval("x-followers", datetime(2026, 10, 31, tzinfo=UTC),
                            datetime(2026, 11, 1, tzinfo=UTC), settings, policy=Waits().policy())

    landed = land_files("x-followers", result.files, settings)

    assert (landed.received, landed.landed, landed.quarantined) == (result.records, result.records, 0)
    with writer(settings) as con:
        per_account = dict(con.execute(
            "SELECT followed_id, count(*) FROM raw.x__followers GROUP BY ALL").fetchall())
        without_handle = con.execute(
            "SELECT count(*) FROM raw.x__followers WHERE username IS NULL OR followers_count IS NULL"
        ).fetchone()[0]
    assert per_account == {user: len(users) for user, users in data.followers.items()}
    assert without_handle == 0


def test_a_page_not_named_after_its_account_is_quarantined_with_the_reason(settings, tmp_path):
    page = tmp_path / "my-followers-export.json"
    page.write_text('{"data": [{"id": "2000000001", "username": "c000001"}], "meta": {"result_count": 1}}')

    landed = land_files("x-followers", [page], settings)

    assert (landed.landed, landed.quarantined) == (0, 1)
    with writer(settings) as con:
        assert con.execute("SELECT reason FROM raw.quarantine").fetchall() == [
            ("missing required field followed_id",)]


def test_several_snapshots_land_in_one_batch_and_a_page_without_its_time_is_quarantined(settings, tmp_path):
    user = '{"id": "2000000001", "username": "c000001"}'
    for name in (f"followers-{NORTHWIND}-20261001T120000-p001.json",
                 f"followers-{NORTHWIND}-20261008T120000-p001.json",
                 f"followers-{NORTHWIND}-p001.json"):
        (tmp_path / name).write_text(f'{{"data": [{user}], "meta": {{"result_count": 1}}}}')

    landed = land_files("x-followers", sorted(tmp_path.iterdir()), settings)

    assert (landed.landed, landed.quarantined) == (2, 1)
    with writer(settings) as con:
        assert con.execute("SELECT strftime(snapshot_at, '%Y-%m-%d %H:%M') FROM raw.x__followers "
                           "ORDER BY 1").fetchall() == [("2026-10-01 12:00",), ("2026-10-08 12:00",)]
        assert con.execute("SELECT reason FROM raw.quarantine").fetchall() == [
            ("missing required field snapshot_at",)]
