"""Social ROI: is social paying off, and for which department, channel and campaign?

Every number comes from ``marts.fct_social_roi`` for ONE attribution model (the model switch;
costs, savings and ideas repeat under every model, so nothing is ever summed across models),
and every ROI is computed from sums: (sum(total_value) − sum(cost)) / sum(cost), "–" where cost
is 0. Definitions: docs/metrics.md, "Social ROI". Export the campaign table as CSV.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboards import figures, inputs, queries
from dashboards.data import snapshot
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/roi", name="Social ROI", title="groundswell: social ROI")

DEFAULT_MONTHS = 12
#: The headline cards: id, label, definition (tooltip).
CARDS = (
    ("roi-kpi-cost", "Cost", "sum(cost): program cost lines (paid media, staff hours, tools, "
     "agency) of the months, departments and channels; the same under every model"),
    ("roi-kpi-value", "Total value", "sum(total_value) = attributed_revenue + deflection_savings "
     "+ ideas_value, of the selected model; pipeline not included"),
    ("roi-kpi-roi", "ROI", "(sum(total_value) − sum(cost)) / sum(cost) of the selected model, "
     "from sums, never averaged; – where cost is 0"),
    ("roi-kpi-roas", "ROAS", "sum(attributed_revenue) / sum(paid_media_cost) of the selected "
     "model; – without paid media"),
    ("roi-kpi-revenue", "Attributed revenue", "sum(attributed_revenue): revenue of won deals and "
     "orders credited to the touches by the selected model"),
    ("roi-kpi-pipeline", "Attributed pipeline (not in ROI)", "sum(attributed_pipeline): amounts "
     "of deals created, credited by the selected model. A forecast, reported but not added to "
     "total_value: a won deal would count twice (created, then won)"),
    ("roi-kpi-savings", "Deflection savings", "sum(deflection_savings) = deflected_contacts × "
     "(cost_per_phone_contact − cost_per_social_contact), dbt/seeds/roi_assumptions.csv; "
     "deflected: community questions solved plus care conversations resolved"),
    ("roi-kpi-ideas", "Ideas adopted", "sum(ideas_adopted): community ideas adopted in the months; "
     "ideas_value = ideas_adopted × value_per_adopted_idea (not valued while the seed leaves it "
     "empty)"),
)
NO_ROI = ("No Social ROI yet: the published snapshot holds no rows in marts.fct_social_roi. "
          "Land costs, CRM deals and orders, web sessions and the community (`groundswell "
          "load`, or `groundswell demo`) and run `groundswell build`.")
MODEL_HELP = ("Attribution model: how the credit of a conversion is split over its social "
              "touches. Only attributed revenue and pipeline change with it; cost, savings and "
              "ideas are the same under every model.")

_MONEY = {"function": "params.value == null ? '–' : d3.format('$,.2f')(params.value)"}
_PERCENT = {"function": "params.value == null ? '–' : d3.format('+.1%')(params.value)"}
_TIMES = {"function": "params.value == null ? '–' : d3.format(',.2f')(params.value) + '×'"}
_CAMPAIGN = {"function": "params.value == null ? '(no campaign)' : params.value"}


def _col(field: str, tooltip: str | None = None, **extra) -> dict:
    """A grid column headed by the query's own column name (docs/metrics.md defines it)."""
    if field in queries.ROI_SUMS and field not in ("deflected_contacts", "ideas_adopted"):
        extra = {"type": "numericColumn", "valueFormatter": _MONEY, **extra}
    elif field in ("roi", "roi_min", "roi_max"):
        extra = {"type": "numericColumn", "valueFormatter": _PERCENT, **extra}
    elif field == "roas":
        extra = {"type": "numericColumn", "valueFormatter": _TIMES, **extra}
    elif field in ("deflected_contacts", "ideas_adopted"):
        extra = {"type": "numericColumn", **extra}
    if tooltip:
        extra["headerTooltip"] = tooltip
    return {"field": field, "headerName": field, **extra}


