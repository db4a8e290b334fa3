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

from dashboards import inputs, labels, semantic
from dashboards.data import snapshot
from dashboards.maturity import figures, queries
from dashboards.shared import figures as shared_figures
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/maturity", name="Maturity", title="groundswell: maturity", order=3)

NO_MATURITY = ["No maturity assessment yet: the published snapshot holds no ",
               html.Code("marts.fct_maturity_stage"), " rows. Register the business units (",
               html.Code("dbt/seeds/business_units.csv"), "), land their activity and survey (",
               html.Code("groundswell demo"), "), and run ", html.Code("groundswell build"), "."]
_VALUE = {"function": "params.value == null ? 'n/a' : d3.format(',.3~f')(params.value)"}
_COUNT = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
_YES_NO = {"function": "params.value == null ? '–' : (params.value ? 'yes' : 'no')"}
#: AG Grid draws a boolean as a checkbox (no words) unless the column's cellDataType is False.
_WORDS = {"cellDataType": False}
_OPERATOR = {"function": "({'>=': '≥', '<=': '≤'})[params.value] || params.value"}
#: A table the evidence comes from stays its name, as code (markdown: a code span).
_CODE = {"cellRenderer": "markdown",
         "valueGetter": {"function": "params.data.evidence_source == null ? '–' : "
                                     "'`` ' + params.data.evidence_source + ' ``'"}}


def _dimension(layer, name: str, field: str, **extra) -> dict:
    """A grid column of a dimension of the semantic layer (``entity__dimension``): its label."""
    return {"field": field, "headerName": layer.label(name), **extra}


def stage_columns(layer) -> list[dict]:
    """Each unit's stage: the semantic layer's labels for its dimensions and metrics, the words of
    labels.COLUMNS for the rest; stages in words."""
    return [
        _dimension(layer, "unit_quarter__business_unit", "business_unit", pinned="left", width=200),
        labels.column("brand", width=150),
        _dimension(layer, "unit_quarter__stage", "stage", width=210, valueFormatter=labels.CATEGORY),
        labels.column("previous_stage", width=210, valueFormatter=labels.CATEGORY),
        labels.column("change", width=110, valueFormatter=labels.CATEGORY),
        labels.column("criteria_passed", layer, type="numericColumn", width=150, valueFormatter=_COUNT),
        labels.column("criteria_assessed", layer, type="numericColumn", width=160, valueFormatter=_COUNT),
        labels.column("is_survey_missing", width=150, valueFormatter=_YES_NO, **_WORDS),
        labels.column("evidence_note", flex=1, minWidth=260),
    ]


def checklist_columns(layer) -> list[dict]:
    """The criteria of the next stage: rubric identifiers in words, the evidence's table as code."""
    return [
        labels.column("passed", width=100, **_WORDS, valueFormatter={
            "function": "params.value == null ? 'n/a' : (params.value ? '✓ yes' : '✗ no')"}),
        labels.column("criterion", pinned="left", width=260, valueFormatter=labels.CATEGORY),
        _dimension(layer, "maturity_criterion__dimension", "dimension", width=190,
                   valueFormatter=labels.CATEGORY),
        labels.column("signal", width=230, valueFormatter=labels.CATEGORY),
        labels.column("measured_value", type="numericColumn", valueFormatter=_VALUE, width=150),
        labels.column("operator", width=100, valueFormatter=_OPERATOR),
        labels.column("threshold", type="numericColumn", valueFormatter=_VALUE, width=120),
        labels.column("evidence_source", width=260, **_CODE),
        labels.column("description", flex=1, minWidth=300),
    ]


def layout(**_query) -> html.Div:
    try:
        with snapshot() as con:
            quarters = queries.maturity_quarters(con)
            units = queries.maturity_stages(con, quarters[0])["business_unit"].tolist() if quarters else []
            first = queries.unit_with_most_to_gain(con, quarters[0]) if quarters else None
            layer = semantic.layer(con) if quarters else None
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
        dag.AgGrid(id="maturity-stages", columnDefs=stage_columns(layer), rowData=[],
                   defaultColDef=shared_figures.grid_column_defaults(filter=False),
                   dashGridOptions={"domLayout": "autoHeight"}, className="mb-3"),
        dbc.Row([
            # the whole width: nine dimensions' labels stand level under their columns
            dbc.Col(dcc.Graph(id="maturity-dimensions"), md=12),
            dbc.Col(dcc.Graph(id="maturity-history"), md=12),
        ]),
        dbc.Row([
            dbc.Col([dbc.Label("Business unit"), dcc.Dropdown(
                id="maturity-unit", options=units, value=first,
                clearable=False)], md=4),
        ], className="mt-3 mb-2"),
        html.H4("–", id="maturity-checklist-title"),
        dag.AgGrid(id="maturity-checklist", columnDefs=checklist_columns(layer), rowData=[],
                   defaultColDef=shared_figures.grid_column_defaults(filter=False),
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
    return (shared_figures.grid_rows(stages), figures.dimension_heatmap(dimensions),
            figures.stage_history(history))


@callback(Output("maturity-checklist-title", "children"), Output("maturity-checklist", "rowData"),
          Input("maturity-unit", "value"), Input("maturity-quarter", "value"))
def checklist(unit, quarter):
    with snapshot() as con:
        quarters = queries.maturity_quarters(con)
        if not quarters:
            raise PreventUpdate  # no assessment: the layout says so, there is nothing to update
        quarter = inputs.one_of(quarter, quarters, quarters[0])
        units = queries.maturity_stages(con, quarters[0])["business_unit"].tolist()  # the dropdown's
        unit = inputs.one_of(unit, units, queries.unit_with_most_to_gain(con, quarters[0]))
        if unit is None:
            raise PreventUpdate
        current, rows = queries.maturity_checklist(con, unit, quarter)
    if current["stage"] is None:
        return f"{unit} was not assessed in {quarter}", []
    stage = labels.value(current["stage"]).lower()  # "scaling_optimizing": scaling and optimizing
    if current["next_stage"] is None:
        return f"{unit} is {stage} in {quarter}: the highest stage", []
    failed = int((rows["passed"] == False).sum())  # noqa: E712 (a pandas mask, NULLs excluded)
    return (f"{unit} is {stage} in {quarter}: {failed:,} of {len(rows):,} criteria of "
            f"{labels.value(current['next_stage']).lower()} to meet", shared_figures.grid_rows(rows))
