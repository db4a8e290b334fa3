"""The command line: --help everywhere, errors that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from groundswell.run.cli import main

COMMANDS = ["demo", "generate", "land", "load", "fetch", "enrich", "build", "serve", "sources", "init",
            "clean", "sql", "snapshots", "rollback"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    if command is None:
        for name in COMMANDS:
            assert name in result.output


def test_generate_then_load_reports_counts(home, tmp_path):
    runner = CliRunner()
    out = tmp_path / "drop"
    result = runner.invoke(main, ["generate", "--scale", "tiny", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 malformed" not in result.output and "malformed on purpose" in result.output
    result = runner.invoke(main, ["load", "program-costs", str(out / "costs")])
    assert result.exit_code == 0, result.output
    lines = sum(len(f.read_text().splitlines()) - 1 for f in (out / "costs").rglob("*.csv"))
    assert f"raw.costs__program_costs: received {lines}, landed {lines - 1}, quarantined 1" in result.output
    assert "see them: groundswell quarantine --batch program-costs-" in result.output
    # The payload is in the writer, never in the snapshot: --writer reads it there.
    quarantined = runner.invoke(main, ["sql", "--writer", "select source, reason from raw.quarantine"])
    assert quarantined.exit_code == 0, quarantined.output
    assert "program-costs" in quarantined.output


def test_land_lands_every_source_found(home, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["generate", "--scale", "tiny"]).exit_code == 0
    count = ["sql", "--writer", "select count(*) from raw.x__tweets"]
    first = runner.invoke(main, ["land"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("landed ") and "quarantined" in first.output
    tweets = runner.invoke(main, count).output
    again = runner.invoke(main, ["land"])  # landing twice replaces, never duplicates
    assert again.output == first.output
    assert runner.invoke(main, count).output == tweets


def test_unknown_source_lists_the_known_ones(home, tmp_path):
    result = CliRunner().invoke(main, ["load", "myspace", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown source 'myspace'; choose one of: x-tweets, x-followers, facebook-posts" in result.output
    assert "Traceback" not in result.output


def test_serve_without_a_password_explains_the_choice(home, monkeypatch):
    monkeypatch.delenv("GROUNDSWELL_DASHBOARD_PASSWORD", raising=False)
    monkeypatch.delenv("GROUNDSWELL_DASHBOARD_USERS", raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "set GROUNDSWELL_DASHBOARD_USERS" in result.output and "--demo" in result.output
    assert "GROUNDSWELL_DASHBOARD_PASSWORD" in result.output


def test_build_before_anything_landed_still_publishes_an_empty_snapshot(home):
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert "marts.fct_post_performance: 0 posts" in result.output


def test_build_says_what_each_step_did_in_a_few_words():
    from groundswell.run.cli import _dbt_said, _freshness_said

    # Sources nothing ever landed in are not late: one clause, no names, no alert.
    assert _freshness_said({"no data": 33}, None) == "33 sources never landed (no rows yet)"
    assert (_freshness_said({"pass": 12, "no data": 33}, None)
            == "12 sources fresh, 33 never landed (no rows yet)")
    assert _freshness_said({}, None) == "no source has a freshness check"
    assert (_dbt_said({"models built": 70, "seeds built": 15, "tests passed": 436})
            == "70 models and 15 seeds built, 436 tests passed, 0 failed")
    assert (_dbt_said({"models built": 69, "models skipped": 1, "tests failed": 1, "tests passed": 10})
            == "69 models built, 10 tests passed, 1 failed, 1 models skipped")


def test_a_failed_dbt_command_names_the_nodes_and_the_log():
    from types import SimpleNamespace as Result

    from groundswell.transform.dbt import _failure_message, summarize

    def node(unique_id: str, status: str, message: str | None = None) -> Result:
        return Result(node=Result(unique_id=unique_id, resource_type=unique_id.split(".")[0]),
                      status=status, message=message)

    results = Result(results=[
        node("operation.groundswell.groundswell-on-run-end-0", "success"),  # a hook: not counted
        node("seed.groundswell.brands", "success", "INSERT 12"),
        node("model.groundswell.fct_care_messages", "success", "OK"),
        node("test.groundswell.unique_fct_care_messages_message_id.1a2b", "fail",
             "Got 3 results, configured to fail if != 0\nmore detail"),
        node("unit_test.groundswell.fct_care_messages.sla", "pass"),
        node("model.groundswell.agg_care_daily", "skipped"),
    ])
    assert summarize(results) == {"models built": 1, "models skipped": 1, "seeds built": 1,
                                  "tests failed": 1, "tests passed": 1}
    message = _failure_message(["build"], Result(result=results, exception=None), Path("/h/logs/build-1.log"))
    assert message.splitlines() == [
        "dbt build failed: 1 node(s) failed, 1 skipped after them",
        "  test.groundswell.unique_fct_care_messages_message_id.1a2b: "
        "Got 3 results, configured to fail if != 0",
        "log: /h/logs/build-1.log",
    ]
