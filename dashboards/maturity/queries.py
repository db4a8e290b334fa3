"""The maturity page's queries: the semantic layer's metrics and the rows it shows, for the page's filters."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from dashboards.shared.queries import has_table

STAGE_MART = "marts.fct_maturity_stage"
ASSESSMENT_MART = "marts.fct_maturity_assessment"
STAGE_COLUMNS = ("business_unit", "brand", "stage", "previous_stage", "change", "criteria_passed",
                 "criteria_assessed", "is_survey_missing", "evidence_note")
CHECKLIST_COLUMNS = ("criterion", "dimension", "signal", "measured_value", "operator", "threshold",
                     "passed", "evidence_source", "description")


@cached
def maturity_quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Assessed quarters, latest first (empty before the mart exists or has rows)."""
    if not has_table(con, STAGE_MART):
        return []
    return [r[0] for r in con.execute(
        f"select distinct quarter, quarter_start from {STAGE_MART} order by quarter_start desc").fetchall()]


@cached
def maturity_stages(con: duckdb.DuckDBPyConnection, quarter: str) -> pd.DataFrame:
    """Each unit's stage in the quarter, the most mature first."""
    return con.execute(f"select {', '.join(STAGE_COLUMNS)} from {STAGE_MART} where quarter = ? "
                       "order by stage_rank desc, business_unit", [quarter]).df()


@cached
def unit_with_most_to_gain(con: duckdb.DuckDBPyConnection, quarter: str) -> str | None:
    """The unit the checklist opens on: the least mature in the quarter (its next stage has the
    most to give; the first by name among equals), not one with nothing left to do."""
    row = con.execute(f"select business_unit from {STAGE_MART} where quarter = ? "
                      "order by stage_rank, business_unit limit 1", [quarter]).fetchone()
    return row and row[0]


@cached
def maturity_dimensions(con: duckdb.DuckDBPyConnection, quarter: str) -> pd.DataFrame:
    """Per unit and dimension: criteria passed / criteria assessed (applicable), every stage's."""
    names = {"criteria_passed": "passed", "criteria_assessed": "assessed",
             "criteria_passed_share": "passed_share"}
    df = semantic.frame(con, Query.of(
        names, ("maturity_criterion__business_unit", "maturity_criterion__dimension"),
        (Where("maturity_criterion__year_quarter", "=", quarter),)))
    return df.rename(columns={"maturity_criterion__business_unit": "business_unit",
                              "maturity_criterion__dimension": "dimension", **names})


@cached
def maturity_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every unit's stage, quarter by quarter."""
    return con.execute(f"select business_unit, quarter, quarter_start, stage, stage_rank from {STAGE_MART} "
                       "order by business_unit, quarter_start").df()


@cached
def maturity_checklist(con: duckdb.DuckDBPyConnection, unit: str, quarter: str) -> tuple[dict, pd.DataFrame]:
    """The unit's stage and every criterion of its next stage, failed first."""
    row = con.execute(f"select stage, next_stage, stage_rank from {STAGE_MART} "
                      "where business_unit = ? and quarter = ?", [unit, quarter]).fetchone()
    if row is None:
        return {"stage": None, "next_stage": None}, pd.DataFrame(columns=list(CHECKLIST_COLUMNS))
    stage, next_stage, rank = row
    rows = con.execute(f"""
        select {', '.join(CHECKLIST_COLUMNS)} from {ASSESSMENT_MART}
        where business_unit = ? and quarter = ? and stage_rank = ?
        order by passed nulls last, criterion""", [unit, quarter, rank + 1]).df()
    return {"stage": stage, "next_stage": next_stage}, rows
