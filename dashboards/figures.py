"""Pure figure and formatting functions: DataFrames in, Plotly figures and strings out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from groundswell.semantic import Format
from groundswell.sources.corrections import NEGATIVE_TYPES, SENTIMENT_LABELS

if TYPE_CHECKING:
    from dashboards.queries import Drill

PLATFORM_COLORS = {"x": "#0f1419", "facebook": "#1877f2", "instagram": "#c13584",
                   "linkedin": "#0a66c2", "youtube": "#ff0000"}
PLATFORM_LABELS = {"x": "X", "facebook": "Facebook", "instagram": "Instagram",
                   "linkedin": "LinkedIn", "youtube": "YouTube"}


def fmt_count(value: float | int | None) -> str:
    if value is None:
        return "–"
    value = float(value)
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:,.0f}"


def fmt_rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"


def engagement_trend(df: pd.DataFrame, metric: str = "engagements", label: str | None = None) -> go.Figure:
    """One line per platform of ``metric`` (``label``: its label in the semantic layer) over the
    period starts in ``df``."""
    rate = metric == "engagement_rate"
    fig = go.Figure()
    if df.empty:
        fig.add_annotation(text="No posts in this period", showarrow=False, font={"size": 16},
                           xref="paper", yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    for platform, part in df.groupby("platform", sort=True):
        fig.add_trace(go.Scatter(
            x=part["period_start"], y=part[metric], mode="lines+markers",
            name=PLATFORM_LABELS.get(platform, platform),
            line={"color": PLATFORM_COLORS.get(platform)},
            hovertemplate="%{x|%d %b %Y}<br>%{y:" + (".2%" if rate else ",.0f") + "}"
                          "<extra>%{fullData.name}</extra>",
        ))
    title = label or {"engagements": "Engagements", "engagement_rate": "Engagement rate",
                      "impressions": "Impressions", "posts": "Posts"}.get(metric, metric)
    fig.update_layout(title=f"{title} by platform", margin={"l": 40, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.15}, template="plotly_white",
                      yaxis={"tickformat": ".1%" if rate else ",~s"})
    return fig


def grid_rows(df: pd.DataFrame) -> list[dict]:
    """Rows for an AG Grid: timestamps as text, missing values as null."""
    out = df.copy()
    for col in out.select_dtypes(include=["datetime", "datetimetz"]).columns:
        out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M")
    return out.astype(object).where(out.notna(), None).to_dict("records")


# --- Customer care -------------------------------------------------------------------------

CHANNEL_COLORS = {"x": "#0f1419", "facebook_comment": "#1877f2", "facebook_messenger": "#a033ff"}
CHANNEL_LABELS = {"x": "X", "facebook_comment": "Facebook comments",
                  "facebook_messenger": "Facebook Messenger"}
#: Open messages by SLA status (queries.backlog_by_type): label, colour.
BACKLOG_STATUSES = {"breached": ("over its SLA", "#dc3545"),
                    "in_time": ("still in time", "#ffc107"),
                    "no_sla": ("no SLA", "#adb5bd")}
#: The two response times of a responded message (queries.RESPONSE_MEASURES), in words.
RESPONSE_MEASURE_LABELS = {"business": "First response (business minutes)",
                           "calendar": "First response (calendar minutes)"}
NO_CARE = "No care messages in this period"
_MARGIN = {"l": 50, "r": 20, "t": 50, "b": 40}


_PERCENT = Format("percent", 1)  # the care rates' format in the semantic layer
_MINUTES = Format("minutes", 1)  # the care response times' format


def fmt_minutes(value: float | None) -> str:
    """Minutes as a short duration: 45 min, 2.5 h, 3.1 d (of 24 h): the semantic layer's format."""
    return Format("minutes")(None if value is None or pd.isna(value) else value)


