"""Social ROI: is social paying off, and for which department, channel and campaign?

Every number comes from ``marts.fct_social_roi`` for ONE attribution model (the model switch;
costs, savings and ideas repeat under every model, so nothing is ever summed across models),
and every ROI is computed from sums: (sum(total_value) − sum(cost)) / sum(cost), "–" where cost
is 0. Definitions: docs/metrics.md, "Social ROI". Export the campaign table as CSV.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import duckdb
from dash import Input, Output, State, callback, dcc, html

from dashboards import inputs, labels, semantic
from dashboards.data import snapshot
from dashboards.roi import figures, queries
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/roi", name="Social ROI", title="groundswell: social ROI", order=1)

DEFAULT_MONTHS = 12
#: The headline cards: id, metric of the semantic layer (dbt/models/marts/roi/fct_social_roi.yml:
#: its label heads the card, its description is the tooltip, its format shows the value).
CARDS = (
    ("roi-kpi-cost", "program_cost"),
    ("roi-kpi-value", "total_value"),
    ("roi-kpi-roi", "social_roi"),
    ("roi-kpi-roas", "roas"),
    ("roi-kpi-revenue", "attributed_revenue"),
    ("roi-kpi-pipeline", "attributed_pipeline"),
    ("roi-kpi-savings", "deflection_savings"),
    ("roi-kpi-ideas", "ideas_adopted"),
)
NO_ROI = ("No Social ROI yet: the published snapshot holds no rows in marts.fct_social_roi. "
          "Land costs, CRM deals and orders, web sessions and the community (`groundswell "
          "load`, or `groundswell demo`) and run `groundswell build`.")
MODEL_HELP = ("Attribution model: how the credit of a conversion is split over its social "
              "touches. Every model hands out all of the credit, so the cards' totals are the "
              "same under each; the model changes where the credit lands: by department, channel "
              "and campaign below (the whiskers: the range across the models).")

_CAMPAIGN = {"function": "params.value == null ? '(no campaign)' : params.value"}
#: The grid columns of the campaign table that are metrics: column → metric of the layer.
CAMPAIGN_METRICS = {
    "cost": "program_cost", "total_value": "total_value", "roi": "social_roi", "roas": "roas",
    "roi_min": "social_roi", "roi_max": "social_roi", "attributed_revenue": "attributed_revenue",
    "attributed_pipeline": "attributed_pipeline", "deflection_savings": "deflection_savings",
    "deflected_contacts": "deflected_contacts", "ideas_adopted": "ideas_adopted",
    "ideas_value": "ideas_value", "paid_media_cost": "paid_media_cost",
}
#: The campaign table's columns, in order.
CAMPAIGN_FIELDS = ("department", "channel", "campaign", "cost", "total_value", "roi", "roas",
                   "roi_min", "roi_max", "roi_min_model", "roi_max_model", "attributed_revenue",
                   "attributed_pipeline", "deflection_savings", "deflected_contacts",
                   "ideas_adopted", "ideas_value", "paid_media_cost")
#: Tooltips of the columns that are not metrics.
CAMPAIGN_TOOLTIPS = {
    "campaign": "Empty: value no campaign carries (care, organic reactions, ideas)",
    "roi_min": "The lowest ROI of this row across the attribution models",
    "roi_max": "The highest ROI of this row across the attribution models",
    "roi_min_model": "The attribution model of the lowest ROI of this row",
    "roi_max_model": "The attribution model of the highest ROI of this row",
}
_GRID_DEFAULTS = shared_figures.grid_column_defaults()
FAN_QUALITY_HELP = ("Is your fan a customer? Engagers wrote to the brand (care "
                    "messages); followers follow its X accounts in the latest follower list. "
                    "Shares of them linked to a CRM contact, a customer, the brand's target "
                    "segments. – where not measured (no follower lists on Facebook). The latest "
                    "state: the filters above do not apply.")


def grid_format(fmt) -> dict:
    """An AG Grid valueFormatter showing a number as the metric's Format does; – for none."""
    d = fmt.decimals
    body = {"usd": f"d3.format('$,.{d}f')(params.value)",
            "percent": f"d3.format(',.{d}%')(params.value)",
            "multiple": f"d3.format(',.{d}f')(params.value) + '×'",
            "count": "d3.format(',')(params.value)"}.get(fmt.kind, f"d3.format(',.{d}f')(params.value)")
    return {"function": f"params.value == null ? '–' : {body}"}


