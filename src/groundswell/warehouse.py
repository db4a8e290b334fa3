"""The DuckDB files: the writer, the validated candidate and the published snapshot.

DuckDB allows one writing process *or* many reading processes per file, never
both.  So the pipeline writes ``warehouse.duckdb`` alone, and everyone else
(dashboards, analysts) opens ``published/warehouse.duckdb`` read-only.  A new
snapshot is a new file holding the publishable schemas of the checkpointed writer
(never ``raw``), validated while it is still a candidate, then kept under
``published/snapshots/`` and put in place with an atomic rename: readers see the
old snapshot or the new one, never half of either, and ``rollback`` puts a kept
one back the same way.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.ops import ensure_ops_schema
from groundswell.sources import SOURCES
from groundswell.sources.base import quote_ident, quote_literal


class SnapshotMissingError(FileNotFoundError):
    def __init__(self, path: Path, why: str | None = None) -> None:
        super().__init__(
            f"{path} is missing: {why}" if why else
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
    from groundswell.landing import ensure_contracts

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
    contract files (groundswell.landing.ensure_contracts), every commit a killed landing journaled
    finished (groundswell.lake), and the writer's ``raw`` views over the lake.

    A writer from before the lake (raw tables inside it) has them moved to the lake first
    (groundswell.lake_migration)."""
    from groundswell.landing import ensure_contracts

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
        from groundswell.lake_migration import migrate

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
    # What the model did not train on, to learn from, once: the out-of-fold labels of each
    # corrected record under the industry's current model (groundswell.enrichment.learning).
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


#: The schemas a published snapshot holds: what dashboards and analysts read. The rest stays
#: in the writer: ``raw`` (payloads, customers' identities in clear), the staging and
#: intermediate views over it, and ``enrichment``. A snapshot is a new file holding only these
#: tables, not a copy of the writer with schemas dropped: dropped data would linger in freed blocks.
PUBLISHED_SCHEMAS = ("marts", "seeds", "ops")

# A candidate older than this was left by a gate that was killed: nothing will publish it.
STALE_CANDIDATE_SECONDS = 6 * 3600


def take_candidate(settings: Settings | None = None, run_id: str | None = None) -> Path:
    """A new snapshot file beside the published one: the published schemas of the writer.

    It carries ``meta.snapshot`` (when it was taken, by which run) so readers can say how
    fresh their numbers are, and the ops summaries (``groundswell.ops.summarize``).
    """
    from groundswell.ops import summarize
    from groundswell.semantic import SemanticLayer

    settings = settings or get_settings()
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_candidates(settings)
    candidate = settings.published_dir / f".candidate-{uuid.uuid4().hex}.duckdb"
    # Through the writer's own connection, the candidate attached to it: a process that already
    # holds the writer (dbt-duckdb keeps its database open after a Cosmos task) cannot attach the
    # writer file a second time, but can always attach a new file.
    try:
        with writer(settings) as con:
            source = con.execute("SELECT current_database()").fetchone()[0]
            con.execute(f"ATTACH {quote_literal(str(candidate))} AS candidate")
            try:
                manifest = _dbt_manifest(settings)
                private = _private_models(manifest)
                if settings.engine == "spark":
                    # dbt built the marts and seeds on Spark: they are its tables' Parquet files
                    _copy_spark_tables(con, settings, manifest, private, "candidate", SPARK_PUBLISHED_SCHEMAS)
                    _copy_tables(con, source, "candidate", ("ops",))
                else:
                    _copy_tables(con, source, "candidate", PUBLISHED_SCHEMAS, private)
                summarize(con, source, "candidate")
                con.execute("CREATE SCHEMA candidate.meta")
                con.execute(
                    "CREATE TABLE candidate.meta.snapshot AS "
                    "SELECT ?::TIMESTAMP AS snapshot_at, ?::VARCHAR AS run_id",
                    [utcnow(), run_id or "manual"],
                )
                # The metric definitions of these marts, as the pages and the digest render them
                # (groundswell.semantic): a snapshot always carries the definitions it was built with.
                con.execute("CREATE TABLE candidate.meta.semantic_layer AS SELECT ?::VARCHAR AS definitions",
                            [SemanticLayer.from_manifest(manifest).to_json()])
                con.execute("CHECKPOINT candidate")  # all in the file, nothing in a WAL beside it
            finally:
                con.execute("DETACH candidate")
    except BaseException:
        discard_candidate(candidate)
        raise
    return candidate


def _dbt_manifest(settings: Settings) -> dict:
    """The manifest of the home's last dbt command (every command writes it); no nodes when dbt
    has never run in this home, where no dbt model is in the writer either."""
    from groundswell.transform import manifest_path

    path = manifest_path(settings)
    return json.loads(path.read_text()) if path.is_file() else {"nodes": {}}


def _private_models(manifest: dict) -> set[tuple[str, str]]:
    """(schema, name) of the models dbt marks ``access: private``: the building blocks of a group's
    public marts (agg_influencer_authors, whose rows dim_influencers carries scored), which the
    snapshot leaves out."""
    return {(n["schema"], n["alias"]) for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n.get("access") == "private"}


