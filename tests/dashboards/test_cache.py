"""Query results are kept per published snapshot, units and arguments (dashboards/data.py): a
repeated view costs no query, a publish or another user's units never sees a kept result."""

from __future__ import annotations

import os
import shutil

import duckdb
import pandas as pd
import pytest
from flask import Flask

from dashboards import access, data

PASSENGER = frozenset({"northwind-passenger"})
MESSAGES = "select count(*) from marts.fct_care_messages where brand = ?"


@pytest.fixture
def home(published_home, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "published").mkdir(parents=True)
    shutil.copy(published_home / "published" / "warehouse.duckdb", home / "published" / "warehouse.duckdb")
    monkeypatch.setenv("GROUNDSWELL_HOME", str(home))
    data.clear_cache()
    yield home
    data.clear_cache()


def test_a_kept_result_lasts_until_the_next_publish_and_never_crosses_units(home, tmp_path):
    calls = []

    @data.cached
    def messages(con, brand):
        calls.append(brand)
        return con.execute(MESSAGES, [brand]).fetchone()[0]

    app = Flask(__name__)

    def ask(units, brand="Northwind Air"):
        with app.test_request_context("/"):
            access.set_scope(units)
            with data.snapshot() as con:
                return messages(con, brand)

    everyone = ask(None)
    assert everyone > 0
    assert ask(None) == everyone and len(calls) == 1  # the same view again: no query
    assert ask(None, "Contoso Mobile") != everyone and len(calls) == 2  # other arguments: a query
    assert ask(PASSENGER) == everyone and len(calls) == 3  # other units: their own query ...
    assert ask(frozenset({"northwind-cargo"})) == 0 and len(calls) == 4  # ... and their own rows

    # A publish renames a new file into place: the next request reads it.
    candidate = tmp_path / "candidate.duckdb"
    shutil.copy(home / "published" / "warehouse.duckdb", candidate)
    with duckdb.connect(str(candidate)) as con:
        con.execute("delete from marts.fct_care_messages where brand = 'Northwind Air' and is_open")
    os.replace(candidate, home / "published" / "warehouse.duckdb")
    after = ask(None)
    assert len(calls) == 5 and 0 < after < everyone

    # Outside a request (a script, an analyst's notebook) nothing is kept.
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        messages(con, "Northwind Air")
        messages(con, "Northwind Air")
    assert len(calls) == 7


def test_a_caller_reshaping_its_result_does_not_change_the_kept_one(home):
    @data.cached
    def frame(con):
        return con.execute("select 1 as x").df()

    app = Flask(__name__)
    with app.test_request_context("/"):
        access.set_scope(None)
        with data.snapshot() as con:
            first = frame(con)
            first["x"] = 99
            first["y"] = 1
            again = frame(con)
    pd.testing.assert_frame_equal(again, pd.DataFrame({"x": [1]}, dtype="int32"))


def test_the_kept_results_stay_within_their_memory(home, monkeypatch):
    monkeypatch.setattr(data, "CACHE_BYTES", 200_000)
    data.clear_cache()

    @data.cached
    def rows(con, n):
        return con.execute("select range as x, 'row ' || range as label from range(?)", [n]).df()

    app = Flask(__name__)
    with app.test_request_context("/"):
        access.set_scope(None)
        with data.snapshot() as con:
            for n in range(100, 3100, 100):  # 30 frames of ~100 to ~3,000 rows each
                rows(con, n)
    assert 0 < data._cache.currsize <= 200_000
    assert sum(data._size(value) for value in data._cache.values()) == data._cache.currsize
    kept = [key[3] for key in data._cache]
    assert kept[-1] == "(3000,)" and "(100,)" not in kept  # the newest stay, the oldest went
