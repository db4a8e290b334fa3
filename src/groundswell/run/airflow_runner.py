"""Real Airflow, embedded: the DAGs run through ``airflow dags test`` with SQLite metadata.

No scheduler or webserver is needed for a demo or a test: ``airflow dags test``
runs every task of one DAG run in a subprocess, in dependency order, with the
metadata database under ``$GROUNDSWELL_HOME/airflow``.  docker-compose runs
the same DAGs under the real scheduler.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from groundswell.config import Settings, get_settings
from groundswell.run.orchestration import WRITER_POOL, WRITER_POOL_DESCRIPTION

_FINISHED = re.compile(r"DagRun Finished: dag_id=\S+, .*?, state=(\w+),")


class AirflowRunError(RuntimeError):
    """An Airflow command or DAG run failed; the message points at its log."""


def airflow_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.runtime_env())
    # `airflow` and the task subprocesses it starts must come from this environment.
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    # `dags test` waits out retry delays: keep a failing demo or test run short.
    env.setdefault("GROUNDSWELL_RETRY_DELAY_SECONDS", "2")
    return env


def airflow(args: list[str], settings: Settings, log_name: str,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run ``airflow ARGS``; its output goes to ``$GROUNDSWELL_HOME/logs/<log_name>.log``."""
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    log_path = settings.logs_dir / f"{log_name}.log"
    exe = Path(sys.executable).parent / "airflow"
    with log_path.open("w") as log:
        proc = subprocess.run([str(exe), *args], env=airflow_env(settings), stdout=log,
                              stderr=subprocess.STDOUT, cwd=settings.home)
    if check and proc.returncode != 0:
        raise AirflowRunError(
            f"`airflow {' '.join(args)}` exited {proc.returncode}; log: {log_path}\n"
            + _tail(log_path)
        )
    return proc


def _tail(log_path: Path, lines: int = 25) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def init(settings: Settings | None = None) -> None:
    """Create or upgrade the metadata database and the writer pool (idempotent)."""
    settings = settings or get_settings()
    airflow(["db", "migrate"], settings, "airflow-db-migrate")
    airflow(["pools", "set", WRITER_POOL, "1", WRITER_POOL_DESCRIPTION], settings, "airflow-pools")


def dags_test(dag_id: str, settings: Settings | None = None, logical_date: str | None = None,
              conf: dict | None = None) -> Path:
    """Run one DAG run of ``dag_id`` to the end; raise unless every task succeeded."""
    settings = settings or get_settings()
    args = ["dags", "test", dag_id]
    if logical_date:
        args.append(logical_date)
    if conf:
        args += ["--conf", json.dumps(conf)]
    log_name = f"airflow-dags-test-{dag_id}"
    proc = airflow(args, settings, log_name, check=False)
    log_path = settings.logs_dir / f"{log_name}.log"
    # The run's final state, as Airflow logged it, decides (not only the exit status).
    states = _FINISHED.findall(log_path.read_text(errors="replace"))
    if proc.returncode != 0 or states != ["success"]:
        raise AirflowRunError(
            f"DAG run of {dag_id} ended {states[-1] if states else 'without finishing'} "
            f"(exit {proc.returncode}); log: {log_path}\n{_tail(log_path)}"
        )
    return log_path
