"""A bad batch never reaches the dashboards: the gate stops publish, the old snapshot stays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from groundswell.gate.quality import ValidationFailedError, gate
from groundswell.land.demo import generate
from groundswell.land.landing import land_everything, land_files
from groundswell.publish.snapshots import publish
from groundswell.transform import dbt as transform
from groundswell.warehouse import connect


def snapshot_state(settings):
    con = connect(settings.published_path, read_only=True)
    try:
        return (con.execute("select snapshot_at from meta.snapshot").fetchone()[0],
                con.execute("select count(*), sum(impressions) from marts.fct_post_performance")
                .fetchone())
    finally:
        con.close()


def timeline_page(settings) -> tuple[Path, dict]:
    path = next((settings.landing_dir / "x/tweets").rglob("timeline-*.json"))
    return path, json.loads(path.read_text())


def test_a_bad_batch_is_refused_and_landing_the_correction_publishes(settings, tmp_path):
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    transform.build(settings)
    publish(gate(settings, run_id="good"), settings)
    good = snapshot_state(settings)
    assert good[1][0] > 0

    # A broken export: impression counts below zero (a sign flip upstream), on new tweets.
    _, page = timeline_page(settings)
    for t in page["data"]:
        t["id"] = "9" + t["id"][1:]
        t["public_metrics"]["impression_count"] = -t["public_metrics"]["impression_count"] - 1
    bad = tmp_path / "export.json"
    bad.write_text(json.dumps(page))
    result = land_files("x-tweets", [bad], settings)
    assert (result.landed, result.quarantined) == (0, len(page["data"]))  # the contract refuses them

    transform.build(settings)
    with pytest.raises(ValidationFailedError) as failure:
        gate(settings, run_id="bad")
    message = str(failure.value)
    # The failure names the source, the batch and the command that shows the records.
    assert f"x-tweets batch {result.batch_id}" in message
    assert f"{len(page['data'])} of {len(page['data'])} records quarantined (100.0%)" in message
    assert 'mostly "impression_count is negative"' in message
    assert f"groundswell quarantine --batch {result.batch_id}" in message
    # Nothing half-published: no candidate left behind, the old snapshot readable and unchanged.
    assert sorted(p.name for p in settings.published_dir.iterdir()) == [
        "manifest.json", "snapshots", "warehouse.duckdb"]
    assert len(list(settings.snapshots_dir.glob("*.duckdb"))) == 1
    assert snapshot_state(settings) == good
    assert len(list((settings.logs_dir / "validation").glob("failed-*.json"))) == 1
    assert (settings.gx_dir / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()

    # The correction, landed as the same file: its batch is replaced, and the gate passes.
    for t in page["data"]:
        t["public_metrics"]["impression_count"] = -t["public_metrics"]["impression_count"] - 1
    bad.write_text(json.dumps(page))
    again = land_files("x-tweets", [bad], settings)
    assert (again.batch_id, again.landed, again.quarantined) == (result.batch_id, len(page["data"]), 0)
    transform.build(settings)
    publish(gate(settings, run_id="corrected"), settings)
    assert snapshot_state(settings)[1][0] == good[1][0] + len(page["data"])


def test_a_stray_bad_record_waits_in_quarantine_and_does_not_block_publish(settings, tmp_path):
    generate(settings.landing_dir, scale="tiny")
    _, page = timeline_page(settings)
    page["data"] = page["data"][:2]
    page["data"][0]["public_metrics"]["like_count"] = 1.5  # a count that is not whole
    one = tmp_path / "one-bad.json"
    one.write_text(json.dumps(page))
    land_everything(settings)
    result = land_files("x-tweets", [one], settings)
    assert (result.landed, result.quarantined) == (1, 1)
    transform.build(settings)
    publish(gate(settings, run_id="one-bad"), settings)  # 1 of 2 quarantined: a stray record


def test_a_record_landed_under_an_older_contract_fails_until_its_latest_landing_is_good(settings, tmp_path):
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    # As if landed before counts were checked: one landed tweet's impressions below zero.
    con = duckdb.connect()
    path = next(p for p in sorted(Path(settings.raw_lake.path("raw", "x__tweets")).rglob("*.parquet"))
                if con.execute(f"select count(*) from read_parquet('{p}', hive_partitioning = false) "
                               "where impression_count > 0").fetchone()[0])
    tweet, batch = con.execute(f"select id, _batch_id from read_parquet('{path}', hive_partitioning = false) "
                               "where impression_count > 0 order by id limit 1").fetchone()
    con.execute(f"COPY (SELECT * REPLACE (CASE WHEN id = '{tweet}' THEN -5 ELSE impression_count END "
                f"AS impression_count) FROM read_parquet('{path}', hive_partitioning = false)) "
                f"TO '{path}.new' (FORMAT parquet)")
    Path(f"{path}.new").replace(path)
    transform.build(settings)
    with pytest.raises(ValidationFailedError) as failure:
        gate(settings, run_id="old-contract")
    assert f"impression_count -5 in x-tweets batch {batch}" in str(failure.value)
    # A later landing of that tweet, corrected, is the record the build uses: the gate passes.
    fix = {"data": [{"id": tweet, "text": "corrected", "author_id": "1",
                     "created_at": "2026-10-01T09:00:00Z", "public_metrics": {"impression_count": 5}}]}
    (tmp_path / "fix.json").write_text(json.dumps(fix))
    assert land_files("x-tweets", [tmp_path / "fix.json"], settings).landed == 1
    transform.build(settings)
    publish(gate(settings, run_id="latest-good"), settings)


def test_cli_build_reports_the_failed_gate_and_exits_nonzero(settings, tmp_path):
    from click.testing import CliRunner

    from groundswell.run.cli import main

    generate(settings.landing_dir, scale="tiny")
    # Quarantine more than 5% of a source: a broken feed.
    costs = next((settings.landing_dir / "costs/program_costs").rglob("costs.csv"))
    broken = tmp_path / "costs.csv"
    lines = costs.read_text().splitlines()
    broken.write_text("\n".join([lines[0]] + [line.replace(",USD", ",USD,extra")
                                             for line in lines[1:]]) + "\n")
    shutil.copy(broken, costs)
    land_everything(settings)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "validation gate failed; publish stopped" in result.output
    assert "quarantine_share" in result.output
    assert "program-costs batch program-costs-" in result.output
    assert "groundswell quarantine --batch program-costs-" in result.output
    assert not settings.published_path.exists()


def hourly_rows(settings, brand: str) -> int:
    con = connect(settings.published_path, read_only=True)
    try:
        return con.execute("select count(*) from marts.agg_mentions_hourly where brand = ?",
                           [brand]).fetchone()[0]
    finally:
        con.close()


def test_one_stray_mention_cannot_explode_the_hourly_mart_and_its_correction_publishes(settings, tmp_path):
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    transform.build(settings)
    publish(gate(settings, run_id="good"), settings)
    mention = json.loads(sorted((settings.landing_dir / "listening/mentions").rglob("*.jsonl"))[0]
                         .read_text().splitlines()[0])
    brand, landed_at = mention["matched_brand"], mention["created_at"]
    before = hourly_rows(settings, brand)
    assert 300 < before < 400  # two weeks of hours

    # One new mention of the brand dated years early: inside every contract (after X launched),
    # and it would make the brand's span, and its hourly rows, 90 times longer.
    mention |= {"mention_id": "x-1", "url": None, "created_at": "2020-01-01T09:30:00Z"}
    stray = tmp_path / "stray.jsonl"
    stray.write_text(json.dumps(mention) + "\n")
    assert land_files("listening-mentions", [stray], settings).landed == 1
    transform.build(settings)
    with pytest.raises(ValidationFailedError) as failure:
        gate(settings, run_id="stray")
    message = str(failure.value)
    assert "marts.agg_mentions_hourly.spine" in message
    assert f"{brand}'s first mention (2020-01-01 09:30:00) lies" in message
    assert "a stray timestamp stretches the hourly mart by" in message
    assert f"where brand = '{brand}' order by mentioned_at limit 2" in message
    assert hourly_rows(settings, brand) == before  # the published snapshot stays

    # The correction, landed under the same name, shrinks the span back: the gate passes and the
    # incremental mart holds exactly the hours its mentions allow again (the spine check).
    mention["created_at"] = landed_at  # inside the brand's span
    stray.write_text(json.dumps(mention) + "\n")
    assert land_files("listening-mentions", [stray], settings).landed == 1
    transform.build(settings)
    publish(gate(settings, run_id="corrected"), settings)
    assert hourly_rows(settings, brand) == before