def campaign_columns(layer, departments: dict, channels: dict, models: dict) -> list[dict]:
    """The campaign grid's columns: metrics headed by their label (tooltip: their description)
    and shown in their format; departments, channels and models in words (``refData``: the cell
    shows the words, the row keeps the value a click or an export carries)."""
    refs = {"department": departments, "channel": channels, "roi_min_model": models,
            "roi_max_model": models}
    cols = []
    for field in CAMPAIGN_FIELDS:
        extra: dict = {}
        if field in CAMPAIGN_METRICS:
            m = layer.metric(CAMPAIGN_METRICS[field])
            extra = {"type": "numericColumn", "valueFormatter": grid_format(m.format)}
            label, tooltip = m.label, m.description
            if field in labels.COLUMNS:  # the range across models: its own words
                label = labels.COLUMNS[field]
        else:
            label, tooltip = labels.header(field, layer)
        if field in refs:
            extra["refData"] = refs[field]
        if field in ("department", "channel"):
            extra.update(pinned="left", width=130)
        if field == "campaign":
            extra.update(pinned="left", valueFormatter=_CAMPAIGN)
        tooltip = CAMPAIGN_TOOLTIPS.get(field, tooltip)
        col = {"field": field, "headerName": label, **extra}
        if tooltip:
            col["headerTooltip"] = tooltip
        cols.append(col)
    return cols


#: The fan-quality grid's metrics (agg_fan_quality.yml), in order.
FAN_QUALITY_METRICS = ("engagers", "matched_share", "customer_share", "target_segment_share",
                       "followers", "follower_matched_share", "follower_customer_share",
                       "follower_target_segment_share")


def fan_quality_columns(layer) -> list[dict]:
    """Brand and channel, then each metric headed by its label, in its format."""
    cols = [{"field": "brand", "headerName": layer.label("fan_segment__brand"),
             "headerTooltip": "The brand (competitors are not measured)"},
            {"field": "channel", "headerName": layer.label("fan_segment__channel"),
             "headerTooltip": "X or Facebook", "valueFormatter": labels.CATEGORY}]
    for field in FAN_QUALITY_METRICS:
        m = layer.metric(field)
        cols.append({"field": field, "headerName": m.label, "headerTooltip": m.description,
                     "type": "numericColumn", "valueFormatter": grid_format(m.format)})
    return cols


