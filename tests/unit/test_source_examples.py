"""The example file docs/sources.md shows for each source lands whole: the page can be trusted."""

from __future__ import annotations

import pytest

from groundswell.land.landing import land_files
from groundswell.land.sources import SOURCES
from groundswell.land.sources.docs import _example
from groundswell.warehouse import lake_reader

EXTENSION = {"api_pages": "json", "jsonl": "jsonl", "csv": "csv"}
#: A source whose records name records of another: that one's example lands first (the correction
#: example corrects the airline tweet of the airline-sentiment example).
NAMES_RECORDS_OF = {"label-corrections": "airline-sentiment"}


def land_example(settings, folder, key):
    source = SOURCES[key]
    body = _example(source).split("\n", 1)[1].rsplit("```", 1)[0]
    if source.format == "jsonl":
        body = body.replace("\n", " ").strip() + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (source.example_name or f"example.{EXTENSION[source.format]}")
    path.write_text(body)
    return land_files(key, [path], settings)


@pytest.mark.parametrize("key", list(SOURCES))
def test_documented_example_lands_without_quarantine(settings, tmp_path, key):
    source = SOURCES[key]
    if key in NAMES_RECORDS_OF:
        land_example(settings, tmp_path / "named", NAMES_RECORDS_OF[key])
    result = land_example(settings, tmp_path, key)
    with lake_reader(settings) as con:
        reasons = con.execute("select reason from raw.quarantine").fetchall()
        row = con.execute(f"select * from {source.qualified_table}").fetchdf()
    assert (result.received, result.landed, reasons) == (len(row), len(row), [])
    assert len(row) >= 1
    # Every required field, and every field the example shows, is filled.
    for f in source.fields:
        if f.required:
            assert row[f.name].notna().all(), f.name
