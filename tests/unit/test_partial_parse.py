"""dbt's partial parse is dropped after any change under models/ (dbt 1.12 otherwise reads the
metrics of a file it re-parses twice and stops: "two metrics named ...")."""

from types import SimpleNamespace

from groundswell.transform.dbt import forget_stale_partial_parse


def _project(tmp_path):
    models = tmp_path / "dbt" / "models" / "staging"
    models.mkdir(parents=True)
    (models / "_x__sources.yml").write_text("sources:\n  - name: x\n")
    (tmp_path / "dbt" / "models" / "fct.yml").write_text("metrics:\n  - name: m\n")
    target = tmp_path / "target"
    target.mkdir()
    return SimpleNamespace(dbt_project_dir=tmp_path / "dbt", dbt_target_dir=target), models


def test_a_changed_source_yml_drops_the_partial_parse(tmp_path):
    settings, models = _project(tmp_path)
    parse = settings.dbt_target_dir / "partial_parse.msgpack"
    forget_stale_partial_parse(settings)  # first run: no stamp yet, nothing to keep
    parse.write_bytes(b"parsed")
    forget_stale_partial_parse(settings)
    assert parse.exists(), "nothing changed: the partial parse stays"
    (models / "_x__sources.yml").write_text("sources:\n  - name: x\n    config: {event_time: at}\n")
    forget_stale_partial_parse(settings)
    assert not parse.exists(), "a source yml without metrics changed: parse in full"


def test_a_changed_sql_file_drops_it_too_and_an_unchanged_project_keeps_it(tmp_path):
    settings, models = _project(tmp_path)
    parse = settings.dbt_target_dir / "partial_parse.msgpack"
    (models / "stg_x.sql").write_text("select 1")
    forget_stale_partial_parse(settings)
    parse.write_bytes(b"parsed")
    forget_stale_partial_parse(settings)
    assert parse.exists()
    (models / "stg_x.sql").write_text("select 2")  # its yml (metrics) would be re-read: parse in full
    forget_stale_partial_parse(settings)
    assert not parse.exists()
