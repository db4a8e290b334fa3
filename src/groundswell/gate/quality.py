"""The validation gate: Great Expectations suites run on a candidate snapshot.

Suites are code in ``expectations/`` (one file per validated layer).  Each
names the SQL that yields the DataFrame it checks; the gate reads those
DataFrames from the candidate snapshot file (GX's SQL datasource returns empty
results on DuckDB, so GX only ever sees pandas), runs one checkpoint, stores
results and Data Docs under ``$GROUNDSWELL_HOME/gx``, and raises when any
suite fails so the publish step never runs.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from groundswell.config import Settings, get_settings
from groundswell.gate.candidate import candidate_report_path, discard_candidate, take_candidate
from groundswell.ops import record_validation, summarize_runs
from groundswell.runs import current_run, utcnow
from groundswell.warehouse import connect, writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suite:
    """Expectations on one DataFrame read from the snapshot."""

    name: str  # e.g. "marts.fct_post_performance"
    query: str  # SQL over the snapshot yielding the DataFrame
    expectations: Callable[[], list[Any]]  # fresh GX expectation objects per run
    description: str = ""
    # "snapshot": the candidate; "writer": the writer database, read-only, for checks on what
    # landed (raw payloads are never published, so they are checked where they are).
    reads: str = "snapshot"


class ValidationFailedError(RuntimeError):
    """A suite failed: the candidate is discarded and the published snapshot stays."""

    def __init__(self, report: dict) -> None:
        self.report = report
        lines = [f"validation gate failed; publish stopped (Data Docs: {report['data_docs']}):"]
        for suite in report["suites"]:
            for f in suite["failed"]:
                lines.append(f"  {suite['name']}: {f['expectation']}({f['kwargs']}) "
                             f"unexpected={f['unexpected_count']}")
                # Samples that are sentences (which batch, which command) read best one per line.
                lines.extend(f"    - {s}" for s in f["sample"])
        super().__init__("\n".join(lines))


def load_suites(settings: Settings | None = None) -> list[Suite]:
    """Every ``SUITES`` list in ``expectations/*.py``, in file name order."""
    settings = settings or get_settings()
    suites: list[Suite] = []
    for path in sorted(settings.expectations_dir.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"groundswell_expectations_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        suites.extend(getattr(module, "SUITES", []))
    if not suites:
        raise RuntimeError(f"no expectation suites found in {settings.expectations_dir}")
    return suites


def validate_snapshot(path: Path, settings: Settings | None = None,
                      suites: list[Suite] | None = None) -> dict:
    """Run every suite on the snapshot at ``path``; return a JSON-able report."""
    settings = settings or get_settings()
    settings.apply()
    import great_expectations as gx  # heavy import: only when validating

    suites = suites if suites is not None else load_suites(settings)
    con = connect(path, read_only=True)
    try:
        frames = {s.name: con.execute(s.query).df() for s in suites if s.reads == "snapshot"}
    finally:
        con.close()
    if any(s.reads == "writer" for s in suites):
        # Through writer(): the one configuration this process may hold the writer in (a Cosmos
        # task's dbt-duckdb keeps it open); the gate runs in the writer pool, so nobody writes.
        with writer(settings) as con:
            frames |= {s.name: con.execute(s.query).df() for s in suites if s.reads == "writer"}

    settings.home.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(settings.home))
    context.variables.progress_bars = {"globally": False}
    datasource = context.data_sources.add_or_update_pandas("warehouse")
    report: dict = {"snapshot": str(path), "validated_at": utcnow().isoformat() + "Z",
                    "data_docs": str(data_docs_index(settings)), "suites": []}
    for suite in suites:
        try:
            asset = datasource.get_asset(suite.name)
        except LookupError:
            asset = datasource.add_dataframe_asset(suite.name)
        try:
            batch = asset.get_batch_definition("snapshot")
        except KeyError:
            batch = asset.add_batch_definition_whole_dataframe("snapshot")
        gx_suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=suite.name, expectations=suite.expectations(),
                                notes=suite.description or None)
        )
        vd = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"gate:{suite.name}", data=batch, suite=gx_suite)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(name=f"gate:{suite.name}", validation_definitions=[vd],
                          actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                          result_format="SUMMARY")
        )
        result = checkpoint.run(batch_parameters={"dataframe": frames[suite.name]})
        failed = []
        for run in result.run_results.values():
            for r in run.results:
                if not r.success:
                    kwargs = {k: v for k, v in r.expectation_config.kwargs.items()
                              if k not in ("batch_id",)}
                    failed.append({
                        "expectation": r.expectation_config.type,
                        "kwargs": kwargs,
                        "unexpected_count": r.result.get("unexpected_count",
                                                         r.result.get("observed_value")),
                        "sample": r.result.get("partial_unexpected_list", [])[:5],
                    })
        report["suites"].append({"name": suite.name, "rows": len(frames[suite.name]),
                                 "success": result.success, "failed": failed})
    report["success"] = all(s["success"] for s in report["suites"])
    return report


def data_docs_index(settings: Settings) -> Path:
    return settings.gx_dir / "uncommitted" / "data_docs" / "local_site" / "index.html"


def gate(settings: Settings | None = None, run_id: str | None = None) -> Path:
    """Take a candidate snapshot and validate it; return it, or discard it and raise.

    The report is written beside the candidate so the publish step, possibly
    another process, can carry it into the manifest.
    """
    settings = settings or get_settings()
    run_id = run_id or current_run()[1]
    candidate = take_candidate(settings, run_id=run_id)
    try:
        report = validate_snapshot(candidate, settings)
        # The outcome in the writer's ops schema (kept across snapshots) and in the snapshot itself.
        with writer(settings) as con:
            record_validation(con, report, run_id)
        if report["success"]:
            con = connect(candidate)
            try:
                record_validation(con, report, run_id)
                summarize_runs(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
    except BaseException:
        discard_candidate(candidate)
        raise
    if not report["success"]:
        discard_candidate(candidate)
        failed_dir = settings.logs_dir / "validation"
        failed_dir.mkdir(parents=True, exist_ok=True)
        (failed_dir / f"failed-{utcnow():%Y%m%dT%H%M%S}.json").write_text(
            json.dumps(report, indent=2, default=str))
        raise ValidationFailedError(report)
    candidate_report_path(candidate).write_text(json.dumps(report, indent=2, default=str))
    log.info("validation passed: %s", [(s["name"], s["rows"]) for s in report["suites"]])
    return candidate
