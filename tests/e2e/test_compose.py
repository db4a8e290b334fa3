"""docker-compose.yml runs the full stack with the same commands the tests run natively."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_stack_has_every_airflow_component_postgres_and_the_dashboards(compose):
    services = compose["services"]
    assert {"postgres", "airflow-init", "airflow-apiserver", "airflow-scheduler",
            "airflow-dag-processor", "airflow-triggerer", "dashboards"} <= set(services)
    commands = {name: s.get("command", "") for name, s in services.items()}
    assert commands["airflow-scheduler"] == "airflow scheduler"
    assert commands["airflow-dag-processor"] == "airflow dag-processor"
    assert commands["airflow-triggerer"] == "airflow triggerer"
    assert commands["airflow-apiserver"] == "airflow api-server"
    assert "pools set duckdb_writer 1" in commands["airflow-init"]
    assert commands["dashboards"].startswith("groundswell serve")
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
    assert env["GROUNDSWELL_HOME"] == "/data"
    # Every service the image runs exists in it: the Dockerfile copies what they need.
    dockerfile = (ROOT / "Dockerfile").read_text()
    for folder in ("src", "dags", "dbt", "expectations", "dashboards"):
        assert f"COPY {folder} " in dockerfile


def test_docker_compose_config_validates_the_file():
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"],
                                        capture_output=True).returncode != 0:
        pytest.skip("docker compose is not installed here (the YAML test above still runs)")
    proc = subprocess.run([docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config",
                           "--quiet"], capture_output=True, text=True,
                          env={"AIRFLOW_JWT_SECRET": "x", "GROUNDSWELL_DASHBOARD_PASSWORD": "x",
                               "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
