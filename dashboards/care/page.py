"""Customer care: do we answer our customers, how fast, and whom do we serve worst?

Message figures come from ``marts.fct_care_messages``, conversation figures from
``marts.fct_care_conversations``, the daily backlog from ``marts.agg_care_daily``
(definitions: docs/metrics.md, "Customer care"); click a message figure to see the messages
behind it, pick a message to see its conversation, export the messages behind the filters as CSV.
An analyst login corrects a picked message's labels (docs/operations.md, "Dashboard logins";
groundswell.land.corrections).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import access, correcting, inputs, labels, semantic
from dashboards.care import figures, queries
from dashboards.data import snapshot
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/care", name="Customer care", title="groundswell: customer care", order=2)

DEFAULT_DAYS = 90
#: The headline cards: id, metric (its label, description and format are the semantic layer's:
#: dbt/models/marts/care/fct_care_messages.yml), the messages a click shows.
CARDS = (
    ("care-kpi-messages", "messages", "all"),
    ("care-kpi-response-rate", "response_rate", "all"),
    ("care-kpi-sla", "sla_attainment", "judged"),
    # the backlog chart's last point: the open backlog at the end of the period's last day
    ("care-kpi-open", "backlog_at_day_end", "open"),
    ("care-kpi-median", "median_first_response_business_minutes", "responded"),
    ("care-kpi-p90", "p90_first_response_business_minutes", "responded"),
)
#: Conversation cards: id, metric (dbt/models/marts/care/fct_care_conversations.yml), its key in
#: queries.conversation_kpis.
CONVERSATION_CARDS = (
    ("care-conv-opened", "conversations", "conversations"),
    ("care-conv-resolved", "resolved_rate", "resolved_rate"),
    ("care-conv-reopened", "reopened_rate", "reopened_rate"),
    ("care-conv-exchanges", "exchanges_per_conversation", "exchanges_per_conversation"),
)
DRILL_PROMPT = "Click a number (a card, a week, a box, a bar or a segment) to see the messages behind it."
CONVERSATION_PROMPT = "Select a message above to see its conversation."
NO_CARE = ("No care messages yet: the published snapshot holds no customer messages. Land "
           "customer conversations (X, Facebook comments, Messenger; `groundswell load`, or "
           "`groundswell demo`) and run `groundswell build`.")


def _minutes(decimals: int) -> dict:
    """A grid cell of minutes as the semantic layer's minutes format writes it: 45.3 min, 2.5 h,
    3.1 d (of 24 h)."""
    return {"function": (
        "params.value == null ? '–' : Math.abs(params.value) < 90 ? "
        f"d3.format(',.{decimals}f')(params.value) + ' min' : Math.abs(params.value) < 2880 ? "
        "d3.format(',.1f')(params.value / 60) + ' h' : d3.format(',.1f')(params.value / 1440) + ' d'")}


_MINUTES = _minutes(1)
_WHOLE_MINUTES = _minutes(0)
#: A rate cell as the semantic layer's percent format (1 decimal) writes it: 62.5 %.
_RATE = {"function": "params.value == null ? '–' : d3.format(',.1f')(params.value * 100) + ' %'"}
_COUNT = {"function": "params.value == null ? '–' : d3.format(',.0f')(params.value)"}
#: Columns whose cells are category values (shown in words; the value callbacks carry is unchanged).
_CATEGORIES = ("channel", "complaint_type", "complaint_topic", "source")
#: Grid columns holding a metric of the semantic layer under another name (queries.worst_segments).
_METRIC_OF = {"judged": "sla_judged_messages", "within_sla": "sla_met_messages",
              "median_business_minutes": "median_first_response_business_minutes",
              "open": "open_backlog"}
#: The semantic model of the grids' rows (dbt/models/marts/care/fct_care_messages.yml).
_MODEL = "fct_care_messages"
#: Minutes columns: their cell format.
_MINUTES_COLUMNS = {"first_response_minutes": _MINUTES, "first_response_business_minutes": _MINUTES,
                    "median_business_minutes": _MINUTES, "open_business_minutes": _MINUTES,
                    "sla_minutes": _WHOLE_MINUTES}


def _col(field: str, layer=None, **extra) -> dict:
    """A grid column headed by its label (the semantic layer's for metrics and dimensions, with
    the definition as tooltip; dashboards/labels.py's for the others), its cells in words or in
    the metric's format."""
    metric = _METRIC_OF.get(field, field)
    if layer is not None and metric in layer.metrics:
        m = layer.metric(metric)
        extra = {"headerName": m.label, "headerTooltip": m.description, "type": "numericColumn",
                 "valueFormatter": {"percent": _RATE, "minutes": _MINUTES}.get(m.format.kind, _COUNT),
                 **extra}
    elif layer is not None and field in layer.models[_MODEL].dimensions:
        d = layer.models[_MODEL].dimensions[field]  # the message's, not another model's same name
        extra = {"headerName": d.label, "headerTooltip": d.description,
                 **({"valueFormatter": labels.CATEGORY} if field in _CATEGORIES else {}), **extra}
    elif field in _MINUTES_COLUMNS:
        extra = {"type": "numericColumn", "valueFormatter": _MINUTES_COLUMNS[field], **extra}
    elif field in _CATEGORIES:
        extra = {"valueFormatter": labels.CATEGORY, **extra}
    return labels.column(field, layer, **extra)


def _segment_columns(layer) -> list[dict]:
    return [
        _col("rank", width=80), _col("brand", layer), _col("channel", layer),
        _col("complaint_type", layer), _col("complaint_topic", layer), _col("messages", layer),
        _col("judged", layer), _col("within_sla", layer), _col("sla_attainment", layer),
        _col("median_business_minutes", layer), _col("open", layer),
    ]


def _drill_columns(layer) -> list[dict]:
    return [
        _col("received_at"), _col("channel", layer), _col("brand", layer),
        _col("complaint_type", layer), _col("complaint_topic", layer), _col("is_responded"),
        _col("first_response_minutes"), _col("first_response_business_minutes"),
        _col("sla_minutes", headerTooltip="The time the brand has to answer, in business minutes"),
        _col("sla_result", headerTooltip="Within SLA, breached, open and still in time, or no SLA"),
        _col("open_business_minutes"), _col("recommended_response", tooltipField="recommended_response"),
        _col("message_id"), _col("conversation_id"), _col("source"),
    ]


def _conversation_columns(layer) -> list[dict]:
    return [
        _col("received_at"), _col("message_id"), _col("author_id"),
        _col("channel", layer), _col("brand", layer), _col("is_responded"), _col("first_response_id"),
        _col("first_response_by"), _col("first_response_at"),
        _col("first_response_minutes"), _col("first_response_business_minutes"), _col("sla_result"),
        _col("complaint_type", layer), _col("complaint_topic", layer),
        _col("recommended_response", tooltipField="recommended_response"),
    ]


_GRID_DEFAULTS = shared_figures.grid_column_defaults()


def _card(card_id: str, label: str, tooltip: str) -> dbc.Col:
    return dbc.Col(html.Div(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small", title=tooltip),
        html.H3("–", id=f"{card_id}-value", className="mb-0"), " ",
        html.Div("", id=f"{card_id}-detail", className="small text-muted"),
        html.Div("", id=f"{card_id}-change", className="small text-muted"),
    ])), id=f"{card_id}-card", n_clicks=0, role="button", title=f"{tooltip}. Click for the messages.",
        style={"cursor": "pointer"}), md=2)


