"""Analyst corrections: landed with their own contract and quarantine, exact in enrichment.texts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from groundswell.land.corrections import Correction, record
from groundswell.land.landing import land_files, land_interval
from groundswell.land.sources.corrections import CORRECTABLE
from groundswell.transform.enrichment import enrich
from groundswell.transform.enrichment.incremental import TEXT_SOURCES
from groundswell.warehouse import lake_reader
from tests.unit.test_enrichment import mentions_file, query

HEADER = "source,record_id,sentiment_label,complaint_type,complaint_topic,corrected_by,corrected_at\n"


def corrections_file(folder: Path, name: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows))
    return path


def labels(settings, record_id: str) -> tuple:
    return query(settings, """
        select sentiment_label, complaint_type, complaint_topic, label_source, analyst_sentiment_label,
               analyst_complaint_type, analyst_complaint_topic, machine_sentiment_label,
               machine_complaint_type, machine_complaint_topic, reviewed_text is not null
        from enrichment.texts where source = 'listening__mentions' and record_id = ?""", [record_id])[0]


@pytest.fixture
def mentions(settings, tmp_path):
    """Three landed and enriched mentions of Northwind Air (an airline)."""
    land_files("listening-mentions", [mentions_file(tmp_path / "drop", "m.jsonl", {
        "m1": "@northwindair my bag did not arrive",  # neutral for VADER; "arrive": late_flight
        "m2": "@northwindair great flight, thank you!",  # positive
        "m3": "@northwindair lol what a joke, another delay",  # VADER: positive ("lol")
    })], settings)
    enrich(settings)
    return tmp_path


def test_every_enriched_source_is_correctable_by_its_key():
    assert CORRECTABLE == {s.table: s.key for s in TEXT_SOURCES}


def test_a_correction_may_name_exactly_the_topics_enrichment_gives():
    from groundswell.config import PROJECT_ROOT
    from groundswell.land.sources.corrections import topic_names
    from groundswell.transform.enrichment.rules import load_rules

    seeds = PROJECT_ROOT / "dbt" / "seeds"
    assert topic_names(seeds) == load_rules(seeds).topic_names and "other" in topic_names(seeds)


def test_a_corrections_file_with_bad_rows_quarantines_them_with_reasons(settings, mentions):
    result = land_files("label-corrections", [corrections_file(mentions / "c", "c.csv", [
        "listening__mentions,m1,negative,unhappy_customer,lost_luggage,ana,2026-12-01T10:00:00Z",  # good
        "listening__mentions,nope,negative,,,ana,2026-12-01T10:00:00Z",  # unknown record
        "listening__mentions,m2,glad,,,ana,2026-12-01T10:00:00Z",  # unknown label
        "listening__mentions,m2,,angry,,ana,2026-12-01T10:00:00Z",  # unknown complaint type
        "listening__mentions,m2,positive,rage,,ana,2026-12-01T10:00:00Z",  # contradiction
        "listening__mentions,m2,negative,neutral,,ana,2026-12-01T10:00:00Z",  # contradiction
        "listening__mentions,m2,,,weather,ana,2026-12-01T10:00:00Z",  # topic not configured
        "listening__mentions,m2,,,,ana,2026-12-01T10:00:00Z",  # nothing corrected
        "tiktok__videos,m2,negative,,,ana,2026-12-01T10:00:00Z",  # not a correctable source
        "listening__mentions,m2,negative,,,,2026-12-01T10:00:00Z",  # nobody
        "listening__mentions,m2,negative,,,ana,2031-01-01T00:00:00Z",  # in the future
    ])], settings)
    assert (result.received, result.landed, result.quarantined) == (11, 1, 10)
    with lake_reader(settings) as con:
        reasons = dict(con.execute("select record_no, reason from raw.quarantine "
                                   "where source = 'label-corrections'").fetchall())
        payload = con.execute("select payload from raw.quarantine where source = 'label-corrections' "
                              "and record_no = 2").fetchone()[0]
    assert reasons[2].startswith("record_id nope is not a record of raw.listening__mentions: land the record")
    assert reasons[3] == "sentiment_label is not one of positive/neutral/negative: glad"
    assert reasons[4].startswith("complaint_type is not one of positive/neutral/troll/")
    assert reasons[5].startswith("complaint_type rage contradicts sentiment_label positive")
    assert reasons[6].startswith("complaint_type neutral contradicts sentiment_label negative")
    assert reasons[7].startswith("complaint_topic weather is not a topic of dbt/seeds/complaint_topics.csv")
    assert reasons[8].startswith("no label: set at least one of")
    assert reasons[9].startswith("source is not one of customer_support__tweets/")
    assert reasons[10] == "missing required field corrected_by"
    assert reasons[11].startswith("corrected_at is in the future")
    assert "nope" in payload  # the original bytes are kept


def test_the_latest_correction_wins_exactly_and_only_the_corrected_record_is_rescored(settings, mentions):
    before = {r: query(settings, "select enriched_at from enrichment.texts where record_id = ?", [r])[0]
              for r in ("m1", "m2", "m3")}
    assert labels(settings, "m1")[:4] == ("neutral", "neutral", "late_flight", "rules")
    land_files("label-corrections", [corrections_file(mentions / "c1", "c.csv", [
        "listening__mentions,m1,positive,,,ana,2026-12-01T10:00:00Z",
        "listening__mentions,m1,negative,,,bob,2026-12-01T11:00:00Z",  # later: wins
    ])], settings)
    result = enrich(settings, since_last_run=True)  # the hourly run sees a correction of an old record
    assert (result.candidates, result.corrected) == (1, 1)
    # The analyst set the sentiment only: a negative text gets the rules' type for a negative
    # text, its topic stays the machine's; the machine's own labels are kept for agreement.
    assert labels(settings, "m1") == ("negative", "unhappy_customer", "late_flight", "analyst",
                                      "negative", None, None, "neutral", "neutral", "late_flight", True)
    for other in ("m2", "m3"):
        assert query(settings, "select enriched_at from enrichment.texts where record_id = ?",
                     [other])[0] == before[other]
    assert enrich(settings).candidates == 0  # nothing changed since

    # A complaint type alone implies the sentiment; a positive sentiment makes the type positive.
    rules_m3 = labels(settings, "m3")[:3]
    land_files("label-corrections", [corrections_file(mentions / "c2", "c.csv", [
        "listening__mentions,m2,,rage,late_flight,ana,2026-12-02T10:00:00Z",
        "listening__mentions,m3,neutral,,,ana,2026-12-02T10:00:00Z",
    ])], settings)
    assert enrich(settings).candidates == 2
    assert labels(settings, "m2")[:4] == ("negative", "rage", "late_flight", "analyst")
    assert labels(settings, "m3")[:4] == ("neutral", "neutral", rules_m3[2], "analyst")
    assert labels(settings, "m3")[7:10] == rules_m3  # what the rules said, for agreement


def test_a_correction_recorded_by_the_dashboards_lands_as_a_batch_of_the_day(settings, mentions):
    at = datetime(2026, 12, 1, 9, 30)
    first = record(Correction("listening__mentions", "m2", "negative", "troll", None, "ana", at), settings)
    record(Correction("listening__mentions", "m3", None, None, "late_flight", "ana", at), settings)
    assert first.parent.name == "dt=2026-12-01" and first.suffix == ".csv"
    assert not list(first.parent.glob("*.tmp"))
    for _ in range(2):  # landing the day again replaces its batch: nothing doubles
        (result,) = land_interval("label-corrections", settings=settings)
        assert (result.received, result.landed, result.quarantined) == (2, 2, 0)
    with lake_reader(settings) as con:
        assert con.execute("select count(*) from raw.corrections__labels").fetchone()[0] == 2
    enrich(settings)
    assert labels(settings, "m2")[:4] == ("negative", "troll", labels(settings, "m2")[9], "analyst")
    assert labels(settings, "m3")[2:4] == ("late_flight", "analyst")
