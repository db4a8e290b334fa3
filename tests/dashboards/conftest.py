"""Playwright drives Debian's Chromium (installed by `make test`); it never downloads a browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
GS = str(Path(sys.executable).parent / "groundswell")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"],
    }


def pytest_collection_modifyitems(items):
    """Run the browser tests last (stable order otherwise).

    Once one has run, pytest-playwright keeps an asyncio loop running in the main thread for the
    rest of the session, and a Flask test client then fails on Dash's views (asgiref: "You cannot
    use AsyncToSync in the same thread as an async event loop"); test_login.py uses one. A real
    server (gunicorn, as the browser tests start) is not affected.
    """
    items.sort(key=lambda item: "page" in getattr(item, "fixturenames", ()))


def serve(home: Path):
    """`groundswell serve --demo` on ``home``: (process, url) once it answers."""
    port = free_port()
    env = dict(os.environ, GROUNDSWELL_HOME=str(home))
    proc = subprocess.Popen([GS, "serve", "--demo", "--port", str(port), "--workers", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            return proc, url
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.3)