def _empty(fig: go.Figure, text: str = NO_CARE) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, font={"size": 16},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def sla_trend(df: pd.DataFrame) -> go.Figure:
    """Weekly SLA attainment and response rate (lines), judged messages (bars, right axis).

    Each point carries ``customdata`` [message set, week_start] for the drill-down.
    """
    fig = go.Figure()
    fig.update_layout(title="SLA attainment and response rate by week received",
                      margin=_MARGIN, template="plotly_white",
                      legend={"orientation": "h", "y": -0.15})
    if df.empty:
        return _empty(fig)
    weeks = [f"{pd.Timestamp(w):%Y-%m-%d}" for w in df["week_start"]]
    # Plain lists, not arrays: the browser's figure then holds the numbers themselves (a few
    # points per chart), not base64 typed arrays.
    fig.add_trace(go.Bar(
        x=weeks, y=df["judged"].tolist(), name="messages judged against SLA",
        marker={"color": "#dee2e6"}, customdata=[["judged", w] for w in weeks],
        hovertemplate="week of %{x}<br>%{y:,} messages judged against SLA<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=weeks, y=df["sla_attainment"].tolist(), name="SLA attainment", yaxis="y2",
        mode="lines+markers+text",
        text=[_PERCENT(v) if pd.notna(v) else "" for v in df["sla_attainment"]],
        textposition="top center", line={"color": "#198754", "width": 3},
        customdata=[["judged", w, int(a), int(j)] for w, a, j in zip(weeks, df["within_sla"],
                                                                   df["judged"], strict=True)],
        hovertemplate="week of %{x}<br>SLA attainment %{y:.1%}<br>%{customdata[2]:,} within SLA "
                      "of %{customdata[3]:,} judged<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=weeks, y=df["response_rate"].tolist(), name="response rate", mode="lines+markers", yaxis="y2",
        line={"color": "#0d6efd", "dash": "dot"},
        customdata=[["all", w, int(r), int(m)] for w, r, m in zip(weeks, df["responded"],
                                                                  df["messages"], strict=True)],
        hovertemplate="week of %{x}<br>response rate %{y:.1%}<br>%{customdata[2]:,} responded "
                      "of %{customdata[3]:,} messages<extra></extra>"))
    fig.update_layout(
        xaxis={"type": "category", "title": "week received (from Monday, UTC)"},
        # The bars on the first axis, the rates on the second: an overlaying axis draws on top.
        yaxis={"side": "right", "showgrid": False, "title": "messages judged",
               "range": [0, max(1, int(df["judged"].max())) * 2.5]},
        yaxis2={"overlaying": "y", "side": "left", "tickformat": ".0%", "range": [0, 1.1],
                "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1], "title": "share"})
    return fig


def backlog_trend(df: pd.DataFrame) -> go.Figure:
    """The backlog at each day's end (marts.agg_care_daily), and the part of it over its SLA."""
    fig = go.Figure()
    fig.update_layout(title="Backlog at the end of each day", margin=_MARGIN, template="plotly_white",
                      legend={"orientation": "h", "y": -0.15})
    if df.empty:
        return _empty(fig)
    days = [f"{pd.Timestamp(d):%Y-%m-%d}" for d in df["date_day"]]
    fig.add_trace(go.Scatter(
        x=days, y=df["backlog"].tolist(), name="backlog", mode="lines", line={"color": "#6c757d"},
        hovertemplate="%{x}<br>%{y:,} messages unanswered at the day's end (backlog)<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=days, y=df["backlog_over_sla"].tolist(), name="over its SLA", mode="lines",
        fill="tozeroy", line={"color": "#dc3545"},
        hovertemplate="%{x}<br>%{y:,} of them past their SLA<extra></extra>"))
    fig.update_layout(xaxis={"title": "day (each brand's calendar time zone)"},
                      yaxis={"title": "messages", "rangemode": "tozero"})
    return fig


def response_time_box(df: pd.DataFrame, measure: str = "business") -> go.Figure:
    """One box per channel from precomputed percentiles: box p25–p75, line the median,
    whiskers p10 and p90 (queries.response_time_stats)."""
    column = RESPONSE_MEASURE_LABELS.get(measure, measure)
    fig = go.Figure()
    fig.update_layout(title=f"{column} of responded messages, by channel", margin=_MARGIN,
                      template="plotly_white", showlegend=False,
                      yaxis={"title": "minutes", "rangemode": "tozero"})
    if df.empty:
        return _empty(fig, "No responded messages in this period")
    for row in df.itertuples(index=False):
        stats = {name: getattr(row, f"{measure}_{name}") for name in
                 ("p10", "p25", "median", "p75", "p90")}
        label = CHANNEL_LABELS.get(row.channel, row.channel)
        fig.add_trace(go.Box(
            x=[label], name=label, q1=[stats["p25"]], median=[stats["median"]], q3=[stats["p75"]],
            lowerfence=[stats["p10"]], upperfence=[stats["p90"]],
            marker={"color": CHANNEL_COLORS.get(row.channel)},
            customdata=[["responded", row.channel]],
            hovertemplate=(f"{label}: {row.responded:,} responded<br>median {_MINUTES(stats['median'])}"
                           f"<br>90th percentile {_MINUTES(stats['p90'])}<extra>{column}</extra>")))
        fig.add_annotation(x=label, y=stats["p90"], yshift=12, showarrow=False,
                           text=f"median {_MINUTES(stats['median'])} · p90 {_MINUTES(stats['p90'])}")
    return fig


def backlog_bars(df: pd.DataFrame) -> go.Figure:
    """Open messages per complaint_type (in words), stacked by SLA status, the count on each
    segment.

    Each segment carries ``customdata`` [message set, complaint_type] for the drill-down.
    """
    from dashboards import labels

    fig = go.Figure()
    fig.update_layout(title="Open backlog by complaint type", margin=_MARGIN,
                      template="plotly_white", barmode="stack",
                      legend={"orientation": "h", "y": -0.15},
                      yaxis={"title": "open messages"}, xaxis={"type": "category"})
    if df.empty:
        return _empty(fig, "No open messages in this period")
    for status, (label, color) in BACKLOG_STATUSES.items():
        part = df[df["sla_status"] == status]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            x=[labels.value(t) for t in part["complaint_type"]], y=part["messages"].tolist(), name=label,
            marker={"color": color},
            text=part["messages"].tolist(), textposition="inside",
            customdata=[[f"open_{status}", t, fmt_minutes(m), fmt_minutes(o)] for t, m, o in zip(
                part["complaint_type"], part["median_open_business_minutes"],
                part["max_open_business_minutes"], strict=True)],
            hovertemplate=(f"%{{x}}: %{{y:,}} open, {label}<br>median time open (business) "
                           "%{customdata[2]}<br>oldest %{customdata[3]}<extra></extra>")))
    return fig



