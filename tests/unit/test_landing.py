"""Landing: one transaction per batch, lineage, quarantine with reasons, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from groundswell.land.demo import generate
from groundswell.land.demo.generator import DEMO_SOURCES
from groundswell.land.landing import LandingError, land_everything, land_files, land_interval
from groundswell.land.sources import SOURCES, UnknownSourceError
from groundswell.warehouse import lake_reader


def counts(settings) -> dict[str, int]:
    with lake_reader(settings) as con:
        return {
            key: con.execute(f"select count(*) from {s.qualified_table}").fetchone()[0]
            for key, s in SOURCES.items()
        } | {"quarantine": con.execute("select count(*) from raw.quarantine").fetchone()[0]}


def query(settings, sql: str, params=None):
    with lake_reader(settings) as con:
        return con.execute(sql, params or []).fetchall()


def x_page(tweets: list[dict]) -> str:
    authors = sorted({t["author_id"] for t in tweets if "author_id" in t})
    users = [{"id": a, "username": f"u{a}", "name": "U"} for a in authors]
    return json.dumps({"data": tweets, "includes": {"users": users},
                       "meta": {"result_count": len(tweets)}})


def tweet(i: int, **extra) -> dict:
    return {"id": str(i), "text": f"t{i}", "author_id": "42",
            "created_at": "2026-03-01T10:00:00.000Z",
            "public_metrics": {"like_count": i, "impression_count": 100 * i}} | extra


def test_demo_data_lands_with_every_record_accounted_for(settings):
    generate(settings.landing_dir, scale="tiny")
    results = land_everything(settings)
    assert {r.source for r in results} == set(DEMO_SOURCES)
    for r in results:
        assert r.received == r.landed + r.quarantined
    audit = query(settings, "select sum(received), sum(landed), sum(quarantined) from raw.load_audit")
    assert audit[0][0] == audit[0][1] + audit[0][2]
    # The generator's two deliberate faults, with their reasons.
    reasons = {r[0] for r in query(settings, "select reason from raw.quarantine")}
    assert "invalid TIMESTAMP in created_at: yesterday" in reasons
    assert "invalid DECIMAL(18,2) in amount: TBD" in reasons


def test_landing_twice_never_duplicates(settings):
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    first = counts(settings)
    land_everything(settings)
    assert counts(settings) == first
    # ... and the audit keeps both attempts.
    attempts = query(settings, "select count(*), count(distinct batch_id) from raw.load_audit")[0]
    assert attempts[0] == 2 * attempts[1]


def test_relanding_one_file_of_a_batch_replaces_only_its_rows(settings):
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    before = counts(settings)
    day = sorted((settings.landing_dir / "x/tweets").iterdir())[0]
    one_file = sorted(day.glob("timeline-*.json"))[0]
    land_files("x-tweets", [one_file], settings)
    assert counts(settings) == before
    loaded = query(settings, "select count(*) from raw.x__tweets where _source_file = ?",
                   [str(one_file.resolve())])[0][0]
    assert loaded == len(json.loads(one_file.read_text())["data"])


def test_lineage_columns_name_the_batch_file_and_record(settings, tmp_path):
    page = tmp_path / "p.json"
    page.write_text(x_page([tweet(1), tweet(2)]))
    result = land_files("x-tweets", [page], settings)
    rows = query(settings, "select id, _batch_id, _source_file, _record_no, _loaded_at, "
                           "author_username, impression_count from raw.x__tweets order by id")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("1", result.batch_id, str(page.resolve()), 1),
        ("2", result.batch_id, str(page.resolve()), 2),
    ]
    assert all(r[4] is not None for r in rows)
    assert [r[5] for r in rows] == ["u42", "u42"]  # joined from includes.users
    assert [r[6] for r in rows] == [100, 200]


def test_bad_records_are_quarantined_while_the_rest_lands(settings, tmp_path):
    page = tmp_path / "p.json"
    page.write_text(x_page([
        tweet(1),
        tweet(2, created_at="31/02/2026"),
        {k: v for k, v in tweet(3).items() if k != "author_id"},
        tweet(4, public_metrics={"like_count": "many"}),
    ]))
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": [ {"id": "9"')
    not_a_page = tmp_path / "other.json"
    not_a_page.write_text('{"error": "rate limited"}')
    result = land_files("x-tweets", [page, broken, not_a_page], settings)
    assert (result.received, result.landed, result.quarantined) == (6, 1, 5)
    reasons = dict(query(settings, "select source_file, reason from raw.quarantine "
                                   "where record_no = 0"))
    assert reasons[str(broken.resolve())] == "file is not valid JSON"
    assert "not an API response page" in reasons[str(not_a_page.resolve())]
    by_record = dict(query(settings, "select record_no, reason from raw.quarantine "
                                     "where record_no > 0"))
    assert by_record == {
        2: "invalid TIMESTAMP in created_at: 31/02/2026",
        3: "missing required field author_id",
        4: "invalid BIGINT in like_count: many",
    }
    # The original payload is kept, so nothing is lost.
    payload = query(settings, "select payload from raw.quarantine where record_no = 4")[0][0]
    assert json.loads(payload)["public_metrics"]["like_count"] == "many"
    assert query(settings, "select payload from raw.quarantine where source_file = ?",
                 [str(broken.resolve())])[0][0] == '{"data": [ {"id": "9"'


def test_csv_rows_with_broken_structure_or_values_are_quarantined(settings, tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(
        "cost_id,cost_date,channel,campaign,department,cost_kind,hours,hourly_rate,amount,currency\n"
        "K1,2026-03-01,x,c,marketing,paid_media,,,100.50,USD\n"
        "K2,2026-03-01,x,c,finance,paid_media,,,10,USD\n"
        "K3,2026-03-01,x,c,marketing,paid_media,,,10,USD,extra\n"
        "K4,2026-03-32,x,c,service,tools,,,10,USD\n"
        ",2026-03-01,x,c,service,tools,,,10,USD\n"
    )
    result = land_files("program-costs", [path], settings)
    assert (result.received, result.landed, result.quarantined) == (5, 1, 4)
    reasons = sorted(r[0] for r in query(settings, "select reason from raw.quarantine"))
    assert reasons[0].startswith("CSV line 4: ")
    assert "department is not one of marketing/sales/service: finance" in reasons
    assert "invalid DATE in cost_date: 2026-03-32" in reasons
    assert "missing required field cost_id" in reasons
    assert query(settings, "select amount from raw.costs__program_costs")[0][0] == pytest.approx(100.5)
    line = query(settings, "select payload from raw.quarantine where reason like 'CSV line%'")
    assert line[0][0] == "K3,2026-03-01,x,c,marketing,paid_media,,,10,USD,extra"


def test_a_failing_batch_leaves_the_lake_as_it_was(settings, tmp_path, monkeypatch):
    from groundswell.lake import Lake

    page = tmp_path / "p.json"
    page.write_text(x_page([tweet(1)]))
    land_files("x-tweets", [page], settings)
    before = counts(settings)
    page.write_text(x_page([tweet(1), tweet(2)]))

    def full_disk(self, table, puts, deletes=()):  # the commit's journal cannot be written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Lake, "commit", full_disk)
    with pytest.raises(OSError, match="No space left"):
        land_files("x-tweets", [page], settings)
    assert counts(settings) == before
    monkeypatch.undo()
    # The next landing of the table clears what the failed one wrote, and lands.
    land_files("x-tweets", [page], settings)
    assert counts(settings)["x-tweets"] == before["x-tweets"] + 1
    assert not list(settings.raw_lake.root and Path(settings.raw_lake.root).rglob("*.tmp"))


def test_interval_lands_only_the_partitions_inside_it(settings):
    from datetime import date

    generate(settings.landing_dir, scale="tiny")
    results = land_interval("crm-deals", date(2026, 10, 20), date(2026, 10, 22), settings)
    assert [Path(r.files[0]).parent.name for r in results] == ["dt=2026-10-20", "dt=2026-10-21"]


@pytest.mark.parametrize(
    ("source", "path", "message"),
    [
        ("x-tweets", "/nonexistent/drop", "does not exist"),
        ("tiktok", "/tmp", "unknown source 'tiktok'; choose one of: x-tweets"),
    ],
)
def test_bad_arguments_say_what_to_do(settings, source, path, message):
    with pytest.raises((LandingError, UnknownSourceError), match=message):
        land_files(source, [path], settings)


def test_a_folder_without_the_sources_files_is_an_error(settings, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(LandingError, match=r"holds no \*\.csv files for crm-deals"):
        land_files("crm-deals", [tmp_path], settings)


def test_a_family_lands_every_source_it_can_then_fails_naming_the_one_it_could_not(settings, monkeypatch):
    """The land DAG's task per family: a source whose commit fails does not stop the others."""
    from datetime import date

    from groundswell.lake import Lake
    from groundswell.run import orchestration

    generate(settings.landing_dir, scale="tiny")
    commit = Lake.commit

    def deals_disk_full(self, table, puts, deletes=()):
        if table == "crm__deals":
            raise OSError(28, "No space left on device")
        return commit(self, table, puts, deletes)

    with monkeypatch.context() as patched, pytest.raises(
            RuntimeError, match=r"1 of the crm sources failed to land: crm-deals: .*No space"):
        patched.setattr(Lake, "commit", deals_disk_full)
        orchestration.land_family("crm", date(2026, 10, 20), date(2026, 10, 21))
    landed = counts(settings)
    assert landed["crm-orders"] > 0 and landed["crm-deals"] == 0
    results = orchestration.land_family("crm", date(2026, 10, 20), date(2026, 10, 21))
    assert [r["source"] for r in results] == ["crm-accounts", "crm-contacts", "crm-deals", "crm-orders"]
    assert counts(settings)["crm-deals"] > 0
    with pytest.raises(ValueError, match="no source has the family 'tiktok'"):
        orchestration.land_family("tiktok", None, None)
