"""Customer care on the real "Customer Support on Twitter" sample, checked against independent code.

The warehouse computes responses in SQL (dbt); these tests recompute them from the CSV
with pandas and a minute-by-minute walk of the business calendar, and compare exactly.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner

from groundswell.config import PROJECT_ROOT
from groundswell.run.cli import main
from groundswell.warehouse import connect
from tests.conftest import shared_file

SEEDS = PROJECT_ROOT / "dbt" / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """A fresh home after `load twcs` and a real `groundswell build` (its own process, as a user runs
    it: what it prints is the terminal's), and what the build printed (stdout, then stderr)."""
    path = shared_file("twcs", "twcs_head5000.csv")
    home = tmp_path_factory.mktemp("care") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GROUNDSWELL_HOME", str(home))
        result = CliRunner().invoke(main, ["load", "twcs", str(path)])
        assert result.exit_code == 0, result.output
    script = Path(sys.executable).with_name("groundswell")  # the venv's, which `make` installs
    command = [str(script)] if script.exists() else [sys.executable, "-m", "groundswell.run.cli"]
    done = subprocess.run([*command, "build"], env=os.environ | {"GROUNDSWELL_HOME": str(home)},
                          capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return home, done.stdout + done.stderr


@pytest.fixture(scope="module")
def published(built) -> dict[str, pd.DataFrame]:
    """The published care marts of ``built``, by name."""
    home, _output = built
    con = connect(home / "published" / "warehouse.duckdb", read_only=True)
    try:
        return {name: con.execute(f"select * from marts.{name}").df()
                for name in ("fct_care_messages", "fct_care_conversations", "agg_care_daily")}
    finally:
        con.close()


@pytest.fixture(scope="module")
def care(published) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the published fct_care_messages, the raw CSV)."""
    mart = published["fct_care_messages"]
    path = shared_file("twcs", "twcs_head5000.csv")
    tweets = pd.read_csv(path, dtype={"tweet_id": str, "author_id": str}, lineterminator="\n")
    tweets["created_at"] = pd.to_datetime(tweets["created_at"], format="%a %b %d %H:%M:%S %z %Y")
    tweets["parent"] = tweets["in_response_to_tweet_id"].map(lambda v: None if pd.isna(v) else str(int(v)))
    return mart, tweets


def test_build_prints_a_line_per_step_and_a_summary_and_logs_the_rest(built):
    """`groundswell build` after a care-only load (issue: 1,594 lines, 33 red ERROR STALE lines for
    sources never loaded, hundreds of Great Expectations INFO lines): a line per step, a summary,
    the details in the build's log file."""
    from groundswell.run.build import STEPS

    home, output = built
    lines = output.splitlines()
    assert len(lines) <= 25, output
    assert "ERROR STALE" not in output and "Status: error" not in output
    assert not [line for line in lines if re.search(r"\bINFO\b|\[info\s*\]", line)], output
    for step in (s for s in STEPS if not s.dag_only):
        assert [line for line in lines if line.startswith(f"{step.name} ") and line.endswith(" s")], output
    freshness = next(line for line in lines if line.startswith("freshness "))
    assert "never landed (no rows yet)" in freshness
    summary = next(line for line in lines if line.startswith("built in "))
    assert re.search(r"dbt: \d+ models and \d+ seeds built, \d+ tests passed, 0 failed", summary)
    assert re.search(r"gate: (\d+) of \1 suites passed", summary)
    assert any(line.startswith("published ") and "2,778 care messages" in line for line in lines)
    assert 'query it: ' in output and "marts.fct_care_messages limit 5" in output
    assert lines[-1].startswith("log: ")
    log = Path(lines[-1].removeprefix("log: "))
    assert log.parent == home / "logs" and log.name.startswith("build-cli__")
    text = log.read_text()
    # dbt's own output, per node, is there (the freshness of the sources never landed too)...
    assert re.search(r"\d+ of \d+ START sql \w+ model marts\.fct_care_messages", text)
    assert "ERROR STALE freshness of x.x__tweets" in text
    # ...and so is what the libraries log
    assert "great_expectations" in text


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


SILENCE = timedelta(hours=24)  # dbt var care_resolution_silence_hours


def _thread_roots(tweets: pd.DataFrame) -> dict[str, str]:
    """Each tweet's thread: the ancestor whose parent is not in the data (walked in Python)."""
    parent = dict(zip(tweets["tweet_id"], tweets["parent"], strict=True))
    roots = {}
    for tweet_id in parent:
        node = tweet_id
        while parent.get(node) in parent:
            node = parent[node]
        roots[tweet_id] = node
    return roots


def test_conversations_match_an_independent_computation(published, care):
    """Every conversation's exchanges, last word, resolution and reopenings, recomputed by walking
    each thread in Python from the CSV (brand per message from fct_care_messages)."""
    mart, tweets = care
    conversations = published["fct_care_conversations"].set_index("conversation_id")
    tweets = tweets.assign(root=tweets["tweet_id"].map(_thread_roots(tweets)),
                           at=tweets["created_at"].dt.tz_convert(None))
    as_of = tweets["at"].max()
    messages = mart.set_index("message_id")
    expected = {}
    for root, thread in tweets.groupby("root"):
        customer = thread[thread["inbound"]]
        if customer.empty:
            continue
        first = customer.sort_values(["at", "tweet_id"])
        brands = messages.loc[first["tweet_id"], "brand"].dropna()
        brand = brands.iloc[0] if len(brands) else None
        turns = thread[thread["inbound"] | (thread["author_id"] == brand)]
        turns = turns.assign(is_brand=~turns["inbound"]).sort_values(["at", "is_brand", "tweet_id"])
        exchanges = reopened = 0
        previous = None
        for turn in turns.itertuples():
            if previous is not None and previous.is_brand != turn.is_brand and turn.is_brand:
                exchanges += 1
            if previous is not None and previous.is_brand and not turn.is_brand \
                    and turn.at - previous.at >= SILENCE:
                reopened += 1
            previous = turn
        last = turns.iloc[-1]
        resolved = bool(last["is_brand"]) and as_of - last["at"] >= SILENCE
        responses = messages.loc[customer["tweet_id"], "first_response_at"].dropna()
        expected[root] = {
            "brand": brand,
            "customer_messages": len(customer),
            "brand_messages": int(turns["is_brand"].sum()),
            "exchanges": exchanges,
            "reopen_count": reopened,
            "brand_has_last_word": bool(last["is_brand"]),
            "status": "resolved" if resolved else
                      "awaiting_customer" if last["is_brand"] else "awaiting_brand",
            "first_response_minutes":
                (responses.min() - first["at"].iloc[0]).total_seconds() / 60 if len(responses) else None,
        }
    assert set(conversations.index) == set(expected)
    for root, want in expected.items():
        got = conversations.loc[root]
        for column, value in want.items():
            if value is None:
                assert pd.isna(got[column]), (root, column)
            elif isinstance(value, float):
                assert got[column] == pytest.approx(value, abs=1e-9), (root, column)
            else:
                assert got[column] == value, (root, column, got[column], value)
    statuses = conversations["status"].value_counts().to_dict()
    assert statuses == {"resolved": 1113, "awaiting_brand": 197, "awaiting_customer": 1}
    assert conversations["is_reopened"].sum() == 72


def test_daily_backlog_matches_a_day_by_day_count(published):
    """Each day's backlog, counted message by message at the day's end in New York (as_of on the
    last day), equals the running sums of agg_care_daily; the day's other figures match pandas.
    Messages unanswered for care_backlog_expiry_days leave it as expired."""
    messages = published["fct_care_messages"]
    daily = published["agg_care_daily"]
    assert (daily["time_zone"] == "America/New_York").all()  # every twcs brand: default calendar
    zone = ZoneInfo("America/New_York")
    as_of = messages["as_of"].max()
    last_day = as_of.tz_localize(UTC).tz_convert(zone).date()
    local = messages.assign(day=messages["received_at"].dt.tz_localize(UTC).dt.tz_convert(zone).dt.date)
    keys = ["brand", "channel", "complaint_type"]
    checked = 0
    for key, segment in local.groupby(keys, dropna=False):
        rows = daily[(daily["brand"].fillna("\0") == (key[0] if isinstance(key[0], str) else "\0"))
                     & (daily["channel"] == key[1]) & (daily["complaint_type"] == key[2])]
        rows = rows.sort_values("date_day")  # the mart's row order is not part of its contract
        rows = rows.set_index(rows["date_day"].dt.date)
        days = [segment["day"].min() + timedelta(days=i)
                for i in range((last_day - segment["day"].min()).days + 1)]
        assert list(rows.index) == days
        response, expires = segment["first_response_at"], segment["expires_at"]
        # A message leaves the backlog when answered, or when it expires unanswered (by as_of).
        left = response.where(response < expires, expires.where(expires <= as_of))
        for day in days:
            if day < last_day:
                end = pd.Timestamp(datetime.combine(day + timedelta(days=1), time(), zone)
                                   .astimezone(UTC).replace(tzinfo=None))
                open_ = (segment["received_at"] < end) & (left.isna() | (left >= end))
                over = open_ & (segment["sla_breach_at"] < end)
            else:
                open_ = left.isna()
                over = open_ & (segment["sla_breach_at"] < as_of)
            row = rows.loc[day]
            assert (row["backlog"], row["backlog_over_sla"]) == (open_.sum(), over.sum()), (key, day)
            received = segment[segment["day"] == day]
            assert row["messages"] == len(received)
            assert row["responded"] == received["is_responded"].sum()
            assert row["within_sla"] == received["is_within_sla"].eq(True).sum()
            median = received["first_response_minutes"].median()
            assert (pd.isna(row["median_first_response_minutes"]) and pd.isna(median)) or \
                row["median_first_response_minutes"] == pytest.approx(median, abs=1e-9)
            checked += 1
    assert checked == len(daily) == 11618
    assert daily["messages"].sum() == len(messages)


def test_build_full_refresh_rebuilds_the_incremental_models_to_the_same_marts(tmp_path, monkeypatch):
    """`build --full-refresh` (the upgrade path, docs/operations.md) rebuilds the care models from
    scratch: new `_built_at`, and marts equal to the incremental build's."""
    monkeypatch.setenv("GROUNDSWELL_HOME", str(tmp_path / "home"))
    path = shared_file("twcs", "twcs_head5000.csv")
    columns = "* exclude (as_of, _built_at)"

    def snapshot():
        con = connect(tmp_path / "home" / "published" / "warehouse.duckdb", read_only=True)
        try:
            built = con.execute("select min(_built_at) from marts.fct_care_messages").fetchone()[0]
            rows = con.execute(f"select {columns} from marts.fct_care_messages order by source, "
                               "message_id").df()
            return built, rows
        finally:
            con.close()

    for args in (["load", "twcs", str(path)], ["build"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    built, before = snapshot()
    result = CliRunner().invoke(main, ["build", "--full-refresh"])
    assert result.exit_code == 0, result.output
    rebuilt, after = snapshot()
    assert rebuilt > built and len(after) == 2778
    pd.testing.assert_frame_equal(before, after)


def test_incremental_build_gives_the_conversations_and_days_of_a_full_refresh(tmp_path, monkeypatch):
    """Land the twcs sample in two batches (its last tenth in time apart), build after each, and the
    conversation and daily marts equal a rebuild from scratch: statuses and backlogs follow the
    new as_of even for rows the incremental build did not rewrite."""
    monkeypatch.setenv("GROUNDSWELL_HOME", str(tmp_path / "home"))
    path = shared_file("twcs", "twcs_head5000.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, lineterminator="\n")
    at = pd.to_datetime(raw["created_at"], format="%a %b %d %H:%M:%S %z %Y")
    cut = at.quantile(0.9)
    raw = raw.rename(columns={"Unnamed: 0": ""})  # the export's unnamed index column
    for name, part in (("early", raw[at <= cut]), ("late", raw[at > cut])):
        assert len(part) > 400
        part.to_csv(tmp_path / f"{name}.csv", index=False)
    queries = {
        "fct_care_conversations": "select * from marts.fct_care_conversations "
                                  "order by source, conversation_id",
        "agg_care_daily": "select * from marts.agg_care_daily "
                          "order by date_day, brand, channel, complaint_type",
    }

    def marts() -> dict[str, pd.DataFrame]:
        con = connect(tmp_path / "home" / "published" / "warehouse.duckdb", read_only=True)
        try:
            return {name: con.execute(sql).df() for name, sql in queries.items()}
        finally:
            con.close()

    for args in (["load", "twcs", str(tmp_path / "early.csv")], ["build"],
                 ["load", "twcs", str(tmp_path / "late.csv")], ["build"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    incremental = marts()
    result = CliRunner().invoke(main, ["build", "--full-refresh"])
    assert result.exit_code == 0, result.output
    refreshed = marts()
    for name in queries:
        pd.testing.assert_frame_equal(incremental[name], refreshed[name], obj=name)
    assert len(refreshed["fct_care_conversations"]) == 1311
