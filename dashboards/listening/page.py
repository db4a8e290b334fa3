"""Listening & crisis: what is said about a brand, how it feels, its share of voice, its crises.

Every number comes from ``marts.agg_mentions_hourly`` (volume, sentiment, share of voice: ratios
from sums, never averaged), ``marts.fct_crisis_episodes`` (the alert list) and
``marts.fct_feedback_actions`` (the feedback loop: what was done about what was heard, all time).
Definitions: docs/metrics.md, "Listening" and "Feedback loop". The episode list exports as CSV.
The brand's mentions of the period are listed from ``marts.fct_mentions``; an analyst login picks
one and corrects its labels (docs/operations.md, "Dashboard logins"; groundswell.land.corrections).
"""

from __future__ import annotations

from datetime import timedelta

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import access, correcting, inputs, labels, semantic
from dashboards.data import snapshot
from dashboards.listening import figures, queries
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/listening", name="Listening & crisis",
                   title="groundswell: listening and crisis", order=4)

DEFAULT_DAYS = 30
#: The cards: id, metric of the semantic layer (its label, description and format).
CARDS = (
    ("listening-kpi-mentions", "mentions"),
    ("listening-kpi-negative", "negative_share"),
    ("listening-kpi-net", "net_sentiment"),
    ("listening-kpi-sov", "share_of_voice"),
    ("listening-kpi-episodes", "crisis_episodes"),
)
FEEDBACK_CARDS = (
    ("feedback-kpi-actions", "feedback_actions"),
    ("feedback-kpi-closure", "closure_rate"),
    ("feedback-kpi-open", "open_actions"),
)
NO_LISTENING = ("No listening data yet: the published snapshot holds no mentions. Land a listening "
                "export (`groundswell load listening-mentions DIR`, or `groundswell demo`) and run "
                "`groundswell build`.")
_NUMBER = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
_SCORE = {"function": "params.value == null ? '–' : d3.format('.3f')(params.value)"}


def _cell(fmt) -> dict:
    """A grid cell formatter writing a value as ``fmt`` (groundswell.transform.semantic.Format) does on the
    cards: 1,234; 12.3 %; 5.2 h or 3.1 d; a dash for none."""
    d = f"',.{0 if fmt.kind == 'count' else fmt.decimals}f'"
    v = "params.value"
    text = {"percent": f"d3.format({d})({v} * 100) + ' %'",
            "hours": f"Math.abs({v}) >= 48 ? d3.format({d})({v} / 24) + ' d' : d3.format({d})({v}) + ' h'",
            }.get(fmt.kind, f"d3.format({d})({v})")
    return {"function": f"{v} == null ? '–' : {text}"}


def _metric(layer, field: str, metric: str | None = None, **extra) -> dict:
    """A numeric column of ``field`` holding ``metric`` (the field's own name when it is one): the
    metric's label, description and format."""
    m = layer.metric(metric or field)
    return labels.column(field, None, headerName=m.label, headerTooltip=m.description,
                         type="numericColumn", valueFormatter=_cell(m.format), **extra)


def _dimension(layer, model: str, name: str, field: str | None = None, *, category: bool = True,
               **extra) -> dict:
    """A column ``field`` (the dimension's column by default) of a dimension of ``model``: its
    label and description; a category's values in words."""
    d = layer.models[model].dimensions[name]
    if category:
        extra.setdefault("valueFormatter", labels.CATEGORY)
    if d.description:
        extra.setdefault("headerTooltip", d.description)
    return labels.column(field or d.expr, None, headerName=d.label, **extra)


def feedback_columns(layer) -> list[dict]:
    """The feedback loop's grid (marts.fct_feedback_actions): its sums are the metrics'."""
    return [
        # headers wrap (grid_column_defaults): the widths fit the grid at 1280 px
        _dimension(layer, "fct_feedback_actions", "complaint_topic", "topic", pinned="left", width=170),
        _dimension(layer, "fct_feedback_actions", "owner_department", width=140),
        _metric(layer, "actions", "feedback_actions", width=130),
        _metric(layer, "feedback_items", width=130),
        _metric(layer, "actions_closed", "closed_actions", width=130),
        _metric(layer, "actions_open", "open_actions", width=130),
        _metric(layer, "closure_rate", width=130),
        _metric(layer, "median_hours_to_action", flex=1, minWidth=140),
        _metric(layer, "median_hours_to_close", flex=1, minWidth=140),
    ]


