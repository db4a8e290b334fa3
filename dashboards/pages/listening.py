"""Listening & crisis: what is said about a brand, how it feels, its share of voice, its crises.

Every number comes from ``marts.agg_mentions_hourly`` (volume, sentiment, share of voice: ratios
from sums, never averaged), ``marts.fct_crisis_episodes`` (the alert list) and
``marts.agg_feedback_actions`` (the feedback loop: what was done about what was heard, all time).
Definitions: docs/metrics.md, "Listening" and "Feedback loop". The episode list exports as CSV.
The brand's mentions of the period are listed from ``marts.fct_mentions``; an analyst login picks
one and corrects its labels (docs/operations.md, "Dashboard logins"; groundswell.corrections).
"""

from __future__ import annotations

from datetime import timedelta

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import access, correcting, figures, inputs, queries
from dashboards.data import snapshot
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/listening", name="Listening & crisis",
                   title="groundswell: listening and crisis")

DEFAULT_DAYS = 30
CARDS = (
    ("listening-kpi-mentions", "Mentions", "sum(mentions) of the brand in the period"),
    ("listening-kpi-negative", "Negative share", "sum(negative_mentions) / sum(mentions)"),
    ("listening-kpi-net", "Net sentiment", "(positive − negative) / (positive + negative), from sums"),
    ("listening-kpi-sov", "Share of voice", "the brand's mentions / those of every brand of its "
     "industry in seeds/brands.csv (itself and its competitors), from sums"),
    ("listening-kpi-episodes", "Crisis episodes", "episodes of the brand overlapping the period "
     "(marts.fct_crisis_episodes)"),
)
FEEDBACK_CARDS = (
    ("feedback-kpi-actions", "Actions on feedback", "sum(actions): actions logged on the brand's "
     "mentions and care messages (marts.agg_feedback_actions, all time)"),
    ("feedback-kpi-closure", "Closure rate", "sum(actions_closed) / sum(actions): done or declined"),
    ("feedback-kpi-open", "Open actions", "sum(actions_open): open or in progress"),
)
FEEDBACK_GRID_COLUMNS = [
    {"field": "topic", "pinned": "left", "width": 200},
    {"field": "owner_department", "width": 160},
    {"field": "actions", "type": "numericColumn", "width": 110},
    {"field": "feedback_items", "type": "numericColumn", "width": 140},
    {"field": "actions_closed", "type": "numericColumn", "width": 140},
    {"field": "actions_open", "type": "numericColumn", "width": 130},
    {"field": "closure_rate", "type": "numericColumn",
     "valueFormatter": {"function": "params.value == null ? '–' : d3.format('.1%')(params.value)"}},
    {"field": "median_hours_to_action", "type": "numericColumn",
     "valueFormatter": {"function": "params.value == null ? '–' : d3.format(',.1f')(params.value)"}},
    {"field": "median_hours_to_close", "type": "numericColumn", "flex": 1,
     "valueFormatter": {"function": "params.value == null ? '–' : d3.format(',.1f')(params.value)"}},
]
NO_LISTENING = ("No listening data yet: the published snapshot holds no mentions. Land a listening "
                "export (`groundswell load listening-mentions DIR`, or `groundswell demo`) and run "
                "`groundswell build`.")
_NUMBER = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
EPISODE_GRID_COLUMNS = [
    {"field": "brand", "pinned": "left", "width": 150},
    {"field": "kind", "width": 140},
    {"field": "start_at", "headerTooltip": "first alerting hour, UTC"},
    {"field": "peak_at", "headerTooltip": "the hour with the most negative mentions"},
    {"field": "end_at", "headerTooltip": "end of the last alerting hour"},
    {"field": "duration_hours", "type": "numericColumn", "width": 130},
    {"field": "peak_negative_mentions", "type": "numericColumn", "valueFormatter": _NUMBER},
    {"field": "negative_mentions", "type": "numericColumn", "valueFormatter": _NUMBER},
    {"field": "dominant_complaint_type"},
    {"field": "hashtag"},
    {"field": "top_post", "headerTooltip": "the most engaging negative mention", "flex": 1,
     "minWidth": 300},
    {"field": "episode_id"},
]
MENTION_GRID_COLUMNS = [
    {"field": "mentioned_at", "headerName": "mentioned_at (UTC)", "width": 170},
    {"field": "platform", "width": 100},
    {"field": "sentiment_label", "width": 140},
    {"field": "sentiment_score", "type": "numericColumn", "width": 140,
     "headerTooltip": "VADER compound score (enrichment): -1 to 1"},
    {"field": "complaint_type", "width": 150},
    {"field": "complaint_topic", "width": 170},
    {"field": "label_source", "width": 120,
     "headerTooltip": "who set the labels: analyst (a correction), rules or model"},
    {"field": "text", "flex": 1, "minWidth": 300, "tooltipField": "text"},
    {"field": "engagement", "type": "numericColumn", "width": 120, "valueFormatter": _NUMBER,
     "headerTooltip": "likes + shares + replies"},
    {"field": "mention_id", "width": 200},
    {"field": "source", "width": 170},
]
for _column in [*EPISODE_GRID_COLUMNS, *FEEDBACK_GRID_COLUMNS, *MENTION_GRID_COLUMNS]:
    _column.setdefault("headerName", _column["field"])  # the marts' own column names
