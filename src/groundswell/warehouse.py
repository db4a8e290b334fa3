"""The writer database and read-only connections to what is published.

DuckDB allows one writing process *or* many reading processes per file, never both.  So the
pipeline writes ``warehouse.duckdb`` alone (:func:`writer`, with the ``raw`` views over the lake
and the ``enrichment`` and ``ops`` schemas in place), and everyone else (dashboards, analysts, the
digest) opens the published snapshot read-only (:func:`published`), which groundswell.publish
takes, validates and puts in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.land.sources import SOURCES
from groundswell.land.sources.base import quote_ident, quote_literal


class SnapshotMissingError(FileNotFoundError):
    def __init__(self, path: Path, why: str | None = None) -> None:
        super().__init__(
            f"{path} is missing: {why}" if why else
            f"no published snapshot at {path}: run `groundswell build` (or `groundswell demo`) "
            "first, or point GROUNDSWELL_HOME at the folder that holds published/"
        )


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``schema.table`` exists on ``con`` (a snapshot may predate a mart)."""
    schema, name = table.split(".")
    return bool(con.execute("select count(*) from information_schema.tables "
                            "where table_schema = ? and table_name = ?", [schema, name]).fetchone()[0])


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextmanager
def writer(settings: Settings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer database, its ``raw`` views over the lake in place; closed on exit."""
    settings = settings or get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    con = connect(settings.warehouse_path)
    try:
        # Bounded: a statement larger than memory spills to $warehouse.tmp instead of growing the process.
        con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
        ensure_raw_schema(con, settings)
        ensure_enrichment_schema(con)
        ensure_ops_schema(con)
        yield con
    finally:
        con.close()


@contextmanager
def lake_reader(settings: Settings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with the ``raw`` views over the lake: reads what landed (tables,
    quarantine, load audit) without opening the writer, so it never waits for a pipeline task."""
    from groundswell.land.landing import ensure_contracts

    settings = settings or get_settings()
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        settings.raw_lake.register(con)
        ensure_contracts(con, settings.raw_lake, SOURCES.values())
        con.execute("CREATE SCHEMA raw")
        for name, body in raw_views(settings).items():
            con.execute(f"CREATE VIEW raw.{quote_ident(name)} AS {body}")
        yield con
    finally:
        con.close()


def raw_views(settings: Settings) -> dict[str, str]:
    """``raw.<name>`` -> the lake it reads: every source's table, ``quarantine`` and ``load_audit``.

    The writer holds no raw data: these views let ``groundswell sql --writer``, the gate's raw
    suites and the ops summaries read the lake by the names they always had. dbt reads the lake
    directly (its sources' ``external_location``)."""
    lake = settings.raw_lake
    views = {source.table: f"SELECT * FROM {lake.read_sql('raw', source.table)}"
             for source in SOURCES.values()}
    views["quarantine"] = f"SELECT * EXCLUDE (dt) FROM {lake.read_sql('quarantine')}"
    views["load_audit"] = f"SELECT * FROM {lake.read_sql('load_audit')}"
    return views


def ensure_raw_schema(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> None:
    """Every raw table readable, so every model builds before its source has landed: the lake's
    contract files (groundswell.land.landing.ensure_contracts), every commit a killed landing journaled
    finished (groundswell.lake), and the writer's ``raw`` views over the lake.

    A writer from before the lake (raw tables inside it) has them moved to the lake first
    (groundswell.land.lake_migration)."""
    from groundswell.land.landing import ensure_contracts

    settings = settings or get_settings()
    lake = settings.raw_lake
    lake.register(con)
    ensure_contracts(con, lake, SOURCES.values())
    lake.recover_pending([source.table for source in SOURCES.values()])
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    existing = dict(con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND table_catalog = current_database()").fetchall())
    if any(kind == "BASE TABLE" for kind in existing.values()):
        from groundswell.land.lake_migration import migrate

        migrate(con, settings)
        existing = {}
    current = dict(con.execute(
        "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'raw' "
        "AND database_name = current_database()").fetchall())
    for name, body in raw_views(settings).items():
        # Views are re-created only when what they read changed (their comment says what they
        # were made from): binding one lists the lake's files.
        made_from = f"groundswell raw view over the lake: {body}"
        if current.get(name) != made_from:
            con.execute(f"CREATE OR REPLACE VIEW raw.{quote_ident(name)} AS {body}")
            con.execute(f"COMMENT ON VIEW raw.{quote_ident(name)} IS {quote_literal(made_from)}")


# Written by groundswell.transform.enrichment (sentiment, complaint type and topic of inbound texts),
# read by dbt as source `enrichment.texts`. Created here, empty, with the raw tables, so the
# models that join it build even when enrichment has never run.
ENRICHMENT_DDL = (
    "CREATE SCHEMA IF NOT EXISTS enrichment",
    """CREATE TABLE IF NOT EXISTS enrichment.texts (
      source VARCHAR NOT NULL,
      record_id VARCHAR NOT NULL,
      text_md5 VARCHAR NOT NULL,
      rules_version VARCHAR NOT NULL,
      sentiment_score DOUBLE NOT NULL,
      sentiment_label VARCHAR NOT NULL,
      complaint_type VARCHAR NOT NULL,
      complaint_topic VARCHAR NOT NULL,
      industry_hint VARCHAR,
      enriched_at TIMESTAMP NOT NULL
    )""",
    # What the model did not train on, to learn from, once: the out-of-fold labels of each
    # corrected record under the industry's current model (groundswell.transform.enrichment.learning).
    """CREATE TABLE IF NOT EXISTS enrichment.held_out (
      industry VARCHAR NOT NULL,
      version VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      record_id VARCHAR NOT NULL,
      sentiment_label VARCHAR,
      complaint_topic VARCHAR
    )""",
)
#: Columns ``enrichment.texts`` gained after it was first created: added to an older warehouse.
ENRICHMENT_ADDED_COLUMNS = (
    ("label_source", "VARCHAR"),  # analyst, model or rules: who set the labels used
    ("analyst_sentiment_label", "VARCHAR"),  # the latest correction's labels, NULL where it set none
    ("analyst_complaint_type", "VARCHAR"),
    ("analyst_complaint_topic", "VARCHAR"),
    ("machine_sentiment_label", "VARCHAR"),  # what rules or the model say, not having seen the correction
    ("machine_complaint_type", "VARCHAR"),
    ("machine_complaint_topic", "VARCHAR"),
    ("reviewed_text", "VARCHAR"),  # a corrected record's pre-cleaned text: what the model learns from
)


def ensure_enrichment_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``enrichment.texts`` (empty) so dbt finds it before enrichment ever ran; give an older
    one the columns it lacks (NULL: its rows are scored again under the new rules version)."""
    for ddl in ENRICHMENT_DDL:
        con.execute(ddl)
    for name, kind in ENRICHMENT_ADDED_COLUMNS:
        con.execute(f"ALTER TABLE enrichment.texts ADD COLUMN IF NOT EXISTS {name} {kind}")


# The run records (groundswell.ops): what each run received, landed, tested, validated and sent.
OPS_DDL = (
    "CREATE SCHEMA IF NOT EXISTS ops",
    """CREATE TABLE IF NOT EXISTS ops.alerts (
      alert_key VARCHAR PRIMARY KEY,
      kind VARCHAR NOT NULL,      -- crisis, task_failure, source_late
      subject VARCHAR NOT NULL,
      text VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,   -- webhook, email, log, or stale (recorded, not sent)
      created_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ops.dbt_results (
      invocation_id VARCHAR NOT NULL,
      dag_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      unique_id VARCHAR NOT NULL,
      resource_type VARCHAR NOT NULL,  -- model, seed, test, unit_test
      status VARCHAR NOT NULL,         -- success, error, skipped, pass, fail, warn
      failures BIGINT,                 -- failing rows of a test
      execution_seconds DOUBLE,
      message VARCHAR,
      recorded_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ops.source_freshness (
      checked_at TIMESTAMP NOT NULL,
      dag_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      source_name VARCHAR NOT NULL,
      table_name VARCHAR NOT NULL,
      max_loaded_at TIMESTAMP,         -- NULL: nothing landed yet
      age_hours DOUBLE,
      warn_after_hours DOUBLE,
      error_after_hours DOUBLE,
      status VARCHAR NOT NULL          -- pass, warn, error, runtime error, no data (table empty);
                                       -- error also when the newest event is past error_after
    )""",
    """CREATE TABLE IF NOT EXISTS ops.validation_results (
      validated_at TIMESTAMP NOT NULL,
      dag_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      suite VARCHAR NOT NULL,
      rows_checked BIGINT NOT NULL,
      success BOOLEAN NOT NULL,
      failed_expectations INTEGER NOT NULL,
      failures VARCHAR                 -- JSON: each failed expectation with a sample
    )""",
)


#: Columns ops tables gained after they were first created: added to an older warehouse in place.
OPS_ADDED_COLUMNS = (
    # The newest event of the source (its sources yml's ``event_time`` column), NULL without one or
    # when nothing landed; its age at the check; which judgement made it late (groundswell.gate.freshness).
    ("source_freshness", "max_event_at", "TIMESTAMP"),
    ("source_freshness", "event_age_hours", "DOUBLE"),
    ("source_freshness", "late_by", "VARCHAR"),  # load time, event time, load and event time; NULL: not late
)


def ensure_ops_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ops tables; give an older warehouse's the columns they lack (NULL in old rows)."""
    for ddl in OPS_DDL:
        con.execute(ddl)
    for table, name, kind in OPS_ADDED_COLUMNS:
        con.execute(f"ALTER TABLE ops.{table} ADD COLUMN IF NOT EXISTS {name} {kind}")


@contextmanager
def published(settings: Settings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published snapshot."""
    settings = settings or get_settings()
    path = settings.published_path
    if not path.exists():
        raise SnapshotMissingError(path)
    con = connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()


