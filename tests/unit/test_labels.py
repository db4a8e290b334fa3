"""Category values read as words, the same in Python and in the browser's grid formatter."""

from __future__ import annotations

import json
import re
from pathlib import Path

from dashboards import labels

JS = Path(__file__).resolve().parents[2] / "dashboards" / "assets" / "dashAgGridFunctions.js"


def test_values_read_as_words():
    assert labels.value("late_flight") == "Late flight"
    assert labels.value("facebook_comment") == "Facebook comments"
    assert labels.value(None) == "–" and labels.value(3) == "3"


def test_the_browser_formatter_knows_the_same_words():
    table = re.search(r"const GROUNDSWELL_VALUES = (\{.*?\});", JS.read_text(), re.S).group(1)
    assert json.loads(table) == labels.VALUES


def test_no_metric_label_or_description_names_a_column():
    """Labels and descriptions are what an executive reads (card titles, tooltips, the digest):
    words, not identifiers; the metric's expr says which column it reads."""
    import yaml

    from tests.dashboards.conftest import PSEUDONYM, SNAKE_CASE  # the browser test's own rules

    found = {}
    for path in sorted((Path(__file__).parents[2] / "dbt" / "models").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            for metric in model.get("metrics") or []:
                words = SNAKE_CASE.findall(f"{metric['label']} {metric['description']}")
                if [w for w in words if not PSEUDONYM.match(w)]:
                    found[metric["name"]] = words
    assert found == {}
