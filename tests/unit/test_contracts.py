"""Raw contracts and the dbt sources describe the same tables."""

from __future__ import annotations

from pathlib import Path

import yaml

from groundswell.land.sources import SOURCES

DBT = Path(__file__).resolve().parents[2] / "dbt"


def dbt_sources() -> dict[str, dict]:
    tables = {}
    for path in (DBT / "models" / "staging").rglob("_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            if source["name"] in ("enrichment", "lake"):  # written by enrichment, and the load audit
                continue
            assert source["schema"] == "raw"
            assert source["config"]["loaded_at_field"] == "_loaded_at"
            for table in source["tables"]:
                freshness = table.get("config", {}).get("freshness", source["config"]["freshness"])
                tables[table["name"]] = table | {"freshness": freshness}
    return tables


def test_every_raw_table_is_a_dbt_source_with_the_contracts_freshness():
    declared = dbt_sources()
    assert set(declared) == {s.table for s in SOURCES.values()}
    for source in SOURCES.values():
        freshness = declared[source.table]["freshness"]
        if source.freshness_hours is None:
            assert freshness is None, source.key
        else:
            assert freshness["warn_after"] == {"count": source.freshness_hours, "period": "hour"}
            assert freshness["error_after"]["count"] == 2 * source.freshness_hours


def test_columns_documented_in_dbt_exist_in_the_contract():
    declared = dbt_sources()
    for source in SOURCES.values():
        contract = {f.name for f in source.fields}
        for column in declared[source.table].get("columns", []):
            assert column["name"] in contract, (source.table, column["name"])


def test_natural_keys_are_required_fields():
    for source in SOURCES.values():
        fields = {f.name: f for f in source.fields}
        for key in source.natural_key:
            assert fields[key].required, (source.key, key)


def test_every_declared_event_time_is_a_time_column_of_the_contract():
    """The freshness check reads max(event_time) of each source table (groundswell.gate.freshness):
    a column that is not there, or not a time, would leave the source judged by load time alone."""
    declared = dbt_sources()
    timed = 0
    for source in SOURCES.values():
        column = declared[source.table].get("config", {}).get("event_time")
        if column is None:
            continue
        timed += 1
        types = dict(source.columns())
        assert column in types, (source.table, column)
        assert types[column].startswith(("TIMESTAMP", "DATE")), (source.table, column, types[column])
        assert declared[source.table]["freshness"] is not None, source.table  # else never checked
    assert timed >= 25  # every stream of events; not the CRM's contacts and accounts
