"""Move the raw tables of a writer from before the lake into the lake, once.

Until the raw layer became a lake, ``warehouse.duckdb`` held ``raw.<table>``, ``raw.quarantine``
and ``raw.load_audit``. The first time a writer of that kind is opened, each landed batch moves to
``raw/<table>/dt=<day it landed>/<batch_id>.parquet`` (its quarantined records likewise) and every
audit row to its own audit file, then the tables are dropped. Paths are the batch's own, so a
migration killed part way is simply run again by the next open.
"""

from __future__ import annotations

import logging

import duckdb

from groundswell.config import Settings
from groundswell.lake import AUDIT_COLUMNS
from groundswell.land.sources import SOURCES
from groundswell.land.sources.base import quote_ident, quote_literal

log = logging.getLogger(__name__)


def migrate(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    lake = settings.raw_lake
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND table_type = 'BASE TABLE' AND table_catalog = current_database()").fetchall()}
    by_table = {s.table: s for s in SOURCES.values()}
    for table in sorted(tables & set(by_table)):
        source = by_table[table]
        columns = ", ".join(quote_ident(n) for n, _ in source.columns())
        _move(con, lake, "raw", table,
              f"SELECT {columns}, _batch_id AS batch, _loaded_at::DATE AS day FROM raw.{quote_ident(table)}")
        if "quarantine" in tables:
            _move(con, lake, "quarantine", table,
                  "SELECT *, batch_id AS batch, quarantined_at::DATE AS day FROM raw.quarantine "
                  f"WHERE target_table = {quote_literal(source.qualified_table)}")
        if "load_audit" in tables:
            older = {"dt": "started_at::DATE AS dt",
                     "replaced_batches": "NULL::VARCHAR[] AS replaced_batches"}
            select = ", ".join(older.get(n, quote_ident(n)) for n, _ in AUDIT_COLUMNS)
            _move(con, lake, "load_audit", table,
                  f"SELECT {select}, batch_id || '@' || strftime(started_at, '%Y%m%dT%H%M%S%f') AS batch, "
                  f"started_at::DATE AS day FROM raw.load_audit "
                  f"WHERE target_table = {quote_literal(source.qualified_table)}")
        log.info("moved raw.%s to the lake (%s)", table, lake.path("raw", table))
    for table in sorted(tables):
        con.execute(f"DROP TABLE raw.{quote_ident(table)}")
    con.execute("CHECKPOINT")


def _move(con: duckdb.DuckDBPyConnection, lake, dataset: str, table: str, select: str) -> None:
    """One file per (day, batch) of ``select`` (its columns plus ``batch`` and ``day``)."""
    lake.write_batches(con, dataset, table, select)
