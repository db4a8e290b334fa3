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
    assert "pools set duckdb_writer 1" in " ".join(commands["airflow-init"])
    assert commands["dashboards"].startswith("groundswell serve")
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
    assert env["GROUNDSWELL_HOME"] == "/data"
    # Every service the image runs exists in it: the Dockerfile copies what they need.
    dockerfile = (ROOT / "Dockerfile").read_text()
    for folder in ("src", "dags", "dbt", "expectations", "dashboards"):
        assert f"COPY {folder} " in dockerfile


#: Every secret .env.example lists, and compose requires (`${VAR:?...}`).
SECRETS = ("POSTGRES_PASSWORD", "AIRFLOW_JWT_SECRET", "AIRFLOW_FERNET_KEY", "AIRFLOW_ADMIN_USER",
           "AIRFLOW_ADMIN_PASSWORD", "GROUNDSWELL_DASHBOARD_USER", "GROUNDSWELL_DASHBOARD_PASSWORD",
           "GROUNDSWELL_PSEUDONYM_KEY", "REDIS_PASSWORD")


def test_no_secret_has_a_default_in_the_file(compose):
    """Every password, key and user comes from .env: none is written in the file, none defaults."""
    text = (ROOT / "docker-compose.yml").read_text()
    for name in SECRETS:
        assert f"${{{name}:?" in text, name
        assert f"${{{name}:-" not in text and f"${{{name}}}" not in text, name
    assert "airflow:airflow@" not in text and "admin:admin" not in text
    example = (ROOT / ".env.example").read_text()
    values = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    assert set(SECRETS) <= set(values)
    assert all(value == "" for value in values.values())  # the example holds no secret
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def compose_command() -> list[str]:
    """`docker compose` (v2 plugin) or Debian's `docker-compose` (make test installs it beside the
    docker client); skip only when there is no docker client at all."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client here (the tests above still check the file)")
    if subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    assert legacy, "the docker client has no compose: `make compose` installs Debian's docker-compose"
    return [legacy]


def env_file(tmp_path: Path, **values: str) -> Path:
    """An .env with a value for every secret (the placeholders say which), then ``values``."""
    env = {name: f"{name.lower()}-value" for name in SECRETS} | values
    path = tmp_path / ".env"
    path.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return path


def compose_config(tmp_path: Path, env: Path | None, *profiles: str) -> subprocess.CompletedProcess:
    """`docker compose config` of a copy of the file in an empty folder (so the checkout's own .env, if
    an operator made one, is never read), with only ``env`` as its environment."""
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "docker-compose.yml", folder / "docker-compose.yml")
    args = [*compose_command(), "--project-directory", str(folder), "-f", str(folder / "docker-compose.yml")]
    if env is not None:
        args += ["--env-file", str(env)]
    for profile in profiles:
        args += ["--profile", profile]
    return subprocess.run([*args, "config"], capture_output=True, text=True, cwd=folder,
                          env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)})


def test_docker_compose_config_validates_the_file_with_every_secret(tmp_path):
    proc = compose_config(tmp_path, env_file(tmp_path))
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load(proc.stdout)
    env = config["services"]["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == (
        "postgresql+psycopg2://airflow:postgres_password-value@postgres:5432/airflow")
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "airflow_jwt_secret-value"
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "airflow_admin_user-value:admin"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert config["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == "postgres_password-value"
    dashboards = config["services"]["dashboards"]["environment"]
    assert dashboards["GROUNDSWELL_DASHBOARD_PASSWORD"] == "groundswell_dashboard_password-value"


@pytest.mark.parametrize("missing", SECRETS)
def test_compose_refuses_to_start_without_each_secret(tmp_path, missing):
    without = compose_config(tmp_path, env_file(tmp_path, **{missing: ""}))
    assert without.returncode != 0
    assert missing in without.stderr


def test_compose_refuses_to_start_without_the_env_file(tmp_path):
    proc = compose_config(tmp_path, None)
    assert proc.returncode != 0
    assert "see .env.example" in proc.stderr


def test_the_celery_profile_adds_redis_and_workers_on_the_celery_executor(tmp_path):
    env = env_file(tmp_path, AIRFLOW_EXECUTOR="CeleryExecutor", COMPOSE_PROFILES="celery")
    proc = compose_config(tmp_path, env, "celery")
    assert proc.returncode == 0, proc.stderr
    services = yaml.safe_load(proc.stdout)["services"]
    assert {"redis", "airflow-worker"} <= set(services)
    worker = services["airflow-worker"]
    assert "airflow celery worker" in _command(worker)
    for name in ("airflow-worker", "airflow-scheduler", "airflow-apiserver"):
        env_vars = services[name]["environment"]
        assert env_vars["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env_vars["AIRFLOW__CELERY__BROKER_URL"] == "redis://:redis_password-value@redis:6379/0"
    assert "redis_password-value" in _command(services["redis"])
    # The worker runs tasks that write the one DuckDB file: it shares the GROUNDSWELL_HOME volume.
    assert any(":/data" in str(v) or (isinstance(v, dict) and v.get("target") == "/data")
               for v in worker["volumes"])


def test_the_celery_executor_installs_and_imports_with_this_airflow():
    """The image installs groundswell's `celery` extra (the dev environment too): the executor the
    celery profile names imports against the locked Airflow and celery."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("apache-airflow-providers-celery")
               for d in project["optional-dependencies"]["celery"])
    assert "--extra celery" in (ROOT / "Dockerfile").read_text()
    from airflow.providers.celery.executors.celery_executor import CeleryExecutor

    assert CeleryExecutor.__name__ == "CeleryExecutor"


