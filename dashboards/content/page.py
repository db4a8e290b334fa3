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

from dashboards import inputs, labels, semantic
from dashboards.content import figures, queries
from dashboards.data import snapshot
from dashboards.shared import figures as shared_figures
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/content", name="Content", title="groundswell: content", order=5)

NO_CONTENT = ["No content figures yet: the published snapshot holds no ",
              html.Code("marts.agg_content_performance"), " rows. Land owned posts (",
              html.Code("groundswell demo"), ", or the API readers) and run ",
              html.Code("groundswell build"), "."]
_RATE = {"function": "params.value == null ? '–' : d3.format('.2%')(params.value)"}
_NUMBER = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
_WEEKDAY = {"function": "params.value == null ? '–' : "
                        f"({list(figures.WEEKDAYS)}[params.value - 1] || params.value)"}
_HOUR = {"function": "params.value == null ? '–' : (params.value < 10 ? '0' : '') + params.value + ':00'"}


def _metric(layer, name: str, field: str | None = None, **extra) -> dict:
    """A grid column of a metric: its label and definition; ``field``: the row's name for it."""
    out = labels.column(name, layer, type="numericColumn", **extra)
    out["field"] = field or name
    return out


def table_columns(layer) -> list[dict]:
    """The grid by type and slot: the posts' dimensions and the metrics, as the semantic layer
    labels and defines them."""
    return [
        labels.post_dimension(layer, "content_type", pinned="left", valueFormatter=labels.CATEGORY),
        labels.post_dimension(layer, "posting_weekday", valueFormatter=_WEEKDAY),
        labels.post_dimension(layer, "posting_hour", valueFormatter=_HOUR),
        _metric(layer, "posts", valueFormatter=_NUMBER),
        _metric(layer, "posts_with_impressions", valueFormatter=_NUMBER),
        _metric(layer, "impressions_with_engagement_rate", "impressions", valueFormatter=_NUMBER),
        _metric(layer, "engagements_with_impressions", valueFormatter=_NUMBER),
        _metric(layer, "engagement_rate", valueFormatter=_RATE),
    ]


def layout(**_query) -> html.Div:
    try:
        with snapshot() as con:
            brands, platforms = queries.content_options(con)
            first, last = queries.content_span(con)
            layer = semantic.layer(con) if brands else None
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="content-missing")
    if not brands:
        return dbc.Alert(NO_CONTENT, color="info", id="content-empty")
    return html.Div([
        html.H2("Content"),
        dbc.Row([
            dbc.Col([dbc.Label("Posted between (UTC days)"), dcc.DatePickerRange(
                id="content-dates", min_date_allowed=first, max_date_allowed=last, start_date=first,
                end_date=last, display_format="YYYY-MM-DD")], md=4),
            dbc.Col([dbc.Label("Brands"), dcc.Dropdown(id="content-brands", options=brands, value=[],
                                                       multi=True, placeholder="All brands")], md=3),
            dbc.Col([dbc.Label("Platforms"), dcc.Dropdown(
                id="content-platforms", value=[], multi=True, placeholder="All platforms",
                options=[{"label": shared_figures.PLATFORM_LABELS.get(p, p), "value": p}
                         for p in platforms])],
                md=3),
            dbc.Col(dbc.Button("Export CSV", id="content-export", size="sm", color="secondary",
                               className="float-end mt-4"), md=2),
        ], className="mb-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="content-types"), md=5),
            dbc.Col(dcc.Graph(id="content-slots"), md=7),
        ]),
        html.H4("By type and slot", className="mt-3"),
        dag.AgGrid(
            id="content-table", columnDefs=table_columns(layer), rowData=[],
            defaultColDef=shared_figures.grid_column_defaults(),
            csvExportParams={"fileName": "groundswell-content.csv"},
            dashGridOptions={"pagination": True, "paginationPageSize": 20, "tooltipShowDelay": 300},
            style={"height": "520px"}, className="mb-5"),
    ])


@callback(Output("content-types", "figure"), Output("content-slots", "figure"),
          Output("content-table", "rowData"),
          Input("content-brands", "value"), Input("content-platforms", "value"),
          Input("content-dates", "start_date"), Input("content-dates", "end_date"))
def update(brands, platforms, start_date, end_date):
    brands, platforms = inputs.some_of(brands), inputs.some_of(platforms)
    with snapshot() as con:
        first, last = queries.content_span(con)
        start, end = inputs.a_date(start_date, first), inputs.a_date(end_date, last)
        if start is not None and end is not None:
            start, end = min(start, end), max(start, end)
        period = (brands, platforms, start, end)
        by_type = queries.content_by(con, ["content_type"], *period)
        by_slot = queries.content_by(con, ["posting_weekday", "posting_hour"], *period)
        table = queries.content_by(con, ["content_type", "posting_weekday", "posting_hour"], *period)
    return figures.content_type_bars(by_type), figures.slot_heatmap(by_slot), shared_figures.grid_rows(table)


@callback(Output("content-table", "exportDataAsCsv"), Input("content-export", "n_clicks"),
          prevent_initial_call=True)
def export(_clicks):
    return True