CAMPAIGN_GRID_COLUMNS = [
    _col("department", pinned="left", width=120),
    _col("channel", pinned="left", width=110),
    _col("campaign", "NULL: value no campaign carries (care, organic reactions, ideas)",
         pinned="left", valueFormatter=_CAMPAIGN),
    _col("cost"), _col("total_value", "attributed_revenue + deflection_savings + ideas_value"),
    _col("roi", "(total_value − cost) / cost, from the sums of the selected model"),
    _col("roas", "attributed_revenue / paid_media_cost"),
    _col("roi_min", "lowest ROI of this row across the five models"),
    _col("roi_max", "highest ROI of this row across the five models"),
    _col("roi_min_model"), _col("roi_max_model"),
    _col("attributed_revenue"), _col("attributed_pipeline", "a forecast: not in total_value"),
    _col("deflection_savings"), _col("deflected_contacts"), _col("ideas_adopted"),
    _col("ideas_value"), _col("paid_media_cost"),
]
_GRID_DEFAULTS = {"sortable": True, "filter": True, "resizable": True}
_SHARE = {"function": "params.value == null ? '–' : d3.format('.1%')(params.value)"}
_COUNT = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
FAN_QUALITY_HELP = ("Seed 003: is your fan a customer? Engagers wrote to the brand (care "
                    "messages); followers follow its X accounts in the latest follower list. "
                    "Shares of them linked to a CRM contact, a customer, the brand's target "
                    "segments. – where not measured (no follower lists on Facebook). The latest "
                    "state: the filters above do not apply.")


def _fan_col(field: str, tooltip: str) -> dict:
    formatter = _SHARE if field.endswith("_share") else _COUNT
    extra = {} if field in ("brand", "channel") else {"type": "numericColumn", "valueFormatter": formatter}
    return {"field": field, "headerName": field, "headerTooltip": tooltip, **extra}


FAN_QUALITY_GRID_COLUMNS = [
    _fan_col("brand", "brand (competitors are not measured)"),
    _fan_col("channel", "x or facebook"),
    _fan_col("engagers", "distinct accounts that wrote to the brand on the channel"),
    _fan_col("matched_share", "matched_engagers / engagers: linked to a CRM contact by an exact key"),
    _fan_col("customer_share", "customer_engagers / engagers: contacts at lifecycle stage customer"),
    _fan_col("target_segment_share", "target_segment_engagers / engagers (seeds/brands.csv)"),
    _fan_col("followers", "distinct followers of the brand's X accounts, latest snapshot"),
    _fan_col("follower_matched_share", "matched_followers / followers"),
    _fan_col("follower_customer_share", "customer_followers / followers"),
    _fan_col("follower_target_segment_share", "target_segment_followers / followers"),
]


def _card(card_id: str, label: str, tooltip: str) -> dbc.Col:
    return dbc.Col(html.Div(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.H3("–", id=f"{card_id}-value", className="mb-0"),
        html.Div("", id=f"{card_id}-detail", className="small text-muted"),
    ])), id=f"{card_id}-card", title=tooltip), md=3)


def _month_options(months: list[date]) -> list[dict]:
    return [{"label": f"{m:%b %Y}", "value": m.isoformat()} for m in months]