def _command(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_the_spark_profile_adds_a_spark_cluster_and_the_thrift_server_dbt_targets(tmp_path):
    """COMPOSE_PROFILES=spark: a master, a worker and a Thrift server on the official image, sharing
    the home volume (the lake in, the marts' Parquet out); the Airflow services build on it when
    GROUNDSWELL_ENGINE=spark (dbt/profiles.yml target spark_thrift)."""
    env = env_file(tmp_path, GROUNDSWELL_ENGINE="spark", COMPOSE_PROFILES="spark")
    proc = compose_config(tmp_path, env, "spark")
    assert proc.returncode == 0, proc.stderr
    services = yaml.safe_load(proc.stdout)["services"]
    assert {"spark-master", "spark-worker", "spark-thriftserver"} <= set(services)
    for name in ("spark-master", "spark-worker", "spark-thriftserver"):
        assert services[name]["image"].startswith("apache/spark:"), name
    thrift = _command(services["spark-thriftserver"])
    assert "HiveThriftServer2" in thrift and "spark://spark-master:7077" in thrift
    assert "spark.sql.warehouse.dir=/data/spark/warehouse" in thrift
    assert "spark.sql.timestampType=TIMESTAMP_NTZ" in thrift and "spark.sql.session.timeZone=UTC" in thrift
    for name in ("spark-worker", "spark-thriftserver"):
        assert any(":/data" in str(v) or (isinstance(v, dict) and v.get("target") == "/data")
                   for v in services[name]["volumes"]), name
    scheduler = services["airflow-scheduler"]["environment"]
    assert scheduler["GROUNDSWELL_ENGINE"] == "spark"
    assert scheduler["GROUNDSWELL_SPARK_THRIFT_HOST"] == "spark-thriftserver"
    assert scheduler["GROUNDSWELL_SPARK_WAREHOUSE"] == "/data/spark/warehouse"
    from groundswell.config import Settings

    settings = Settings(home=tmp_path, engine="spark", spark_thrift_host="spark-thriftserver",
                        spark_warehouse="/data/spark/warehouse")
    assert settings.dbt_target == "spark_thrift"
    profiles = yaml.safe_load((ROOT / "dbt" / "profiles.yml").read_text())
    assert profiles["groundswell"]["outputs"]["spark_thrift"]["method"] == "thrift"
    assert "--extra spark" in (ROOT / "Dockerfile").read_text()
    # Unless .env says otherwise, the engine stays DuckDB.
    default = yaml.safe_load(compose_config(tmp_path, env_file(tmp_path)).stdout)["services"]
    assert default["airflow-scheduler"]["environment"]["GROUNDSWELL_ENGINE"] == "duckdb"
