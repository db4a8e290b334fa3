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
