"""A bad batch never reaches the dashboards: the gate stops publish, the old snapshot stays."""

from __future__ import annotations

import json
import shutil

import pytest

from groundswell import transform
from groundswell.demo import generate
from groundswell.landing import land_everything, land_files
from groundswell.quality import ValidationFailedError, gate
from groundswell.warehouse import connect, publish


def snapshot_state(settings):
    con = connect(settings.published_path, read_only=True)
    try:
        return (con.execute("select snapshot_at from meta.snapshot").fetchone()[0],
                con.execute("select count(*), sum(impressions) from marts.fct_post_performance")
                .fetchone())
    finally:
        con.close()


def test_gate_blocks_publish_on_a_bad_batch_and_the_old_snapshot_stays(settings, tmp_path):
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    transform.build(settings)
    candidate = gate(settings, run_id="good")
    publish(candidate, settings)
    good = snapshot_state(settings)
    assert good[1][0] > 0

    # A broken export: impression counts below zero (a sign flip upstream).
    page = json.loads(next((settings.landing_dir / "x/tweets").rglob("timeline-*.json"))
                      .read_text())
    for t in page["data"]:
        t["id"] = "9" + t["id"][1:]
        t["public_metrics"]["impression_count"] = -t["public_metrics"]["impression_count"]
    bad = tmp_path / "bad-page.json"
    bad.write_text(json.dumps(page))
    result = land_files("x-tweets", [bad], settings)
    assert result.landed == len(page["data"])  # the contract checks types, the gate checks sense

    transform.build(settings)  # dbt's integrity tests pass: keys and types are fine
    with pytest.raises(ValidationFailedError) as failure:
        gate(settings, run_id="bad")
    message = str(failure.value)
    assert "impression_count" in message and "expect_column_values_to_be_between" in message
    # Nothing half-published: no candidate left behind, the old snapshot readable and unchanged.
    assert sorted(p.name for p in settings.published_dir.iterdir()) == [
        "manifest.json", "snapshots", "warehouse.duckdb"]
    assert len(list(settings.snapshots_dir.glob("*.duckdb"))) == 1
    assert snapshot_state(settings) == good
    failed_reports = list((settings.logs_dir / "validation").glob("failed-*.json"))
    assert len(failed_reports) == 1
    assert (settings.gx_dir / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_cli_build_reports_the_failed_gate_and_exits_nonzero(settings, tmp_path):
    from click.testing import CliRunner

    from groundswell.cli import main

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
    assert not settings.published_path.exists()