#: The message sets of a drill-down (queries.MESSAGE_SETS), in words.
MESSAGE_SET_LABELS = {
    "all": "messages",
    "responded": "responded messages",
    "judged": "judged messages (with an SLA verdict)",
    "within_sla": "messages within SLA",
    "breached": "messages over their SLA",
    "open": "open messages",
    "open_breached": "open messages over their SLA",
    "open_in_time": "open messages still in time",
    "open_no_sla": "open messages without SLA",
}


def drill_title(drill: Drill, total: int, shown: int) -> str:
    """What a drill-down shows, e.g. "217 judged messages … in the week of 2026-10-19"."""
    text = f"{total:,} {MESSAGE_SET_LABELS.get(drill.messages, drill.messages)}"
    if drill.week_start is not None:
        text += f" received in the week of {drill.week_start:%Y-%m-%d}"
    from dashboards import labels

    def pin(column: str, value: str | None) -> str:  # "complaint type Late flight", "no brand"
        what = labels.value(column).lower()
        if value is None:
            return f"no {what}"
        return f"{what} {value if column == 'brand' else labels.value(value)}"

    pinned = [pin(column, value) for column, value in drill.equals]
    if pinned:
        text += ", " + ", ".join(pinned)
    if shown < total:
        text += f" (showing the newest {shown:,})"
    return text + ". Select one for its conversation."


def conversation_title(df: pd.DataFrame) -> str:
    """The conversation of the selected message: its id and how many inbound messages it holds."""
    selected = df[df["is_selected"]].iloc[0] if df["is_selected"].any() else df.iloc[0]
    conversation = selected["conversation_id"] or selected["message_id"]
    first = (f"first response {selected['first_response_id']} by {selected['first_response_by']} "
             f"at {pd.Timestamp(selected['first_response_at']):%Y-%m-%d %H:%M} UTC"
             if selected["is_responded"] else "not responded yet")
    return (f"Conversation {conversation}: {len(df):,} inbound message{'s' if len(df) != 1 else ''}. "
            f"Selected message {selected['message_id']}: {first}.")


# --- Social ROI ----------------------------------------------------------------------------

#: Channels of marts.fct_social_roi, in words (`all`: costs shared across channels).
ROI_CHANNEL_LABELS = {**PLATFORM_LABELS, "community": "Community", "all": "All (shared costs)"}
NO_ROI = "No ROI rows for these filters"
PIPELINE_LABEL = "pipeline (forecast, not in ROI)"
_POSITIVE, _NEGATIVE, _NEUTRAL = "#198754", "#dc3545", "#6c757d"


def _nan_none(value):
    return None if value is None or pd.isna(value) else value


def fmt_money(value: float | None) -> str:
    """US dollars, short: $950, $54.8k, -$52.8k; – when unknown."""
    value = _nan_none(value)
    if value is None:
        return "–"
    return ("-" if value < 0 else "") + "$" + fmt_count(abs(value))