def _info_card(card_id: str, label: str, tooltip: str) -> dbc.Col:
    return dbc.Col(html.Div(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.H4("–", id=f"{card_id}-value", className="mb-0"), " ",
        html.Div("", id=f"{card_id}-detail", className="small text-muted"),
        html.Div("", id=f"{card_id}-change", className="small text-muted"),
    ])), title=tooltip), md=3)


def layout(**_query) -> html.Div:
    """Built per request, so the filters cover whatever snapshot is published now."""
    try:
        with snapshot() as con:
            options = queries.care_options(con)
            layer = semantic.layer(con) if options.has_mart else None
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="care-missing")
    if options.last_date is None:
        return dbc.Alert(NO_CARE, color="info", id="care-empty")
    start = max(options.first_date, options.last_date - timedelta(days=DEFAULT_DAYS - 1))
    return html.Div([
        dbc.Row([
            dbc.Col(html.H2("Customer care"), md=6),
            dbc.Col(html.Div([
                html.Div(f"Snapshot taken {options.snapshot_at:%Y-%m-%d %H:%M} UTC"),
                html.Div(f"Open messages judged as of {options.as_of:%Y-%m-%d %H:%M} UTC"),
            ], className="text-muted text-end small", id="care-snapshot"), md=6),
        ], className="align-items-center"),
        html.Div(id="care-coverage"),
        html.Div(id="care-agreement", className="small text-muted mb-2",
                 title="Of the picked brands' messages analysts corrected, the share whose machine "
                       "label (one that did not see the correction) was theirs; all time"),
        dbc.Row([
            dbc.Col([dbc.Label("Received between (UTC)"), dcc.DatePickerRange(
                id="care-dates", min_date_allowed=options.first_date,
                max_date_allowed=options.last_date, start_date=start,
                end_date=options.last_date, display_format="YYYY-MM-DD")], md=3),
            dbc.Col([dbc.Label("Brands"), dcc.Dropdown(
                id="care-brands", options=options.brands, value=[], multi=True,
                placeholder="All brands")], md=3),
            dbc.Col([dbc.Label("Channels"), dcc.Dropdown(
                id="care-channels", value=[], multi=True, placeholder="All channels",
                options=[{"label": figures.CHANNEL_LABELS.get(c, c), "value": c}
                         for c in options.channels])], md=3),
            dbc.Col([
                dbc.Button("Export CSV", id="care-export", color="secondary", size="sm",
                           title="Every column of the messages behind the filters"),
                dcc.Download(id="care-download"),
                html.Div("", id="care-export-status", className="small text-muted"),
            ], md=3, className="text-end"),
        ], className="mb-3 align-items-end"),
        dbc.Row([_card(card_id, layer.metric(m).label, layer.metric(m).description)
                 for card_id, m, _ in CARDS], className="mb-3 g-3"),
        dbc.Row([_info_card(card_id, layer.metric(m).label, layer.metric(m).description)
                 for card_id, m, _ in CONVERSATION_CARDS], className="mb-3 g-3",
                id="care-conversation-cards"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="care-trend"), md=6),
            dbc.Col([
                dbc.RadioItems(id="care-measure", inline=True, value="business", options=[
                    {"label": figures.RESPONSE_MEASURE_LABELS[m], "value": m}
                    for m in ("business", "calendar")]),
                dcc.Graph(id="care-response-times"),
                html.Div(id="care-response-table"),
            ], md=6),
        ]),
        dbc.Row([
            dbc.Col(dcc.Graph(id="care-backlog-trend"), md=12),
        ], className="mt-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="care-backlog"), md=5),
            dbc.Col([
                dbc.Row([
                    dbc.Col(html.H4("Worst-served segments", title=(
                        "brand × channel × complaint type × complaint topic, ranked by SLA "
                        "attainment (lowest first), then median first response in business minutes "
                        "(slowest first)")), md=8),
                    dbc.Col(dbc.InputGroup([
                        dbc.InputGroupText(html.Span("min. judged", title=layer.metric(
                            "sla_judged_messages").label)),
                        dbc.Input(id="care-min-judged", type="number", min=1, max=10_000, step=1,
                                  value=queries.MIN_JUDGED),
                    ], size="sm"), md=4),
                ], className="align-items-center"),
                dag.AgGrid(
                    id="care-segments", columnDefs=_segment_columns(layer), defaultColDef=_GRID_DEFAULTS,
                    dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                      "enableClickSelection": True},
                                     "pagination": True, "paginationPageSize": 10,
                                     "paginationPageSizeSelector": [10, 20, 50]},
                    style={"height": "420px"}),
            ], md=7),
        ], className="mt-3"),
        html.H4("Messages behind the number", className="mt-4"),
        html.Div(DRILL_PROMPT, id="care-drill-title", className="mb-2"),
        dag.AgGrid(
            id="care-drill-grid", columnDefs=_drill_columns(layer), rowData=[],
            defaultColDef=_GRID_DEFAULTS,
            getRowId="params.data.source + '|' + params.data.message_id",
            dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                              "enableClickSelection": True},
                             "pagination": True, "paginationPageSize": 20},
            style={"height": "480px"}),
        # analysts only; the callbacks check the role again (access.may_correct)
        shared_figures.correction_form("care", "message") if access.may_correct() else html.Div(),
        html.H5("Conversation", className="mt-3"),
        html.Div(CONVERSATION_PROMPT, id="care-conversation-title", className="mb-2"),
        dag.AgGrid(
            id="care-conversation", columnDefs=_conversation_columns(layer), rowData=[],
            defaultColDef=_GRID_DEFAULTS,
            rowClassRules={"fw-bold": "params.data.is_selected"},
            style={"height": "260px"}, className="mb-5"),
    ])


