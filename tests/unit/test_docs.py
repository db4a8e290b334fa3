"""The docs describe the code as it is."""

from __future__ import annotations

from pathlib import Path

from groundswell.sources import SOURCES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_sources_doc_lists_every_contract_column():
    text = (DOCS / "sources.md").read_text()
    for source in SOURCES.values():
        header = f"### `{source.key}` → `{source.qualified_table}`"
        assert header in text
        section = text.split(header, 1)[1].split("\n### ", 1)[0]
        for field in source.fields:
            assert f"| `{field.name}` | {field.type} |" in section, (source.key, field.name)


def test_metrics_doc_defines_every_column_of_the_post_mart():
    import yaml

    text = (DOCS / "metrics.md").read_text()
    spec = yaml.safe_load((DOCS.parent / "dbt/models/marts/fct_post_performance.yml").read_text())
    for column in spec["models"][0]["columns"]:
        assert f"`{column['name']}`" in text, column["name"]
