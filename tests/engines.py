"""The marts of two published snapshots, compared table by table, column by column: the same dbt
project built on DuckDB and on Spark must publish the same figures (docs/operations.md, "Scaling
out").

Per table of the schema: the same columns (lineage columns ``_*`` left out), the same rows as a
multiset (EXCEPT ALL both ways) over the exact columns, and the doubles of the paired rows equal to
a relative 1e-9. Types may differ where the engines name the same values differently (a sum of
integers is HUGEINT on DuckDB, BIGINT on Spark; a timestamp is read back from Parquet): values are
compared in a canonical form (integers exactly, floats as doubles, instants as UTC text, nested
values through their JSON text). Decimals with a fraction (money, docs/metrics.md#exact-money) are
compared exactly as text, digits and scale, when both engines give a decimal; as doubles when one
gives a float.

``python tests/engines.py SNAPSHOT_A SNAPSHOT_B`` prints the differences.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

TOLERANCE = 1e-9
_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT")


def _canonical(column: str, data_type: str) -> tuple[str, bool]:
    """The column's canonical SQL and whether it is compared with a tolerance."""
    q = f'"{column}"'
    t = data_type.upper()
    if t in _INTEGER or (t.startswith("DECIMAL") and t.endswith(",0)")):
        return f"{q}::HUGEINT::VARCHAR", False
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return f"{q}::DOUBLE", True
    if t.startswith("DECIMAL"):
        return f"{q}::VARCHAR", False
    if t == "TIMESTAMP WITH TIME ZONE":
        return f"strftime({q} AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f')", False
    if t.startswith("TIMESTAMP"):
        return f"strftime({q}::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f')", False
    if t.endswith("]") or t.startswith(("STRUCT", "MAP", "UNION")):
        return f"to_json({q})::VARCHAR", False
    return f"{q}::VARCHAR", False


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> dict[str, str]:
    return dict(con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and "
        "schema_name = ? and table_name = ? and not starts_with(column_name, '_') "
        "order by column_index", [catalog, schema, table]).fetchall())


def differences(a: Path | str, b: Path | str, schema: str = "marts") -> dict[str, str]:
    """What differs between the ``schema`` tables of snapshots ``a`` and ``b`` ({} when nothing)."""
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        tables = {}
        for catalog in ("a", "b"):
            tables[catalog] = {r[0] for r in con.execute(
                "select table_name from duckdb_tables() where database_name = ? and schema_name = ?",
                [catalog, schema]).fetchall()}
        out: dict[str, str] = {}
        for table in sorted(tables["a"] ^ tables["b"]):
            out[table] = f"only in {'a' if table in tables['a'] else 'b'}"
        for table in sorted(tables["a"] & tables["b"]):
            problem = _table_difference(con, schema, table)
            if problem:
                out[table] = problem
        return out
    finally:
        con.close()


def _table_difference(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str | None:
    cols_a = _columns(con, "a", schema, table)
    cols_b = _columns(con, "b", schema, table)
    if list(cols_a) != list(cols_b):
        return f"columns differ: a {list(cols_a)}, b {list(cols_b)}"
    exact, approx = [], []
    select = {"a": [], "b": []}
    for column in cols_a:
        # tolerant when either side holds a float (a DECIMAL on one engine, a DOUBLE on the other)
        tolerant = _canonical(column, cols_a[column])[1] or _canonical(column, cols_b[column])[1]
        (approx if tolerant else exact).append(column)
        for side, cols in (("a", cols_a), ("b", cols_b)):
            sql = f'"{column}"::DOUBLE' if tolerant else _canonical(column, cols[column])[0]
            select[side].append(f'{sql} AS "{column}"')
    for side in ("a", "b"):
        con.execute(f"CREATE OR REPLACE TEMP VIEW side_{side} AS SELECT "
                    f"{', '.join(select[side])} FROM {side}.{schema}.\"{table}\"")
    rows_a, rows_b = (con.execute(f"select count(*) from side_{s}").fetchone()[0] for s in "ab")
    if rows_a != rows_b:
        return f"{rows_a} rows in a, {rows_b} in b"
    keys = ", ".join(f'"{c}"' for c in exact) or "1"
    only_a = con.execute(f"select count(*) from (select {keys} from side_a except all "
                         f"select {keys} from side_b)").fetchone()[0]
    if only_a:
        sample_a, sample_b = (con.execute(f"select {keys} from side_{x} except all select {keys} "
                                          f"from side_{y} limit 2").fetchall() for x, y in ("ab", "ba"))
        per_column = []
        for c in exact:
            n = con.execute(f'select count(*) from (select "{c}" from side_a except all '
                            f'select "{c}" from side_b)').fetchone()[0]
            if n:
                per_column.append(f"{c} ({n})")
        return (f"{only_a} rows differ in {', '.join(per_column) or 'their combination'}: "
                f"e.g. a {sample_a} b {sample_b}")
    if not approx:
        return None
    # The rows pair up by their exact columns; doubles are compared within a pair.
    order = ", ".join([f'"{c}"' for c in exact] + [f'"{c}"' for c in approx])
    bad = []
    for c in approx:
        n = con.execute(f"""
            with x as (select "{c}" as v, row_number() over (order by {order}) as n from side_a),
                 y as (select "{c}" as v, row_number() over (order by {order}) as n from side_b)
            select count(*) from x join y using (n)
            where not (x.v is not distinct from y.v
                       or (isnan(x.v) and isnan(y.v))
                       or abs(x.v - y.v) <= {TOLERANCE} * greatest(abs(x.v), abs(y.v)))""").fetchone()[0]
        if n:
            bad.append(f"{c} ({n})")
    return f"doubles differ beyond {TOLERANCE}: {', '.join(bad)}" if bad else None


if __name__ == "__main__":
    print(json.dumps(differences(sys.argv[1], sys.argv[2], *sys.argv[3:4]), indent=2))