def _filters(start_date: object, end_date: object, brands: object, channels: object) -> queries.CareFilters:
    """The filters as the browser sends them; a cleared (or malformed) date leaves that end open,
    reversed dates are put in order, picks that are not strings are dropped (inputs.py)."""
    start, end = inputs.a_date(start_date, inputs.EARLIEST), inputs.a_date(end_date, inputs.LATEST)
    start, end = min(start, end), max(start, end)
    return queries.CareFilters(start, end, inputs.some_of(brands), inputs.some_of(channels))


FILTERS = (Input("care-dates", "start_date"), Input("care-dates", "end_date"),
           Input("care-brands", "value"), Input("care-channels", "value"))


@callback(
    *[Output(f"{card_id}-{part}", "children") for card_id, *_ in CARDS for part in ("value", "detail")],
    *[Output(f"{card_id}-{part}", "children") for card_id, *_ in CONVERSATION_CARDS
      for part in ("value", "detail")],
    Output("care-trend", "figure"), Output("care-backlog", "figure"),
    Output("care-backlog-trend", "figure"),
    *[Output(f"{card_id}-change", "children") for card_id, *_ in (*CARDS, *CONVERSATION_CARDS)],
    *FILTERS,
)
def update(start_date, end_date, brands, channels):
    f = _filters(start_date, end_date, brands, channels)
    first, last = shared_queries.previous_period(f.start, f.end)
    before_f = replace(f, start=first, end=last)
    with snapshot() as con:
        k = queries.care_kpis(con, f)
        c = queries.conversation_kpis(con, f)
        k_before = queries.care_kpis(con, before_f)
        c_before = queries.conversation_kpis(con, before_f)
        trend = queries.sla_by_week(con, f)
        backlog = queries.backlog_by_type(con, f)
        daily = queries.backlog_by_day(con, f)
        end = queries.backlog_at_end(daily)
        end_before = queries.backlog_at_end(queries.backlog_by_day(con, before_f))
        layer = semantic.layer(con)

    def shown(metric: str, value) -> str:
        return layer.metric(metric).format(value)

    opened = c["conversations"]
    days = (f.end - f.start).days + 1
    key = {**queries.CARE_KPIS, "backlog_at_day_end": "backlog"}
    k, k_before = {**k, "backlog": end["backlog"]}, {**k_before, "backlog": end_before["backlog"]}
    business, calendar = k["median_business_minutes"], k["median_calendar_minutes"]
    return (
        shown("messages", k["messages"]), f"received {f.start:%d %b} – {f.end:%d %b %Y}",
        shown("response_rate", k["response_rate"]),
        f"{shown('responded_messages', k['responded'])} of {shown('messages', k['messages'])} responded",
        shown("sla_attainment", k["sla_attainment"]),
        f"{shown('sla_met_messages', k['within_sla'])} of {shown('sla_judged_messages', k['judged'])} judged",
        shown("backlog_at_day_end", end["backlog"]),
        (f"{end['date_day']:%d %b}: {shown('breached_backlog_at_day_end', end['backlog_over_sla'])} "
         f"over SLA; {shown('expired_messages', k['expired'])} of the period's messages expired unanswered"
         if end["date_day"] else f"{shown('expired_messages', k['expired'])} expired unanswered"),
        shown("median_first_response_business_minutes", business),
        [f"business minutes; calendar median {shown('median_first_response_minutes', calendar)}",
         *([html.Br(), "answers before opening hours count 0 business minutes"]
           if business == 0 and calendar else [])],
        shown("p90_first_response_business_minutes", k["p90_business_minutes"]), "business minutes",
        shown("conversations", opened), f"opened {f.start:%d %b} – {f.end:%d %b %Y}",
        shown("resolved_rate", c["resolved_rate"]),
        (f"{shown('resolved_conversations', c['resolved'])} resolved; median "
         f"{shown('median_resolution_minutes', c['median_resolution_minutes'])} to resolve"
         if opened else ""),
        shown("reopened_rate", c["reopened_rate"]),
        f"{shown('reopened_conversations', c['reopened'])} reopened" if opened else "",
        shown("exchanges_per_conversation", c["exchanges_per_conversation"]),
        (f"{shown('awaiting_brand_conversations', c['awaiting_brand'])} awaiting the brand, "
         f"{shown('awaiting_customer_conversations', c['awaiting_customer'])} the customer"
         if opened else ""),
        figures.sla_trend(trend), figures.backlog_bars(backlog), figures.backlog_trend(daily),
        *semantic.changes(layer, [(m, k[key[m]], k_before[key[m]]) for _id, m, _ in CARDS],
                          k_before["messages"], semantic.nothing_before("messages received", days, "day")),
        *semantic.changes(layer, [(m, c[name], c_before[name]) for _id, m, name in CONVERSATION_CARDS],
                          c_before["conversations"],
                          semantic.nothing_before("conversations opened", days, "day")),
    )


