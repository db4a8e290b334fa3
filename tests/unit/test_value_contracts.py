"""Value contracts: each kind of bad or unusual input, and what becomes of it.

Every case lands one file holding good records beside the bad or unusual one. It checks the
outcome (landed as what, or quarantined with which reason), that every good record landed, that
the audit reconciles, and that a quarantined record keeps its original bytes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

import pytest

from groundswell.land.landing import land_files
from groundswell.warehouse import lake_reader


def mention(i: int, **extra) -> dict:
    return {"mention_id": f"x-{i}", "platform": "x", "matched_brand": "Northwind Air",
            "created_at": "2026-10-20T10:00:00Z", "text": f"mention {i}",
            "author": {"id": f"a{i}", "followers": 10}} | extra


def tweet(i: int, **extra) -> dict:
    return {"id": f"18499{i:05d}", "text": f"tweet {i}", "author_id": "2000000042",
            "created_at": "2026-10-20T13:05:11.000Z",
            "public_metrics": {"like_count": 2, "impression_count": 57}} | extra


def jsonl(*records) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


def page(*records) -> bytes:
    return json.dumps({"data": list(records)}).encode()


COSTS = "cost_id,cost_date,channel,department,cost_kind,amount,currency\n"
SESSIONS = "session_id,started_at,utm_source,pageviews,conversions,conversion_value\n"
TWCS = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
TWCS_ROW = "{id},sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,hello,,\n"
AIRLINE = "tweet_id,airline_sentiment,airline,name,text,tweet_created\n"
NOT_UTF8 = b'{"mention_id": "x-2", "text": "caf\xe9"}'


@dataclass
class Case:
    source: str
    name: str  # the file's name
    body: bytes
    good: set[str]  # natural keys that must land
    bad: dict[int, str] = field(default_factory=dict)  # record_no -> the reason's beginning
    stored: tuple[str, list] | None = None  # a query on what landed, and its rows
    kept: tuple[int, bytes] | None = None  # a quarantined record's number and its original bytes


CASES = {
    # --- times outside what the field can mean
    "a mention dated 1900": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), mention(2, created_at="1900-01-01T00:00:00Z")),
        {"x-1"}, {2: "created_at is before 2000-01-01, earlier than listening-mentions can date a record"}),
    "a tweet before X launched": Case(
        "x-tweets", "p.json", page(tweet(1), tweet(2, created_at="2005-06-01T00:00:00Z")),
        {"1849900001"}, {2: "created_at is before 2006-03-21"}),
    "a LinkedIn epoch of zero": Case(
        "linkedin-posts", "p.json", json.dumps({"elements": [
            {"id": "urn:li:share:1", "author": "urn:li:organization:1", "createdAt": 1760000000000},
            {"id": "urn:li:share:2", "author": "urn:li:organization:1", "createdAt": 0}]}).encode(),
        {"urn:li:share:1"}, {2: "created_at is before 2003-05-05"}),
    "a cost dated 1999": Case(
        "program-costs", "c.csv", (COSTS + "C1,2026-10-01,x,marketing,tools,10.00,USD\n"
                                   "C2,1999-12-31,x,marketing,tools,10.00,USD\n").encode(),
        {"C1"}, {2: "cost_date is before 2000-01-01"}),
    "a mention in the future": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), mention(2, created_at="2999-01-01T00:00:00Z")),
        {"x-1"}, {2: "created_at is in the future: 2999-01-01 00:00:00"}),
    # --- counts and money
    "a negative like count": Case(
        "x-tweets", "p.json", page(tweet(1), tweet(2, public_metrics={"like_count": -3})),
        {"1849900001"}, {2: "like_count is negative: -3"}),
    "a fractional count": Case(
        "x-tweets", "p.json", page(tweet(1), tweet(2, public_metrics={"like_count": 1.5})),
        {"1849900001"}, {2: "like_count is not a whole number: 1.5"}),
    "a count written as 3.0": Case(
        "web-sessions", "s.csv", (SESSIONS + "S1,2026-10-01 10:00:00,x,3.0,1,20.00\n").encode(),
        {"S1"}, stored=("select pageviews from raw.web__sessions", [(3,)])),
    "negative followers": Case(
        "listening-mentions", "m.jsonl",
        jsonl(mention(1), mention(2, author={"id": "a2", "followers": -10})),
        {"x-1"}, {2: "author_followers is negative: -10"}),
    "negative money": Case(
        "program-costs", "c.csv", (COSTS + "C1,2026-10-01,x,marketing,tools,10.00,USD\n"
                                   "C2,2026-10-01,x,marketing,tools,-10.00,USD\n").encode(),
        {"C1"}, {2: "amount is negative: -10.00"}),
    "a negative conversion value": Case(
        "web-sessions", "s.csv", (SESSIONS + "S1,2026-10-01 10:00:00,x,3,1,20.00\n"
                                  "S2,2026-10-01 10:00:00,x,3,1,-20.00\n").encode(),
        {"S1"}, {2: "conversion_value is negative: -20.00"}),
    # --- keys
    "a blank mention id": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), mention(2, mention_id="   ")),
        {"x-1"}, {2: "missing required field mention_id"}),
    "a blank CSV key": Case(
        "program-costs", "c.csv", (COSTS + "C1,2026-10-01,x,marketing,tools,10.00,USD\n"
                                   '" ",2026-10-01,x,marketing,tools,10.00,USD\n').encode(),
        {"C1"}, {2: "missing required field cost_id"}),
    "a tweet id that is not a number": Case(
        "x-tweets", "p.json", page(tweet(1), tweet(2, id="18499abc")),
        {"1849900001"}, {2: "id does not match [0-9]+: 18499abc"}),
    "a twcs tweet id that is not a number": Case(
        "twcs", "twcs.csv", (TWCS + TWCS_ROW.format(id=1) + TWCS_ROW.format(id="x2")).encode(),
        {"1"}, {2: "tweet_id does not match [0-9]+: x2"}),
    "a twcs id written as a float": Case(
        "twcs", "twcs.csv", (TWCS + TWCS_ROW.format(id="3.0")).encode(), {"3"}),
    # --- allowed values and brands
    "a platform in capitals": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1, platform="X"), mention(2, platform=" Facebook ")),
        {"x-1", "x-2"}, stored=("select platform from raw.listening__mentions order by 1",
                                [("facebook",), ("x",)])),
    "a department in title case": Case(
        "program-costs", "c.csv", (COSTS + "C1,2026-10-01,x,Marketing,Tools,10.00,USD\n").encode(),
        {"C1"}, stored=("select department, cost_kind from raw.costs__program_costs",
                        [("marketing", "tools")])),
    "a platform that is not one": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), mention(2, platform="myspace")),
        {"x-1"}, {2: "platform is not one of x/facebook/"}),
    "an unknown brand": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), mention(2, matched_brand="Acme Rockets")),
        {"x-1"}, {2: "matched_brand Acme Rockets is not a brand of dbt/seeds/brands.csv: add it there"}),
    "a brand in lower case": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1, matched_brand="northwind air")),
        {"x-1"}, stored=("select matched_brand from raw.listening__mentions", [("Northwind Air",)])),
    "an airline that is not a brand": Case(
        "airline-sentiment", "Tweets.csv",
        (AIRLINE + "1,negative,United,ann,late again,2015-02-24 11:35:52 -0800\n"
         "2,negative,Pan Am,bob,where is it,2015-02-24 11:35:52 -0800\n").encode(),
        {"1"}, {2: "airline Pan Am is not a brand of dbt/seeds/brands.csv"}),
    # --- text
    "a JSON object in a text field": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), mention(2, text={"body": "hi"})),
        {"x-1"}, {2: 'text holds JSON, not text: {"body":"hi"}'}),
    "a text that merely starts with a brace": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1, text="{not json} but words")),
        {"x-1"}, stored=("select text from raw.listening__mentions", [("{not json} but words",)])),
    # --- bytes and files
    "a line that is not UTF-8": Case(
        "listening-mentions", "m.jsonl", jsonl(mention(1), NOT_UTF8, mention(3)),
        {"x-1", "x-3"}, {2: "line 2: Invalid unicode"}, kept=(2, NOT_UTF8)),
    "a first line that is not UTF-8": Case(
        "listening-mentions", "m.jsonl", jsonl(NOT_UTF8, mention(2)),
        {"x-2"}, {1: "line 1: Invalid unicode"}, kept=(1, NOT_UTF8)),
    "a CSV row that is not UTF-8": Case(
        "program-costs", "c.csv", COSTS.encode() + b"C1,2026-10-01,x,marketing,tools,10.00,USD\n"
        + b"C2,2026-10-01,x,marketing,caf\xe9,10.00,USD\n",
        {"C1"}, {2: "CSV line 3: Invalid unicode"}, kept=(2, b"C2,2026-10-01,x,marketing,caf\xe9,10.00,USD")),
    "an API page that is not UTF-8": Case(
        "x-tweets", "p.json", b'{"data": [{"id": "1", "text": "caf\xe9"}]}',
        set(), {0: "file is not valid UTF-8"}, kept=(0, b'{"data": [{"id": "1", "text": "caf\xe9"}]}')),
    "a CSV header that is not UTF-8": Case(
        "program-costs", "c.csv", b"cost_id,caf\xe9\nC1,x\n", set(),
        {0: "file is not valid UTF-8 (header row)"}, kept=(0, b"cost_id,caf\xe9\nC1,x\n")),
    "a semicolon-separated CSV": Case(
        "program-costs", "c.csv", (COSTS.replace(",", ";") + "C1;2026-10-01;x;marketing;tools;10,00;USD\n"
                                   "C2;2026-10-01;x;marketing;tools;12,50;USD\n").encode(),
        set(), {1: "header problem: the header is one column 'cost_id;cost_date;", 2: "header problem"}),
    "a tab-separated CSV": Case(
        "program-costs", "c.csv", (COSTS.replace(",", "\t") + "C1\t2026-10-01\tx\tmarketing\ttools\t10\tUSD\n"
                                   ).encode(), set(), {1: "header problem: the header is one column"}),
    "another source's CSV": Case(
        "program-costs", "c.csv", (SESSIONS + "S1,2026-10-01 10:00:00,x,3,1,20.00\n").encode(),
        set(), {1: "header problem: the header names none of program-costs's columns (found session_id"}),
    "a CSV with a column too many": Case(
        "program-costs", "c.csv", (COSTS + "C1,2026-10-01,x,marketing,tools,10.00,USD\n"
                                   "C2,2026-10-01,x,marketing,tools,10.00,USD,extra\n").encode(),
        {"C1"}, {2: "CSV line 3: Expected Number of Columns"}),
}


def rows(settings, sql: str, params=None) -> list:
    with lake_reader(settings) as con:
        return con.execute(sql, params or []).fetchall()


KEYS = {"listening-mentions": "mention_id", "x-tweets": "id", "linkedin-posts": "id",
        "program-costs": "cost_id", "web-sessions": "session_id", "twcs": "tweet_id",
        "airline-sentiment": "tweet_id"}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_each_kind_of_input_lands_or_is_quarantined_with_its_reason(settings, tmp_path, case):
    assert len(CASES) >= 25
    path = tmp_path / case.name
    path.write_bytes(case.body)
    result = land_files(case.source, [path], settings)
    from groundswell.land.sources import get_source

    table = get_source(case.source).qualified_table
    landed = {r[0] for r in rows(settings, f"select {KEYS[case.source]} from {table}")}
    assert landed == case.good  # every good record landed, nothing else
    reasons = dict(rows(settings, "select record_no, reason from raw.quarantine"))
    assert set(reasons) == set(case.bad), reasons
    for record_no, reason in case.bad.items():
        assert reasons[record_no].startswith(reason), reasons[record_no]
    assert result.received == result.landed + result.quarantined == len(case.good) + len(case.bad)
    audit = rows(settings, "select received, landed, quarantined from raw.load_audit")
    assert audit == [(result.received, result.landed, result.quarantined)]
    if case.stored:
        assert rows(settings, case.stored[0]) == case.stored[1]
    if case.kept:
        record_no, original = case.kept
        ((encoding, payload),) = rows(settings, "select payload_encoding, payload from raw.quarantine "
                                                "where record_no = ?", [record_no])
        assert encoding == "base64"
        assert base64.b64decode(payload) == original


def test_groundswell_quarantine_shows_a_batchs_reasons_and_original_records(settings, tmp_path):
    from click.testing import CliRunner

    from groundswell.run.cli import main

    path = tmp_path / "m.jsonl"
    path.write_bytes(jsonl(mention(1), mention(2, platform="myspace"), NOT_UTF8))
    result = land_files("listening-mentions", [path], settings)
    other = tmp_path / "other.jsonl"
    other.write_bytes(jsonl(mention(9, matched_brand="Acme Rockets")))
    land_files("listening-mentions", [other], settings)
    shown = CliRunner().invoke(main, ["quarantine", "--batch", result.batch_id])
    assert shown.exit_code == 0, shown.output
    assert f"listening-mentions  {result.batch_id}  platform is not one of" in shown.output
    assert f"{path.resolve()}:2  platform is not one of x/facebook/" in shown.output
    assert '"platform": "myspace"' in shown.output
    assert f"base64: {base64.b64encode(NOT_UTF8).decode()}" in shown.output
    assert "Acme" not in shown.output  # another batch
    everything = CliRunner().invoke(main, ["quarantine", "--source", "listening-mentions"])
    assert "matched_brand Acme Rockets is not a brand" in everything.output
    assert "no quarantined records" in CliRunner().invoke(main, ["quarantine", "--source", "twcs"]).output


def test_data_health_calls_out_records_naming_an_unconfigured_brand(settings, tmp_path):
    """The quarantine summary a snapshot carries (groundswell.ops), read by Data health's query."""
    from dashboards.health import queries as health_queries
    from groundswell.ops import SNAPSHOT_TABLES

    path = tmp_path / "m.jsonl"
    path.write_bytes(jsonl(mention(1), mention(2, matched_brand="Acme Rockets"),
                           mention(3, matched_brand="Acme Rockets"), mention(4, platform="myspace")))
    land_files("listening-mentions", [path], settings)
    with lake_reader(settings) as con:
        con.execute("create schema ops")
        con.execute("create table ops.quarantine_summary as "
                    + SNAPSHOT_TABLES["quarantine_summary"].format(src="memory"))
        unknown = health_queries.health_unknown_brands(con)
    assert unknown[["source", "records"]].values.tolist() == [["listening-mentions", 2]]
    assert unknown["reason"].iat[0].startswith(
        "matched_brand Acme Rockets is not a brand of dbt/seeds/brands.csv")
