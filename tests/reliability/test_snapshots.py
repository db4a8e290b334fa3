"""Published snapshots: only what may be published, kept N deep, rolled back atomically.

A small writer stands in for a built warehouse (the schemas and tables a build leaves);
taking, publishing and rolling back are the real functions on real DuckDB files.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from groundswell.config import Settings
from groundswell.gate.candidate import PUBLISHED_SCHEMAS, take_candidate
from groundswell.publish.snapshots import RollbackError, current_snapshot_id, publish, rollback, snapshots
from groundswell.run.cli import main
from groundswell.warehouse import connect, writer

SECRET_HANDLE = "customer_handle_zq9x7"  # a customer's identity: in raw only


def build_writer(settings: Settings, posts: int) -> None:
    """The schemas a build leaves in the writer, with a customer's handle in staging, and a
    quarantined batch in the lake whose payloads hold it."""
    import duckdb

    # A quarantined payload holding the handle, thousands of times.
    settings.raw_lake.write_batches(duckdb.connect(), "quarantine", "x__tweets", f"""
        SELECT 'b1' AS batch_id, 'x-tweets' AS source, 'raw.x__tweets' AS target_table,
               'f.json' AS source_file, range AS record_no, 'bad' AS reason,
               '{SECRET_HANDLE}' || range AS payload, now()::timestamp AS quarantined_at,
               'b1' AS batch, DATE '2026-10-01' AS day
        FROM range(5000)""")
    with writer(settings) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        con.execute("CREATE SCHEMA IF NOT EXISTS seeds")
        con.execute("CREATE OR REPLACE TABLE marts.fct_post_performance AS "
                    "SELECT range AS post_id, 'Northwind Air' AS brand FROM range(?)", [posts])
        con.execute("COMMENT ON TABLE marts.fct_post_performance IS 'One row per owned post.'")
        con.execute("COMMENT ON COLUMN marts.fct_post_performance.brand IS 'The brand that posted.'")
        con.execute("CREATE OR REPLACE TABLE seeds.brands AS SELECT 'Northwind Air' AS brand")
        # Staging holds customers' identities in clear, thousands of times (so the writer file shows it).
        con.execute(f"CREATE OR REPLACE TABLE staging.stg_authors AS SELECT '{SECRET_HANDLE}' || range "
                    "AS handle FROM range(5000)")
        con.execute("CHECKPOINT")


def publish_run(settings: Settings, run_id: str, posts: int) -> str:
    build_writer(settings, posts)
    candidate = take_candidate(settings, run_id=run_id)
    publish(candidate, settings)
    return current_snapshot_id(settings)


def served(settings: Settings) -> tuple[str, int]:
    con = connect(settings.published_path, read_only=True)
    try:
        return (con.execute("SELECT run_id FROM meta.snapshot").fetchone()[0],
                con.execute("SELECT count(*) FROM marts.fct_post_performance").fetchone()[0])
    finally:
        con.close()


def test_the_snapshot_holds_the_published_schemas_only_and_no_raw_bytes(settings):
    publish_run(settings, "r1", 10)
    con = connect(settings.published_path, read_only=True)
    try:
        schemas = {r[0] for r in con.execute(
            "SELECT DISTINCT schema_name FROM duckdb_tables() UNION SELECT schema_name FROM duckdb_views() "
            "WHERE NOT internal").fetchall()}
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'fct_post_performance'"
                              ).fetchone()[0]
        column_comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = "
                                     "'fct_post_performance' AND column_name = 'brand'").fetchone()[0]
        quarantined = con.execute("SELECT sum(records) FROM ops.quarantine_summary").fetchone()[0]
    finally:
        con.close()
    assert schemas - {"main"} == {*PUBLISHED_SCHEMAS, "meta"}
    assert (comment, column_comment) == ("One row per owned post.", "The brand that posted.")
    assert quarantined == 5000  # counted in ops, the payloads left behind
    # Not in the file at all, not even in freed blocks; the writer has it (the check can see it).
    assert SECRET_HANDLE.encode() in settings.warehouse_path.read_bytes()
    assert SECRET_HANDLE.encode() not in settings.published_path.read_bytes()


def test_a_private_mart_stays_in_the_writer(settings):
    """A model dbt marks `access: private` (a group's building block) is left out of the snapshot:
    the build's manifest says which."""
    build_writer(settings, 3)
    with writer(settings) as con:
        con.execute("CREATE TABLE marts.agg_building_block AS SELECT 1 AS x")
        con.execute("COMMENT ON COLUMN marts.agg_building_block.x IS 'a column'")
    settings.dbt_target_dir.mkdir(parents=True)
    (settings.dbt_target_dir / "manifest.json").write_text(json.dumps({"nodes": {
        f"model.groundswell.{name}": {"resource_type": "model", "schema": "marts", "alias": name,
                                      "access": access}
        for name, access in (("agg_building_block", "private"), ("fct_post_performance", "protected"))}}))
    candidate = take_candidate(settings, run_id="private")
    publish(candidate, settings)
    con = connect(settings.published_path, read_only=True)
    try:
        marts = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()}
    finally:
        con.close()
    assert marts == {"fct_post_performance"}