#: At most this many brand × channel pairs are named in the coverage warning.
COVERAGE_NAMED = 5


def coverage_warning(incomplete) -> dbc.Alert | None:
    """The warning for brands whose threads are incomplete (marts.agg_care_coverage), or None."""
    if incomplete.empty:
        return None
    label = figures.CHANNEL_LABELS.get
    named = [html.Li(f"Threads incomplete for {r.brand} on {label(r.channel, r.channel)}: "
                     f"{r.orphan_replies:,} of {r.brand_replies:,} brand replies have no parent in the data.")
             for r in incomplete.head(COVERAGE_NAMED).itertuples(index=False)]
    more = len(incomplete) - COVERAGE_NAMED
    return dbc.Alert([
        html.Strong("The threads below are incomplete: a sampled or partial export? "),
        "Most of these brands' replies answer a customer message that is not in the data, so the "
        "message they answer is not counted and response rates and SLA figures here understate "
        "their care. Land the full conversations to fix it.",
        html.Ul(named + ([html.Li(f"and {more:,} more: Data health lists them all.")] if more > 0 else []),
                className="mb-0 mt-2"),
    ], color="warning", id="care-coverage-warning")


@callback(Output("care-coverage", "children"), Input("care-brands", "value"),
          Input("care-channels", "value"))
