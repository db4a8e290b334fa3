"""dbt, run in-process with dbt's programmatic runner (the same one Cosmos uses)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from groundswell.config import Settings, get_settings
from groundswell.warehouse import writer

log = logging.getLogger(__name__)


#: dbt's console output, as log records, while :func:`console_to_log` is in effect.
console_log = logging.getLogger("groundswell.dbt")

#: The log file dbt's console output goes to (through ``console_log``), or None: dbt prints it.
_CONSOLE_LOG: ContextVar[Path | None] = ContextVar("groundswell_dbt_console_log", default=None)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LEVELS = {"info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}


class DbtError(RuntimeError):
    """A dbt command failed: the message names the nodes that failed and the log to read."""


@contextmanager
def console_to_log(log_file: Path) -> Iterator[None]:
    """Inside it, dbt prints nothing: what it would print (a line per node, its errors) becomes
    records of the ``groundswell.dbt`` logger, which the caller writes to ``log_file``, and a
    failure names that file. `groundswell build` keeps the terminal for its own lines this way;
    Airflow's task logs keep dbt's output as it is (nothing enters this outside the CLI)."""
    token = _CONSOLE_LOG.set(log_file)
    try:
        yield
    finally:
        _CONSOLE_LOG.reset(token)


def _log_console_event(msg) -> None:
    """A dbt event callback: the events dbt's console shows (info and above), as log records."""
    level = _LEVELS.get(msg.info.level)
    if level is None:
        return
    from dbt_common.events.functions import env_scrubber  # dbt's console hides secrets: so do we

    console_log.log(level, "%s", _ANSI.sub("", env_scrubber(msg.info.msg)))


_TEST_OUTCOMES = {"pass": "passed", "fail": "failed", "warn": "warned", "error": "errored"}
_NODE_OUTCOMES = {"success": "built", "error": "failed"}


def summarize(result: object) -> dict[str, int]:
    """What a dbt invocation did, by kind and outcome: ``{"models built": 70, "seeds built": 15,
    "tests passed": 436}`` (tests: data and unit tests; hooks left out)."""
    counts: Counter[str] = Counter()
    for r in getattr(result, "results", None) or []:
        kind, status = str(getattr(r.node, "resource_type", "node")), str(r.status)
        if kind == "operation":  # the project's on-run-start/end hooks
            continue
        if kind in ("test", "unit_test"):
            counts[f"tests {_TEST_OUTCOMES.get(status, status)}"] += 1
        else:
            counts[f"{kind}s {_NODE_OUTCOMES.get(status, status)}"] += 1
    return dict(sorted(counts.items()))


_FAILED = ("error", "fail", "runtime error")


def failures(result: object, limit: int = 10) -> list[str]:
    """One line per node that failed or errored (the first ``limit``): its unique id and the first
    line of dbt's message (a test: how many rows it found)."""
    failed = [r for r in getattr(result, "results", None) or [] if str(r.status) in _FAILED]
    lines = [f"  {r.node.unique_id}: {(str(r.message or r.status).strip().splitlines() or [''])[0]}"
             for r in failed[:limit]]
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more")
    return lines


def _failure_message(args: list[str], invocation, log: Path) -> str:
    """What a failed dbt command tells its user: which nodes failed, and the log with the rest."""
    nodes = getattr(invocation.result, "results", None) or []
    failed = sum(1 for r in nodes if str(r.status) in _FAILED)
    skipped = sum(1 for r in nodes if str(r.status) == "skipped")
    head = f"dbt {' '.join(args)} failed"
    if invocation.exception:
        head += f": {invocation.exception}"
    elif failed:
        head += f": {failed} node(s) failed" + (f", {skipped} skipped after them" if skipped else "")
    return "\n".join([head, *failures(invocation.result), f"log: {log}"])


def run_dbt(args: list[str], settings: Settings | None = None, *, touches_db: bool = True,
            check: bool = True) -> object:
    """Run one dbt command against the writer database of ``settings``; ``check``: raise if it failed."""
    settings = (settings or get_settings()).apply()
    settings.check_project()
    if touches_db:
        # Every raw table exists before dbt looks at its sources, landed or not.
        with writer(settings):
            pass
    from dbt.cli.main import dbtRunner  # heavy import: only when transforming

    forget_stale_partial_parse(settings)
    spark = settings.engine == "spark"
    if spark:
        _prepare_spark(settings)
    console_file = _CONSOLE_LOG.get()
    quiet = ["--log-level", "none", "--log-level-file", "debug"] if console_file else []
    try:
        result = dbtRunner(callbacks=[_log_console_event] if console_file else []).invoke(
            [*args, *quiet, "--project-dir", str(settings.dbt_project_dir),
             "--profiles-dir", str(settings.dbt_project_dir)]
        )
    finally:
        _release_duckdb()
        if spark and settings.pseudonym_key is None:
            # A key from the home's file was read when dbt started Spark (dbt/profiles.yml): not
            # left in this process's environment, where it would follow it into any other home.
            os.environ.pop(_SPARK_KEY_ENV, None)
    if spark and touches_db:
        from groundswell.ops import record_dbt_results

        record_dbt_results(result.result, settings)
    if check and not result.success:
        raise DbtError(_failure_message(args, result, console_file or settings.logs_dir / "dbt" / "dbt.log"))
    return result.result


