"""The production topology, natively: Airflow's four services on PostgreSQL, and the dashboards.

``python -m groundswell.run.stack`` (``make stack``) and ``tests/e2e/test_topology.py`` start the same
processes docker-compose.yml runs, without Docker:

- a throwaway PostgreSQL cluster (``initdb`` in a temporary folder, run as the ``postgres`` user
  when we are root: postgres refuses to run as root) listening on 127.0.0.1 and a private unix
  socket, with an ``airflow`` role and database whose password is generated at start;
- ``airflow db migrate`` and the ``duckdb_writer`` pool on it, then ``groundswell init``;
- ``airflow api-server``, ``scheduler``, ``dag-processor`` and ``triggerer``, each its own process
  group, LocalExecutor, logs under ``$GROUNDSWELL_HOME/logs/stack/``; the JWT secret and the
  simple auth manager user's password are generated at start;
- the dashboards under gunicorn (``groundswell serve``) behind a generated password.

Every secret lives only in this process's memory, the children's environment and the
0600 passwords file Airflow's simple auth manager reads. ``stop()`` ends every process it
started (its whole process group) and deletes the cluster, also after a failure or Ctrl-C.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from groundswell.config import Settings, get_settings
from groundswell.run.airflow_preload import LOCAL_SETTINGS
from groundswell.run.airflow_runner import airflow_env
from groundswell.run.orchestration import WRITER_POOL, WRITER_POOL_DESCRIPTION

AIRFLOW_SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")
ADMIN_USER = "admin"
TERMINAL_STATES = {"success", "failed"}


class StackError(RuntimeError):
    """A component of the stack did not start, or a DAG run did not succeed; the message says where
    to look."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def postgres_bindir() -> Path:
    """Debian's PostgreSQL binaries (``make postgres`` installs them), newest major first."""
    if configured := os.environ.get("GROUNDSWELL_PG_BINDIR"):
        return Path(configured)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    raise StackError("PostgreSQL is not installed: run `make postgres` (apt-get install postgresql) "
                     "or set GROUNDSWELL_PG_BINDIR to the folder holding initdb and pg_ctl")