def update_coverage(brands, channels):
    # coverage is over all the data landed: the period does not change it
    f = _filters(None, None, brands, channels)
    with snapshot() as con:
        return coverage_warning(queries.care_incomplete_threads(con, f))


@callback(Output("care-agreement", "children"), Input("care-brands", "value"),
          Input("care-channels", "value"))
def update_agreement(brands, channels):
    # like coverage, over everything reviewed: the period does not change it
    f = _filters(None, None, brands, channels)
    with snapshot() as con:
        agreement = shared_queries.label_agreement(con, tuple(f.brands) if f.brands else None, "care",
                                            tuple(f.channels) if f.channels else None)
    return shared_figures.agreement_note(agreement, "care")


#: The response table's columns: heading, metric (its format and definition), column of
#: queries.response_time_stats.
RESPONSE_TABLE = (
    ("Responded", "responded_messages", "responded"),
    ("Median business min.", "median_first_response_business_minutes", "business_median"),
    ("p90 business min.", "p90_first_response_business_minutes", "business_p90"),
    ("Median calendar min.", "median_first_response_minutes", "calendar_median"),
    ("p90 calendar min.", "p90_first_response_minutes", "calendar_p90"),
)


def _response_table(df, layer) -> html.Div:
    if df.empty:
        return html.Div()
    head = html.Thead(html.Tr([html.Th("Channel")] + [
        html.Th(h, title=layer.metric(m).description) for h, m, _ in RESPONSE_TABLE]))
    body = html.Tbody([html.Tr([html.Td(figures.CHANNEL_LABELS.get(r["channel"], r["channel"]))] + [
        html.Td(layer.metric(m).format(r[c])) for _, m, c in RESPONSE_TABLE])
        for r in df.to_dict("records")])
    return html.Div(dbc.Table([head, body], size="sm", bordered=False, className="small mb-0"),
                    title="Median and 90th percentile of the first response time, in business and in "
                          "calendar minutes, of responded messages (continuous percentiles)")


@callback(Output("care-response-times", "figure"), Output("care-response-table", "children"),
          *FILTERS, Input("care-measure", "value"))
def update_response_times(start_date, end_date, brands, channels, measure):
    measure = inputs.one_of(measure, queries.RESPONSE_MEASURES, "business")
    with snapshot() as con:
        stats = queries.response_time_stats(con, _filters(start_date, end_date, brands, channels))
        layer = semantic.layer(con)
    return figures.response_time_box(stats, measure), _response_table(stats, layer)


@callback(Output("care-segments", "rowData"), *FILTERS, Input("care-min-judged", "value"))
def update_segments(start_date, end_date, brands, channels, min_judged):
    min_judged = inputs.an_int(min_judged, queries.MIN_JUDGED, 1, 10_000)
    with snapshot() as con:
        segments = queries.worst_segments(con, _filters(start_date, end_date, brands, channels),
                                          min_judged)
    return shared_figures.grid_rows(segments)


