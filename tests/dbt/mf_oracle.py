"""Answer metric queries with real MetricFlow (the engine `mf query` runs), on a home's published
snapshot: a JSON list of {"metrics": [...], "group_by": [...], "where": [...]} on stdin, a JSON list
of {"columns": [...], "rows": [[...]]} on stdout. One process answers many queries: `mf` itself
parses the project and checks the connection on every call (about 10 s each).

Run by tests/dbt/test_semantic_layer.py with GROUNDSWELL_HOME set; not a product entry point.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    from groundswell.config import get_settings
    from groundswell.transform.dbt import run_dbt

    settings = get_settings()
    target = Path(tempfile.mkdtemp(prefix="mf-target-", dir=settings.home))
    run_dbt(["parse", "--quiet", "--no-partial-parse", "--target-path", str(target)], settings,
            touches_db=False)
    os.environ.update(settings.tool_env() | {
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
        "DBT_TARGET": "analyst",
        "GROUNDSWELL_WAREHOUSE_PATH": str(settings.published_path),
    })
    from dbt.adapters.factory import get_adapter_by_type
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    metadata = dbtProjectMetadata.load_from_paths(profiles_path=settings.dbt_project_dir,
                                                  project_path=settings.dbt_project_dir)
    # what dbtArtifacts.load_from_project_metadata does, without its read of the project's own
    # target/semantic_manifest.json (absent in a fresh checkout; ours is in the temporary target)
    adapter = get_adapter_by_type(metadata.profile.credentials.type)
    manifest = parse_manifest_from_dbt_generated_manifest(
        manifest_json_string=(target / "semantic_manifest.json").read_text())
    engine = MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(manifest),
                              sql_client=AdapterBackedSqlClient(adapter))
    answers = []
    for q in json.load(sys.stdin):
        result = engine.query(MetricFlowQueryRequest.create(
            metric_names=q["metrics"], group_by_names=q.get("group_by") or None,
            where_constraints=q.get("where") or None))
        table = result.result_df
        answers.append({"columns": list(table.column_names),
                        "rows": [[_plain(v) for v in row] for row in table.rows]})
    json.dump(answers, sys.stdout)


def _plain(value):
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


if __name__ == "__main__":
    main()
