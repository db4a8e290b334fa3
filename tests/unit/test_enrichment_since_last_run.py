"""enrich(since_last_run=True), the hourly listen DAG's check: only the records landed since the last
run are compared, with the same scores a full check gives them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from groundswell.land.landing import land_files
from groundswell.transform.enrichment import enrich
from groundswell.warehouse import connect
from tests.unit.test_enrichment import SEED_FILES, SEEDS


def _mentions(folder: Path, mentions: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "m.jsonl"
    path.write_text("".join(json.dumps({
        "mention_id": mention_id, "platform": "x", "matched_brand": "Northwind Air",
        "created_at": "2026-03-01T10:00:00Z", "text": text, "author": {"id": f"a{mention_id}"},
    }) + "\n" for mention_id, text in mentions.items()))
    return path


def _rows(settings) -> dict[str, tuple]:
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "select record_id, text_md5, sentiment_score, complaint_type, complaint_topic, industry_hint "
            "from enrichment.texts").fetchall()}
    finally:
        con.close()


def test_only_what_landed_since_the_last_run_is_compared(settings, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, seeds / name)
    land_files("listening-mentions", [_mentions(tmp_path / "d1", {
        "m1": "@northwindair they lost my bag, terrible", "m2": "@northwindair great flight!",
        "m3": "@northwindair where is the lounge?"})], settings)
    first = enrich(settings, seeds_dir=seeds, since_last_run=True)  # nothing yet: a full check
    assert (first.candidates, first.unchanged) == (3, 0)
    assert enrich(settings, seeds_dir=seeds, since_last_run=True).candidates == 0

    # A later landing: m2's text changed, m4 is new, m1 landed again unchanged; m3 is not in it.
    land_files("listening-mentions", [_mentions(tmp_path / "d2", {
        "m1": "@northwindair they lost my bag, terrible", "m2": "@northwindair delayed again, awful",
        "m4": "@northwindair thanks for the upgrade"})], settings)
    second = enrich(settings, seeds_dir=seeds, since_last_run=True)
    assert (second.candidates, second.removed) == (2, 0)  # m2 and m4; m1 compared, unchanged
    bounded = _rows(settings)
    assert set(bounded) == {"m1", "m2", "m3", "m4"}
    # a full check finds nothing more to do: the same rows
    assert enrich(settings, seeds_dir=seeds).candidates == 0
    assert _rows(settings) == bounded

    # A new rules version: every record, as a full check does.
    with (seeds / "complaint_topics.csv").open("a") as f:
        f.write("airline,lounge,lounge\n")
    third = enrich(settings, seeds_dir=seeds, since_last_run=True)
    assert third.candidates == 4
    assert _rows(settings)["m3"][3] == "lounge"
