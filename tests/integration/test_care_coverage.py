"""Thread coverage on Kaggle's random twcs sample, where almost every brand reply lost its parent:
the marts count the orphans per batch and brand, and the care page and Data health say the threads
are incomplete instead of showing an unexplained response rate near 0 %."""

from __future__ import annotations

import csv
import json

import dash
import pandas as pd
import pytest
from click.testing import CliRunner

from groundswell.config import PROJECT_ROOT
from groundswell.run.cli import main
from groundswell.warehouse import connect
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def sample():
    return shared_file("twcs", "twcs_random5000.csv")  # skips when the shared data is absent


@pytest.fixture(scope="module")
def sampled_home(tmp_path_factory, sample):
    home = tmp_path_factory.mktemp("coverage") / "home"
    # and a mention of a brand nobody configured, for Data health's call-out
    unknown = home.parent / "mentions.jsonl"
    unknown.write_text(json.dumps({
        "mention_id": "x-1", "platform": "x", "matched_brand": "Acme Rockets",
        "created_at": "2017-10-31T22:00:00Z", "text": "@acme where is my rocket"}) + "\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GROUNDSWELL_HOME", str(home))
        for args in (["load", "twcs", str(sample)], ["load", "listening-mentions", str(unknown)], ["build"]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
    return home


def published(home, sql: str) -> pd.DataFrame:
    con = connect(home / "published" / "warehouse.duckdb", read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture
def pages(sampled_home, monkeypatch):
    """The care and health pages of the app, reading the sampled home's snapshot."""
    from dashboards.app import create_app

    monkeypatch.setenv("GROUNDSWELL_HOME", str(sampled_home))
    create_app()
    return dash.page_registry["dashboards.care.page"], dash.page_registry["dashboards.health.page"]


def expected_coverage(sample) -> pd.DataFrame:
    """From the CSV, independently: every outbound tweet naming a parent is a brand reply of its
    author (or of the brand registered for the handle); it is an orphan when no tweet of the file
    has the parent's id."""
    tweets = pd.read_csv(sample, dtype={"tweet_id": str, "author_id": str})  # CRLF line ends
    ids = set(tweets["tweet_id"])
    replies = tweets[~tweets["inbound"] & tweets["in_response_to_tweet_id"].notna()].copy()
    replies["parent"] = replies["in_response_to_tweet_id"].map(lambda v: str(int(v)))
    with open(PROJECT_ROOT / "dbt" / "seeds" / "brand_accounts.csv", newline="") as f:
        registered = {r["account_handle"].lower(): r["brand"]
                      for r in csv.DictReader(f) if r["platform"] == "x"}
    replies["brand"] = replies["author_id"].map(lambda a: registered.get(a.lower(), a))
    replies["orphan"] = ~replies["parent"].isin(ids)
    out = replies.groupby("brand").agg(brand_replies=("orphan", "size"), orphan_replies=("orphan", "sum"))
    return out.reset_index().sort_values("brand", ignore_index=True)


def test_orphan_replies_match_an_independent_count_per_brand_and_batch(sampled_home, sample):
    mart = published(sampled_home, "select brand, brand_replies, orphan_replies, orphan_reply_share, "
                                   "threads_incomplete from marts.agg_care_coverage where channel = 'x' "
                                   "order by brand")
    expected = expected_coverage(sample)
    pd.testing.assert_frame_equal(mart[["brand", "brand_replies", "orphan_replies"]], expected,
                                  check_dtype=False)
    assert (mart["threads_incomplete"] == (mart["orphan_replies"] > mart["brand_replies"] / 2)).all()
    assert mart["threads_incomplete"].sum() > 50  # nearly every brand of the sample
    apple = mart.set_index("brand").loc["AppleSupport"]
    assert (apple.brand_replies, apple.orphan_replies, apple.orphan_reply_share) == (211, 211, 1.0)
    # One landing batch: its counts are the brands' counts.
    batches = published(sampled_home, "select _batch_id as batch_id, brand, brand_replies, orphan_replies "
                                      "from marts.agg_care_coverage_batches order by brand")
    audit = published(sampled_home, "select batch_id from ops.load_audit where source = 'twcs'")
    assert set(batches["batch_id"]) == set(audit["batch_id"]) and len(audit) == 1
    assert batches["orphan_replies"].sum() == expected["orphan_replies"].sum()
    # What the warning explains: almost no customer message of the sample has its answer.
    rate = published(sampled_home, "select avg(is_responded::int) from marts.fct_care_messages").iat[0, 0]
    assert rate < 0.01


def test_the_care_page_says_which_threads_are_incomplete(pages):  # noqa: ARG001 - the app, on the sample
    from dashboards.care import page as care_page

    every = care_page.update_coverage([], [])
    assert every.id == "care-coverage-warning" and every.color == "warning"
    text = str(every)
    assert ("Threads incomplete for AmazonHelp on X: 299 of 299 brand replies have no parent in the data."
            in text)
    assert "Data health lists them all" in text  # more pairs than the warning names
    picked = str(care_page.update_coverage(["AppleSupport"], ["x"]))
    assert "AppleSupport on X: 211 of 211 brand replies" in picked and "AmazonHelp" not in picked


def test_data_health_lists_the_incomplete_threads_and_their_batches(pages):
    _, health = pages
    page = str(health["layout"]())
    assert "Threads incomplete: 299 of 299 brand replies of AmazonHelp (X) have no parent in the data" in page
    assert "health-coverage-batches" in page
    assert ("Unknown brands: 1 quarantined records name a brand that is not configured. Add it to "
            "dbt/seeds/brands.csv") in page
    # the source and the reason are identifiers, shown as code
    assert ("Code('listening-mentions'), ': 1 × ', "
            "Code('matched_brand Acme Rockets is not a brand of dbt/seeds/brands.csv')") in page


def test_the_demo_threads_are_complete_and_the_care_page_stays_quiet(published_home, monkeypatch):
    from dashboards.app import create_app

    coverage = published(published_home, "select * from marts.agg_care_coverage")
    assert len(coverage) > 0 and not coverage["threads_incomplete"].any()
    monkeypatch.setenv("GROUNDSWELL_HOME", str(published_home))
    create_app()  # before the page module is imported: it registers itself with the app
    from dashboards.care import page as care_page

    assert care_page.update_coverage([], []) is None