MENTIONS_PROMPT = "The brand's mentions in the period, from marts.fct_mentions."


def _card(card_id: str, label: str, tooltip: str) -> dbc.Col:
    return dbc.Col(html.Div(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.H3("–", id=f"{card_id}-value", className="mb-0"),
    ])), title=tooltip), md=True)


def layout(**_query) -> html.Div:
    """Built per request, so the filters cover whatever snapshot is published now."""
    try:
        with snapshot() as con:
            options = queries.listening_options(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="listening-missing")
    if options.last_day is None:
        return dbc.Alert(NO_LISTENING, color="info", id="listening-empty")
    brand = (options.own_brands or options.brands)[0]
    start = max(options.first_day, options.last_day - timedelta(days=DEFAULT_DAYS - 1))
    return html.Div([
        dbc.Row([
            dbc.Col(html.H2("Listening & crisis"), md=6),
            dbc.Col(html.Div(f"Snapshot taken {options.snapshot_at:%Y-%m-%d %H:%M} UTC",
                             className="text-muted text-end small", id="listening-snapshot"), md=6),
        ], className="align-items-center"),
        dbc.Row([
            dbc.Col([dbc.Label("Brand"), dcc.Dropdown(
                id="listening-brand", options=options.brands, value=brand, clearable=False)], md=4),
            dbc.Col([dbc.Label("Between (UTC days)"), dcc.DatePickerRange(
                id="listening-dates", min_date_allowed=options.first_day,
                max_date_allowed=options.last_day, start_date=start, end_date=options.last_day,
                display_format="YYYY-MM-DD")], md=5),
            dbc.Col([dbc.Label("Grain"), dbc.RadioItems(
                id="listening-grain", options=list(queries.LISTENING_GRAINS), value="day",
                inline=True)], md=3),
        ], className="mb-3"),
        dbc.Row([_card(*card) for card in CARDS], className="mb-1 g-3"),
        html.Div(id="listening-agreement", className="small text-muted mb-3",
                 title="marts.agg_label_agreement: of the brand's mentions analysts corrected, the "
                       "share whose machine label (one that did not see the correction) was theirs; "
                       "all time"),
        dcc.Graph(id="listening-volume"),
        dcc.Graph(id="listening-sov"),
        dbc.Row([
            dbc.Col(html.H4("Crisis episodes", title="marts.fct_crisis_episodes: the alerts, one "
                            "per episode; all brands, overlapping the period"), md=9),
            dbc.Col(dbc.Button("Export CSV", id="listening-export", size="sm", color="secondary",
                               className="float-end"), md=3),
        ], className="mt-3 align-items-center"),
        dag.AgGrid(
            id="listening-episodes", columnDefs=EPISODE_GRID_COLUMNS, rowData=[],
            defaultColDef={"sortable": True, "filter": True, "resizable": True},
            csvExportParams={"fileName": "groundswell-crisis-episodes.csv"},
            dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300},
            className="mb-4"),
        dbc.Row([
            dbc.Col(html.H4("Mentions", title="marts.fct_mentions: the brand's mentions in the "
                            "period, with the labels enrichment (or an analyst) gave them"), md=4),
            dbc.Col(dbc.RadioItems(
                id="listening-mentions-order", inline=True, value="negative",
                options=[{"label": label, "value": value}
                         for value, label in figures.MENTION_ORDER_LABELS.items()]),
                md=8, className="text-end"),
        ], className="mt-3 align-items-center"),
        html.Div(MENTIONS_PROMPT, id="listening-mentions-title", className="small text-muted mb-2"),
        dag.AgGrid(
            id="listening-mentions", columnDefs=MENTION_GRID_COLUMNS, rowData=[],
            defaultColDef={"sortable": True, "filter": True, "resizable": True},
            getRowId="params.data.mention_id",
            dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                              "enableClickSelection": True},
                             "pagination": True, "paginationPageSize": 20, "tooltipShowDelay": 300},
            style={"height": "480px"}, className="mb-3"),
        # analysts only; the callbacks check the role again (access.may_correct)
        figures.correction_form("listening", "mention") if access.may_correct() else html.Div(),
        html.H4("Feedback loop", className="mt-3", title="marts.agg_feedback_actions: actions taken on "
                "the brand's mentions and care messages, by topic and owning department; all time "
                "(the period does not apply). Seed 001: listening and then ignoring is worse than not "
                "listening."),
        dbc.Row([_card(*card) for card in FEEDBACK_CARDS], className="mb-3 g-3"),
        dag.AgGrid(
            id="feedback-actions", columnDefs=FEEDBACK_GRID_COLUMNS, rowData=[],
            defaultColDef={"sortable": True, "filter": True, "resizable": True},
            dashGridOptions={"domLayout": "autoHeight"}, className="mb-5"),
    ])


