"""Maturity on the small demo: every stage appears, each explained by criteria rows, one unit moves
up; and the rubric is data: an edit of seeds/maturity_rubric.csv changes the stages, no code."""

from __future__ import annotations

import shutil

import pytest

from groundswell.config import Settings
from groundswell.land.demo import generate
from groundswell.land.demo.brands import STAGES
from groundswell.land.landing import land_everything
from groundswell.transform import dbt as transform
from groundswell.warehouse import connect
from tests.conftest import make_settings

STAGE_SQL = ("select business_unit, quarter, stage, is_survey_missing, evidence_note, gaps_to_next_stage "
             "from marts.fct_maturity_stage order by business_unit, quarter")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small demo (90 days: 2026-Q3 from August 3, and 2026-Q4's October), everything landed,
    built up to the maturity stage."""
    settings = make_settings(tmp_path_factory.mktemp("maturity") / "home")
    generate(settings.landing_dir, scale="small")
    land_everything(settings)
    transform.build(settings, "+fct_maturity_stage")
    return settings


def stages(settings: Settings) -> dict[tuple[str, str], tuple]:
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return {(unit, quarter): rest for unit, quarter, *rest in con.execute(STAGE_SQL).fetchall()}
    finally:
        con.close()


def test_every_stage_appears_and_is_explained_by_criteria(small):
    found = stages(small)
    print("\nmaturity, small demo:", {k: v[0] for k, v in found.items()})
    assert {stage for stage, *_ in found.values()} == set(STAGES)
    # The units the demo plans (src/groundswell/land/demo/brands.py), in its last two quarters.
    assert {k: v[0] for k, v in found.items()} == {
        ("contoso-business", "2026-Q3"): "testing", ("contoso-business", "2026-Q4"): "testing",
        ("contoso-consumer", "2026-Q3"): "coordinating",
        ("contoso-consumer", "2026-Q4"): "scaling_optimizing",  # moves up
        ("contoso-devices", "2026-Q3"): "dormant", ("contoso-devices", "2026-Q4"): "dormant",
        ("northwind-cargo", "2026-Q3"): "scaling_optimizing",
        ("northwind-cargo", "2026-Q4"): "scaling_optimizing",
        ("northwind-passenger", "2026-Q3"): "empowered", ("northwind-passenger", "2026-Q4"): "empowered",
    }
    # The unit without activity or survey: dormant for that reason, flagged, its gap the first post.
    stage, missing, note, gaps = found[("contoso-devices", "2026-Q4")]
    assert missing and note.startswith("no activity") and [g["criterion"] for g in gaps] == [
        "posts_owned_content"]
    con = connect(small.warehouse_path, read_only=True)
    try:
        # Each unit's stage holds: every applicable criterion up to it passed, and (below
        # empowered) the next stage has a failed criterion, which is its listed gap.
        rows = con.execute("""
            select s.business_unit, s.quarter, s.stage_rank, a.stage_rank as criterion_rank,
                   a.criterion, a.passed
            from marts.fct_maturity_stage as s
            join marts.fct_maturity_assessment as a using (business_unit, quarter)""").fetchall()
    finally:
        con.close()
    for (unit, quarter), (stage, _, _, gaps) in found.items():
        mine = [r for r in rows if r[:2] == (unit, quarter)]
        rank = STAGES.index(stage)
        assert mine, "every stage is explained by criteria rows"
        if rank:
            assert all(passed is not False for *_, c_rank, _, passed in mine if c_rank <= rank)
        if rank < 4:
            failed = sorted(c for *_, c_rank, c, passed in mine if c_rank == rank + 1 and passed is False)
            assert failed and failed == [g["criterion"] for g in gaps], (unit, quarter)


def test_a_rubric_edit_changes_the_stage_without_code(small, tmp_path):
    """Empowered asks for presence on 3 platforms by default; asking for 5 (an edit of the seed, in a
    copy of the project) drops the passenger unit, on 4, to scaling_optimizing at the next build."""
    project = tmp_path / "project"
    shutil.copytree(small.project_root / "dbt", project / "dbt", ignore=shutil.ignore_patterns("target"))
    shutil.copytree(small.project_root / "dags", project / "dags")
    shutil.copytree(small.project_root / "expectations", project / "expectations")
    rubric = project / "dbt" / "seeds" / "maturity_rubric.csv"
    text = rubric.read_text()
    assert "present_everywhere,empowered,presence,active_channels,>=,3," in text
    rubric.write_text(text.replace("present_everywhere,empowered,presence,active_channels,>=,3,",
                                   "present_everywhere,empowered,presence,active_channels,>=,5,"))
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(small.warehouse_path, home / small.warehouse_path.name)
    edited = Settings(home=home, project_root=project)
    transform.build(edited, "maturity_rubric+")
    before, after = stages(small), stages(edited)
    for quarter in ("2026-Q3", "2026-Q4"):
        assert before[("northwind-passenger", quarter)][0] == "empowered"
        stage, _, _, gaps = after[("northwind-passenger", quarter)]
        assert stage == "scaling_optimizing"
        assert [(g["criterion"], g["measured_value"], g["threshold"]) for g in gaps] == [
            ("present_everywhere", 4.0, 5.0)]
    # The other units keep their stages (cargo's gap now shows the new threshold).
    assert {k: v[0] for k, v in after.items() if k[0] != "northwind-passenger"} == {
        k: v[0] for k, v in before.items() if k[0] != "northwind-passenger"}
    assert {(g["criterion"], g["threshold"]) for g in after[("northwind-cargo", "2026-Q4")][3]} >= {
        ("present_everywhere", 5.0)}
