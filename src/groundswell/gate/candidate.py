"""The candidate: a new snapshot file of the writer's publishable schemas, which the gate validates
before groundswell.publish puts it in place (or discards it).

It is a new file beside the published one, holding only ``marts``, ``seeds`` and ``ops`` (never
``raw``) as tables, with ``meta.snapshot`` (when, which run) and ``meta.semantic_layer`` (the metric
definitions it was built with); the gate writes its report beside it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.land.sources.base import quote_ident, quote_literal
from groundswell.ops import summarize
from groundswell.runs import utcnow
from groundswell.transform.dbt import manifest_path
from groundswell.transform.semantic import SemanticLayer
from groundswell.warehouse import SnapshotMissingError, writer

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
                # (groundswell.transform.semantic): a snapshot carries the definitions it was built with.
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