def test_the_last_n_snapshots_are_kept_and_the_current_one_always(settings):
    settings = Settings(home=settings.home, snapshots_keep=3)
    ids = [publish_run(settings, f"r{i}", 10 + i) for i in range(5)]
    kept = snapshots(settings)
    assert [s["snapshot_id"] for s in kept] == ids[-3:]
    assert [s["run_id"] for s in kept] == ["r2", "r3", "r4"]
    assert [s["current"] for s in kept] == [False, False, True]
    assert served(settings) == ("r4", 14)
    # No candidate, link or temporary file left beside the published one.
    assert sorted(p.name for p in settings.published_dir.iterdir()) == [
        "manifest.json", "snapshots", "warehouse.duckdb"]


def test_rollback_restores_the_previous_snapshot_and_can_be_undone(settings):
    first = publish_run(settings, "good", 10)
    second = publish_run(settings, "bad", 99)
    assert served(settings) == ("bad", 99)

    assert rollback(settings) == first
    assert served(settings) == ("good", 10)
    manifest = json.loads((settings.published_dir / "manifest.json").read_text())
    assert (manifest["snapshot_id"], manifest["rolled_back_from"]) == (first, second)

    with pytest.raises(RollbackError, match="no snapshot older than the current one"):
        rollback(settings)
    assert rollback(settings, to=second) == second
    assert served(settings) == ("bad", 99)
    with pytest.raises(RollbackError, match="is not kept"):
        rollback(settings, to="20200101T000000000000")

    # The next build publishes as usual, newest on top.
    publish_run(settings, "fixed", 12)
    assert served(settings) == ("fixed", 12)


def test_the_current_snapshot_is_known_by_its_file_not_the_manifest(settings):
    first = publish_run(settings, "a", 1)
    publish_run(settings, "b", 2)
    (settings.published_dir / "manifest.json").unlink()  # a crash right after the swap
    assert rollback(settings) == first
    assert served(settings) == ("a", 1)


def test_a_reader_keeps_its_snapshot_across_a_publish_and_a_rollback(settings):
    publish_run(settings, "a", 1)
    reader = connect(settings.published_path, read_only=True)
    try:
        publish_run(settings, "b", 2)
        rollback(settings)
        publish_run(settings, "c", 3)
        assert reader.execute("SELECT count(*) FROM marts.fct_post_performance").fetchone()[0] == 1
    finally:
        reader.close()
    assert served(settings) == ("c", 3)


def test_a_snapshot_published_before_snapshots_were_kept_can_be_rolled_back_to(settings):
    build_writer(settings, 7)
    candidate = take_candidate(settings, run_id="legacy")
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    os.replace(candidate, settings.published_path)  # how a release without history published
    publish_run(settings, "new", 8)
    rollback(settings)
    assert served(settings) == ("legacy", 7)


def test_cli_snapshots_and_rollback(settings):
    publish_run(settings, "good", 10)
    publish_run(settings, "bad", 20)
    listed = CliRunner().invoke(main, ["snapshots"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("run good") == 1 and listed.output.startswith("  ")
    assert "* " in listed.output.splitlines()[1]
    result = CliRunner().invoke(main, ["rollback"])
    assert result.exit_code == 0, result.output
    assert "rolled back" in result.output and "10 posts" in result.output
    again = CliRunner().invoke(main, ["rollback"])
    assert again.exit_code == 1
    assert "no snapshot older than the current one" in again.output
