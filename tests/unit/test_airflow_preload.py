"""The scheduler, and only it, preloads what tasks import (groundswell.run.airflow_preload)."""

from __future__ import annotations

import subprocess
import sys

from groundswell.run.airflow_preload import LOCAL_SETTINGS, MODULES, preload


def test_only_the_scheduler_preloads():
    for argv in (["airflow", "api-server"], ["airflow", "dag-processor"], ["airflow"], []):
        assert preload(argv) == []


def test_the_scheduler_imports_every_module_a_task_needs():
    code = ("import sys; from groundswell.run.airflow_preload import preload; "
            "preload(['airflow', 'scheduler']); "
            f"print(all(m in sys.modules for m in {MODULES!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "True", out.stderr
    assert "preload()" in LOCAL_SETTINGS
