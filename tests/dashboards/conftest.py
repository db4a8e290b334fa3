"""Playwright drives Debian's Chromium (installed by `make test`); it never downloads a browser."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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
