"""An order-free fingerprint of every mart of a published snapshot, and its comparison.

Two builds of the same data should publish the same marts, whatever order rows were landed,
written or read in. Per mart table the fingerprint holds:

- ``rows``;
- ``hash``: the sum of a hash of every row over its exact columns (every column but doubles);
- per DOUBLE column, the plain sum and a sum weighted by the row's exact hash, which ties each
  value to its row. Doubles are compared with a relative tolerance of 1e-9, not hashed: DuckDB's
  parallel float sums follow row order and differ in the last bits between two runs, and rounding
  would send a value that sits on a rounding boundary to either side.

Lineage columns (``_*``: when a row was loaded or built) are left out.

``python tests/fingerprint.py SNAPSHOT`` prints the fingerprint as JSON.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import duckdb

TOLERANCE = 1e-9


def marts_fingerprint(snapshot: Path | str, leave_out: dict[str, set[str]] | None = None) -> dict[str, dict]:
    """``leave_out``: per mart, columns not fingerprinted (added since a fingerprint was recorded)."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        return {table: _table(con, table, (leave_out or {}).get(table, set())) for table in tables}
    finally:
        con.close()


def _table(con: duckdb.DuckDBPyConnection, table: str, leave_out: set[str] = frozenset()) -> dict:
    columns = [(c, t) for c, t in con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = 'marts' "
        "and table_name = ? and not starts_with(column_name, '_') order by column_index",
        [table]).fetchall() if c not in leave_out]
    exact = [f'"{c}"' for c, t in columns if t not in ("DOUBLE", "FLOAT")]
    doubles = [c for c, t in columns if t in ("DOUBLE", "FLOAT")]
    row_hash = f"hash(row({', '.join(exact)}))" if exact else "0::UBIGINT"
    # The weight of a row: its exact hash folded into 1..997 (small, so weighted sums stay exact enough).
    weight = f"(({row_hash}) % 997 + 1)::DOUBLE"
    # A NaN or infinity would poison a sum: counted apart, as text.
    parts = ["count(*)", f"coalesce(sum(({row_hash})::HUGEINT), 0)::VARCHAR"]
    for c in doubles:
        finite = f'CASE WHEN isfinite("{c}") THEN "{c}" END'
        parts += [f"coalesce(sum({finite}), 0)", f"coalesce(sum({finite} * {weight}), 0)",
                  f"count(*) FILTER (WHERE NOT isfinite(\"{c}\"))", f'count("{c}")']
    values = con.execute(f"select {', '.join(parts)} from marts.\"{table}\"").fetchone()
    out = {"rows": values[0], "hash": values[1], "doubles": {}}
    for i, c in enumerate(doubles):
        s, w, odd, n = values[2 + 4 * i: 6 + 4 * i]
        out["doubles"][c] = {"sum": s, "weighted": w, "not_finite": odd, "not_null": n}
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def differences(before: dict[str, dict], after: dict[str, dict]) -> dict[str, str]:
    """What differs, table by table (empty when the marts are the same)."""
    out = {}
    for table in sorted(set(before) | set(after)):
        if table not in after:
            out[table] = "missing after"
            continue
        if table not in before:
            out[table] = "new after"
            continue
        b, a = before[table], after[table]
        found = []
        if b["rows"] != a["rows"]:
            found.append(f"rows {b['rows']} -> {a['rows']}")
        if b["hash"] != a["hash"]:
            found.append("exact columns differ")
        if set(b["doubles"]) != set(a["doubles"]):
            found.append(f"double columns {sorted(b['doubles'])} -> {sorted(a['doubles'])}")
        for c in sorted(set(b["doubles"]) & set(a["doubles"])):
            x, y = b["doubles"][c], a["doubles"][c]
            if (x["not_finite"], x["not_null"]) != (y["not_finite"], y["not_null"]) or not (
                    _close(x["sum"], y["sum"]) and _close(x["weighted"], y["weighted"])):
                found.append(f"{c}: {x} -> {y}")
        if found:
            out[table] = "; ".join(found)
    return out


if __name__ == "__main__":
    print(json.dumps(marts_fingerprint(sys.argv[1]), indent=1, sort_keys=True))