def fmt_roi(value: float | None) -> str:
    """ROI as a percentage of cost: -96.4%, +12.0%; – where cost is 0 (ROI NULL)."""
    value = _nan_none(value)
    return "–" if value is None else f"{value:+.1%}"


def fmt_roas(value: float | None) -> str:
    """Revenue per dollar of paid media: 0.03×; – without paid media (ROAS NULL)."""
    value = _nan_none(value)
    return "–" if value is None else f"{value:,.2f}×"


def _roi_words(v, names: dict | None, fallback: dict | None = None) -> str:
    """A category value (department, channel, model) in words: ``names``' (the seeds' labels),
    else ``fallback``'s, else the value with spaces and a capital."""
    from dashboards import labels as _labels

    if v is None:
        return "–"
    return (names or {}).get(v) or (fallback or {}).get(v) or _labels.value(v)


def roi_bars(df: pd.DataFrame, dimension: str, model: str, *, model_labels: dict | None = None,
             value_labels: dict | None = None, roi_format=fmt_roi, money_format=fmt_money) -> go.Figure:
    """ROI of ``model`` per department or channel (queries.roi_by), each bar with the range of
    that slice's ROI across the attribution models as an error bar. A slice without cost has no ROI:
    no bar, "–" at zero. ``model_labels`` and ``value_labels``: the words of the models and of the
    departments or channels (the seeds'); ``roi_format``, ``money_format``: the metrics' formats."""
    model_label = _roi_words(model, model_labels)
    fig = go.Figure()
    fig.update_layout(title=f"ROI by {dimension} ({model_label} model; whiskers: range across the models)",
                      margin=_MARGIN, template="plotly_white", showlegend=False,
                      xaxis={"type": "category"},
                      yaxis={"title": "ROI = (total value − program cost) / program cost",
                             "tickformat": ".0%", "zeroline": True, "zerolinecolor": "#adb5bd"})
    if df.empty:
        return _empty(fig, NO_ROI)
    fallback = ROI_CHANNEL_LABELS if dimension == "channel" else None
    labels = [_roi_words(v, value_labels, fallback) for v in df[dimension]]
    roi = [_nan_none(v) for v in df["roi"]]
    low = [_nan_none(v) for v in df["roi_min"]]
    high = [_nan_none(v) for v in df["roi_max"]]

    def model_of(m) -> str:
        return "" if m is None or pd.isna(m) else _roi_words(m, model_labels)

    fig.add_trace(go.Bar(
        x=labels, y=roi, name=f"ROI ({model_label})",
        marker={"color": [_NEUTRAL if r is None else _POSITIVE if r >= 0 else _NEGATIVE for r in roi]},
        text=[roi_format(r) for r in roi], textposition="outside", cliponaxis=False,
        error_y={"type": "data", "symmetric": False, "color": "#212529", "thickness": 2, "width": 8,
                 "array": [0 if r is None or h is None else h - r for r, h in zip(roi, high, strict=True)],
                 "arrayminus": [0 if r is None or lo is None else r - lo
                                for r, lo in zip(roi, low, strict=True)]},
        customdata=[[v, money_format(c), money_format(t), roi_format(lo), model_of(lo_m),
                     roi_format(h), model_of(hi_m)]
                    for v, c, t, lo, lo_m, h, hi_m in zip(
                        df[dimension], df["cost"], df["total_value"], low, df["roi_min_model"], high,
                        df["roi_max_model"], strict=True)],
        hovertemplate=(f"%{{x}}<br>ROI ({model_label}): %{{text}}<br>total value %{{customdata[2]}} − "
                       "program cost %{customdata[1]}<br>across models: %{customdata[3]} "
                       "(%{customdata[4]}) to %{customdata[5]} (%{customdata[6]})<extra></extra>")))
    # The range as numbers too: an error bar of zero length (every model agrees) is invisible.
    for x, r, lo, h in zip(labels, roi, low, high, strict=True):
        if r is None:
            fig.add_annotation(x=x, y=0, text="– (no cost)", showarrow=False, yshift=10,
                               font={"color": _NEUTRAL})
        else:
            fig.add_annotation(x=x, y=0, yref="y", text=f"{roi_format(lo)} … {roi_format(h)}",
                               showarrow=False, yshift=-12 if r >= 0 else 12,
                               font={"size": 10, "color": _NEUTRAL})
    return fig


