"""The DuckDB files: the writer, the validated candidate and the published snapshot.

DuckDB allows one writing process *or* many reading processes per file, never
both.  So the pipeline writes ``warehouse.duckdb`` alone, and everyone else
(dashboards, analysts) opens ``published/warehouse.duckdb`` read-only.  A new
snapshot is a copy of the checkpointed writer, validated while it is still a
candidate, then moved into place with an atomic rename: readers see the old
snapshot or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.sources import SOURCES

SYSTEM_DDL = (
    "CREATE SCHEMA IF NOT EXISTS raw",
    """CREATE TABLE IF NOT EXISTS raw.quarantine (
      batch_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      target_table VARCHAR NOT NULL,
      source_file VARCHAR,
      record_no BIGINT,
      reason VARCHAR NOT NULL,
      payload VARCHAR,
      quarantined_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.load_audit (
      batch_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      target_table VARCHAR NOT NULL,
      file_count INTEGER NOT NULL,
      files VARCHAR[] NOT NULL,
      received BIGINT NOT NULL,
      landed BIGINT NOT NULL,
      quarantined BIGINT NOT NULL,
      started_at TIMESTAMP NOT NULL,
      finished_at TIMESTAMP NOT NULL
    )""",
)


class SnapshotMissingError(FileNotFoundError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no published snapshot at {path}: run `groundswell build` (or `groundswell demo`) "
            "first, or point GROUNDSWELL_HOME at the folder that holds published/"
        )


def utcnow() -> datetime:
    """Now in UTC as a naive timestamp: every `_at` column in the warehouse is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextmanager
def writer(settings: Settings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer database with the raw schema in place; closed on exit."""
    settings = settings or get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    con = connect(settings.warehouse_path)
    try:
        # Bounded: a batch larger than memory spills to $warehouse.tmp instead of growing the process.
        con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
        ensure_raw_schema(con)
        ensure_enrichment_schema(con)
        yield con
    finally:
        con.close()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table, so every model builds before its source has landed."""
    for ddl in SYSTEM_DDL:
        con.execute(ddl)
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'raw'").fetchall():
        existing.setdefault(table, set()).add(column)
    for source in SOURCES.values():
        if source.table not in existing:
            con.execute(source.ddl())
            continue
        # A contract that gained a column since the table was made: add it (NULL for old rows).
        for name, typ in source.columns():
            if name not in existing[source.table]:
                con.execute(f'ALTER TABLE {source.qualified_table} ADD COLUMN "{name}" {typ}')


# Written by groundswell.enrichment (sentiment, complaint type and topic of inbound texts),
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
)


def ensure_enrichment_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``enrichment.texts`` (empty) so dbt finds it before enrichment ever ran."""
    for ddl in ENRICHMENT_DDL:
        con.execute(ddl)


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


def take_candidate(settings: Settings | None = None, run_id: str | None = None) -> Path:
    """Checkpoint the writer and copy it to a candidate snapshot beside the published one.

    The candidate carries ``meta.snapshot`` (when it was taken, by which run) so
    readers can say how fresh their numbers are.
    """
    settings = settings or get_settings()
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    candidate = settings.published_dir / f".candidate-{uuid.uuid4().hex}.duckdb"
    with writer(settings) as con:
        con.execute("CHECKPOINT")
        shutil.copyfile(settings.warehouse_path, candidate)
    con = connect(candidate)
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS meta")
        con.execute(
            "CREATE OR REPLACE TABLE meta.snapshot AS "
            "SELECT ?::TIMESTAMP AS snapshot_at, ?::VARCHAR AS run_id",
            [utcnow(), run_id or "manual"],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return candidate


def candidate_report_path(candidate: Path) -> Path:
    """Where the gate leaves its report for the publish step (possibly another process)."""
    return Path(f"{candidate}.json")


def discard_candidate(candidate: Path) -> None:
    for path in (candidate, Path(f"{candidate}.wal"), candidate_report_path(candidate)):
        path.unlink(missing_ok=True)


def read_report(candidate: Path) -> dict:
    """The gate's report left beside a candidate ({} when there is none)."""
    path = candidate_report_path(candidate)
    return json.loads(path.read_text()) if path.exists() else {}


def publish(candidate: Path, settings: Settings | None = None) -> Path:
    """Swap a validated candidate in as the published snapshot (atomic rename).

    The gate's report beside the candidate goes into ``published/manifest.json``.
    """
    settings = settings or get_settings()
    report = read_report(candidate)
    if not candidate.exists():
        raise FileNotFoundError(
            f"candidate snapshot {candidate} is gone: run the validation gate again to take a new one"
        )
    target = settings.published_path
    os.replace(candidate, target)
    manifest = {
        "published_at": utcnow().isoformat(timespec="seconds") + "Z",
        "snapshot": str(target),
        "validation": report,
    }
    tmp = settings.published_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, default=str))
    os.replace(tmp, settings.published_dir / "manifest.json")
    candidate_report_path(candidate).unlink(missing_ok=True)
    return target