def episode_columns(layer) -> list[dict]:
    """The crisis episodes' grid (marts.fct_crisis_episodes)."""
    return [
        _dimension(layer, "fct_crisis_episodes", "brand", category=False, pinned="left",
                   width=150),
        _dimension(layer, "fct_crisis_episodes", "kind", width=150),
        _dimension(layer, "fct_crisis_episodes", "start_at", category=False),
        labels.column("peak_at", headerTooltip="The hour with the most negative mentions, UTC"),
        labels.column("end_at", headerTooltip="The end of the last alerting hour, UTC"),
        labels.column("duration_hours", type="numericColumn", width=130, valueFormatter=_NUMBER),
        labels.column("peak_negative_mentions", type="numericColumn", valueFormatter=_NUMBER,
                      headerTooltip="Negative mentions in the peak hour"),
        labels.column("negative_mentions", layer, type="numericColumn", valueFormatter=_NUMBER,
                      headerTooltip="The episode's mentions whose sentiment label is negative"),
        labels.column("dominant_complaint_type", valueFormatter=labels.CATEGORY),
        labels.column("hashtag"),
        labels.column("top_post", headerTooltip="The most engaging negative mention", flex=1,
                      minWidth=300),
        labels.column("episode_id"),
    ]


def mention_columns(layer) -> list[dict]:
    """The brand's mentions (marts.fct_mentions); ``source`` rides along hidden: a correction
    names its record by it."""
    return [
        labels.column("mentioned_at", width=170),
        labels.column("platform", width=110, valueFormatter=labels.CATEGORY,
                      headerTooltip="Where the mention was posted"),
        labels.column("sentiment_label", width=130, valueFormatter=labels.CATEGORY,
                      headerTooltip="Positive, neutral or negative (enrichment, or an analyst)"),
        labels.column("sentiment_score", type="numericColumn", width=140, valueFormatter=_SCORE,
                      headerTooltip="VADER compound score (enrichment): -1 to 1"),
        labels.column("complaint_type", width=160, valueFormatter=labels.CATEGORY,
                      headerName="Complaint type",
                      headerTooltip="Troll, rage, misinformation or unhappy customer for a negative "
                                    "text; else its sentiment"),
        labels.column("complaint_topic", width=170, valueFormatter=labels.CATEGORY,
                      headerName="Complaint topic",
                      headerTooltip="What the mention is about, from the keyword topics of its "
                                    "industry"),
        labels.column("label_source", width=130, valueFormatter=labels.CATEGORY,
                      headerTooltip="Who set the labels: an analyst (a correction), the rules or "
                                    "the model"),
        labels.column("text", flex=1, minWidth=300, tooltipField="text"),
        labels.column("engagement", type="numericColumn", width=130, valueFormatter=_NUMBER,
                      headerTooltip="Likes + shares + replies"),
        labels.column("mention_id", width=200),
        labels.column("source", hide=True),
    ]


MENTIONS_PROMPT = "The brand's mentions in the period."


def _card(card_id: str, label: str, tooltip: str, change: bool = True) -> dbc.Col:
    """A KPI card; ``change``: with its change against the previous period (the feedback loop's
    cards are all time: no previous period)."""
    return dbc.Col(html.Div(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.H3("–", id=f"{card_id}-value", className="mb-0"),
        *([html.Div("", id=f"{card_id}-change", className="small text-muted")] if change else []),
    ])), title=tooltip), md=True)