_SPARK_KEY_ENV = "GROUNDSWELL_PSEUDONYM_KEY"


def forget_stale_partial_parse(settings: Settings) -> None:
    """Drop dbt's partial parse when a model's SQL or yml changed since it was written.

    dbt 1.12 re-reads a yml defining metrics as a second copy of each of its metrics and stops
    ("two metrics named social_roi"). Not only when that file changed: a changed source yml
    re-parses the files of the models that read it, and a changed model's SQL re-parses its yml,
    metrics included (both broke the next build). So the first build after any change under
    models/ parses in full, a few seconds once; runs without a change (a DAG's tasks, the hourly
    listening run) keep the partial parse.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in settings.dbt_project_dir.glob("models/**/*") if p.is_file()):
        digest.update(str(path.relative_to(settings.dbt_project_dir)).encode() + b"\0" + path.read_bytes())
    stamp = settings.dbt_target_dir / "semantic-layer.sha256"
    if stamp.is_file() and stamp.read_text() == digest.hexdigest():
        return
    (settings.dbt_target_dir / "partial_parse.msgpack").unlink(missing_ok=True)
    settings.dbt_target_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest.hexdigest())


def _prepare_spark(settings: Settings) -> None:
    """What a dbt run on Spark needs in this process: the pseudonyms' key for the session
    (macros/pseudonymize.sql), Spark's folders under the home, and PySpark's own logger quiet
    (it prints every failed statement's JVM stack trace as JSON; dbt reports the error)."""
    os.environ[_SPARK_KEY_ENV] = settings.pseudonym_key_value()
    settings.spark_dir.mkdir(parents=True, exist_ok=True)
    if not (settings.enrichment_export_dir / "texts.parquet").exists():
        # Spark reads enrichment's scores from their export (a source like any other): a home
        # whose enrichment never ran on this engine exports what it holds (nothing, at first).
        from groundswell.transform.enrichment.incremental import export_texts

        with writer(settings) as con:
            export_texts(con, settings)
    try:
        from pyspark.logger import PySparkLogger
    except ImportError as exc:
        raise DbtError("GROUNDSWELL_ENGINE=spark needs the spark extra and a Java runtime: "
                       "run `make spark` (Debian's JRE, pyspark and dbt-spark)") from exc
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and not active.conf.get("spark.sql.warehouse.dir").rstrip("/").endswith(
            settings.spark_warehouse_dir.rstrip("/")):
        # A session's warehouse and metastore are fixed when it starts.
        raise DbtError(f"this process already runs Spark for another home "
                       f"({active.conf.get('spark.sql.warehouse.dir')}): run each home's builds "
                       "in their own process")


def _release_duckdb() -> None:
    """Close the database dbt-duckdb keeps open in this process after a run.

    dbt-duckdb caches one DuckDB instance per process; left open, it holds the
    writer's lock and makes any later connection with another configuration
    (a read-only one, say) fail in this process.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
        DuckDBConnectionManager._ENV = None


def register_sources(settings: Settings | None = None) -> None:
    """On Spark, the views its sources read (the lake, enrichment's export), made again before
    a build (dbt/macros/engine.sql, register_lake_sources). DuckDB's are the writer's own."""
    settings = settings or get_settings()
    if settings.engine == "spark":
        run_dbt(["run-operation", "register_lake_sources"], settings)


def build(settings: Settings | None = None, select: str | None = None, *,
          full_refresh: bool = False) -> object:
    """``dbt seed``, ``run`` and ``test`` of the whole project (or a selection), in DAG order.

    ``full_refresh`` rebuilds incremental models and reloads seeds from scratch: needed once
    after an upgrade that changes their columns, or after editing a seed they depend on.

    A selection runs the tests whose every parent it builds, or built before it ("buildable"):
    a test between a selected model and a seed outside the selection (``relationships`` to
    ``departments``) waits for a build that has both, instead of failing on a missing table.

    Returns dbt's result (:func:`summarize` counts it).
    """
    return run_dbt(["build", *(["--select", select, "--indirect-selection", "buildable"] if select else []),
                    *(["--full-refresh"] if full_refresh else [])], settings)


def parse(settings: Settings | None = None) -> Path:
    """Write ``manifest.json``: Cosmos renders the build DAG from it."""
    settings = settings or get_settings()
    run_dbt(["parse"], settings, touches_db=False)
    return manifest_path(settings)


def manifest_path(settings: Settings) -> Path:
    return settings.dbt_target_dir / "manifest.json"


def semantic_manifest(settings: Settings | None = None) -> Path:
    """Write ``semantic_manifest.json`` where MetricFlow's ``mf`` reads it.

    ``mf`` reads ``<dbt project>/target/semantic_manifest.json`` and ignores
    DBT_TARGET_PATH, so this parse writes to the checkout's ``dbt/target``
    (gitignored), away from the pipeline's own target directory.
    """
    settings = settings or get_settings()
    target = settings.dbt_project_dir / "target"
    # A full parse: dbt 1.12's partial parse reads a metric moved between yml files as two metrics
    # of the same name ("two metrics named social_roi").
    run_dbt(["parse", "--quiet", "--no-partial-parse", "--target-path", str(target)], settings,
            touches_db=False)
    return target / "semantic_manifest.json"