def layout(**_query) -> html.Div:
    """Built per request, so the filters cover whatever snapshot is published now."""
    try:
        with snapshot() as con:
            options = queries.roi_options(con)
            fans = queries.fan_quality(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="roi-missing")
    if not options.months:
        return dbc.Alert(NO_ROI, color="info", id="roi-empty")
    months = _month_options(options.months)
    start = options.months[max(0, len(options.months) - DEFAULT_MONTHS)]
    return html.Div([
        dbc.Row([
            dbc.Col(html.H2("Social ROI"), md=6),
            dbc.Col(html.Div(f"Snapshot taken {options.snapshot_at:%Y-%m-%d %H:%M} UTC",
                             className="text-muted text-end small", id="roi-snapshot"), md=6),
        ], className="align-items-center"),
        dbc.Row([
            dbc.Col([dbc.Label("From month (UTC)"), dcc.Dropdown(
                id="roi-month-from", options=months, value=start.isoformat(), clearable=False)],
                md=2),
            dbc.Col([dbc.Label("To month"), dcc.Dropdown(
                id="roi-month-to", options=months, value=options.months[-1].isoformat(),
                clearable=False)], md=2),
            dbc.Col([dbc.Label("Departments"), dcc.Dropdown(
                id="roi-departments", options=options.departments, value=[], multi=True,
                placeholder="All departments")], md=4),
            dbc.Col([dbc.Label("Channels"), dcc.Dropdown(
                id="roi-channels", value=[], multi=True, placeholder="All channels",
                options=[{"label": figures.ROI_CHANNEL_LABELS.get(c, c), "value": c}
                         for c in options.channels])], md=4),
        ], className="mb-3 align-items-end"),
        dbc.Row([
            dbc.Col([
                html.Span(dbc.Label("Attribution model", className="me-3 fw-bold"), title=MODEL_HELP),
                dbc.RadioItems(id="roi-model", inline=True, value=queries.DEFAULT_MODEL,
                               options=[{"label": m, "value": m} for m in queries.ROI_MODELS],
                               className="d-inline-block"),
                html.Div(MODEL_HELP, className="small text-muted"),
            ], md=12),
        ], className="mb-3"),
        dbc.Row([_card(*card) for card in CARDS], className="mb-3 g-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="roi-by-department"), md=5),
            dbc.Col(dcc.Graph(id="roi-by-channel"), md=7),
        ]),
        dbc.Row([dbc.Col(dcc.Graph(id="roi-waterfall"), md=12)], className="mt-3"),
        dbc.Row([
            dbc.Col(html.H4("Campaigns", title="department × channel × campaign of the selected "
                            "model: sums over the filters, ROI and ROAS from them, and the range "
                            "of the row's ROI across the five models"), md=6),
            dbc.Col([
                dbc.Button("Export CSV", id="roi-export", color="secondary", size="sm",
                           title="Every column of the campaign table (selected model)"),
                dcc.Download(id="roi-download"),
                html.Div("", id="roi-export-status", className="small text-muted"),
            ], md=6, className="text-end"),
        ], className="mt-4 align-items-center"),
        html.Div("", id="roi-campaign-title", className="mb-2 small text-muted"),
        dag.AgGrid(
            id="roi-campaigns", columnDefs=CAMPAIGN_GRID_COLUMNS, rowData=[],
            defaultColDef=_GRID_DEFAULTS,
            dashGridOptions={"pagination": True, "paginationPageSize": 20,
                             "tooltipShowDelay": 300},
            style={"height": "560px"}, className="mb-4"),
        html.H4("Is your fan a customer?", title=FAN_QUALITY_HELP),
        html.Div(FAN_QUALITY_HELP, className="mb-2 small text-muted"),
        dag.AgGrid(
            id="roi-fan-quality", columnDefs=FAN_QUALITY_GRID_COLUMNS,
            rowData=figures.grid_rows(fans),
            defaultColDef=_GRID_DEFAULTS,
            dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300},
            className="mb-5"),
    ])


def _filters(month_from: object, month_to: object, departments: object,
             channels: object) -> queries.RoiFilters:
    """The filters as the browser sends them; a missing (or malformed) month leaves that end open,
    reversed months are put in order, picks that are not strings are dropped (inputs.py)."""
    start, end = inputs.a_date(month_from, inputs.EARLIEST), inputs.a_date(month_to, date(2999, 12, 1))
    start, end = min(start, end), max(start, end)
    return queries.RoiFilters(start, end, inputs.some_of(departments), inputs.some_of(channels))