def department_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{department: label} of seeds.departments; {} for a snapshot without the seed."""
    try:
        return dict(con.execute("select department, label from seeds.departments").fetchall())
    except duckdb.CatalogException:
        return {}


def _words(value: object, names: dict) -> str:
    return names.get(value) or labels.value(value)


def _card(card_id: str, metric) -> dbc.Col:
    return dbc.Col(html.Div(dbc.Card(dbc.CardBody([
        html.Div(metric.label, className="text-muted small"),
        html.H3("–", id=f"{card_id}-value", className="mb-0"),
        html.Div("", id=f"{card_id}-detail", className="small text-muted"),
        html.Div("", id=f"{card_id}-change", className="small text-muted"),
    ])), id=f"{card_id}-card", title=metric.description), md=3)


def _month_options(months: list[date]) -> list[dict]:
    return [{"label": f"{m:%b %Y}", "value": m.isoformat()} for m in months]


def layout(**_query) -> html.Div:
    """Built per request, so the filters cover whatever snapshot is published now."""
    try:
        with snapshot() as con:
            options = queries.roi_options(con)
            fans = queries.fan_quality(con)
            # the attribution models (dbt/seeds/attribution_models.csv), labelled, in its order
            models = queries.attribution_models(con) if options.has_mart else []
            default_model = queries.default_model(con) if options.has_mart else None
            layer = semantic.layer(con) if options.months else None
            departments = department_labels(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="roi-missing")
    if not options.months:
        return dbc.Alert(NO_ROI, color="info", id="roi-empty")
    months = _month_options(options.months)
    channels = {c: _words(c, figures.ROI_CHANNEL_LABELS) for c in options.channels}
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
                id="roi-departments", value=[], multi=True, placeholder="All departments",
                options=[{"label": _words(d, departments), "value": d} for d in options.departments])],
                md=4),
            dbc.Col([dbc.Label("Channels"), dcc.Dropdown(
                id="roi-channels", value=[], multi=True, placeholder="All channels",
                options=[{"label": label, "value": c} for c, label in channels.items()])], md=4),
        ], className="mb-3 align-items-end"),
        dbc.Row([
            dbc.Col([
                html.Span(dbc.Label("Attribution model", className="me-3 fw-bold"), title=MODEL_HELP),
                dbc.RadioItems(id="roi-model", inline=True, value=default_model,
                               options=[{"label": label, "value": m} for m, label in models],
                               className="d-inline-block"),
                html.Div(MODEL_HELP, className="small text-muted"),
            ], md=12),
        ], className="mb-3"),
        dbc.Row([_card(card_id, layer.metric(m)) for card_id, m in CARDS], className="mb-3 g-3"),
        dbc.Row([
            dbc.Col(dcc.Graph(id="roi-by-department"), md=5),
            dbc.Col(dcc.Graph(id="roi-by-channel"), md=7),
        ]),
        dbc.Row([dbc.Col(dcc.Graph(id="roi-waterfall"), md=12)], className="mt-3"),
        dbc.Row([
            dbc.Col(html.H4("Campaigns", title="department × channel × campaign of the selected "
                            "model: sums over the filters, ROI and ROAS from them, and the range "
                            "of the row's ROI across the models"), md=6),
            dbc.Col([
                dbc.Button("Export CSV", id="roi-export", color="secondary", size="sm",
                           title="Every column of the campaign table (selected model)"),
                dcc.Download(id="roi-download"),
                html.Div("", id="roi-export-status", className="small text-muted"),
            ], md=6, className="text-end"),
        ], className="mt-4 align-items-center"),
        html.Div("", id="roi-campaign-title", className="mb-2 small text-muted"),
        dag.AgGrid(
            id="roi-campaigns", rowData=[],
            columnDefs=campaign_columns(layer, departments, channels, dict(models)),
            defaultColDef=_GRID_DEFAULTS,
            dashGridOptions={"pagination": True, "paginationPageSize": 20,
                             "tooltipShowDelay": 300},
            style={"height": "560px"}, className="mb-4"),
        html.H4("Is your fan a customer?", title=FAN_QUALITY_HELP),
        html.Div(FAN_QUALITY_HELP, className="mb-2 small text-muted"),
        dag.AgGrid(
            id="roi-fan-quality", columnDefs=fan_quality_columns(layer),
            rowData=shared_figures.grid_rows(fans),
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


def _model(con, model: object) -> str:
    """The model the browser picked, if it is one of the snapshot's (the seed's); else the default."""
    names = [m for m, _ in queries.attribution_models(con)]
    return inputs.one_of(model, names, queries.default_model(con))


FILTERS = (Input("roi-month-from", "value"), Input("roi-month-to", "value"),
           Input("roi-departments", "value"), Input("roi-channels", "value"),
           Input("roi-model", "value"))


@callback(
    *[Output(f"{card_id}-{part}", "children") for card_id, *_ in CARDS for part in ("value", "detail")],
    Output("roi-waterfall", "figure"),
    *[Output(f"{card_id}-change", "children") for card_id, *_ in CARDS],
    *FILTERS,
)
def update(month_from, month_to, departments, channels, model):
    f = _filters(month_from, month_to, departments, channels)
    months = (f.end.year - f.start.year) * 12 + f.end.month - f.start.month + 1
    with snapshot() as con:
        model = _model(con, model)
        k = queries.roi_kpis(con, f, model)
        first, last = shared_queries.previous_months(f.start, f.end)
        k_before = queries.roi_kpis(con, replace(f, start=first, end=last), model)
        layer = semantic.layer(con)
        label = _words(model, dict(queries.attribution_models(con)))

    def shown(metric: str, value) -> str:
        return layer.metric(metric).format(value)

    key = queries.ROI_KPIS
    ideas = (f"valued at {shown('ideas_value', k['ideas_value'])}" if k["ideas_valued"]
             else "counted, not valued (no value per adopted idea set)")
    return (
        shown("program_cost", k["cost"]),
        f"{shown('paid_media_cost', k['paid_media_cost'])} of it paid media",
        shown("total_value", k["total_value"]), f"{label} model; pipeline not included",
        shown("social_roi", k["roi"]),
        f"net value {shown('net_value', k['net_value'])}" if k["roi"] is not None
        else "no cost in this selection",
        shown("roas", k["roas"]),
        f"per $1 of {shown('paid_media_cost', k['paid_media_cost'])} paid media" if k["roas"] is not None
        else "no paid media in this selection",
        shown("attributed_revenue", k["attributed_revenue"]), f"credited by the {label} model",
        shown("attributed_pipeline", k["attributed_pipeline"]),
        "a forecast: not in ROI, nor in total value",
        shown("deflection_savings", k["deflection_savings"]),
        f"{shown('deflected_contacts', k['deflected_contacts'])} deflected contacts",
        shown("ideas_adopted", k["ideas_adopted"]), ideas,
        figures.value_waterfall(k, model_label=label, money_format=layer.metric("total_value").format),
        *semantic.changes(layer, [(m, k[key[m]], k_before[key[m]]) for _id, m in CARDS], k_before["rows"],
                          semantic.nothing_before("program rows", months, "month")),
    )


@callback(Output("roi-by-department", "figure"), Output("roi-by-channel", "figure"), *FILTERS)
def update_bars(month_from, month_to, departments, channels, model):
    f = _filters(month_from, month_to, departments, channels)
    with snapshot() as con:
        model = _model(con, model)
        by_department = queries.roi_by(con, f, "department", model)
        by_channel = queries.roi_by(con, f, "channel", model)
        layer = semantic.layer(con)
        models = dict(queries.attribution_models(con))
        department_names = department_labels(con)
    formats = {"model_labels": models, "roi_format": layer.metric("social_roi").format,
               "money_format": layer.metric("total_value").format}
    return (figures.roi_bars(by_department, "department", model, value_labels=department_names,
                             **formats),
            figures.roi_bars(by_channel, "channel", model, **formats))


def _campaign_title(f: queries.RoiFilters, model: str, total: int, shown: int) -> str:
    """``model``: the model in words (the seed's label)."""
    text = (f"{total:,} rows (department × channel × campaign), {model} model, "
            f"{f.start:%b %Y} – {f.end:%b %Y}")
    if shown < total:
        text += f" (showing the first {shown:,}: narrow the filters or export the rest)"
    return text + "."


@callback(Output("roi-campaign-title", "children"), Output("roi-campaigns", "rowData"), *FILTERS)
def update_campaigns(month_from, month_to, departments, channels, model):
    f = _filters(month_from, month_to, departments, channels)
    with snapshot() as con:
        model = _model(con, model)
        total = queries.campaign_count(con, f, model)
        df = queries.campaign_roi(con, f, model)
        label = _words(model, dict(queries.attribution_models(con)))
    return _campaign_title(f, label, total, len(df)), shared_figures.grid_rows(df)


@callback(Output("roi-download", "data"), Output("roi-export-status", "children"),
          Input("roi-export", "n_clicks"), State("roi-month-from", "value"),
          State("roi-month-to", "value"), State("roi-departments", "value"),
          State("roi-channels", "value"), State("roi-model", "value"), prevent_initial_call=True)
def export(_clicks, month_from, month_to, departments, channels, model):
    f = _filters(month_from, month_to, departments, channels)
    with snapshot() as con:
        model = _model(con, model)
        total = queries.campaign_count(con, f, model)
        df = queries.roi_export(con, f, model)
    status = f"Exported {len(df):,} rows"
    if total > len(df):
        status += f" (the first {len(df):,} of {total:,}: narrow the filters for the rest)"
    name = f"groundswell-social-roi-{model}-{f.start:%Y%m}-{f.end:%Y%m}.csv"
    return dcc.send_data_frame(df.to_csv, name, index=False), status
