"""The dbt semantic layer: `groundswell metrics` (MetricFlow) on the tiny demo's published
snapshot gives the ROI that SQL on marts.fct_social_roi gives."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from groundswell.warehouse import published
from tests.conftest import make_settings

GROUNDSWELL = str(Path(sys.executable).parent / "groundswell")


def run_metrics(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"GROUNDSWELL_HOME": str(home)}
    return subprocess.run([GROUNDSWELL, "metrics", *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_social_roi_by_department_equals_sql_on_the_mart(published_home, tmp_path):
    out = tmp_path / "roi.csv"
    result = run_metrics(
        published_home, "query", "--metrics", "social_roi,program_cost,total_value",
        "--group-by", "roi_slice__department",
        "--where", "{{ Dimension('roi_slice__attribution_model') }} = 'linear'",
        "--csv", str(out), "--quiet",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    got = pd.read_csv(out).set_index("roi_slice__department").sort_index()

    with published(make_settings(published_home)) as con:
        want = con.execute("""
            select department, sum(cost) as program_cost, sum(total_value) as total_value,
                   (sum(total_value) - sum(cost)) / nullif(sum(cost), 0) as social_roi
            from marts.fct_social_roi where model = 'linear'
            group by department order by department
        """).df().set_index("department")

    assert list(got.index) == list(want.index)
    assert len(want) > 0
    for dept, row in want.iterrows():
        for col in ("program_cost", "total_value", "social_roi"):
            expected, actual = row[col], got.loc[dept, col]
            if pd.isna(expected):
                assert pd.isna(actual), (dept, col, actual)
            else:
                assert math.isfinite(actual) and math.isclose(actual, expected, rel_tol=1e-9,
                                                              abs_tol=1e-9), (dept, col)


def test_metrics_without_a_published_snapshot_fails_clearly(tmp_path):
    result = run_metrics(tmp_path / "empty", "query", "--metrics", "social_roi",
                         "--group-by", "roi_slice__department,roi_slice__attribution_model")
    assert result.returncode != 0
    assert "no published snapshot" in result.stderr
    assert "groundswell build" in result.stderr
    assert "Traceback" not in result.stderr