def layout(**_query) -> html.Div:
    """Built per request, so the filters cover whatever snapshot is published now."""
    try:
        with snapshot() as con:
            options = queries.listening_options(con)
            layer = semantic.layer(con) if options.has_mart else None
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
                id="listening-grain", value="day",
                options=[{"label": g.capitalize(), "value": g} for g in queries.LISTENING_GRAINS],
                inline=True)], md=3),
        ], className="mb-3"),
        dbc.Row([*[_card(card_id, layer.metric(m).label, layer.metric(m).description)
                   for card_id, m in CARDS]], className="mb-1 g-3"),
        html.Div(id="listening-agreement", className="small text-muted mb-3",
                 title="marts.agg_label_agreement: of the brand's mentions analysts corrected, the "
                       "share whose machine label (one that did not see the correction) was theirs; "
                       "all time"),
        dcc.Graph(id="listening-volume"),
        dcc.Graph(id="listening-sov"),
        dbc.Row([
            dbc.Col(html.H4("Crisis episodes", title="marts.fct_crisis_episodes: the alerts, one "
                            "per episode of the brand, overlapping the period"), md=9),
            dbc.Col(dbc.Button("Export CSV", id="listening-export", size="sm", color="secondary",
                               className="float-end"), md=3),
        ], className="mt-3 align-items-center"),
        dag.AgGrid(
            id="listening-episodes", columnDefs=episode_columns(layer), rowData=[],
            defaultColDef=shared_figures.grid_column_defaults(),
            csvExportParams={"fileName": "groundswell-crisis-episodes.csv"},
            dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300},
            className="mb-4"),
        dbc.Row([
            dbc.Col(html.H4("Mentions", title="marts.fct_mentions: the brand's mentions in the "
                            "period, with the labels enrichment (or an analyst) gave them"), md=4),
            dbc.Col(dbc.RadioItems(
                id="listening-mentions-order", inline=True, value="negative",
                options=[{"label": label, "value": value}
                         for value, label in shared_figures.MENTION_ORDER_LABELS.items()]),
                md=8, className="text-end"),
        ], className="mt-3 align-items-center"),
        html.Div(MENTIONS_PROMPT, id="listening-mentions-title", className="small text-muted mb-2"),
        dag.AgGrid(
            id="listening-mentions", columnDefs=mention_columns(layer), rowData=[],
            defaultColDef=shared_figures.grid_column_defaults(),
            getRowId="params.data.mention_id",
            dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                              "enableClickSelection": True},
                             "pagination": True, "paginationPageSize": 20, "tooltipShowDelay": 300},
            style={"height": "480px"}, className="mb-3"),
        # analysts only; the callbacks check the role again (access.may_correct)
        shared_figures.correction_form("listening", "mention") if access.may_correct() else html.Div(),
        html.H4("Feedback loop", className="mt-3", title="marts.fct_feedback_actions: actions taken on "
                "the brand's mentions and care messages, by topic and owning department; all time "
                "(the period does not apply). Listening and then ignoring is worse than not listening."),
        dbc.Row([_card(card_id, layer.metric(m).label, layer.metric(m).description, change=False)
                 for card_id, m in FEEDBACK_CARDS], className="mb-3 g-3"),
        dag.AgGrid(
            id="feedback-actions", columnDefs=feedback_columns(layer), rowData=[],
            defaultColDef=shared_figures.grid_column_defaults(),
            dashGridOptions={"domLayout": "autoHeight"}, className="mb-5"),
    ])


@callback(
    *[Output(f"{card_id}-value", "children") for card_id, _m in CARDS],
    Output("listening-volume", "figure"), Output("listening-sov", "figure"),
    Output("listening-episodes", "rowData"),
    *[Output(f"{card_id}-value", "children") for card_id, *_ in FEEDBACK_CARDS],
    Output("feedback-actions", "rowData"),
    *[Output(f"{card_id}-change", "children") for card_id, _m in CARDS],
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
        k_before = queries.listening_kpis(con, brand, *shared_queries.previous_period(start, end))
        shown_from = queries.chart_window(start, end, grain)
        series = queries.mention_series(con, brand, shown_from, end, grain)
        sov = queries.share_of_voice_series(con, brand, start, end, "day")
        episodes = queries.crisis_episodes(con, [brand], start, end)  # the card's, as the chart's
        feedback, feedback_rows = queries.feedback_loop(con, brand)
        layer = semantic.layer(con)
    days = (end - start).days + 1
    feedback = {"feedback_actions": feedback["actions"], "closure_rate": feedback["closure_rate"],
                "open_actions": feedback["actions_open"]}
    return (*[layer.metric(m).format(k[m]) for _id, m in CARDS],
            figures.mention_volume(series, episodes, brand, grain,
                                   shown_from if shown_from > start else None),
            figures.share_of_voice_lines(
                sov, brand, shared_figures.brand_colors(options.brands)),
            shared_figures.grid_rows(episodes),
            *[layer.metric(m).format(feedback[m]) for _id, m in FEEDBACK_CARDS],
            shared_figures.grid_rows(feedback_rows),
            *semantic.changes(layer, [(m, k[m], k_before[m]) for _id, m in CARDS],
                              k_before["mentions"], semantic.nothing_before("mentions", days, "day")))


@callback(Output("listening-agreement", "children"), Input("listening-brand", "value"))
def update_agreement(brand):
    with snapshot() as con:
        options = queries.listening_options(con)
        if not options.brands:
            raise PreventUpdate
        brand = inputs.one_of(brand, options.brands, (options.own_brands or options.brands)[0])
        agreement = shared_queries.label_agreement(con, (brand,), "mentions")
        return shared_figures.agreement_note(agreement, "mentions")


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
    return figures.mentions_title(brand, total, len(rows), order), shared_figures.grid_rows(rows)


# The analysts' correction form under the mentions grid (dashboards/correcting.py).
correcting.register("listening", "listening-mentions", "mention_id")