@callback(
    *[Output(f"{card_id}-value", "children") for card_id, *_ in CARDS],
    Output("listening-volume", "figure"), Output("listening-sov", "figure"),
    Output("listening-episodes", "rowData"),
    *[Output(f"{card_id}-value", "children") for card_id, *_ in FEEDBACK_CARDS],
    Output("feedback-actions", "rowData"),
    Input("listening-brand", "value"), Input("listening-dates", "start_date"),
    Input("listening-dates", "end_date"), Input("listening-grain", "value"),
)
def update(brand, start_date, end_date, grain):
    with snapshot() as con:
        options = queries.listening_options(con)
        if not options.brands:
            raise PreventUpdate  # no mentions: the layout says so, there is nothing to update
        # only the snapshot's own brand names reach SQL
        brand = inputs.one_of(brand, options.brands, (options.own_brands or options.brands)[0])
        grain = inputs.one_of(grain, queries.LISTENING_GRAINS, "day")
        start = inputs.a_date(start_date, options.first_day)
        end = inputs.a_date(end_date, options.last_day)
        start, end = min(start, end), max(start, end)
        k = queries.listening_kpis(con, brand, start, end)
        series = queries.mention_series(con, brand, start, end, grain)
        sov = queries.share_of_voice_series(con, brand, start, end, "day")
        episodes = queries.crisis_episodes(con, None, start, end)
        feedback, feedback_rows = queries.feedback_loop(con, brand)
    mine = episodes[episodes["brand"] == brand]
    return (figures.fmt_count(k["mentions"]), figures.fmt_rate(k["negative_share"]),
            "–" if k["net_sentiment"] is None else f"{k['net_sentiment']:+.2f}",
            figures.fmt_rate(k["share_of_voice"]), f"{k['episodes']:,}",
            figures.mention_volume(series, mine, brand, grain), figures.share_of_voice_lines(sov, brand),
            figures.grid_rows(episodes),
            figures.fmt_count(feedback["actions"]), figures.fmt_rate(feedback["closure_rate"]),
            figures.fmt_count(feedback["actions_open"]), figures.grid_rows(feedback_rows))


@callback(Output("listening-agreement", "children"), Input("listening-brand", "value"))
def update_agreement(brand):
    with snapshot() as con:
        options = queries.listening_options(con)
        if not options.brands:
            raise PreventUpdate
        brand = inputs.one_of(brand, options.brands, (options.own_brands or options.brands)[0])
        return figures.agreement_note(queries.label_agreement(con, (brand,), "mentions"), "mentions")


@callback(Output("listening-episodes", "exportDataAsCsv"), Input("listening-export", "n_clicks"),
          prevent_initial_call=True)
def export(_clicks):
    return True


def _period(brand: object, start_date: object, end_date: object, options: queries.ListeningOptions):
    """The brand and period the page's filters hold, as the ``update`` callback reads them."""
    brand = inputs.one_of(brand, options.brands, (options.own_brands or options.brands)[0])
    start = inputs.a_date(start_date, options.first_day)
    end = inputs.a_date(end_date, options.last_day)
    return brand, min(start, end), max(start, end)


@callback(
    Output("listening-mentions-title", "children"), Output("listening-mentions", "rowData"),
    Input("listening-brand", "value"), Input("listening-dates", "start_date"),
    Input("listening-dates", "end_date"), Input("listening-mentions-order", "value"),
)
def update_mentions(brand, start_date, end_date, order):
    with snapshot() as con:
        options = queries.listening_options(con)
        if not options.brands:
            raise PreventUpdate
        brand, start, end = _period(brand, start_date, end_date, options)
        order = inputs.one_of(order, queries.MENTION_ORDERS, "negative")
        total = queries.mention_count(con, brand, start, end)
        rows = queries.mentions(con, brand, start, end, order)
    return figures.mentions_title(brand, total, len(rows), order), figures.grid_rows(rows)


# The analysts' correction form under the mentions grid (dashboards/correcting.py).
correcting.register("listening", "listening-mentions", "mention_id")