def _copy_tables(con: duckdb.DuckDBPyConnection, source_db: str, target_db: str,
                 schemas: tuple[str, ...], private: set[tuple[str, str]] = frozenset()) -> None:
    """Every table and view of ``schemas`` from ``source_db`` into ``target_db`` as a table, with its
    comments (dbt's docs), but the ``private`` ones. A view is computed once, here
    (fct_care_messages judges its open messages at as_of), so readers of the snapshot read stored
    rows."""
    tables = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        "WHERE database_name = ? AND list_contains(?, schema_name) "
        "UNION ALL SELECT schema_name, view_name, comment FROM duckdb_views() "
        "WHERE database_name = ? AND list_contains(?, schema_name) AND NOT internal ORDER BY ALL",
        [source_db, list(schemas), source_db, list(schemas)]).fetchall()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = ? AND list_contains(?, schema_name) AND comment IS NOT NULL "
        "AND comment <> ''", [source_db, list(schemas)]).fetchall()
    tables = [t for t in tables if (t[0], t[1]) not in private]
    columns = [c for c in columns if (c[0], c[1]) not in private]
    target = quote_ident(target_db)
    for schema in sorted({t[0] for t in tables}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {target}.{quote_ident(schema)}")
    for schema, table, comment in tables:
        name = f"{quote_ident(schema)}.{quote_ident(table)}"
        con.execute(f"CREATE TABLE {target}.{name} AS SELECT * FROM {quote_ident(source_db)}.{name}")
        if comment:
            con.execute(f"COMMENT ON TABLE {target}.{name} IS {quote_literal(comment)}")
    for schema, table, column, comment in columns:
        column_name = ".".join(quote_ident(n) for n in (schema, table, column))
        con.execute(f"COMMENT ON COLUMN {target}.{column_name} IS {quote_literal(comment)}")


#: What Spark builds of the published schemas (ops is the writer's, whatever the engine).
SPARK_PUBLISHED_SCHEMAS = ("marts", "seeds")


def _copy_spark_tables(con: duckdb.DuckDBPyConnection, settings: Settings, manifest: dict,
                       private: set[tuple[str, str]], target_db: str, schemas: tuple[str, ...]) -> None:
    """The models and seeds of ``schemas`` that dbt built on Spark, from their tables' Parquet files
    under Spark's warehouse (``<schema>.db/<name>/``), into ``target_db``, with dbt's descriptions
    as comments (from the manifest of the build: Spark's catalogue is not this process's), but the
    private models."""
    target = quote_ident(target_db)
    nodes = sorted((n for n in manifest["nodes"].values()
                    if n["resource_type"] in ("model", "seed") and n["schema"] in schemas
                    and n["config"].get("enabled", True) and (n["schema"], n["alias"]) not in private),
                   key=lambda n: (n["schema"], n["alias"]))
    if not nodes:
        raise SnapshotMissingError(settings.dbt_target_dir / "manifest.json", "dbt has not run on Spark "
                                   "in this home: run the build (groundswell build) before the gate")
    for schema in sorted({n["schema"] for n in nodes}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {target}.{quote_ident(schema)}")
    for node in nodes:
        folder = f"{settings.spark_warehouse_dir}/{node['schema']}.db/{node['alias'].lower()}"
        if not Path(folder).is_dir():
            raise SnapshotMissingError(Path(folder), f"dbt has not built {node['schema']}.{node['alias']} "
                                       "on Spark: run the build (groundswell build) before the gate")
        name = f"{quote_ident(node['schema'])}.{quote_ident(node['alias'])}"
        con.execute(f"CREATE TABLE {target}.{name} AS SELECT * FROM "
                    f"read_parquet({quote_literal(folder + '/*.parquet')})")
        if node.get("description"):
            con.execute(f"COMMENT ON TABLE {target}.{name} IS {quote_literal(node['description'].strip())}")
        columns = {c[0] for c in con.execute(f"DESCRIBE {target}.{name}").fetchall()}
        for column, spec in node.get("columns", {}).items():
            if spec.get("description") and column in columns:
                con.execute(f"COMMENT ON COLUMN {target}.{name}.{quote_ident(column)} IS "
                            f"{quote_literal(spec['description'].strip())}")


def _remove_stale_candidates(settings: Settings) -> None:
    import time

    for path in settings.published_dir.glob(".candidate-*"):
        try:
            if time.time() - path.stat().st_mtime > STALE_CANDIDATE_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass


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


class RollbackError(RuntimeError):
    """There is no snapshot to go back to; the message says what is kept."""


def publish(candidate: Path, settings: Settings | None = None) -> Path:
    """Make a validated candidate the published snapshot, atomically; keep the last N.

    The candidate moves to ``published/snapshots/<id>.duckdb`` (with its manifest, the gate's
    report inside), then ``published/warehouse.duckdb`` becomes a hard link to it through an
    atomic rename: a reader opens the old snapshot or the new one, never a half-written file.
    Readers that opened the old file keep reading it until they close.
    """
    settings = settings or get_settings()
    report = read_report(candidate)
    if not candidate.exists():
        raise FileNotFoundError(
            f"candidate snapshot {candidate} is gone: run the validation gate again to take a new one"
        )
    settings.snapshots_dir.mkdir(parents=True, exist_ok=True)
    _keep_unversioned_current(settings)
    published_at = utcnow()
    snapshot_id = f"{published_at:%Y%m%dT%H%M%S%f}"
    stored = settings.snapshots_dir / f"{snapshot_id}.duckdb"
    with connect(candidate, read_only=True) as con:
        run_id = con.execute("SELECT max(run_id) FROM meta.snapshot").fetchone()[0]
    manifest = {
        "snapshot_id": snapshot_id,
        "published_at": published_at.isoformat(timespec="seconds") + "Z",
        "run_id": run_id,
        "snapshot": str(settings.published_path),
        "validation": report,
    }
    _write_json(settings.snapshots_dir / f"{snapshot_id}.json", manifest)
    os.replace(candidate, stored)
    candidate_report_path(candidate).unlink(missing_ok=True)
    _make_current(settings, snapshot_id, manifest)
    _prune(settings)
    return settings.published_path


def _write_json(path: Path, content: dict) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(content, indent=2, default=str))
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_current(settings: Settings, snapshot_id: str, manifest: dict) -> None:
    """Point ``published/warehouse.duckdb`` at a kept snapshot: link, then one atomic rename."""
    link = settings.published_dir / f".current-{uuid.uuid4().hex}.duckdb"
    os.link(settings.snapshots_dir / f"{snapshot_id}.duckdb", link)
    os.replace(link, settings.published_path)
    _fsync_dir(settings.published_dir)
    _write_json(settings.published_dir / "manifest.json", manifest)


def snapshots(settings: Settings | None = None) -> list[dict]:
    """The kept snapshots, oldest first: id, published_at, run_id, size and whether current."""
    settings = settings or get_settings()
    if not settings.snapshots_dir.exists():
        return []
    current = current_snapshot_id(settings)
    kept = []
    for path in sorted(settings.snapshots_dir.glob("*.duckdb")):
        info_path = path.with_suffix(".json")
        info = json.loads(info_path.read_text()) if info_path.exists() else {}
        kept.append({"snapshot_id": path.stem, "published_at": info.get("published_at"),
                     "run_id": info.get("run_id"), "bytes": path.stat().st_size,
                     "current": path.stem == current})
    return kept


def current_snapshot_id(settings: Settings) -> str | None:
    """The kept snapshot the published file is (by inode: true even if a crash left the manifest behind)."""
    try:
        inode = settings.published_path.stat().st_ino
    except FileNotFoundError:
        return None
    for path in settings.snapshots_dir.glob("*.duckdb"):
        if path.stat().st_ino == inode:
            return path.stem
    return None


def _keep_unversioned_current(settings: Settings) -> None:
    """A published file from before snapshots were kept becomes the first kept one."""
    if settings.published_path.exists() and current_snapshot_id(settings) is None:
        stamp = datetime.fromtimestamp(settings.published_path.stat().st_mtime, UTC)
        snapshot_id = f"{stamp:%Y%m%dT%H%M%S%f}"
        os.link(settings.published_path, settings.snapshots_dir / f"{snapshot_id}.duckdb")
        _write_json(settings.snapshots_dir / f"{snapshot_id}.json",
                    {"snapshot_id": snapshot_id, "published_at": stamp.isoformat(timespec="seconds"),
                     "run_id": None, "note": "published before snapshots were kept"})


def _prune(settings: Settings) -> None:
    """Keep the newest ``snapshots_keep`` snapshots, and the current one whatever its age."""
    current = current_snapshot_id(settings)
    kept = sorted(settings.snapshots_dir.glob("*.duckdb"))
    for path in kept[:-settings.snapshots_keep]:
        if path.stem != current:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)


