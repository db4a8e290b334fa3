"""20 dashboard users for 60 s on loopback while a full rebuild publishes a new snapshot: not one
request fails. The load is bench/dashboard.py's (real gunicorn, login on, every page and its
callbacks); its latency figures are in docs/operations.md."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import bench_script

# Minutes each: make e2e runs them (CI runs it after make test), make test does not.
pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_twenty_users_during_a_full_rebuild_and_publish_see_no_failed_request(published_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    summary = bench_script("dashboard").load(home, users=20, seconds=60, rebuild=True)
    assert summary["rebuild_exit"] == 0
    assert summary["published_during_load"]  # the swap happened under the users' feet
    assert summary["failed"] == 0, summary["first_errors"]
    # Every kind of request was made, many times: pages, their layouts (queries) and callbacks.
    assert {k: v["requests"] > 20 for k, v in summary["by_kind"].items() if k != "dependencies"} == {
        "page": True, "layout": True, "callback": True}
    assert summary["seconds"] >= 60
