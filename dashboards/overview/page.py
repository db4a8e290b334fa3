"""Overview: how the brands' owned posts perform, by platform and over time."""

from __future__ import annotations

from datetime import timedelta

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import inputs, labels, semantic
from dashboards.data import snapshot
from dashboards.overview import figures, queries
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/", name="Overview", title="groundswell: overview", order=0)

DEFAULT_DAYS = 90


#: The cards: (element id, metric of the semantic layer). Labels, tooltips and formats are the
#: metrics' own (dbt/models/marts/content/fct_post_performance.yml).
CARDS = (("kpi-posts", "posts"), ("kpi-impressions", "impressions"),
         ("kpi-engagements", "engagements"), ("kpi-rate", "engagement_rate"))


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
            layer = semantic.layer(con)
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
        dbc.Row([_card(card_id, layer.metric(m).label, layer.metric(m).description)
                 for card_id, m in CARDS], className="mb-3 g-3"),
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
            columnDefs=top_post_columns(layer),
            defaultColDef=shared_figures.grid_column_defaults(),
            csvExportParams={"fileName": "groundswell-top-posts.csv"},
            dashGridOptions={"pagination": True, "paginationPageSize": 20},
            style={"height": "480px"},
        ),
    ])


_NUMBER = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
_RATE = {"function": "params.value == null ? '–' : d3.format('.2%')(params.value)"}


def top_post_columns(layer) -> list[dict]:
    """The top posts grid: labels and definitions of the semantic layer (the posts' dimensions,
    the metrics), labels.COLUMNS for the rest; categories in words."""
    return [
        labels.column("posted_at"),
        labels.post_dimension(layer, "brand"),
        labels.post_dimension(layer, "platform", valueFormatter=labels.CATEGORY),
        labels.post_dimension(layer, "content_type", valueFormatter=labels.CATEGORY),
        labels.column("impressions", layer, type="numericColumn", valueFormatter=_NUMBER),
        labels.column("engagements", layer, type="numericColumn", valueFormatter=_NUMBER),
        labels.column("engagement_rate", layer, type="numericColumn", valueFormatter=_RATE),
        labels.column("post_id", minWidth=250),
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
        before = queries.kpis(con, *shared_queries.previous_period(start, end), brands)
        trend = queries.engagement_by_platform(con, start, end, brands, grain)
        top = queries.top_posts(con, start, end, brands)
        layer = semantic.layer(con)
    days = (end - start).days + 1
    values = [layer.metric(m).format(now[m]) for _id, m in CARDS]
    moves = semantic.changes(layer, [(m, now[m], before[m]) for _id, m in CARDS], before["posts"],
                             semantic.nothing_before("posts", days, "day"))
    cards = [part for pair in zip(values, moves, strict=True) for part in pair]
    return (
        *cards,
        figures.engagement_trend(trend, "engagements", layer.metric("engagements").label),
        figures.engagement_trend(trend, "engagement_rate", layer.metric("engagement_rate").label),
        shared_figures.grid_rows(top),
    )


@callback(Output("overview-top-posts", "exportDataAsCsv"), Input("overview-export", "n_clicks"),
          prevent_initial_call=True)
def export(_clicks: int) -> bool:
    return True
