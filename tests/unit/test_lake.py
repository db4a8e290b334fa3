"""The raw lake: a batch is committed whole or not at all, a killed commit is finished by the next
process, landings of different tables run side by side, an object-store URI works through fsspec,
and a writer from before the lake moves its raw tables into it."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from groundswell.config import Settings
from groundswell.lake import CONTRACT_FILE, Lake
from groundswell.land.landing import land_files
from groundswell.warehouse import lake_reader


def mentions(path: Path, n: int, text: str = "hello", start: int = 0) -> Path:
    path.write_text("".join(
        json.dumps({"mention_id": f"x-{i}", "platform": "x", "matched_brand": "Northwind Air",
                    "created_at": "2026-10-20T10:00:00Z", "text": f"{text} {i}",
                    "author": {"id": f"a{i}"}}) + "\n" for i in range(start, start + n)))
    return path


def state(settings) -> tuple:
    """What a reader sees of the mentions table: its rows' texts, its audit and its batch files."""
    with lake_reader(settings) as con:
        texts = sorted(r[0] for r in con.execute("select text from raw.listening__mentions").fetchall())
        audit = con.execute("select count(*), sum(landed) from raw.load_audit "
                            "where source = 'listening-mentions'").fetchone()
    files = sorted(p.name for p in Path(settings.raw_lake.path("raw", "listening__mentions")).rglob("*")
                   if p.is_file())
    return texts, audit, files


def test_the_lake_layout_is_hive_partitioned_parquet_by_table_and_day(settings, tmp_path):
    drop = tmp_path / "listening" / "mentions" / "dt=2026-10-20"
    drop.mkdir(parents=True)
    result = land_files("listening-mentions", [mentions(drop / "m.jsonl", 3)], settings)
    lake = Path(settings.raw_lake.root)
    assert (lake / "raw/listening__mentions/dt=2026-10-20" / f"{result.batch_id}.parquet").is_file()
    audits = list((lake / "load_audit/listening__mentions").glob("landed_on=*/*.parquet"))
    assert [p.name.split("@")[0] for p in audits if p.name != CONTRACT_FILE] == [result.batch_id]
    # Nothing temporary is left, and the writer holds no raw data (nothing opened it).
    assert not list(lake.rglob("*.tmp")) and not settings.warehouse_path.exists()


def test_a_commit_killed_midway_is_finished_by_the_next_process(settings, tmp_path, monkeypatch):
    path = mentions(tmp_path / "m.jsonl", 5)
    land_files("listening-mentions", [path], settings)
    before = state(settings)
    mentions(path, 4, text="changed")

    real_rename = Lake._rename
    renamed = []

    def crash_after_first_rename(self, src, dst):  # the process dies between two renames
        if renamed:
            raise KeyboardInterrupt("killed")
        renamed.append(dst)
        real_rename(self, src, dst)

    monkeypatch.setattr(Lake, "_rename", crash_after_first_rename)
    with pytest.raises(KeyboardInterrupt):
        land_files("listening-mentions", [path], settings)
    monkeypatch.undo()
    journals = list(Path(settings.raw_lake.path("_journal")).rglob("*.json"))
    assert len(journals) == 1, "the commit's plan survives the kill"
    # The next process to use the table (a build's prepare, another landing) finishes it.
    assert settings.raw_lake.recover_pending(["listening__mentions"]) == 1
    texts, audit, files = state(settings)
    assert texts == [f"changed {i}" for i in range(4)]
    assert audit == (2, 9)  # both landings audited: 5 then 4
    assert files == before[2]  # the batch replaced in place, nothing temporary left beside it
    assert not list(Path(settings.raw_lake.root).rglob("*.tmp"))


def test_a_landing_killed_before_its_commit_changed_nothing(settings, tmp_path, monkeypatch):
    path = mentions(tmp_path / "m.jsonl", 5)
    land_files("listening-mentions", [path], settings)
    before = state(settings)
    mentions(path, 4, text="changed")

    def killed(self, table, puts, deletes=()):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(Lake, "commit", killed)
    with pytest.raises(KeyboardInterrupt):
        land_files("listening-mentions", [path], settings)
    monkeypatch.undo()
    assert list(Path(settings.raw_lake.root).rglob("*.tmp")), "its files are left under temporary names"
    assert state(settings)[:2] == before[:2]  # which no reader sees
    land_files("listening-mentions", [path], settings)  # the next landing clears them
    assert not list(Path(settings.raw_lake.root).rglob("*.tmp"))
    assert state(settings)[0] == [f"changed {i}" for i in range(4)]


