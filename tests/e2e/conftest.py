"""The browser test of test_topology.py drives Debian's Chromium, as tests/dashboards does."""

from tests.dashboards.conftest import browser_type_launch_args  # noqa: F401
