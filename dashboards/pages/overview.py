"""Overview: how the brands' owned posts perform, by platform and over time."""

from __future__ import annotations

from datetime import timedelta

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import figures, inputs, queries
from dashboards.data import snapshot
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/", name="Overview", title="groundswell: overview")

DEFAULT_DAYS = 90


def _card(card_id: str, label: str, tooltip: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small", title=tooltip),
        html.H3("–", id=f"{card_id}-value", className="mb-0"),
        html.Div("", id=f"{card_id}-change", className="small text-muted"),
    ])), md=3)


def layout(**_query) -> html.Div:
    """Built per request, so the filters cover whatever snapshot is published now."""
    try:
        with snapshot() as con:
            options = queries.overview_options(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="overview-missing")
    if options.last_date is None:
        return dbc.Alert("The published snapshot holds no owned posts yet.", color="info",
                         id="overview-empty")
    start = max(options.first_date, options.last_date - timedelta(days=DEFAULT_DAYS - 1))
    return html.Div([
        dbc.Row([
            dbc.Col(html.H2("Overview"), md=6),
            dbc.Col(html.Div(f"Snapshot taken {options.snapshot_at:%Y-%m-%d %H:%M} UTC",
                             className="text-muted text-end small", id="overview-snapshot"),
                    md=6),
        ], className="align-items-center"),
        dbc.Row([
            dbc.Col([dbc.Label("Posted between"), dcc.DatePickerRange(
                id="overview-dates", min_date_allowed=options.first_date,
                max_date_allowed=options.last_date, start_date=start,
                end_date=options.last_date, display_format="YYYY-MM-DD")], md=4),
            dbc.Col([dbc.Label("Brands"), dcc.Dropdown(
                id="overview-brands", options=options.brands, value=[], multi=True,
                placeholder="All brands")], md=5),
            dbc.Col([dbc.Label("Grain"), dbc.RadioItems(
                id="overview-grain", options=list(queries.GRAINS), value="week", inline=True)],
                md=3),
        ], className="mb-3"),
        dbc.Row([
            _card("kpi-posts", "Posts", "Owned posts published in the period"),
            _card("kpi-impressions", "Impressions", "Sum of impressions of those posts"),
            _card("kpi-engagements", "Engagements",
                  "reactions + comments + shares (docs/metrics.md)"),
            _card("kpi-rate", "Engagement rate",
                  "engagements / impressions, over posts with impressions (docs/metrics.md)"),
        ], className="mb-3 g-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="overview-engagements"), md=6),
            dbc.Col(dcc.Graph(id="overview-rate"), md=6),
        ]),
        dbc.Row([
            dbc.Col(html.H4("Top posts"), md=9),
            dbc.Col(dbc.Button("Export CSV", id="overview-export", size="sm",
                               color="secondary", className="float-end"), md=3),
        ], className="mt-3 align-items-center"),
        dag.AgGrid(
            id="overview-top-posts",
            columnDefs=TOP_POST_COLUMNS,
            defaultColDef={"sortable": True, "filter": True, "resizable": True},
            csvExportParams={"fileName": "groundswell-top-posts.csv"},
            dashGridOptions={"pagination": True, "paginationPageSize": 20},
            style={"height": "480px"},
        ),
    ])


TOP_POST_COLUMNS = [
    {"field": "posted_at", "headerName": "Posted (UTC)"},
    {"field": "brand"},
    {"field": "platform"},
    {"field": "content_type", "headerName": "Type"},
    {"field": "impressions", "type": "numericColumn",
     "valueFormatter": {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}},
    {"field": "engagements", "type": "numericColumn",
     "valueFormatter": {"function": "d3.format(',')(params.value)"}},
    {"field": "engagement_rate", "headerName": "Engagement rate", "type": "numericColumn",
     "valueFormatter": {"function": "params.value == null ? '–' : "
                                   "d3.format('.2%')(params.value)"}},
    {"field": "post_id", "headerName": "Post id"},
]


@callback(
    Output("kpi-posts-value", "children"), Output("kpi-posts-change", "children"),
    Output("kpi-impressions-value", "children"), Output("kpi-impressions-change", "children"),
    Output("kpi-engagements-value", "children"), Output("kpi-engagements-change", "children"),
    Output("kpi-rate-value", "children"), Output("kpi-rate-change", "children"),
    Output("overview-engagements", "figure"), Output("overview-rate", "figure"),
    Output("overview-top-posts", "rowData"),
    Input("overview-dates", "start_date"), Input("overview-dates", "end_date"),
    Input("overview-brands", "value"), Input("overview-grain", "value"),
)
def update(start_date, end_date, brands, grain):
    grain = inputs.one_of(grain, queries.GRAINS, "week")
    with snapshot() as con:
        options = queries.overview_options(con)
        if options.last_date is None:
            raise PreventUpdate  # no posts: the layout says so, there is nothing to update
        # a cleared or malformed date leaves that end open: the snapshot's first or last day
        start = inputs.a_date(start_date, options.first_date)
        end = inputs.a_date(end_date, options.last_date)
        start, end = min(start, end), max(start, end)
        brands = inputs.some_of(brands, options.brands)
        now = queries.kpis(con, start, end, brands)
        before = queries.kpis(con, *queries.previous_period(start, end), brands)
        trend = queries.engagement_by_platform(con, start, end, brands, grain)
        top = queries.top_posts(con, start, end, brands)
    had_before = before["posts"] > 0
    prev = before if had_before else dict.fromkeys(before)
    return (
        figures.fmt_count(now["posts"]), figures.fmt_change(now["posts"], prev["posts"]),
        figures.fmt_count(now["impressions"]),
        figures.fmt_change(now["impressions"], prev["impressions"]),
        figures.fmt_count(now["engagements"]),
        figures.fmt_change(now["engagements"], prev["engagements"]),
        figures.fmt_rate(now["engagement_rate"]),
        figures.fmt_change(now["engagement_rate"], prev["engagement_rate"], points=True),
        figures.engagement_trend(trend, "engagements"),
        figures.engagement_trend(trend, "engagement_rate"),
        figures.grid_rows(top),
    )


@callback(Output("overview-top-posts", "exportDataAsCsv"), Input("overview-export", "n_clicks"),
          prevent_initial_call=True)
def export(_clicks: int) -> bool:
    return True