def test_landings_of_different_tables_run_side_by_side_and_of_one_table_in_turn(settings, tmp_path):
    files = [mentions(tmp_path / f"m{i}.jsonl", 2000, start=2000 * i) for i in range(3)]
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("contact_id,created_at\n" + "".join(f"C{i},2026-01-01\n" for i in range(2000)))
    errors = []

    def land(key, path):
        try:
            land_files(key, [path], settings)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=land, args=("listening-mentions", f)) for f in files]
    threads.append(threading.Thread(target=land, args=("crm-contacts", contacts)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with lake_reader(settings) as con:
        assert con.execute("select count(*) from raw.listening__mentions").fetchone()[0] == 6000
        assert con.execute("select count(*) from raw.crm__contacts").fetchone()[0] == 2000
        # One table's landings take turns: each committed after the one stamped before it.
        stamps = con.execute("select started_at, finished_at from raw.load_audit "
                             "where source = 'listening-mentions' order by started_at").fetchall()
    assert len(stamps) == 3
    assert all(stamps[i][1] <= stamps[i + 1][0] for i in range(2))


def test_an_object_store_uri_lands_and_reads_through_fsspec(tmp_path, monkeypatch):
    import fsspec

    from groundswell.config import Settings

    monkeypatch.setenv("GROUNDSWELL_HOME", str(tmp_path / "home"))
    settings = Settings(home=tmp_path / "home", lake="memory://groundswell-test/lake")
    try:
        land_files("listening-mentions", [mentions(tmp_path / "m.jsonl", 3)], settings)
        fs = fsspec.filesystem("memory")
        assert any(p.endswith(".parquet") and "/raw/listening__mentions/dt=" in p
                   for p in fs.find("/groundswell-test/lake"))
        with lake_reader(settings) as con:
            assert con.execute("select count(*) from raw.listening__mentions").fetchone()[0] == 3
    finally:
        fsspec.filesystem("memory").rm("/groundswell-test", recursive=True)


def test_a_bad_lake_uri_says_what_to_do(tmp_path):
    from groundswell.config import Settings
    from groundswell.lake import LakeError

    with pytest.raises(LakeError, match="Install the fsspec package of that protocol"):
        Settings(home=tmp_path, lake="nosuchprotocol://bucket/lake").raw_lake  # noqa: B018


def test_a_writer_from_before_the_lake_moves_its_raw_tables_into_it(settings):
    from groundswell.land.sources import get_source
    from groundswell.warehouse import connect, writer

    source = get_source("crm-contacts")
    settings.home.mkdir(parents=True)
    con = connect(settings.warehouse_path)
    columns = ", ".join(f'"{n}" {t}' for n, t in source.columns())
    con.execute("create schema raw")
    con.execute(f"create table raw.crm__contacts ({columns})")
    con.execute("insert into raw.crm__contacts (contact_id, _batch_id, _source_file, _record_no, _loaded_at) "
                "values ('C1', 'b1', 'f.csv', 1, '2026-10-01 10:00'), "
                "('C2', 'b2', 'g.csv', 1, '2026-10-02 10:00')")
    con.execute("create table raw.quarantine (batch_id varchar, source varchar, target_table varchar, "
                "source_file varchar, record_no bigint, reason varchar, payload varchar, "
                "quarantined_at timestamp)")
    con.execute("insert into raw.quarantine values ('b2', 'crm-contacts', 'raw.crm__contacts', 'g.csv', 2, "
                "'missing required field contact_id', ',2026-01-01', '2026-10-02 10:00')")
    con.execute("create table raw.load_audit (batch_id varchar, source varchar, target_table varchar, "
                "file_count integer, files varchar[], received bigint, landed bigint, quarantined bigint, "
                "started_at timestamp, finished_at timestamp, dag_id varchar, run_id varchar)")
    con.execute("insert into raw.load_audit values "
                "('b1', 'crm-contacts', 'raw.crm__contacts', 1, ['f.csv'], 1, 1, 0, '2026-10-01 10:00', "
                "'2026-10-01 10:00', null, null), "
                "('b2', 'crm-contacts', 'raw.crm__contacts', 1, ['g.csv'], 2, 1, 1, '2026-10-02 10:00', "
                "'2026-10-02 10:00', null, null)")
    con.close()
    with writer(settings) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'raw'").fetchall())
        assert kinds and set(kinds.values()) == {"VIEW"}
        assert con.execute("select contact_id, _batch_id from raw.crm__contacts order by 1").fetchall() == [
            ("C1", "b1"), ("C2", "b2")]
        assert con.execute("select record_no, reason from raw.quarantine").fetchall() == [
            (2, "missing required field contact_id")]
        audit = con.execute("select batch_id, received, dt::varchar from raw.load_audit "
                            "order by 1").fetchall()
        assert audit == [("b1", 1, "2026-10-01"), ("b2", 2, "2026-10-02")]
    assert (Path(settings.raw_lake.root) / "raw/crm__contacts/dt=2026-10-02/b2.parquet").is_file()


def test_a_lake_of_hidden_contract_files_gets_visible_ones(settings, tmp_path):
    """Spark and Hadoop skip files starting with `_`: a lake made with `_contract.parquet` files
    gets `contract.parquet` instead at its next contract check, and reads the same."""
    from groundswell.warehouse import writer

    with writer(settings):
        pass
    lake = Path(settings.raw_lake.root)
    contracts = sorted(lake.glob("raw/*/dt=1970-01-01/*.parquet"))
    assert contracts and {p.name for p in contracts} == {"contract.parquet"}
    for path in lake.glob("*/*/*=1970-01-01/contract.parquet"):
        path.rename(path.with_name("_contract.parquet"))  # as an older lake has them
    fresh = Settings(home=settings.home)  # a new process: no contract known current
    with writer(fresh):
        pass
    assert not list(lake.glob("*/*/*=1970-01-01/_contract.parquet"))
    assert sorted(lake.glob("raw/*/dt=1970-01-01/*.parquet")) == contracts