def _model(model: object) -> str:
    return inputs.one_of(model, queries.ROI_MODELS, queries.DEFAULT_MODEL)


FILTERS = (Input("roi-month-from", "value"), Input("roi-month-to", "value"),
           Input("roi-departments", "value"), Input("roi-channels", "value"),
           Input("roi-model", "value"))


@callback(
    *[Output(f"{card_id}-{part}", "children") for card_id, *_ in CARDS for part in ("value", "detail")],
    Output("roi-waterfall", "figure"),
    *FILTERS,
)
def update(month_from, month_to, departments, channels, model):
    f, model = _filters(month_from, month_to, departments, channels), _model(model)
    with snapshot() as con:
        k = queries.roi_kpis(con, f, model)
    money = figures.fmt_money
    ideas = (f"valued at {money(k['ideas_value'])}" if k["ideas_valued"]
             else "counted, not valued (value_per_adopted_idea empty)")
    return (
        money(k["cost"]), f"{money(k['paid_media_cost'])} of it paid media",
        money(k["total_value"]), f"model {model}; pipeline not included",
        figures.fmt_roi(k["roi"]),
        f"net value {money(k['net_value'])}" if k["roi"] is not None else "no cost in this selection",
        figures.fmt_roas(k["roas"]),
        f"per $ of {money(k['paid_media_cost'])} paid media" if k["roas"] is not None
        else "no paid media in this selection",
        money(k["attributed_revenue"]), f"credited by {model}",
        money(k["attributed_pipeline"]), "forecast: reported, not in total value or ROI",
        money(k["deflection_savings"]), f"{k['deflected_contacts']:,} deflected contacts",
        f"{k['ideas_adopted']:,}", ideas,
        figures.value_waterfall(k),
    )


@callback(Output("roi-by-department", "figure"), Output("roi-by-channel", "figure"), *FILTERS)
def update_bars(month_from, month_to, departments, channels, model):
    f, model = _filters(month_from, month_to, departments, channels), _model(model)
    with snapshot() as con:
        by_department = queries.roi_by(con, f, "department", model)
        by_channel = queries.roi_by(con, f, "channel", model)
    return (figures.roi_bars(by_department, "department", model),
            figures.roi_bars(by_channel, "channel", model))


def _campaign_title(f: queries.RoiFilters, model: str, total: int, shown: int) -> str:
    text = (f"{total:,} rows (department × channel × campaign), model {model}, "
            f"{f.start:%b %Y} – {f.end:%b %Y}")
    if shown < total:
        text += f" (showing the first {shown:,}: narrow the filters or export the rest)"
    return text + "."


@callback(Output("roi-campaign-title", "children"), Output("roi-campaigns", "rowData"), *FILTERS)
def update_campaigns(month_from, month_to, departments, channels, model):
    f, model = _filters(month_from, month_to, departments, channels), _model(model)
    with snapshot() as con:
        total = queries.campaign_count(con, f, model)
        df = queries.campaign_roi(con, f, model)
    return _campaign_title(f, model, total, len(df)), figures.grid_rows(df)


@callback(Output("roi-download", "data"), Output("roi-export-status", "children"),
          Input("roi-export", "n_clicks"), State("roi-month-from", "value"),
          State("roi-month-to", "value"), State("roi-departments", "value"),
          State("roi-channels", "value"), State("roi-model", "value"), prevent_initial_call=True)
def export(_clicks, month_from, month_to, departments, channels, model):
    f, model = _filters(month_from, month_to, departments, channels), _model(model)
    with snapshot() as con:
        total = queries.campaign_count(con, f, model)
        df = queries.roi_export(con, f, model)
    status = f"Exported {len(df):,} rows"
    if total > len(df):
        status += f" (the first {len(df):,} of {total:,}: narrow the filters for the rest)"
    name = f"groundswell-social-roi-{model}-{f.start:%Y%m}-{f.end:%Y%m}.csv"
    return dcc.send_data_frame(df.to_csv, name, index=False), status
