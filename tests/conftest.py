"""Shared fixtures: isolated GROUNDSWELL_HOMEs with tiny demo data, landed, built, published.

Everything runs on the real components (DuckDB files, dbt, GX, Airflow subprocesses);
fixtures only choose where their files go.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from groundswell.config import PROJECT_ROOT, Settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

# Airflow reads its home once, when first imported: never let that be ~/airflow. Each pytest-xdist
# worker gets its own (workers inherit the controller's environment, which this line also set).
if os.environ.get("PYTEST_XDIST_WORKER") or "AIRFLOW_HOME" not in os.environ:
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="groundswell-test-airflow-")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))


def make_settings(home: Path) -> Settings:
    return Settings(home=home)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty GROUNDSWELL_HOME for this test, exported to the code under test."""
    path = tmp_path / "home"
    monkeypatch.setenv("GROUNDSWELL_HOME", str(path))
    return path


@pytest.fixture(autouse=True)
def _environment_restored():
    """What a test exports stays in that test. An in-process build exports its settings
    (Settings.apply(): GROUNDSWELL_PROJECT_ROOT, the warehouse path, ...) for dbt, and the next
    test of the process, under pytest-xdist often another file's, would hand them to its own
    subprocesses: a rubric edited in a copy of the project then changed another demo's marts.
    Session and module fixtures are set up before this snapshot, so what they export stays."""
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def settings(home) -> Settings:
    return make_settings(home)


@pytest.fixture(scope="session")
def published_home(tmp_path_factory) -> Path:
    """A home with tiny demo data landed, built by dbt, validated and published (no Airflow)."""
    from groundswell.gate.quality import gate
    from groundswell.land.demo import generate
    from groundswell.land.landing import land_everything
    from groundswell.publish.snapshots import publish
    from groundswell.transform import dbt as transform

    path = tmp_path_factory.mktemp("published") / "home"
    old = os.environ.get("GROUNDSWELL_HOME")
    os.environ["GROUNDSWELL_HOME"] = str(path)
    try:
        s = make_settings(path)
        generate(s.landing_dir, scale="tiny")
        land_everything(s)
        transform.build(s)
        candidate = gate(s, run_id="fixture")
        publish(candidate, s)
    finally:
        if old is None:
            os.environ.pop("GROUNDSWELL_HOME", None)
        else:
            os.environ["GROUNDSWELL_HOME"] = old
    return path


@pytest.fixture
def use_published_home(published_home, monkeypatch) -> Settings:
    monkeypatch.setenv("GROUNDSWELL_HOME", str(published_home))
    return make_settings(published_home)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_script(name: str):
    """``bench/<name>.py`` as a module (the benchmarks are scripts, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", PROJECT_ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data, or a clean skip where this checkout has none."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present beside this checkout")
    return path


@pytest.fixture
def webhook(monkeypatch):
    """A real HTTP server on 127.0.0.1 as the groundswell_alerts connection: the JSON bodies it
    received, and ``answer(n)``, the status of the n-th POST (200 unless a test says otherwise)."""
    hook = SimpleNamespace(bodies=[], answer=lambda n: 200)

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(hook.answer(len(hook.bodies)))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", json.dumps(
        {"conn_type": "http", "host": f"http://127.0.0.1:{server.server_address[1]}/hook"}))
    yield hook
    server.shutdown()