class Postgres:
    """A throwaway cluster in a temporary folder: 127.0.0.1 on a free port, an ``airflow`` role with a
    generated password. The superuser reaches it only through a unix socket in a 0700 folder."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or postgres_bindir()
        self.port = free_port()
        self.password = secrets.token_urlsafe(24)
        self.root: Path | None = None
        self.started = False

    @property
    def _as_owner(self) -> list[str]:
        # postgres refuses to run as root: run its tools as the `postgres` user then.
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        assert self.root is not None
        return self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://airflow:{self.password}@127.0.0.1:{self.port}/airflow"

    def _run(self, args: list[str], stdin: str | None = None) -> None:
        proc = subprocess.run(self._as_owner + args, input=stdin, capture_output=True, text=True,
                              cwd=self.root)
        if proc.returncode != 0:
            raise StackError(f"`{' '.join(args)}` exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="groundswell-pg-"))
        self.root.chmod(0o700)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run([str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"])
        options = " ".join([
            f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.root}",
            # Throwaway metadata: durability buys nothing, and the machine is small.
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c shared_buffers=64MB", "-c max_connections=200",
        ])
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_path),
                   "-w", "-t", "60", "-o", options, "start"])
        self.started = True
        sql = (f"create role airflow login password '{self.password}';\n"
               "create database airflow owner airflow;\n")
        # The password goes through stdin, never a command line other users could read.
        self._run([str(self.bindir / "psql"), "-v", "ON_ERROR_STOP=1", "-q", "-h", str(self.root),
                   "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-f", "-"], stdin=sql)

    def stop(self, keep_log: Path | None = None) -> None:
        if self.root is None:
            return
        if self.started:
            try:
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast",
                           "-w", "-t", "60", "stop"])
            except StackError:
                self._kill_postmaster()
            self.started = False
        if keep_log is not None and self.log_path.exists():
            keep_log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.log_path, keep_log)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def _kill_postmaster(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)
                time.sleep(2)
            except (ProcessLookupError, ValueError):
                pass


@dataclass
class Service:
    name: str
    proc: subprocess.Popen
    log: Path


@dataclass
class Stack:
    """The whole topology on one machine; a context manager that always cleans up."""

    settings: Settings = field(default_factory=get_settings)
    parallelism: int = 2
    retry_delay_seconds: int = 2
    dashboards: bool = True
    services: list[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.postgres: Postgres | None = None
        self.api_port = free_port()
        self.dashboard_port = free_port()
        self.jwt_secret = secrets.token_urlsafe(48)
        self.admin_password = secrets.token_urlsafe(24)
        self.dashboard_user = self.settings.dashboard_user
        self.dashboard_password = secrets.token_urlsafe(24)
        self.log_dir = self.settings.logs_dir / "stack"
        self._token: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def dashboard_url(self) -> str:
        return f"http://127.0.0.1:{self.dashboard_port}"

    @property
    def passwords_file(self) -> Path:
        return self.settings.airflow_home / "simple_auth_manager_passwords.json"

    def env(self) -> dict[str, str]:
        """The environment of every Airflow process (and of `airflow` commands run against it)."""
        assert self.postgres is not None, "start() the stack first"
        env = airflow_env(self.settings)
        env.update({
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.postgres.url,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__BASE_URL": self.api_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
            "AIRFLOW__CORE__FERNET_KEY": self._fernet_key,
            "GROUNDSWELL_RETRY_DELAY_SECONDS": str(self.retry_delay_seconds),
        })
        return env

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        from cryptography.fernet import Fernet

        self.settings.check_project()
        self._fernet_key = Fernet.generate_key().decode()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.settings.airflow_home.mkdir(parents=True, exist_ok=True)
        self.postgres = Postgres()
        self.postgres.start()
        # The simple auth manager reads users' passwords from this file (it would generate and
        # print them otherwise): ours is generated here, readable by this user only.
        fd = os.open(self.passwords_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({ADMIN_USER: self.admin_password}, out)
        # Airflow imports $AIRFLOW_HOME/config/airflow_local_settings.py in every process: the
        # scheduler then preloads what tasks import (groundswell.run.airflow_preload).
        config_dir = self.settings.airflow_home / "config"
        config_dir.mkdir(exist_ok=True)
        (config_dir / "airflow_local_settings.py").write_text(LOCAL_SETTINGS)
        self.run("airflow-db-migrate", ["airflow", "db", "migrate"])
        self.run("airflow-pools", ["airflow", "pools", "set", WRITER_POOL, "1", WRITER_POOL_DESCRIPTION])
        self.run("groundswell-init", ["groundswell", "init"])
        for name in AIRFLOW_SERVICES:
            self._spawn(f"airflow-{name}", ["airflow", name])
        self._wait_http(f"{self.api_url}/api/v2/version", "airflow-api-server", timeout=180)
        if self.dashboards:
            env = self.env() | {"GROUNDSWELL_DASHBOARD_USER": self.dashboard_user,
                                "GROUNDSWELL_DASHBOARD_PASSWORD": self.dashboard_password}
            self._spawn("dashboards", ["groundswell", "serve", "--host", "127.0.0.1",
                                       "--port", str(self.dashboard_port), "--workers", "1"], env=env)
            self._wait_http(f"{self.dashboard_url}/healthz", "dashboards", timeout=90)

    def stop(self) -> None:
        """End every process group this stack started (TERM, then KILL), then the cluster."""
        for service in reversed(self.services):
            _signal_group(service.proc, signal.SIGTERM)
        deadline = time.time() + 30
        for service in reversed(self.services):
            try:
                service.proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            # Whatever the leader left behind in its group (task supervisors, gunicorn workers).
            _signal_group(service.proc, signal.SIGKILL)
            try:
                service.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.services.clear()
        if self.postgres is not None:
            self.postgres.stop(keep_log=self.log_dir / "postgres.log")
            self.postgres = None

    def run(self, log_name: str, args: list[str], check: bool = True) -> subprocess.CompletedProcess:
        """Run a command of the venv (``airflow ...``, ``groundswell ...``) against this stack."""
        log = self.log_dir / f"{log_name}.log"
        with log.open("w") as out:
            proc = subprocess.run([_venv_bin(args[0]), *args[1:]], env=self.env(), stdout=out,
                                  stderr=subprocess.STDOUT, cwd=self.settings.home)
        if check and proc.returncode != 0:
            raise StackError(f"`{' '.join(args)}` exited {proc.returncode}; log: {log}\n{_tail(log)}")
        return proc

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Service:
        log = self.log_dir / f"{name}.log"
        with log.open("w") as out:
            # Its own session, hence its own process group: stop() ends the service and its children.
            proc = subprocess.Popen([_venv_bin(args[0]), *args[1:]], env=env or self.env(), stdout=out,
                                    stderr=subprocess.STDOUT, cwd=self.settings.home,
                                    start_new_session=True)
        service = Service(name, proc, log)
        self.services.append(service)
        return service

    def _wait_http(self, url: str, name: str, timeout: float) -> None:
        service = next(s for s in self.services if s.name == name)
        deadline = time.time() + timeout
        while True:
            try:
                if httpx.get(url, timeout=5).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if service.proc.poll() is not None or time.time() > deadline:
                raise StackError(f"{name} did not answer on {url}; log: {service.log}\n{_tail(service.log)}")
            time.sleep(1)

    def check_alive(self) -> None:
        for service in self.services:
            if service.proc.poll() is not None:
                raise StackError(f"{service.name} exited {service.proc.returncode}; log: {service.log}\n"
                                 f"{_tail(service.log)}")

    # -- the REST API (Airflow 3: a JWT from /auth/token, then /api/v2) ---------------------------

    def token(self) -> str:
        if self._token is None:
            resp = httpx.post(f"{self.api_url}/auth/token", timeout=30,
                              json={"username": ADMIN_USER, "password": self.admin_password})
            if resp.status_code not in (200, 201):
                raise StackError(f"POST /auth/token: {resp.status_code} {resp.text}")
            self._token = resp.json()["access_token"]
        return self._token

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token()}"} | kwargs.pop("headers", {})
        resp = httpx.request(method, f"{self.api_url}/api/v2{path}", headers=headers, timeout=60,
                             **kwargs)
        if resp.status_code >= 400:
            raise StackError(f"{method} /api/v2{path}: {resp.status_code} {resp.text}")
        return resp

    def wait_for_dag(self, dag_id: str, timeout: float = 180) -> dict:
        """The DAG once the dag-processor has serialized it."""
        deadline = time.time() + timeout
        while True:
            try:
                return self.api("GET", f"/dags/{dag_id}").json()
            except StackError:
                self.check_alive()
                if time.time() > deadline:
                    raise
                time.sleep(2)

    def set_paused(self, dag_id: str, paused: bool) -> None:
        self.api("PATCH", f"/dags/{dag_id}", json={"is_paused": paused})

    def trigger(self, dag_id: str, conf: dict | None = None, logical_date: str | None = None) -> str:
        body = {"conf": conf or {}, "logical_date": logical_date}
        return self.api("POST", f"/dags/{dag_id}/dagRuns", json=body).json()["dag_run_id"]

    def runs(self, dag_id: str, **params) -> list[dict]:
        """Every run of ``dag_id`` (filtered by ``params``), oldest first, page after page."""
        found: list[dict] = []
        while True:
            page = self.api("GET", f"/dags/{dag_id}/dagRuns", params={
                "limit": 100, "offset": len(found), "order_by": "run_after"} | params).json()
            found += page["dag_runs"]
            if not page["dag_runs"] or len(found) >= page["total_entries"]:
                return found

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}").json()["state"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float) -> None:
        """Poll until the run ends; unless it succeeded, raise with every task's state and the
        failed tasks' log tails."""
        deadline = time.time() + timeout
        while (state := self.run_state(dag_id, run_id)) not in TERMINAL_STATES:
            self.check_alive()
            if time.time() > deadline:
                raise StackError(f"{dag_id} run {run_id} still {state} after {timeout:.0f} s\n"
                                 + self.describe_run(dag_id, run_id))
            time.sleep(3)
        if state != "success":
            raise StackError(f"{dag_id} run {run_id} ended {state}\n" + self.describe_run(dag_id, run_id))

    def wait_for_new_run(self, dag_id: str, known: set[str], timeout: float, **params) -> str:
        """The id of the first run of ``dag_id`` not in ``known``, once the scheduler creates it."""
        deadline = time.time() + timeout
        while True:
            new = [r["dag_run_id"] for r in self.runs(dag_id, **params) if r["dag_run_id"] not in known]
            if new:
                return new[0]
            self.check_alive()
            if time.time() > deadline:
                raise StackError(f"no new run of {dag_id} within {timeout:.0f} s")
            time.sleep(3)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        """Every task instance of the run (the API returns at most 100 a page)."""
        found: list[dict] = []
        while True:
            page = self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                            params={"limit": 100, "offset": len(found)}).json()
            found += page["task_instances"]
            if not page["task_instances"] or len(found) >= page["total_entries"]:
                return found

    def describe_run(self, dag_id: str, run_id: str, log_lines: int = 30) -> str:
        lines = []
        for ti in sorted(self.task_instances(dag_id, run_id), key=lambda t: t["task_id"]):
            lines.append(f"  {ti['task_id']}: {ti['state']} (try {ti['try_number']})")
        for ti in self.task_instances(dag_id, run_id):
            if ti["state"] in ("failed", "upstream_failed", "up_for_retry") and ti["try_number"]:
                lines.append(f"--- log of {ti['task_id']} (try {ti['try_number']}):")
                lines.append(self.task_log(dag_id, run_id, ti["task_id"], ti["try_number"], log_lines))
        lines.append("--- scheduler log:\n" + _tail(self.log_dir / "airflow-scheduler.log", 20))
        return "\n".join(lines)

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int, lines: int = 30) -> str:
        try:
            resp = self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/"
                                   f"{try_number}", params={"full_content": "true"},
                            headers={"Accept": "text/plain"})
        except StackError as exc:
            return str(exc)
        return "\n".join(resp.text.splitlines()[-lines:])


def _venv_bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # start_new_session: the group id is the leader's pid
    except (ProcessLookupError, PermissionError):
        pass


def main() -> None:
    """Start the stack on $GROUNDSWELL_HOME, print its URLs and credentials, stop on Ctrl-C."""
    stack = Stack()

    def _stop(*_):
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts a command in the background (`make stack &`, nohup) hands it
    # SIGINT ignored, and Python then installs no KeyboardInterrupt: Ctrl-C or `kill -INT` would
    # leave every service running.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        stack.start()
        print(f"Airflow:    {stack.api_url}  user {ADMIN_USER}, password {stack.admin_password}")
        print(f"Dashboards: {stack.dashboard_url}  user {stack.dashboard_user}, "
              f"password {stack.dashboard_password}")
        assert stack.postgres is not None
        print(f"Metadata:   postgresql://airflow@127.0.0.1:{stack.postgres.port}/airflow "
              f"(cluster in {stack.postgres.root})")
        print(f"Logs:       {stack.log_dir}   (Ctrl-C stops everything and deletes the metadata DB)",
              flush=True)
        while True:
            stack.check_alive()
            time.sleep(5)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
