"""Content: what type of post and which local slot engage the audience, per brand and platform.

Every rate is the pooled rate of ``marts.agg_content_performance``: sums of engagements and
impressions over the posts with impressions, then the ratio, never a mean of rates
(docs/metrics.md, "Content"). The table exports as CSV.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboards import figures, inputs, queries
from dashboards.data import snapshot
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/content", name="Content", title="groundswell: content")

NO_CONTENT = ("No content figures yet: the published snapshot holds no marts.agg_content_performance "
              "rows. Land owned posts (`groundswell demo`, or the API readers) and run `groundswell build`.")
_RATE = {"function": "params.value == null ? '–' : d3.format('.2%')(params.value)"}
_NUMBER = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
TABLE_COLUMNS = [
    {"field": "content_type", "headerName": "content_type", "pinned": "left"},
    {"field": "posting_weekday", "headerName": "posting_weekday",
     "headerTooltip": "local ISO weekday, 1 = Monday"},
    {"field": "posting_hour", "headerName": "posting_hour", "headerTooltip": "local hour, 0-23"},
    {"field": "posts", "headerName": "posts", "type": "numericColumn"},
    {"field": "posts_with_impressions", "headerName": "posts_with_impressions", "type": "numericColumn"},
    {"field": "impressions", "headerName": "impressions", "type": "numericColumn", "valueFormatter": _NUMBER},
    {"field": "engagements_with_impressions", "headerName": "engagements_with_impressions",
     "type": "numericColumn", "valueFormatter": _NUMBER},
    {"field": "engagement_rate", "headerName": "engagement_rate", "type": "numericColumn",
     "valueFormatter": _RATE, "headerTooltip": "engagements_with_impressions / impressions"},
]


def layout(**_query) -> html.Div:
    try:
        with snapshot() as con:
            brands, platforms = queries.content_options(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="content-missing")
    if not brands:
        return dbc.Alert(NO_CONTENT, color="info", id="content-empty")
    return html.Div([
        html.H2("Content"),
        dbc.Row([
            dbc.Col([dbc.Label("Brands"), dcc.Dropdown(id="content-brands", options=brands, value=[],
                                                       multi=True, placeholder="All brands")], md=5),
            dbc.Col([dbc.Label("Platforms"), dcc.Dropdown(
                id="content-platforms", value=[], multi=True, placeholder="All platforms",
                options=[{"label": figures.PLATFORM_LABELS.get(p, p), "value": p} for p in platforms])],
                md=5),
            dbc.Col(dbc.Button("Export CSV", id="content-export", size="sm", color="secondary",
                               className="float-end mt-4"), md=2),
        ], className="mb-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="content-types"), md=5),
            dbc.Col(dcc.Graph(id="content-slots"), md=7),
        ]),
        html.H4("By type and slot", className="mt-3"),
        dag.AgGrid(
            id="content-table", columnDefs=TABLE_COLUMNS, rowData=[],
            defaultColDef={"sortable": True, "filter": True, "resizable": True},
            csvExportParams={"fileName": "groundswell-content.csv"},
            dashGridOptions={"pagination": True, "paginationPageSize": 20, "tooltipShowDelay": 300},
            style={"height": "520px"}, className="mb-5"),
    ])


@callback(Output("content-types", "figure"), Output("content-slots", "figure"),
          Output("content-table", "rowData"),
          Input("content-brands", "value"), Input("content-platforms", "value"))
def update(brands, platforms):
    brands, platforms = inputs.some_of(brands), inputs.some_of(platforms)
    with snapshot() as con:
        by_type = queries.content_by(con, ["content_type"], brands, platforms)
        by_slot = queries.content_by(con, ["posting_weekday", "posting_hour"], brands, platforms)
        table = queries.content_by(con, ["content_type", "posting_weekday", "posting_hour"], brands,
                                   platforms)
    return figures.content_type_bars(by_type), figures.slot_heatmap(by_slot), figures.grid_rows(table)


@callback(Output("content-table", "exportDataAsCsv"), Input("content-export", "n_clicks"),
          prevent_initial_call=True)
def export(_clicks):
    return True
