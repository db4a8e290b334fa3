"""Enrichment: cleaning, labels, complaint types, topics, and incremental scoring into enrichment.texts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from groundswell.config import PROJECT_ROOT
from groundswell.land.landing import land_files
from groundswell.run.cli import main
from groundswell.transform.enrichment import (
    EnrichmentConfigError,
    clean_text,
    complaint_type,
    enrich,
    load_rules,
    sentiment_label,
    sentiment_score,
)
from groundswell.transform.enrichment.text import preclean, sql_preclean
from groundswell.warehouse import connect, writer

SEEDS = PROJECT_ROOT / "dbt" / "seeds"
SEED_FILES = ("complaint_topics.csv", "complaint_responses.csv", "brand_accounts.csv", "brands.csv")


def query(settings, sql: str, params=None):
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A copy of the four seeds enrichment reads, free to edit."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, folder / name)
    return folder


def write_topics(folder: Path, rows: list[tuple[str, str, str]]) -> None:
    lines = ["industry,topic,keyword", *(",".join(r) for r in rows)]
    (folder / "complaint_topics.csv").write_text("\n".join(lines) + "\n")


def mentions_file(folder: Path, name: str, mentions: dict[str, str], brand: str = "Northwind Air") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps({
        "mention_id": mention_id, "platform": "x", "matched_brand": brand,
        "created_at": "2026-03-01T10:00:00Z", "text": text, "author": {"id": f"a{mention_id}"},
    }) + "\n" for mention_id, text in mentions.items()))
    return path


def rows_of(settings, source: str = "listening__mentions") -> dict[str, tuple]:
    return {r[0]: r[1:] for r in query(settings, """
        select record_id, sentiment_label, complaint_type, complaint_topic, text_md5, rules_version,
               enriched_at, industry_hint
        from enrichment.texts where source = ? order by record_id""", [source])}


# -- cleaning and sentiment --------------------------------------------------------------------

def test_cleaning_strips_handles_and_urls_and_decodes_entities():
    text = "@united  my bag &amp; coat are lost http://t.co/abc https://x.com/a?b=1 www.example.com/x"
    assert clean_text(text) == "my bag & coat are lost"
    assert clean_text("mail bob@example.com &lt;3 @a@b") == "mail bob@example.com <3 @b"
    assert clean_text(None) == ""
    # "united" is +1.8 in VADER's lexicon: the handle alone made a neutral complaint positive.
    assert sentiment_label(sentiment_score("@united where is my bag")) == "positive"
    assert sentiment_label(sentiment_score(clean_text("@united where is my bag"))) == "neutral"


@pytest.mark.parametrize("text", [
    "@a @b hi", "x@y.com @z_1: ok", "Ünïcode @ok_1 x", "(@handle) http://a.b/c?d=e,f www.x.y",
    "HTTP://SHOUT.COM/X and\ttabs\n@new_line", "@", "email@", "awww.. so cute",
])
def test_the_sql_cleaning_stage_is_the_python_one(text):
    con = duckdb.connect()
    assert con.execute(f"select {sql_preclean('?')}", [text]).fetchone()[0] == preclean(text)


def test_labels_at_vaders_thresholds():
    assert sentiment_label(0.05) == "positive"
    assert sentiment_label(0.0499) == "neutral"
    assert sentiment_label(0.0) == "neutral"
    assert sentiment_label(-0.0499) == "neutral"
    assert sentiment_label(-0.05) == "negative"
    assert sentiment_label(-1.0) == "negative"


# -- complaint type ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "score", "expected"), [
    ("thanks for the upgrade", 0.6, "positive"),
    ("what time does the lounge open?", 0.0, "neutral"),
    # 1. troll: mockery or insult, however negative
    ("lol this airline is a joke", -0.3, "troll"),
    ("another day another fail 🤡", -0.6, "troll"),
    ("bunch of clowns, I HATE THIS COMPANY!!!", -0.9, "troll"),  # troll comes before rage
    # 2. rage: profanity at any negative score, or very negative and shouting or outraged
    ("wtf where is my bag", -0.1, "rage"),
    ("I am FURIOUS, this is absolutely unacceptable", -0.8, "rage"),
    ("WORST SERVICE ever, my flight is late", -0.7, "rage"),
    ("my flight is late again!! terrible", -0.6, "rage"),
    ("my flight is late again!! terrible", -0.4, "unhappy_customer"),  # not very negative
    ("two hours at LAX then JFK, terrible", -0.6, "unhappy_customer"),  # airport codes don't shout
    # 3. misinformation: something is false, fake, a lie or a rumour
    ("Rumour: they leaked customer data, awful", -0.5, "misinformation"),
    ("Heard they are shutting down the lounge, terrible", -0.5, "misinformation"),
    ("you lied about the refund, bad", -0.3, "misinformation"),
    ("that fake discount is bad", -0.3, "misinformation"),
    ("the lie flat seat was bad", -0.3, "unhappy_customer"),
    ("haven't heard back about my refund, sad", -0.3, "unhappy_customer"),
    # 4. unhappy customer: every other negative text
    ("my bag is lost and nobody helps", -0.5, "unhappy_customer"),
])
def test_complaint_type_rules_in_order(text, score, expected):
    assert complaint_type(text, score, sentiment_label(score)) == expected


def test_complaint_types_on_vader_scores():
    for text, expected in [
        ("@northwindair I am FURIOUS. they lost my bag. Absolutely unacceptable!!!", "rage"),
        ("Rumour: @northwindair leaked customer data, really bad if true", "misinformation"),
        ("@northwindair really disappointed: my refund never arrived", "unhappy_customer"),
        ("@northwindair another day, another fail. pathetic", "troll"),
        ("@northwindair great flight today, thank you!", "positive"),
    ]:
        cleaned = clean_text(text)
        score = sentiment_score(cleaned)
        assert complaint_type(cleaned, score, sentiment_label(score)) == expected, (text, score)


# -- complaint topic ---------------------------------------------------------------------------

def test_topics_match_whole_words_case_insensitively(seeds):
    write_topics(seeds, [("airline", "lost_luggage", "bag"), ("airline", "lost_luggage", "lost"),
                         ("airline", "late_flight", "delayed"), ("airline", "late_flight", "on  the tarmac"),
                         ("airline", "booking", "wi-fi")])
    rules = load_rules(seeds)
    assert rules.topic("My BAG is gone", "airline") == "lost_luggage"
    assert rules.topic("my baggage is gone", "airline") == "other"  # "bag" is not in "baggage"
    assert rules.topic("handbag", "airline") == "other"
    assert rules.topic("sitting on the\ttarmac", "airline") == "late_flight"  # any whitespace in a phrase
    assert rules.topic("no wi-fi!", "airline") == "booking"
    assert rules.topic("no wifi", "airline") == "other"
    assert rules.topic("", "airline") == "other"


def test_most_distinct_keywords_win_and_ties_go_to_seed_order(seeds):
    write_topics(seeds, [("airline", "first", "bag"), ("airline", "second", "delayed"),
                         ("airline", "second", "late"), ("any", "billing", "charged"),
                         ("any", "billing", "charged twice")])
    rules = load_rules(seeds)
    assert rules.topic("bag delayed", "airline") == "first"  # 1 to 1: first in the file
    assert rules.topic("delayed bag delayed bag delayed", "airline") == "first"  # a keyword counts once
    assert rules.topic("bag delayed and late", "airline") == "second"  # 1 to 2
    # "charged twice" holds "charged": both count, so billing has 2.
    assert rules.topic("bag delayed, charged twice", "airline") == "billing"


def test_an_industry_hint_limits_the_lists(seeds):
    write_topics(seeds, [("airline", "lost_luggage", "bag"), ("telecom", "no_signal", "signal"),
                         ("any", "billing", "bill")])
    rules = load_rules(seeds)
    assert rules.topic("no signal", "airline") == "other"
    assert rules.topic("no signal", "telecom") == "no_signal"
    assert rules.topic("no signal", None) == "no_signal"  # no hint: every list
    assert rules.topic("my bill", "telecom") == "billing"  # `any` goes with every industry
    assert rules.topic("my bag", "retail") == "other"  # an industry without a list: `any` only


def test_the_shipped_airline_list_has_the_ten_reasons():
    rules = load_rules(SEEDS)
    airline = {t for i, t, _ in rules.topic_rows if i == "airline"}
    assert airline == {"late_flight", "cancelled_flight", "lost_luggage", "damaged_luggage",
                       "customer_service_issue", "flight_booking_problems", "bad_flight",
                       "flight_attendant_complaints", "long_lines"}
    assert {i for i, _, _ in rules.topic_rows} == {"airline", "telecom", "any"}
    assert rules.topic("they lost my bag", "airline") == "lost_luggage"
    assert rules.topic("no signal at home for a week", "telecom") == "network_coverage"


def test_every_complaint_type_has_a_recommended_response(seeds):
    rules = load_rules(seeds)
    assert "cite" in rules.responses["misinformation"] and "within hours" in rules.responses["misinformation"]
    assert "not engage" in rules.responses["troll"].lower()
    responses = seeds / "complaint_responses.csv"
    responses.write_text("\n".join(line for line in responses.read_text().splitlines()
                                   if not line.startswith("rage,")) + "\n")
    with pytest.raises(EnrichmentConfigError, match=r"missing \['rage'\]"):
        load_rules(seeds)


def test_a_missing_seed_says_what_to_do(seeds):
    (seeds / "complaint_topics.csv").unlink()
    with pytest.raises(EnrichmentConfigError, match="complaint_topics.csv is missing.*restore it"):
        load_rules(seeds)


# -- incremental scoring into enrichment.texts ----------------------------------------------------

def test_the_table_exists_empty_before_enrichment_ran(settings):
    with writer(settings):
        pass
    assert query(settings, "select count(*) from enrichment.texts") == [(0,)]


def test_a_second_run_scores_nothing_and_changes_are_rescored(settings, seeds, tmp_path):
    drop = tmp_path / "drop"
    land_files("listening-mentions", [mentions_file(drop / "d1", "m.jsonl", {
        "m1": "@northwindair they lost my bag, terrible", "m2": "@northwindair great flight, thank you!",
        "m3": "@northwindair they lost my bag, terrible",  # the same text: scored once
    })], settings)
    first = enrich(settings, seeds_dir=seeds)
    assert (first.candidates, first.scored, first.reused, first.unchanged) == (3, 2, 1, 0)
    before = rows_of(settings)
    assert before["m1"][:3] == ("negative", "unhappy_customer", "lost_luggage")
    assert before["m2"][:2] == ("positive", "positive")
    assert before["m1"][6] == "airline"  # Northwind Air is an airline (dbt/seeds/brands.csv)

    second = enrich(settings, seeds_dir=seeds)
    assert (second.candidates, second.scored, second.unchanged, second.removed) == (0, 0, 3, 0)
    assert rows_of(settings) == before

    # A later landing: m2's text changed, m4 is new; m1 and m3 are as they were.
    land_files("listening-mentions", [mentions_file(drop / "d2", "m.jsonl", {
        "m2": "@northwindair my flight is delayed again, awful", "m4": "@northwindair what time is boarding?",
        "m1": "@northwindair they lost my bag, terrible",
    })], settings)
    third = enrich(settings, seeds_dir=seeds)
    assert (third.candidates, third.unchanged) == (2, 2)
    after = rows_of(settings)
    assert set(after) == {"m1", "m2", "m3", "m4"}  # one row per record, not per landing
    assert after["m1"] == before["m1"] and after["m3"] == before["m3"]
    assert after["m2"][:3] == ("negative", "unhappy_customer", "late_flight")
    assert after["m2"][3] != before["m2"][3] and after["m2"][5] > before["m2"][5]
    assert after["m4"][:2] == ("neutral", "neutral")
    landed = query(settings, "select count(*) from raw.listening__mentions where mention_id = 'm2'")
    assert landed == [(2,)]


def test_editing_the_topic_seed_changes_the_rules_version_and_rescores(settings, seeds, tmp_path):
    land_files("listening-mentions", [mentions_file(tmp_path / "d1", "m.jsonl", {
        "m1": "@northwindair the armrest broke, terrible", "m2": "@northwindair rude crew, terrible",
    })], settings)
    first = enrich(settings, seeds_dir=seeds)
    assert rows_of(settings)["m1"][2] == "bad_flight"
    with (seeds / "complaint_topics.csv").open("a") as f:
        f.write("airline,broken_armrest,armrest\nairline,broken_armrest,broke\n")
    second = enrich(settings, seeds_dir=seeds)
    assert second.rules_version != first.rules_version
    assert (second.candidates, second.scored, second.unchanged) == (2, 2, 0)
    rows = rows_of(settings)
    assert rows["m1"][2] == "broken_armrest"
    assert {r[4] for r in rows.values()} == {second.rules_version}
    assert enrich(settings, seeds_dir=seeds).candidates == 0


def test_only_inbound_texts_are_enriched_with_their_industry(settings, seeds, tmp_path):
    twcs = tmp_path / "twcs.csv"
    twcs.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,115712,True,Tue Oct 31 22:10:47 +0000 2017,@sprintcare my phone has no signal,2,\n"
        "2,sprintcare,False,Tue Oct 31 22:11:45 +0000 2017,@115712 Sorry! Please DM us,,1\n")
    land_files("twcs", [twcs], settings)
    page = tmp_path / "x.json"
    brand, customer = "1100000000000000001", "2000000042"  # NorthwindAir (dbt/seeds/brand_accounts.csv)
    page.write_text(json.dumps({"data": [
        {"id": "10", "text": "@NorthwindAir they lost my bag", "author_id": customer,
         "in_reply_to_user_id": brand, "created_at": "2026-03-01T10:00:00.000Z"},
        {"id": "11", "text": "@c000042 sorry, please DM us", "author_id": brand,
         "in_reply_to_user_id": customer, "created_at": "2026-03-01T10:05:00.000Z"},
    ]}))
    land_files("x-tweets", [page], settings)
    result = enrich(settings, seeds_dir=seeds)
    assert result.candidates == 2
    assert set(rows_of(settings, "customer_support__tweets")) == {"1"}
    assert rows_of(settings, "customer_support__tweets")["1"][6] is None  # no brand config: every list
    assert rows_of(settings, "customer_support__tweets")["1"][2] == "network_coverage"
    x = rows_of(settings, "x__tweets")
    assert set(x) == {"10"} and x["10"][2] == "lost_luggage" and x["10"][6] == "airline"

    # The X account becomes a brand's: its tweets are no longer inbound, their rows go.
    with (seeds / "brand_accounts.csv").open("a") as f:
        f.write(f"x,{customer},c000042,Northwind Air,northwind-passenger\n")
    again = enrich(settings, seeds_dir=seeds)
    assert (again.candidates, again.removed) == (0, 1)
    assert rows_of(settings, "x__tweets") == {}


def test_a_record_relanded_away_loses_its_row(settings, seeds, tmp_path):
    path = mentions_file(tmp_path / "d1", "m.jsonl", {"m1": "bad", "m2": "good"})
    land_files("listening-mentions", [path], settings)
    enrich(settings, seeds_dir=seeds)
    mentions_file(tmp_path / "d1", "m.jsonl", {"m2": "good"})  # the same file, re-delivered
    land_files("listening-mentions", [path], settings)
    result = enrich(settings, seeds_dir=seeds)
    assert (result.candidates, result.removed, result.unchanged) == (0, 1, 1)
    assert set(rows_of(settings)) == {"m2"}


def test_enrich_command_prints_the_counts(settings, tmp_path):
    land_files("listening-mentions", [mentions_file(tmp_path / "d1", "m.jsonl", {"m1": "awful"})], settings)
    result = CliRunner().invoke(main, ["enrich"])
    assert result.exit_code == 0, result.output
    assert "enrichment.texts: 1 texts to enrich, 1 distinct scored" in result.output
    result = CliRunner().invoke(main, ["enrich"])
    assert "0 texts to enrich" in result.output and "1 unchanged" in result.output


def test_a_pool_of_processes_scores_as_one_process_does(tmp_path, seeds, caplog):
    from groundswell.config import Settings

    texts = {f"m{i}": text for i, text in enumerate([
        "@northwindair they lost my bag, terrible", "lol what a joke of an airline", "WTF my flight is late",
        "Rumour: they leaked customer data, awful", "great crew, thank you!", "what time is boarding?",
        "no signal at home for a week, awful", "I was charged twice, bad", "rude staff at the gate, sad",
    ])}
    results = {}
    for workers in (1, 2):
        caplog.set_level("INFO", logger="groundswell.transform.enrichment")
        s = Settings(home=tmp_path / f"home{workers}")
        land_files("listening-mentions", [mentions_file(tmp_path / f"d{workers}", "m.jsonl", texts)], s)
        result = enrich(s, seeds_dir=seeds, workers=workers)
        assert result.scored == len(texts)
        results[workers] = {k: v[:5] + v[6:] for k, v in rows_of(s).items()}  # all but enriched_at
    assert results[1] == results[2]
    # The workers really ran: started, and no chunk fell back to this process.
    assert "in 2 process(es)" in caplog.text
    assert "worker process" not in caplog.text
