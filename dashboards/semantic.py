"""Metrics for the pages: a page picks metrics, group-bys and filters; the semantic layer the
snapshot carries (``meta.semantic_layer``, written at publish from the dbt manifest) renders the
SQL (groundswell.transform.semantic). No metric arithmetic lives in the dashboards."""

from __future__ import annotations

import functools

import duckdb
import pandas as pd

from dashboards.data import cached
from groundswell.transform.semantic import Format, Query, SemanticLayer, Where

__all__ = ["Query", "Where", "changes", "nothing_before", "frame", "label", "layer", "row", "value_format"]

NOT_IN_SNAPSHOT = ("This snapshot was published before the semantic layer: run `groundswell build` "
                   "to publish one the dashboards can read.")


def layer(con: duckdb.DuckDBPyConnection) -> SemanticLayer:
    """The definitions of the snapshot ``con`` reads."""
    try:
        text = con.execute("select definitions from meta.semantic_layer").fetchone()[0]
    except duckdb.CatalogException:
        raise RuntimeError(NOT_IN_SNAPSHOT) from None
    return _parse(text)


@functools.lru_cache(maxsize=8)
def _parse(text: str) -> SemanticLayer:
    return SemanticLayer.from_manifest(text)


@cached
def frame(con: duckdb.DuckDBPyConnection, query: Query) -> pd.DataFrame:
    """One row per group of ``query``: its group-bys, then its metrics, under their names."""
    sql, params = layer(con).sql(query)
    return con.execute(sql, params).df()


@cached
def row(con: duckdb.DuckDBPyConnection, query: Query) -> dict:
    """The metrics of a query without group-bys: {name: value}, None for no value."""
    if query.group_by:
        raise ValueError("row() answers a query without group-bys; use frame()")
    sql, params = layer(con).sql(query)
    values = con.execute(sql, params).fetchone()
    return {name: _plain(v) for name, v in zip(query.metrics, values, strict=True)}


def _plain(value):
    """A DECIMAL sum as a float for the page (the exact figure stays in the snapshot)."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def label(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return layer(con).label(name)


def value_format(con: duckdb.DuckDBPyConnection, metric: str) -> Format:
    return layer(con).metric(metric).format


def changes(layer: SemanticLayer, values: list[tuple[str, object, object]], before_base: object,
            nothing_before: str) -> list[str]:
    """The KPI cards' lines "… vs previous period": for each (metric, now, before), its change in
    the metric's own terms (Format.change). When the previous period of the same length holds
    nothing (``before_base``, its count of posts, messages…, is 0 or None), ``nothing_before``
    for every card: a change from nothing is no news an executive can use."""
    if not before_base:
        return [nothing_before] * len(values)
    return [layer.metric(m).format.change(now, before) for m, now, before in values]


def nothing_before(what: str, n: int, unit: str) -> str:
    """"no posts in the previous 30 days", "no program rows in the previous month"."""
    return f"no {what} in the previous {unit}" if n == 1 else f"no {what} in the previous {n:,} {unit}s"