def value_waterfall(k: dict, *, model_label: str | None = None, money_format=fmt_money) -> go.Figure:
    """The selected model's value, step by step (queries.roi_kpis): attributed revenue +
    deflection savings + ideas value − cost = net value; attributed pipeline beside it as its
    own bar, not a step (a forecast; a won deal would count twice). ``model_label``: the model in
    words (the seed's label); ``money_format``: the metrics' format."""
    model = model_label or (_roi_words(k["model"], None) if k.get("model") else "selected")
    fig = go.Figure()
    fig.update_layout(title=f"Value waterfall ({model} model): revenue + savings + ideas − cost = net value",
                      margin=_MARGIN, template="plotly_white", showlegend=False,
                      xaxis={"type": "category"}, yaxis={"title": "USD", "tickformat": "$,~s"})
    if not k.get("rows"):
        return _empty(fig, NO_ROI)
    ideas_label = "ideas value" if k["ideas_valued"] else "ideas value (not valued)"
    steps = [("attributed revenue", k["attributed_revenue"]),
             ("deflection savings", k["deflection_savings"]),
             (ideas_label, k["ideas_value"]),
             ("cost", -k["cost"])]
    net = k["total_value"] - k["cost"]
    fig.add_trace(go.Waterfall(
        x=[s[0] for s in steps] + ["net value"], y=[s[1] for s in steps] + [net],
        measure=["relative"] * len(steps) + ["total"],
        text=[money_format(v) for _, v in steps] + [money_format(net)], textposition="outside",
        increasing={"marker": {"color": _POSITIVE}}, decreasing={"marker": {"color": _NEGATIVE}},
        totals={"marker": {"color": "#0d6efd" if net >= 0 else "#842029"}},
        connector={"line": {"color": "#adb5bd", "dash": "dot"}}, cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.add_trace(go.Bar(
        x=[PIPELINE_LABEL], y=[k["attributed_pipeline"]], name=PIPELINE_LABEL,
        marker={"color": "#e9ecef", "line": {"color": _NEUTRAL, "width": 1},
                "pattern": {"shape": "/", "fgcolor": _NEUTRAL}},
        text=[money_format(k["attributed_pipeline"])], textposition="outside", cliponaxis=False,
        hovertemplate=("attributed pipeline %{text}: a forecast of deals created, reported but "
                       "not added to total value (a won deal would count twice)<extra></extra>")))
    # A dashed rule between the ledger and the pipeline bar (category positions 4 | 5).
    fig.add_vline(x=len(steps) + 0.5, line={"color": "#adb5bd", "dash": "dash"})
    return fig


# --- Listening & crisis --------------------------------------------------------------------

SENTIMENT_COLORS = {"negative_mentions": ("Negative", "#dc3545"), "neutral_mentions": ("Neutral", "#adb5bd"),
                    "positive_mentions": ("Positive", "#198754")}
EPISODE_LABELS = {"negative_spike": "Negative spike", "hashtag_hijack": "Hashtag hijack"}
NO_MENTIONS = "No mentions in this period"


def mention_volume(df: pd.DataFrame, episodes: pd.DataFrame, brand: str, grain: str = "day") -> go.Figure:
    """Mentions by sentiment (stacked) and net sentiment (right axis); crisis episodes shaded.

    Each bar spans its hour or day (not centred on its start), so an episode's shading lines up
    with the bars of the hours it covers."""
    fig = go.Figure()
    if df.empty:
        return _empty(fig, NO_MENTIONS)
    period = {"xperiod": 3_600_000 if grain == "hour" else 86_400_000, "xperiodalignment": "middle"}
    for column, (label, color) in SENTIMENT_COLORS.items():
        fig.add_bar(x=df["bucket"], y=df[column], name=label, marker_color=color,
                    hovertemplate=f"%{{y:,}} {label.lower()} mentions<extra></extra>", **period)
    fig.add_scatter(x=df["bucket"], y=df["net_sentiment"], name="Net sentiment", yaxis="y2",
                    mode="lines", line={"color": "#0d6efd", "width": 1.5},
                    hovertemplate="Net sentiment %{y:.2f}<extra></extra>", **period)
    for e in episodes.itertuples():
        fig.add_vrect(x0=e.start_at, x1=e.end_at, fillcolor="#dc3545", opacity=0.12, line_width=0,
                      annotation_text=EPISODE_LABELS.get(e.kind, e.kind), annotation_position="top left")
    fig.update_layout(barmode="stack", bargap=0, margin=_MARGIN, title=f"Mentions of {brand}",
                      yaxis={"title": "Mentions"},
                      yaxis2={"title": "Net sentiment", "overlaying": "y", "side": "right",
                              "range": [-1, 1], "dtick": 0.5, "showgrid": False, "zeroline": False},
                      legend={"orientation": "h", "y": -0.15})
    return fig


def share_of_voice_lines(df: pd.DataFrame, brand: str) -> go.Figure:
    """Each brand of the industry's share of its mentions; the selected brand drawn heavier."""
    fig = go.Figure()
    if df.empty:
        return _empty(fig, "No share of voice: the brand has no industry peers in seeds/brands.csv")
    for name, rows in df.groupby("brand", sort=True):
        fig.add_scatter(x=rows["bucket"], y=rows["share_of_voice"], name=name, mode="lines",
                        line={"width": 3 if name == brand else 1.5},
                        hovertemplate=f"{name}: %{{y:.2%}}<extra></extra>")
    fig.update_layout(margin=_MARGIN, title="Share of voice in the industry",
                      yaxis={"title": "Share of the industry's mentions", "tickformat": ".0%",
                             "range": [0, 1]},
                      legend={"orientation": "h", "y": -0.15})
    return fig


# --- Content -------------------------------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NO_CONTENT = "No owned posts with impressions for these filters"


def content_type_bars(df: pd.DataFrame) -> go.Figure:
    """Pooled engagement rate per content type, the number of posts behind each bar on it."""
    fig = go.Figure()
    if df.empty or df["engagement_rate"].isna().all():
        return _empty(fig, NO_CONTENT)
    from dashboards.labels import value

    # lists, not arrays: small data, and the page's figure stays readable (Plotly 6 base64-encodes arrays)
    types = df["content_type"].tolist()
    fig.add_bar(x=types, y=df["engagement_rate"].tolist(), marker_color="#0d6efd",
                text=[f"{p:,.0f} posts" for p in df["posts_with_impressions"]], textposition="outside",
                customdata=[value(t) for t in types],
                hovertemplate="%{customdata}: %{y:.2%} over %{text} with impressions<extra></extra>")
    # the bars keep the mart's values (a click, a test reads them); the axis shows them in words
    fig.update_layout(margin=_MARGIN, title="Engagement rate by content type",
                      xaxis={"title": "content type", "tickvals": types,
                             "ticktext": [value(t) for t in types]},
                      yaxis={"title": "engagement rate", "tickformat": ".1%"})
    return fig


def slot_heatmap(df: pd.DataFrame) -> go.Figure:
    """Pooled engagement rate per local weekday × hour; empty slots stay blank."""
    fig = go.Figure()
    if df.empty or df["engagement_rate"].isna().all():
        return _empty(fig, NO_CONTENT)
    grid = df.pivot(index="posting_weekday", columns="posting_hour", values="engagement_rate")
    grid = grid.reindex(index=range(1, 8), columns=range(24))
    posts = df.pivot(index="posting_weekday", columns="posting_hour", values="posts_with_impressions")
    posts = posts.reindex(index=range(1, 8), columns=range(24)).fillna(0).astype(int)
    fig.add_heatmap(z=grid.astype(object).where(grid.notna(), None).to_numpy().tolist(),
                    x=list(range(24)), y=list(WEEKDAYS), colorscale="Blues",
                    customdata=posts.to_numpy().tolist(), colorbar={"tickformat": ".1%"},
                    hovertemplate="%{y} %{x}:00: %{z:.2%} over %{customdata} posts<extra></extra>")
    fig.update_layout(margin=_MARGIN, title="Engagement rate by local posting slot",
                      xaxis={"title": "local hour", "dtick": 2}, yaxis={"autorange": "reversed"})
    return fig


STAGE_NAMES = ("dormant", "testing", "coordinating", "scaling_optimizing", "empowered")
NO_MATURITY = "No maturity assessment in this snapshot"


def dimension_heatmap(df: pd.DataFrame) -> go.Figure:
    """Share of each unit's applicable criteria passed, per dimension (blank: none applicable)."""
    fig = go.Figure()
    if df.empty:
        return _empty(fig, NO_MATURITY)
    from dashboards.labels import value

    grid = df.pivot(index="business_unit", columns="dimension", values="passed_share")
    label = df.assign(text=df["passed"].astype(int).astype(str) + " / "
                      + df["assessed"].astype(int).astype(str))
    text = label.pivot(index="business_unit", columns="dimension", values="text").reindex_like(grid)
    dimensions = list(grid.columns)
    fig.add_heatmap(z=grid.astype(object).where(grid.notna(), None).to_numpy().tolist(),
                    x=dimensions, y=list(grid.index), zmin=0, zmax=1, colorscale="RdYlGn",
                    text=text.fillna("n/a").to_numpy().tolist(), texttemplate="%{text}",
                    customdata=[[value(d) for d in dimensions]] * len(grid.index),
                    colorbar={"tickformat": ".0%", "title": "passed"},
                    hovertemplate="%{y}, %{customdata}: %{text} criteria passed<extra></extra>")
    # the cells keep the mart's dimensions; the axis shows them in words
    fig.update_layout(margin=_MARGIN, title="Criteria passed by dimension", yaxis={"autorange": "reversed"},
                      xaxis={"tickvals": dimensions, "ticktext": [value(d) for d in dimensions]})
    return fig


def stage_history(df: pd.DataFrame) -> go.Figure:
    """Each unit's stage per quarter, the stages as the y axis."""
    fig = go.Figure()
    if df.empty:
        return _empty(fig, NO_MATURITY)
    from dashboards.labels import value

    for unit, rows in df.groupby("business_unit", sort=True):
        fig.add_scatter(x=rows["quarter"].tolist(), y=rows["stage_rank"].tolist(), name=unit,
                        mode="lines+markers", customdata=[value(s) for s in rows["stage"]],
                        hovertemplate=f"{unit}, %{{x}}: %{{customdata}}<extra></extra>")
    fig.update_layout(margin=_MARGIN, title="Stage history",
                      xaxis={"type": "category", "categoryorder": "array",
                             "categoryarray": sorted(df["quarter"].unique().tolist())},
                      yaxis={"tickvals": list(range(5)), "ticktext": [value(s) for s in STAGE_NAMES],
                             "range": [-0.3, 4.3]})
    return fig


# --- Analyst corrections (the care and listening pages; groundswell.corrections) -------------
# The form an analyst corrects a selected row's labels with, and the words around it. The pages
# lay it out for analysts only; their callbacks check the role on the server, re-read the row from
# the snapshot and write the correction (dashboards/pages/care.py, listening.py).

CORRECTION_SAVED = "Saved: the correction applies at the next build"
CORRECTION_REFUSED = "Not saved: only an analyst login may correct labels."
CORRECTION_NOT_SHOWN = "Not saved: that record is not in the data you see."
CORRECTION_PICK = "Select a row above to correct its labels."
MENTION_ORDER_LABELS = {"negative": "Most negative first (by sentiment score)",
                        "recent": "Most recent first"}
_MENTION_ORDER_SHOWN = {"negative": "most negative", "recent": "most recent"}


def correction_form(prefix: str, what: str):
    """The correction form of a page: ``{prefix}-correction`` holding the record picked
    (``-record``), three dropdowns (``-sentiment``, ``-type``, ``-topic``), ``-save`` and
    ``-status``. Empty and disabled until a row of the page's grid (a ``what``) is selected."""

    def dropdown(part: str, label: str, options: list, tooltip: str) -> dbc.Col:
        return dbc.Col([dbc.Label(html.Span(label, title=tooltip), className="small mb-0"), dcc.Dropdown(
            id=f"{prefix}-correction-{part}", options=options, value=None, clearable=False,
            disabled=True, placeholder="–")], md=3)

    from dashboards.labels import value

    return dbc.Card(dbc.CardBody([
        html.H5(f"Correct the labels of a {what}", className="card-title", title=(
            "Analysts only. A correction replaces enrichment's labels of this record in every mart "
            "(labels by analyst) at the next build; the dashboards write it to the corrections "
            "log, never to the warehouse.")),
        html.Div(CORRECTION_PICK, id=f"{prefix}-correction-record", className="small mb-2"),
        dbc.Row([
            dropdown("sentiment", "Sentiment", [{"label": value(s), "value": s} for s in SENTIMENT_LABELS],
                     "Positive, neutral or negative"),
            dropdown("type", "Complaint type", [], "A positive or neutral text: the same as its "
                     "sentiment; a negative one: troll, rage, misinformation or unhappy customer"),
            dropdown("topic", "Complaint topic", [], "A topic of the brand's industry or of every "
                     "industry (dbt/seeds/complaint_topics.csv), or other"),
            dbc.Col(dbc.Button("Save correction", id=f"{prefix}-correction-save", color="primary",
                               disabled=True, n_clicks=0), md=3, className="align-self-end"),
        ], className="g-2 align-items-end"),
        html.Div("", id=f"{prefix}-correction-status", className="small mt-2", role="status"),
    ]), id=f"{prefix}-correction", className="mb-3")


def complaint_type_choices(sentiment: str | None, current: str | None) -> tuple[list[dict], str | None, bool]:
    """The complaint types a text of this sentiment may have: (options, value, disabled). A
    positive or neutral text's type is its sentiment (forced); a negative one's, one of the four
    (``current`` kept when it is one); no sentiment picked yet: none."""
    from dashboards.labels import value

    if sentiment == "negative":
        return ([{"label": value(t), "value": t} for t in NEGATIVE_TYPES],
                current if current in NEGATIVE_TYPES else None, False)
    if sentiment in ("positive", "neutral"):
        return [{"label": value(sentiment), "value": sentiment}], sentiment, True
    return [], None, True


def correction_problem(sentiment: object, complaint_type: object, topic: object,
                       topics: list[str]) -> str | None:
    """Why these labels cannot be saved (None: they can): what the corrections contract accepts
    (groundswell.sources.corrections), checked before anything is written."""
    if not isinstance(sentiment, str) or sentiment not in SENTIMENT_LABELS:
        return "Not saved: choose a sentiment (positive, neutral or negative)."
    if sentiment == "negative":
        if not isinstance(complaint_type, str) or complaint_type not in NEGATIVE_TYPES:
            return ("Not saved: choose the complaint type of a negative text (troll, rage, "
                    "misinformation or unhappy customer).")
    elif complaint_type != sentiment:
        return f"Not saved: a {sentiment} text has complaint type {sentiment}."
    if not isinstance(topic, str) or topic not in topics:
        return "Not saved: choose a complaint topic (a configured topic, or other)."
    return None


def correction_record(row: dict) -> str:
    """The record a correction is about, and its labels now, in words, e.g. "Northwind Air,
    2026-10-31 23:17 UTC (record x-41…): now Negative / Rage / Late flight, labels by rules"
    (its source, the raw table, is what the form saves, not what an analyst reads)."""
    from dashboards.labels import value

    at = "" if row.get("at") is None else f", {pd.Timestamp(row['at']):%Y-%m-%d %H:%M} UTC"
    labels = " / ".join(value(row.get(c))
                        for c in ("sentiment_label", "complaint_type", "complaint_topic"))
    by = f", labels by {row['label_source']}" if row.get("label_source") else ""
    text = f" “{row['text'][:200]}”" if row.get("text") else ""
    return (f"{row.get('brand') or '(no brand)'}{at} (record {row['record_id']}):{text} "
            f"now {labels}{by}.")


def correction_saved(sentiment: str, complaint_type: str, topic: str, user: str) -> str:
    from dashboards.labels import value

    return (f"{CORRECTION_SAVED} (sentiment {value(sentiment)}, complaint type "
            f"{value(complaint_type)}, complaint topic {value(topic)}; by {user}).")


def mentions_title(brand: str, total: int, shown: int, order: str) -> str:
    """What the mentions grid shows, and that it stops at its row limit."""
    text = f"{total:,} mention{'s' if total != 1 else ''} of {brand} in the period"
    if shown < total:
        text += (f": showing the {shown:,} {_MENTION_ORDER_SHOWN.get(order, order)} (the grid's "
                 "row limit; narrow the period to see the rest)")
    return text + "."


#: What a page calls the records analysts review.
REVIEWED_NOUNS = {"mentions": "mentions", "care": "messages"}
COMPLAINT_TYPE_NAMES = {"troll": "troll", "rage": "rage", "misinformation": "misinformation",
                        "unhappy_customer": "unhappy customer"}


def agreement_note(agreement, domain: str) -> list:
    """Beside net sentiment: how far the labels can be trusted, from analysts' reviews
    (queries.label_agreement), or that no analyst has reviewed any yet."""
    noun = REVIEWED_NOUNS[domain]
    who = "The model learned from analysts' corrections" if agreement.learned else "VADER"
    sentiment = agreement.labels.get("sentiment_label")
    if sentiment is None:
        by = "a model learned from analysts' corrections" if agreement.learned else "VADER"
        lines = [f"Sentiment labels not yet reviewed by analysts (set by {by})."]
    else:
        reviewed, share = sentiment
        lines = [f"{who} agrees with analysts on {share:.0%} of {reviewed:,} reviewed {noun}."]
    types = [f"{COMPLAINT_TYPE_NAMES[t]} {share:.0%} of {n:,}"
             for t, (n, share) in agreement.complaint_types.items() if t in COMPLAINT_TYPE_NAMES]
    if types:
        lines.append("Complaint types, rules agree with analysts on: " + " · ".join(types) + ".")
    return [html.Div(line) for line in lines]