def rollback(settings: Settings | None = None, to: str | None = None) -> str:
    """Publish again the snapshot kept before the current one (or snapshot ``to``); return its id.

    The same atomic swap as a publish. The snapshot rolled back from stays kept, so a
    rollback can itself be undone with ``to``; the next build publishes as usual.
    """
    settings = settings or get_settings()
    kept = [s["snapshot_id"] for s in snapshots(settings)]
    current = current_snapshot_id(settings)
    if to is None:
        earlier = [s for s in kept if current is None or s < current]
        if not earlier:
            raise RollbackError(
                f"no snapshot older than the current one ({current or 'none'}) is kept in "
                f"{settings.snapshots_dir}: kept {kept or 'none'} (GROUNDSWELL_SNAPSHOTS_KEEP="
                f"{settings.snapshots_keep}). `groundswell snapshots` lists them.")
        to = earlier[-1]
    elif to not in kept:
        raise RollbackError(f"snapshot {to!r} is not kept in {settings.snapshots_dir}: kept {kept or 'none'}")
    info_path = settings.snapshots_dir / f"{to}.json"
    manifest = json.loads(info_path.read_text()) if info_path.exists() else {"snapshot_id": to}
    manifest |= {"rolled_back_at": utcnow().isoformat(timespec="seconds") + "Z",
                 "rolled_back_from": current}
    _make_current(settings, to, manifest)
    return to
