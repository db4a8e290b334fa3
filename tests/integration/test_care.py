"""Customer care on the real "Customer Support on Twitter" sample, checked against independent code.

The warehouse computes responses in SQL (dbt); these tests recompute them from the CSV
with pandas and a minute-by-minute walk of the business calendar, and compare exactly.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner

from groundswell.cli import main
from groundswell.config import PROJECT_ROOT
from groundswell.warehouse import connect
from tests.conftest import shared_file

SEEDS = PROJECT_ROOT / "dbt" / "seeds"


@pytest.fixture(scope="module")
def care(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the published fct_care_messages, the raw CSV) after `load twcs` and `build` in a fresh home."""
    path = shared_file("twcs", "twcs_head5000.csv")
    home = tmp_path_factory.mktemp("care") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GROUNDSWELL_HOME", str(home))
        for args in (["load", "twcs", str(path)], ["build"]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
    con = connect(home / "published" / "warehouse.duckdb", read_only=True)
    try:
        mart = con.execute("select * from marts.fct_care_messages").df()
    finally:
        con.close()
    tweets = pd.read_csv(path, dtype={"tweet_id": str, "author_id": str}, lineterminator="\n")
    tweets["created_at"] = pd.to_datetime(tweets["created_at"], format="%a %b %d %H:%M:%S %z %Y")
    tweets["parent"] = tweets["in_response_to_tweet_id"].map(lambda v: None if pd.isna(v) else str(int(v)))
    return mart, tweets


def test_one_row_per_inbound_tweet(care):
    mart, tweets = care
    inbound = set(tweets.loc[tweets["inbound"], "tweet_id"])
    assert len(mart) == len(inbound) == 2778
    assert set(mart["message_id"]) == inbound


def test_first_responses_match_an_independent_computation(care):
    mart, tweets = care
    replies = tweets[~tweets["inbound"]].merge(
        tweets[tweets["inbound"]][["tweet_id", "created_at"]], left_on="parent", right_on="tweet_id",
        suffixes=("", "_message"))
    replies = replies.sort_values(["parent", "created_at", "tweet_id"])
    first = replies.groupby("parent").first()
    m = mart.set_index("message_id")
    # Every message answered in the warehouse is answered in the CSV, by the same tweet, as fast.
    answered = m[m["is_responded"]]
    assert set(answered.index) <= set(first.index)
    matched = first.loc[answered.index]
    expected_minutes = (matched["created_at"] - matched["created_at_message"]).dt.total_seconds() / 60
    assert (answered["first_response_id"] == matched["tweet_id"]).all()
    assert (answered["first_response_by"] == matched["author_id"]).all()
    assert ((answered["first_response_minutes"] - expected_minutes).abs() < 1e-9).all()
    # The CSV's other answered messages were answered only by another brand than the one the
    # message replies to (UK supermarkets answering each other's threads).
    other = sorted(set(first.index) - set(answered.index))
    assert len(other) == 3
    for message_id in other:
        repliers = set(replies.loc[replies["parent"] == message_id, "author_id"])
        assert m.loc[message_id, "brand"] not in repliers
    assert len(answered) == 2080
    assert (m["first_response_minutes"].dropna() >= 0).all()


def _calendar(calendar_id: str):
    with open(SEEDS / "business_calendars.csv") as f:
        rows = [r for r in csv.DictReader(f) if r["calendar_id"] == calendar_id]
    zone = ZoneInfo(rows[0]["time_zone"])
    hours = {int(r["weekday"]): (time.fromisoformat(r["opens_at"]), time.fromisoformat(r["closes_at"]))
             for r in rows}
    with open(SEEDS / "business_holidays.csv") as f:
        holidays = {date.fromisoformat(r["holiday_date"]) for r in csv.DictReader(f)
                    if r["calendar_id"] == calendar_id}
    return zone, hours, holidays


def _business_minutes_day_by_day(start: datetime, end: datetime, calendar) -> float:
    """Open time between two instants, intersecting each local day's open hours (in Python, with
    zoneinfo: independent of the warehouse's interval table)."""
    zone, hours, holidays = calendar
    seconds = 0.0
    day = start.astimezone(zone).date() - timedelta(days=1)
    while day <= end.astimezone(zone).date():
        window = hours.get(day.isoweekday())
        if window and day not in holidays:
            opens = datetime.combine(day, window[0], zone).astimezone(UTC)
            closes = datetime.combine(day, window[1], zone).astimezone(UTC)
            seconds += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
        day += timedelta(days=1)
    return seconds / 60


def test_business_minutes_match_a_day_by_day_computation(care):
    mart, _ = care
    calendar = _calendar("default")
    sample = mart[mart["is_responded"] & (mart["calendar_id"] == "default")]
    assert len(sample) > 1500  # nights, weekends, Thanksgiving 2017 and the 2017 DST change
    for row in sample.itertuples():
        start = row.received_at.to_pydatetime().replace(tzinfo=UTC)
        end = row.first_response_at.to_pydatetime().replace(tzinfo=UTC)
        assert row.first_response_business_minutes == pytest.approx(
            _business_minutes_day_by_day(start, end, calendar), abs=1e-9), row
