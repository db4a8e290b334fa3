"""Every page reads as words and formatted numbers: no snake_case identifier and no unformatted
float is visible on any page of the demo, at its default filters (issue 21: labels and formats
come from the semantic layer, dashboards/labels.py for the rest)."""

from __future__ import annotations

import pytest

from tests.dashboards.conftest import unreadable

PAGES = ("/", "/care", "/roi", "/listening", "/influencers", "/content", "/maturity", "/health")


@pytest.mark.parametrize("path", PAGES)
def test_the_page_shows_no_identifier_and_no_raw_float(server, page, path):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    page.locator(".js-plotly-plot, .ag-root, .alert").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the callbacks' last outputs
    snake, floats = unreadable(page)
    assert snake == [], f"{path} shows identifiers: {snake}"
    assert floats == [], f"{path} shows unformatted numbers: {floats}"
