"""Bad input is survived: every record lands or is quarantined with a reason, and the audit adds up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from groundswell.land.landing import land_files
from groundswell.run.cli import main
from groundswell.warehouse import lake_reader


def query(settings, sql: str, params=None):
    with lake_reader(settings) as con:
        return con.execute(sql, params or []).fetchall()


def reasons(settings) -> dict[int, str]:
    return dict(query(settings, "select record_no, reason from raw.quarantine order by record_no"))


def mention(i: int, **extra) -> dict:
    return {"mention_id": f"x-{i}", "platform": "x", "matched_brand": "Northwind Air",
            "created_at": "2026-10-20T10:00:00Z", "text": f"mention {i}",
            "author": {"id": f"a{i}", "handle": f"user{i}", "followers": 10 * i},
            "hashtags": ["travel"]} | extra


def jsonl(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


CONTACT_HEADER = "contact_id,email_sha256,x_handle,lifecycle_stage,created_at\n"


def audit_reconciles(settings) -> None:
    rows = query(settings, "select received, landed, quarantined from raw.load_audit")
    assert rows and all(r == landed + q for r, landed, q in rows)


def test_malformed_json_lines_are_quarantined_line_by_line(settings, tmp_path):
    path = jsonl(tmp_path / "m.jsonl", [
        mention(1),
        '{"mention_id": "x-2", "platform": "x"',  # cut short
        "not json at all",
        "[1, 2, 3]",
        mention(5, author={"handle": "nobody"}),  # author.id missing
        mention(6, created_at="last Tuesday"),
        mention(7, author={"id": "a7", "followers": "lots"}),
        mention(8, platform="myspace"),
        "",  # blank lines are not records
        mention(10),
    ])
    result = land_files("listening-mentions", [path], settings)
    assert (result.received, result.landed, result.quarantined) == (9, 2, 7)
    assert reasons(settings) == {
        2: "line is not valid JSON",
        3: "line is not valid JSON",
        4: "line is not a JSON object",
        5: "missing required field author_id",
        6: "invalid TIMESTAMP in created_at: last Tuesday",
        7: "invalid BIGINT in author_followers: lots",
        8: "platform is not one of x/facebook/instagram/linkedin/youtube/reddit/tiktok/news/blog/forum: "
           "myspace",
    }
    payload = query(settings, "select payload from raw.quarantine where record_no = 3")[0][0]
    assert payload == "not json at all"
    assert query(settings, "select mention_id, _record_no from raw.listening__mentions order by 2") == [
        ("x-1", 1), ("x-10", 10)]
    audit_reconciles(settings)


def test_an_unknown_field_is_kept_in_extras_and_a_missing_optional_one_is_null(settings, tmp_path):
    record = mention(1, reach_estimate=1200, author={"id": "a1", "verified": True})
    path = jsonl(tmp_path / "m.jsonl", [record])
    land_files("listening-mentions", [path], settings)
    extras, followers, hashtags = query(
        settings, "select _extras, author_followers, hashtags from raw.listening__mentions")[0]
    assert json.loads(extras) == {"reach_estimate": 1200}
    assert followers is None
    assert json.loads(hashtags) == ["travel"]
    # In CSV the same: a column the contract lacks is kept, one it names but the file lacks is NULL.
    csv = tmp_path / "contacts.csv"
    csv.write_text("contact_id,created_at,loyalty_tier\nC1,2026-01-01 10:00:00,gold\n")
    land_files("crm-contacts", [csv], settings)
    assert query(settings, "select _extras, x_handle from raw.crm__contacts") == [
        ('{"loyalty_tier":"gold"}', None)]


def test_csv_files_of_one_batch_keep_their_own_row_numbers(settings, tmp_path):
    # Files with one header are read by one statement; a file with another header on its own.
    (tmp_path / "a.csv").write_text(CONTACT_HEADER + "C1,,ann,lead,2026-01-01\nC2,,bob,lead,2026-01-02\n")
    (tmp_path / "b.csv").write_text(CONTACT_HEADER + "C3,,cy,lead,2026-01-03\nC4,,too,many,columns,here\n"
                                    "C5,,dee,lead,not a date\nC6,,eve,lead,2026-01-06\n")
    (tmp_path / "c.csv").write_text("contact_id,created_at,lifecycle_stage\nC7,2026-01-07,lead\n")
    result = land_files("crm-contacts", [tmp_path], settings)
    assert (result.received, result.landed, result.quarantined) == (7, 5, 2)
    assert query(settings, "select contact_id, parse_filename(_source_file), _record_no "
                           "from raw.crm__contacts order by 1") == [
        ("C1", "a.csv", 1), ("C2", "a.csv", 2), ("C3", "b.csv", 1), ("C6", "b.csv", 4), ("C7", "c.csv", 1)]
    # A record's number is its position after the header, whether it landed or not.
    assert query(settings, "select parse_filename(source_file), record_no, left(reason, 33) "
                           "from raw.quarantine order by 2") == [
        ("b.csv", 2, "CSV line 3: Expected Number of Co"), ("b.csv", 3, "invalid TIMESTAMP in created_at: ")]
    audit_reconciles(settings)


def test_a_csv_without_a_required_column_quarantines_every_row(settings, tmp_path):
    csv = tmp_path / "contacts.csv"
    csv.write_text("contact_id,x_handle\nC1,ann\nC2,bob\n")
    result = land_files("crm-contacts", [csv], settings)
    assert (result.landed, result.quarantined) == (0, 2)
    assert set(reasons(settings).values()) == {"missing required field created_at"}


def test_duplicate_ids_within_a_batch_land_once_and_across_batches_stay_history(settings, tmp_path):
    a = jsonl(tmp_path / "a.jsonl", [mention(1), mention(2), mention(1, text="edited")])
    b = jsonl(tmp_path / "b.jsonl", [mention(2, text="again")])
    result = land_files("listening-mentions", [a, b], settings)
    assert (result.received, result.landed, result.quarantined) == (4, 2, 2)
    dup = query(settings, "select record_no, reason, payload from raw.quarantine order by source_file")
    assert dup[0][1] == f"duplicate mention_id x-1 within the batch: kept record 1 of {a.resolve()}"
    assert json.loads(dup[0][2])["text"] == "edited"  # the set-aside copy is kept whole
    assert dup[1][1] == f"duplicate mention_id x-2 within the batch: kept record 2 of {a.resolve()}"
    # Another batch with a key already landed: raw keeps both landings (staging keeps the latest).
    c = jsonl(tmp_path / "c.jsonl", [mention(1, text="later")])
    land_files("listening-mentions", [c], settings)
    assert query(settings, "select count(*) from raw.listening__mentions where mention_id = 'x-1'") == [(2,)]
    audit_reconciles(settings)


def test_timestamps_without_zone_are_utc_and_future_ones_are_quarantined(settings, tmp_path):
    path = jsonl(tmp_path / "m.jsonl", [
        mention(1, created_at="2026-10-20 10:00:00"),
        mention(2, created_at="2026-10-20T12:00:00+02:00"),
        mention(3, created_at="Tue Oct 20 10:00:00 +0000 2026"),
        mention(4, created_at="2999-01-01T00:00:00Z"),
        mention(5, created_at="2026-13-45T99:00:00Z"),
    ])
    result = land_files("listening-mentions", [path], settings)
    assert result.landed == 3
    times = query(settings, "select distinct created_at::VARCHAR from raw.listening__mentions")
    assert times == [("2026-10-20 10:00:00",)]
    assert reasons(settings) == {4: "created_at is in the future: 2999-01-01 00:00:00",
                                 5: "invalid TIMESTAMP in created_at: 2026-13-45T99:00:00Z"}


def test_invalid_utf8_is_quarantined_not_fatal(settings, tmp_path):
    lines = tmp_path / "m.jsonl"
    lines.write_bytes(json.dumps(mention(1)).encode() + b"\n"
                      + b'{"mention_id": "x-2", "text": "caf\xe9"}\n'
                      + json.dumps(mention(3)).encode() + b"\n")
    result = land_files("listening-mentions", [lines], settings)
    assert (result.received, result.landed, result.quarantined) == (3, 2, 1)
    (reason,) = reasons(settings).values()
    assert reason.startswith("line 2: Invalid unicode")
    csv = tmp_path / "contacts.csv"
    csv.write_bytes((CONTACT_HEADER + "C1,,ann,lead,2026-01-01\n").encode()
                    + b"C2,,jos\xe9,lead,2026-01-01\n")
    result = land_files("crm-contacts", [csv], settings)
    assert (result.landed, result.quarantined) == (1, 1)
    page = tmp_path / "p.json"
    page.write_bytes(b'{"data": [{"id": "1", "text": "caf\xe9"}]}')
    result = land_files("x-tweets", [page], settings)
    assert (result.received, result.quarantined) == (1, 1)
    assert "file is not valid UTF-8" in {r[0] for r in query(settings, "select reason from raw.quarantine")}
    audit_reconciles(settings)


def test_json_lines_files_of_one_batch_keep_their_own_line_numbers(settings, tmp_path):
    # One statement reads every file of the batch: numbers and rejects must still be per file.
    first = jsonl(tmp_path / "a.jsonl", [mention(1), "", mention(3)])
    second = tmp_path / "b.jsonl"
    second.write_bytes(json.dumps(mention(4)).encode() + b"\n"
                       + b'{"mention_id": "x-5", "text": "caf\xe9"}\n'
                       + json.dumps(mention(6)).encode() + b"\n" + b"{broken\n")
    third = tmp_path / "c.jsonl"  # set-aside lines first and one after another
    third.write_bytes(b'"\xe9"\n"\xe9"\n' + json.dumps(mention(7)).encode() + b'\n"\xe9"\n'
                      + json.dumps(mention(8)).encode() + b"\n")
    result = land_files("listening-mentions", [second, third, first], settings)
    assert (result.received, result.landed, result.quarantined) == (11, 6, 5)
    assert query(settings, "select mention_id, parse_filename(_source_file), _record_no "
                           "from raw.listening__mentions order by 1") == [
        ("x-1", "a.jsonl", 1), ("x-3", "a.jsonl", 3), ("x-4", "b.jsonl", 1), ("x-6", "b.jsonl", 3),
        ("x-7", "c.jsonl", 3), ("x-8", "c.jsonl", 5)]
    assert query(settings, "select parse_filename(source_file), record_no, left(reason, 24) "
                           "from raw.quarantine order by 1, 2") == [
        ("b.jsonl", 2, "line 2: Invalid unicode "), ("b.jsonl", 4, "line is not valid JSON"),
        ("c.jsonl", 1, "line 1: Invalid unicode "), ("c.jsonl", 2, "line 2: Invalid unicode "),
        ("c.jsonl", 4, "line 4: Invalid unicode ")]
    audit_reconciles(settings)


def test_a_one_megabyte_text_lands_whole(settings, tmp_path):
    text = "é" * 200_000 + "x" * 700_000  # 1.1 MB of UTF-8
    path = jsonl(tmp_path / "m.jsonl", [mention(1, text=text)])
    assert path.stat().st_size > 1_000_000
    land_files("listening-mentions", [path], settings)
    assert query(settings, "select length(text) from raw.listening__mentions") == [(900_000,)]
    csv = tmp_path / "contacts.csv"
    csv.write_text(CONTACT_HEADER + f'C1,,"{text}",lead,2026-01-01\n')
    land_files("crm-contacts", [csv], settings)
    assert query(settings, "select length(x_handle) from raw.crm__contacts") == [(900_000,)]


@pytest.mark.parametrize(("source", "name"), [("listening-mentions", "m.jsonl"),
                                              ("crm-contacts", "c.csv"), ("x-tweets", "p.json")])
def test_an_empty_file_lands_nothing_and_is_audited(settings, tmp_path, source, name):
    path = tmp_path / name
    path.write_text("")
    result = land_files(source, [path], settings)
    if source == "x-tweets":  # an empty API response is not a page: kept, with the reason
        assert (result.received, result.quarantined) == (1, 1)
        assert reasons(settings) == {0: "file is not valid JSON"}
    else:
        assert (result.received, result.landed, result.quarantined) == (0, 0, 0)
    assert query(settings, "select count(*) from raw.load_audit where source = ?", [source]) == [(1,)]


def test_a_file_cut_off_in_the_middle_of_a_record(settings, tmp_path):
    whole = json.dumps(mention(1)) + "\n"
    lines = tmp_path / "m.jsonl"
    lines.write_text(whole + json.dumps(mention(2))[:40])
    result = land_files("listening-mentions", [lines], settings)
    assert (result.landed, result.quarantined) == (1, 1)
    assert reasons(settings)[2] == "line is not valid JSON"
    csv = tmp_path / "contacts.csv"
    csv.write_text(CONTACT_HEADER + "C1,,ann,lead,2026-01-01\nC2,,bo")
    result = land_files("crm-contacts", [csv], settings)
    assert (result.landed, result.quarantined) == (1, 1)
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(CONTACT_HEADER + 'C1,,ann,lead,2026-01-01\nC3,,"unterminated')
    result = land_files("crm-contacts", [quoted], settings)
    assert result.received == result.landed + result.quarantined
    assert result.quarantined == 1
    audit_reconciles(settings)


def test_a_path_that_does_not_exist_is_named_and_fails(settings):
    result = CliRunner().invoke(main, ["load", "crm-contacts", "/no/such/contacts.csv"])
    assert result.exit_code != 0
    assert "/no/such/contacts.csv does not exist" in result.output


def test_a_raw_table_gains_a_new_contract_column(settings, tmp_path):
    import duckdb

    old = tmp_path / "old.csv"
    old.write_text("contact_id,created_at\nC0,2026-01-01\n")
    land_files("crm-contacts", [old], settings)
    # As if landed under a contract without `segment`: its batch and the contract file lack it.
    con = duckdb.connect()
    for path in Path(settings.raw_lake.path("raw", "crm__contacts")).rglob("*.parquet"):
        con.execute(f"COPY (SELECT * EXCLUDE (segment) FROM read_parquet('{path}', "
                    f"hive_partitioning = false)) TO '{path}.new' (FORMAT parquet)")
        Path(f"{path}.new").replace(path)
    csv = tmp_path / "contacts.csv"
    csv.write_text("contact_id,created_at,segment\nC1,2026-01-01,family\n")
    land_files("crm-contacts", [csv], settings)
    assert query(settings, "select contact_id, segment from raw.crm__contacts order by 1") == [
        ("C0", None), ("C1", "family")]
