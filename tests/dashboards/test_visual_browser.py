"""Every page looks right in the browser, at 1440x900 and 1280x800 (the demo's default filters): no
two texts of a chart overlap (their bounding boxes), no chart title runs out of its figure, no grid
header ends in "...", no legend entry without data, no two series of a chart in one colour, and
the browser's console has no warning and no error (AG Grid's #94/#95, a deprecated option).

A full-page screenshot of every page at each size is saved under the test run's artifacts
($GROUNDSWELL_TEST_ARTIFACTS/screenshots, else test-artifacts/screenshots at the repository's
root), failing or not, for the next reader to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.dashboards.test_labels_browser import PAGES

VIEWPORTS = ((1440, 900), (1280, 800))
REPO = Path(__file__).resolve().parents[2]

#: The problems of the page, in words: evaluated in the page once its callbacks have answered.
#: Plotly figures sent by plotly.py carry their arrays base64-encoded in ``plot.data``: the checks
#: read ``plot._fullData`` (decoded, with Plotly's defaults filled in, colours included).
CHECKS = """() => {
  const problems = [];
  const box = e => e.getBoundingClientRect();
  const overlap = (a, b) => !(a.right <= b.left + 1 || b.right <= a.left + 1
                              || a.bottom <= b.top + 1 || b.bottom <= a.top + 1);
  const visible = t => t.textContent.trim() !== '' && box(t).width > 0
                       && getComputedStyle(t).opacity !== '0';
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const id = (plot.closest('[id]') || plot).id;
    if (!plot.querySelector('svg.main-svg')) continue;
    const frame = box(plot);
    // titles (the chart's, its subtitle, the axes'): inside the figure
    const titles = plot.querySelectorAll('.g-gtitle text, .g-xtitle text, .g-ytitle text, .g-y2title text');
    for (const t of titles) {
      const b = box(t);
      if (b.width === 0) continue;
      if (b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1
          || b.bottom > frame.bottom + 1)
        problems.push(`${id}: title "${t.textContent}" clipped`);
    }
    // texts: titles, annotations, tick labels of every axis, legend entries, bar texts; no two overlap
    const texts = Array.from(plot.querySelectorAll(
      '.g-gtitle text, .g-xtitle text, .g-ytitle text, .g-y2title text, .annotation-text, '
      + '.xtick text, .ytick text, .y2tick text, .legendtext, .bartext')).filter(visible);
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++)
      if (overlap(box(texts[i]), box(texts[j])))
        problems.push(`${id}: "${texts[i].textContent}" overlaps "${texts[j].textContent}"`);
    // legend: an entry only for a series with data; the series in distinct colours
    const data = plot._fullData || [];
    const shown = data.filter(t => t.visible !== false && t.showlegend !== false && t.type !== 'pie');
    if (plot.querySelectorAll('.legendtext').length) {
      for (const t of shown) {
        const values = Array.from(t.y || t.values || []);
        const has = values.some(v => v !== null && v !== undefined && !Number.isNaN(v))
                    || (t.type === 'box' && Array.from(t.median || []).length > 0);
        if (!has) problems.push(`${id}: legend entry "${t.name}" without data`);
      }
    }
    const colours = shown.filter(t => t.name)
      .map(t => (t.marker && typeof t.marker.color === 'string' && t.marker.color)
                || (t.line && typeof t.line.color === 'string' && t.line.color) || null)
      .filter(c => c !== null);
    const twice = colours.filter((c, i) => colours.indexOf(c) !== i);
    if (twice.length) problems.push(`${id}: series share a colour: ${twice.join(', ')}`);
  }
  // grids: every header whole (not ending in "..."), the header row not a column of letters
  for (const h of document.querySelectorAll('.ag-header-cell-text')) {
    if (h.scrollWidth > h.clientWidth + 1)
      problems.push(`grid ${(h.closest('[id]') || {}).id}: header "${h.textContent}" truncated`);
  }
  for (const h of document.querySelectorAll('.ag-header')) {
    if (box(h).height > 120)
      problems.push(`grid ${(h.closest('[id]') || {}).id}: header row ${Math.round(box(h).height)} px `
                    + 'tall (a column too narrow for its header)');
  }
  return problems;
}"""


def screenshots() -> Path:
    root = os.environ.get("GROUNDSWELL_TEST_ARTIFACTS")
    folder = (Path(root) if root else REPO / "test-artifacts") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("path", PAGES)
def test_the_page_reads_cleanly_at_laptop_sizes(server, page, path):
    console: list[str] = []
    # Nothing is ignored: a warning of Dash, Plotly or AG Grid is a fault of the page.
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
            if m.type in ("warning", "error") else None)
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    name = path.strip("/") or "overview"
    failures = []
    for width, height in VIEWPORTS:
        console.clear()
        page.set_viewport_size({"width": width, "height": height})
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        page.locator(".js-plotly-plot, .ag-root, .alert").first.wait_for(timeout=30_000)
        page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')",
                               timeout=30_000)
        page.wait_for_timeout(1500)  # the callbacks' last outputs, Plotly's and AG Grid's layout
        problems = page.evaluate(CHECKS)
        page.screenshot(path=str(screenshots() / f"{name}-{width}x{height}.png"), full_page=True)
        failures += [f"{width}x{height}: {p}" for p in problems]
        failures += [f"{width}x{height}: console {m}" for m in console]
    assert failures == [], f"{path}:\n" + "\n".join(failures)