def _drill_from_click(trigger: object, click: object, rows: object) -> queries.Drill | None:
    """The drill-down a click asks for, from what the browser sent; None when it is not a click
    this page's figures, cards or grid could send (inputs.py)."""
    for card_id, _metric, messages in CARDS:
        if trigger == f"{card_id}-card":
            return queries.Drill(messages)
    if trigger == "care-segments":
        row = inputs.selected_row(rows, queries.DRILL_COLUMNS)
        return None if row is None else queries.Drill(
            "all", equals=tuple((c, row[c]) for c in queries.DRILL_COLUMNS))
    if trigger == "care-response-times":
        point = inputs.click_point(click, ("x",))
        if point is None or not isinstance(point["x"], str):
            return None
        labels = {v: k for k, v in figures.CHANNEL_LABELS.items()}  # a box's x is its channel's label
        return queries.Drill("responded", equals=(("channel", labels.get(point["x"], point["x"])),))
    data = inputs.custom_data(inputs.click_point(click), 2)
    messages = inputs.one_of(data and data[0], queries.MESSAGE_SETS, None)
    if messages is None:
        return None
    if trigger == "care-trend":
        week = inputs.a_date(data[1], None)
        return None if week is None else queries.Drill(messages, week_start=week)
    if trigger == "care-backlog" and (data[1] is None or isinstance(data[1], str)):
        return queries.Drill(messages, equals=(("complaint_type", data[1]),))
    return None


@callback(
    Output("care-drill-title", "children"), Output("care-drill-grid", "rowData"),
    *FILTERS,
    Input("care-trend", "clickData"), Input("care-response-times", "clickData"),
    Input("care-backlog", "clickData"), Input("care-segments", "selectedRows"),
    *[Input(f"{card_id}-card", "n_clicks") for card_id, *_ in CARDS],
    prevent_initial_call=True,
)
def drill(start_date, end_date, brands, channels, trend_click, box_click, backlog_click,
          segment_rows, *_card_clicks):
    trigger = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None  # changedPropIds: the browser's
    if trigger in ("care-dates", "care-brands", "care-channels"):
        return DRILL_PROMPT, []  # new filters: the old selection no longer applies
    click = {"care-trend": trend_click, "care-response-times": box_click,
             "care-backlog": backlog_click}.get(trigger)
    selected = _drill_from_click(trigger, click, segment_rows)
    if selected is None:
        raise PreventUpdate  # not a click the page's figures could send: nothing to show
    f = _filters(start_date, end_date, brands, channels)
    with snapshot() as con:
        total = queries.care_message_count(con, f, selected)
        rows = queries.care_messages(con, f, selected)
    return figures.drill_title(selected, total, len(rows)), shared_figures.grid_rows(rows)


@callback(Output("care-conversation-title", "children"), Output("care-conversation", "rowData"),
          Input("care-drill-grid", "selectedRows"))
def conversation(rows):
    picked = inputs.selected_row(rows, ("source", "message_id"))
    if not picked or not picked["source"] or not picked["message_id"]:
        return CONVERSATION_PROMPT, []
    with snapshot() as con:
        df = queries.care_conversation(con, picked["source"], picked["message_id"])
    if df.empty:
        return CONVERSATION_PROMPT, []
    return figures.conversation_title(df), shared_figures.grid_rows(df)


@callback(Output("care-download", "data"), Output("care-export-status", "children"),
          Input("care-export", "n_clicks"), State("care-dates", "start_date"),
          State("care-dates", "end_date"), State("care-brands", "value"),
          State("care-channels", "value"), prevent_initial_call=True)
def export(_clicks, start_date, end_date, brands, channels):
    f = _filters(start_date, end_date, brands, channels)
    with snapshot() as con:
        total = queries.care_message_count(con, f)
        df = queries.care_export(con, f)
    status = f"Exported {len(df):,} messages"
    if total > len(df):
        status += f" (the oldest {len(df):,} of {total:,}: narrow the filters for the rest)"
    name = f"groundswell-care-messages-{f.start:%Y%m%d}-{f.end:%Y%m%d}.csv"
    return dcc.send_data_frame(df.to_csv, name, index=False), status


# The analysts' correction form under the drill-down grid (dashboards/correcting.py).
correcting.register("care", "care-drill-grid", "message_id")
