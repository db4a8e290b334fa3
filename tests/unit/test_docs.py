"""The docs describe the code as it is."""

from __future__ import annotations

from pathlib import Path

from groundswell.land.sources import SOURCES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_sources_doc_carries_the_contracts_as_the_code_has_them():
    from groundswell.land.sources.docs import BEGIN, END, render

    text = (DOCS / "sources.md").read_text()
    section = BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
    assert section == render(), "docs/sources.md is stale: run `python -m groundswell.land.sources.docs`"
    for source in SOURCES.values():
        assert f"### `{source.key}` → `{source.qualified_table}`" in section
        for field in source.fields:
            assert f"| `{field.name}` | {field.type} |" in section, (source.key, field.name)


def test_metrics_doc_defines_every_column_of_the_post_mart():
    import yaml

    text = (DOCS / "metrics.md").read_text()
    spec = yaml.safe_load((DOCS.parent / "dbt/models/marts/content/fct_post_performance.yml").read_text())
    for column in spec["models"][0]["columns"]:
        assert f"`{column['name']}`" in text, column["name"]


def test_metrics_doc_names_every_documented_mart_column():
    """Every column a mart's yml documents is defined in docs/metrics.md (one definition each)."""
    import yaml

    text = (DOCS / "metrics.md").read_text()
    missing = []
    for path in sorted((DOCS.parent / "dbt/models/marts").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for column in model.get("columns", []):
                if f"`{column['name']}`" not in text:
                    missing.append(f"{model['name']}.{column['name']}")
    assert not missing, f"not in docs/metrics.md: {', '.join(missing)}"
