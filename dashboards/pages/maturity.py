"""Maturity: each business unit's stage of social maturity, why it sits there, and what would move
it up (seed 000's five stages).

Stages come from ``marts.fct_maturity_stage``; the dimension heat map and the checklist from
``marts.fct_maturity_assessment``, the rubric applied (docs/metrics.md, "Maturity").
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import figures, inputs, queries
from dashboards.data import snapshot
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/maturity", name="Maturity", title="groundswell: maturity")

NO_MATURITY = ("No maturity assessment yet: the published snapshot holds no marts.fct_maturity_stage "
               "rows. Register the business units (dbt/seeds/business_units.csv), land their activity "
               "and survey (`groundswell demo`), and run `groundswell build`.")
_VALUE = {"function": "params.value == null ? 'n/a' : d3.format(',.3~f')(params.value)"}
STAGE_GRID_COLUMNS = [
    {"field": "business_unit", "pinned": "left", "width": 200},
    {"field": "brand", "width": 150},
    {"field": "stage", "width": 170},
    {"field": "previous_stage", "width": 170},
    {"field": "change", "width": 100},
    {"field": "criteria_passed", "type": "numericColumn", "width": 140},
    {"field": "criteria_assessed", "type": "numericColumn", "width": 150},
    {"field": "is_survey_missing", "width": 150},
    {"field": "evidence_note", "flex": 1, "minWidth": 260},
]
CHECKLIST_GRID_COLUMNS = [
    {"field": "passed", "width": 100,
     "valueFormatter": {"function": "params.value == null ? 'n/a' : (params.value ? '✓' : '✗')"}},
    {"field": "criterion", "pinned": "left", "width": 230},
    {"field": "dimension", "width": 170},
    {"field": "signal", "width": 200},
    {"field": "measured_value", "type": "numericColumn", "valueFormatter": _VALUE, "width": 150},
    {"field": "operator", "width": 100},
    {"field": "threshold", "type": "numericColumn", "valueFormatter": _VALUE, "width": 120},
    {"field": "evidence_source", "width": 230},
    {"field": "description", "flex": 1, "minWidth": 300},
]
for _column in [*STAGE_GRID_COLUMNS, *CHECKLIST_GRID_COLUMNS]:  # the marts' own column names
    _column["headerName"] = _column["field"]


def layout(**_query) -> html.Div:
    try:
        with snapshot() as con:
            quarters = queries.maturity_quarters(con)
            units = queries.maturity_stages(con, quarters[0])["business_unit"].tolist() if quarters else []
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="maturity-missing")
    if not quarters:
        return dbc.Alert(NO_MATURITY, color="info", id="maturity-empty")
    return html.Div([
        html.H2("Maturity"),
        dbc.Row([
            dbc.Col([dbc.Label("Quarter"), dcc.Dropdown(
                id="maturity-quarter", options=quarters, value=quarters[0], clearable=False)], md=3),
        ], className="mb-3"),
        html.H4("Stage per business unit", title="marts.fct_maturity_stage: the highest stage whose "
                "applicable criteria, and those of every stage below, all passed"),
        dag.AgGrid(id="maturity-stages", columnDefs=STAGE_GRID_COLUMNS, rowData=[],
                   defaultColDef={"sortable": True, "resizable": True},
                   dashGridOptions={"domLayout": "autoHeight"}, className="mb-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="maturity-dimensions"), md=7),
            dbc.Col(dcc.Graph(id="maturity-history"), md=5),
        ]),
        dbc.Row([
            dbc.Col([dbc.Label("Business unit"), dcc.Dropdown(
                id="maturity-unit", options=units, value=units[0] if units else None,
                clearable=False)], md=4),
        ], className="mt-3 mb-2"),
        html.H4("–", id="maturity-checklist-title"),
        dag.AgGrid(id="maturity-checklist", columnDefs=CHECKLIST_GRID_COLUMNS, rowData=[],
                   defaultColDef={"sortable": True, "resizable": True},
                   dashGridOptions={"domLayout": "autoHeight"}, className="mb-5"),
    ])


@callback(Output("maturity-stages", "rowData"), Output("maturity-dimensions", "figure"),
          Output("maturity-history", "figure"), Input("maturity-quarter", "value"))
def update(quarter):
    with snapshot() as con:
        quarters = queries.maturity_quarters(con)
        quarter = inputs.one_of(quarter, quarters, quarters[0] if quarters else None)
        stages = queries.maturity_stages(con, quarter)
        dimensions = queries.maturity_dimensions(con, quarter)
        history = queries.maturity_history(con)
    return figures.grid_rows(stages), figures.dimension_heatmap(dimensions), figures.stage_history(history)


@callback(Output("maturity-checklist-title", "children"), Output("maturity-checklist", "rowData"),
          Input("maturity-unit", "value"), Input("maturity-quarter", "value"))
def checklist(unit, quarter):
    with snapshot() as con:
        quarters = queries.maturity_quarters(con)
        if not quarters:
            raise PreventUpdate  # no assessment: the layout says so, there is nothing to update
        quarter = inputs.one_of(quarter, quarters, quarters[0])
        units = queries.maturity_stages(con, quarters[0])["business_unit"].tolist()  # the dropdown's
        unit = inputs.one_of(unit, units, units[0] if units else None)
        if unit is None:
            raise PreventUpdate
        current, rows = queries.maturity_checklist(con, unit, quarter)
    if current["stage"] is None:
        return f"{unit} was not assessed in {quarter}", []
    if current["next_stage"] is None:
        return f"{unit} is {current['stage']} in {quarter}: the highest stage", []
    failed = int((rows["passed"] == False).sum())  # noqa: E712 (a pandas mask, NULLs excluded)
    return (f"{unit} is {current['stage']} in {quarter}: {failed} of {len(rows)} criteria of "
            f"{current['next_stage']} to meet", figures.grid_rows(rows))
