"""A user of one business unit never sees another unit's rows: every mart has a rule, and every
query function, asked for another unit's brand or unit explicitly, returns none of its rows."""

from __future__ import annotations

import importlib
import inspect
from datetime import date

import pandas as pd
import pytest

from dashboards import access
from dashboards.app import DOMAINS
from dashboards.care import queries as care_queries
from dashboards.influencers import queries as influencers_queries
from dashboards.listening import queries as listening_queries
from dashboards.maturity import queries as maturity_queries
from dashboards.roi import queries as roi_queries

CARGO = frozenset({"northwind-cargo"})  # Northwind Air's LinkedIn account; no care channel
PASSENGER = frozenset({"northwind-passenger"})
OTHER_BRAND, OTHER_UNIT = "Contoso Mobile", "contoso-consumer"
WIDE = (date(2000, 1, 1), date(2100, 1, 1))


@pytest.fixture(scope="module")
def path(published_home):
    return published_home / "published" / "warehouse.duckdb"


def test_every_published_table_has_a_decided_rule(path):
    con = access.connect(path, None)
    tables = {f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    con.close()
    assert tables and tables <= set(access.RULES), tables - set(access.RULES)


def test_restricted_views_hold_only_the_units_rows(path):
    admin, cargo, passenger = (access.connect(path, u) for u in (None, CARGO, PASSENGER))
    n = lambda con, sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert n(cargo, "select count(*) from marts.fct_care_messages") == 0
    assert n(passenger, "select count(*) from marts.fct_care_messages") > 0
    assert n(passenger, "select count(*) from marts.fct_care_messages where brand <> 'Northwind Air'") == 0
    platforms = cargo.execute("select distinct platform from marts.fct_post_performance").fetchall()
    assert platforms == [("linkedin",)]
    assert n(passenger, "select count(*) from marts.fct_post_performance where platform = 'linkedin'") == 0
    assert [r[0] for r in cargo.execute("select business_unit from marts.fct_maturity_stage").fetchall()] \
        == ["northwind-cargo"]
    roi = "select count(*) from marts.fct_social_roi"
    assert n(cargo, roi) == 0 < n(admin, roi)
    # listening: own brand and competitors, never another own brand
    assert n(cargo, f"select count(*) from marts.fct_mentions where brand = '{OTHER_BRAND}'") == 0
    assert n(cargo, "select count(*) from marts.fct_mentions where brand = 'Fabrikam Airways'") > 0
    for con in (cargo, passenger):
        for schema, table in con.execute("select schema_name, view_name from duckdb_views() "
                                         "where database_name = 'memory' and not internal").fetchall():
            cols = {r[0] for r in con.execute(f"describe {schema}.{table}").fetchall()}
            if "brand" in cols:
                assert n(con, f"select count(*) from {schema}.{table} where brand = '{OTHER_BRAND}'") == 0 \
                    or schema == "seeds", table
            if "business_unit" in cols and schema == "marts":
                other = f"select count(*) from {schema}.{table} where business_unit like 'contoso%'"
                assert n(con, other) == 0
            assert n(con, f"select count(*) from {schema}.{table}") <= n(admin, f"select count(*) from "
                                                                           f"{schema}.{table}")
    for con in (admin, cargo, passenger):
        con.close()


def _arguments(admin, function) -> dict:
    """Values for every parameter of a query function, asking for the other unit wherever a brand,
    unit or record can be named. A new parameter fails here until it is given one."""
    source, message_id = admin.execute("select source, message_id from marts.fct_care_messages "
                                       "where brand = ? limit 1", [OTHER_BRAND]).fetchone()
    platform, author_id = admin.execute("select platform, author_id from marts.dim_influencers "
                                        "where brand = ? limit 1", [OTHER_BRAND]).fetchone()
    quarter = maturity_queries.maturity_quarters(admin)[0]
    values = {"start": WIDE[0], "end": WIDE[1], "brands": [OTHER_BRAND], "brand": OTHER_BRAND,
              "unit": OTHER_UNIT, "quarter": quarter, "source": source, "message_id": message_id,
              "platform": platform, "author_id": author_id, "dimensions": ["content_type"],
              "platforms": None, "channels": None, "dimension": "channel", "domain": "mentions"}
    out = {}
    for name, parameter in list(inspect.signature(function).parameters.items())[1:]:
        if name == "f":
            annotation = str(parameter.annotation)
            out[name] = (roi_queries.RoiFilters(*WIDE) if "Roi" in annotation
                         else care_queries.CareFilters(*WIDE, [OTHER_BRAND]))
        elif name in values:
            out[name] = values[name]
        elif parameter.default is not inspect.Parameter.empty:
            continue
        else:
            raise AssertionError(f"{function.__name__}: give the test a value for {name}")
    return out


def _frames(result) -> list[pd.DataFrame]:
    items = result if isinstance(result, tuple) else (result,)
    return [x for x in items if isinstance(x, pd.DataFrame)]


QUERY_MODULES = [importlib.import_module(f"dashboards.{domain}.queries")
                 for domain in (*DOMAINS, "shared")]
#: The shared helpers that answer about the snapshot's tables and columns, not with rows.
HELPERS = {"has_table", "has_column", "label_source"}
QUERY_FUNCTIONS = [f for module in QUERY_MODULES for name, f in inspect.getmembers(module, inspect.isfunction)
                   if not name.startswith("_") and name not in HELPERS and f.__module__ == module.__name__
                   and list(inspect.signature(f).parameters)[:1] == ["con"]]


@pytest.mark.parametrize("function", QUERY_FUNCTIONS, ids=lambda f: f.__name__)
def test_no_query_function_returns_another_units_rows(path, function):
    admin, cargo = access.connect(path, None), access.connect(path, CARGO)
    try:
        arguments = _arguments(admin, function)
        result = function(cargo, **arguments)
    finally:
        admin.close()
    try:
        for frame in _frames(result):
            for column in frame.columns:
                values = frame[column].astype(str)
                assert not values.isin([OTHER_BRAND]).any(), (function.__name__, column)
                assert not values.str.startswith("contoso-").any(), (function.__name__, column)
                assert not values.isin([arguments.get("author_id", "-")]).any(), (function.__name__, column)
        if function is care_queries.care_kpis:
            assert result["messages"] == 0
        if function is listening_queries.listening_kpis:
            assert not result["mentions"]
        if function is listening_queries.feedback_loop:
            assert result[0]["actions"] is None and result[1].empty
        if function in (influencers_queries.influencer, influencers_queries.influencer_mentions,
                        care_queries.care_conversation, maturity_queries.maturity_checklist,
                        roi_queries.roi_export, roi_queries.campaign_roi):
            assert all(frame.empty for frame in _frames(result)), function.__name__
    finally:
        cargo.close()


def test_the_scope_comes_from_the_request(path):
    from flask import Flask

    app = Flask(__name__)
    with app.test_request_context("/"):
        assert access.current_scope() == frozenset()  # nobody logged in: no unit (fail closed)
        access.set_scope(["northwind-cargo"], "cargo")
        assert access.current_scope() == CARGO
    assert access.current_scope() is None  # a script outside a request: the whole snapshot


def test_public_handles_are_shown_to_users_of_every_unit_only(path):
    """An influential listening author's public handle (docs/operations.md, "Who sees what") is
    blanked in every view a restricted user reads; the rows themselves stay theirs."""
    admin, passenger = access.connect(path, None), access.connect(path, PASSENGER)
    try:
        for table, columns in access.MASKED.items():
            for column in columns:
                shown = f"select count({column}) from {table}"
                assert admin.execute(shown).fetchone()[0] > 0, table  # the demo has public authors
                assert passenger.execute(shown).fetchone()[0] == 0, table
            assert passenger.execute(f"select count(*) from {table}").fetchone()[0] > 0, table
    finally:
        admin.close()
        passenger.close()
