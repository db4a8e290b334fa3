"""The care page's figures and their words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared.figures import MARGIN, MINUTES, PERCENT, TIME_XAXIS, empty_figure, fmt_minutes

if TYPE_CHECKING:
    from dashboards.care.queries import Drill

NO_CARE = "No care messages in this period"
CHANNEL_COLORS = {"x": "#0f1419", "facebook_comment": "#1877f2", "facebook_messenger": "#a033ff"}
CHANNEL_LABELS = {"x": "X", "facebook_comment": "Facebook comments",
                  "facebook_messenger": "Facebook Messenger"}
#: Open messages by SLA status (queries.backlog_by_type): label, colour.
BACKLOG_STATUSES = {"breached": ("over its SLA", "#dc3545"),
                    "in_time": ("still in time", "#ffc107"),
                    "no_sla": ("no SLA", "#adb5bd")}
#: complaint_type values that are not complaints (the playbook's evaluation: a positive or neutral
#: message; docs/metrics.md, "Sentiment, complaint type and topic").
NOT_COMPLAINTS = ("positive", "neutral")
#: The two response times of a responded message (queries.RESPONSE_MEASURES), in words.
RESPONSE_MEASURE_LABELS = {"business": "First response (business minutes)",
                           "calendar": "First response (calendar minutes)"}


def sla_trend(df: pd.DataFrame) -> go.Figure:
    """Weekly SLA attainment and response rate (lines), judged messages (bars, right axis).

    Each point carries ``customdata`` [message set, week_start] for the drill-down.
    """
    fig = go.Figure()
    fig.update_layout(title="SLA attainment and response rate by week received",
                      margin=MARGIN, template="plotly_white",
                      legend={"orientation": "h", "y": -0.15})
    if df.empty:
        return empty_figure(fig, NO_CARE)
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
        text=[PERCENT(v) if pd.notna(v) else "" for v in df["sla_attainment"]],
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
    fig.update_layout(title="Open backlog at the end of each day", margin=MARGIN, template="plotly_white",
                      legend={"orientation": "h", "y": -0.15})
    if df.empty:
        return empty_figure(fig, NO_CARE)
    days = [f"{pd.Timestamp(d):%Y-%m-%d}" for d in df["date_day"]]
    fig.add_trace(go.Scatter(
        x=days, y=df["backlog"].tolist(), name="backlog", mode="lines", line={"color": "#6c757d"},
        hovertemplate=("%{x}<br>%{y:,} messages unanswered and not expired at the day's end "
                       "(open backlog)<extra></extra>")))
    fig.add_trace(go.Scatter(
        x=days, y=df["backlog_over_sla"].tolist(), name="over its SLA", mode="lines",
        fill="tozeroy", line={"color": "#dc3545"},
        hovertemplate="%{x}<br>%{y:,} of them past their SLA<extra></extra>"))
    fig.update_layout(xaxis={**TIME_XAXIS, "title": "day (each brand's calendar time zone)"},
                      yaxis={"title": "messages", "rangemode": "tozero"})
    return fig


def response_time_box(df: pd.DataFrame, measure: str = "business") -> go.Figure:
    """One box per channel from precomputed percentiles: box p25–p75, line the median,
    whiskers p10 and p90 (queries.response_time_stats)."""
    column = RESPONSE_MEASURE_LABELS.get(measure, measure)
    fig = go.Figure()
    fig.update_layout(title={"text": f"{column}, by channel",
                             "subtitle": {"text": "Of responded messages"}},
                      margin={**MARGIN, "t": 75},
                      template="plotly_white", showlegend=False,
                      yaxis={"title": "minutes", "rangemode": "tozero"})
    if df.empty:
        return empty_figure(fig, "No responded messages in this period")
    for row in df.itertuples(index=False):
        stats = {name: getattr(row, f"{measure}_{name}") for name in
                 ("p10", "p25", "median", "p75", "p90")}
        label = CHANNEL_LABELS.get(row.channel, row.channel)
        fig.add_trace(go.Box(
            x=[label], name=label, q1=[stats["p25"]], median=[stats["median"]], q3=[stats["p75"]],
            lowerfence=[stats["p10"]], upperfence=[stats["p90"]],
            marker={"color": CHANNEL_COLORS.get(row.channel)},
            customdata=[["responded", row.channel]],
            hovertemplate=(f"{label}: {row.responded:,} responded<br>median {MINUTES(stats['median'])}"
                           f"<br>90th percentile {MINUTES(stats['p90'])}<extra>{column}</extra>")))
        fig.add_annotation(x=label, y=stats["p90"], yshift=12, showarrow=False,
                           text=f"median {MINUTES(stats['median'])} · p90 {MINUTES(stats['p90'])}")
    return fig


def backlog_bars(df: pd.DataFrame) -> go.Figure:
    """Open messages per complaint_type (in words), stacked by SLA status, the count on each
    segment.

    Each segment carries ``customdata`` [message set, complaint_type] for the drill-down.
    """
    from dashboards import labels

    fig = go.Figure()
    fig.update_layout(title="Open backlog by complaint type", margin=MARGIN,
                      template="plotly_white", barmode="stack",
                      legend={"orientation": "h", "y": -0.15},
                      yaxis={"title": "open messages"}, xaxis={"type": "category"})
    if df.empty:
        return empty_figure(fig, "No open messages in this period")

    def kind(t: str) -> str:
        # positive and neutral messages are not complaints: counted as what they are
        return f"{labels.value(t)} (no complaint)" if t in NOT_COMPLAINTS else labels.value(t)

    types = sorted(df["complaint_type"].unique(), key=lambda t: (t in NOT_COMPLAINTS, labels.value(t)))
    fig.update_layout(xaxis={"type": "category", "categoryorder": "array",
                             "categoryarray": [kind(t) for t in types]})
    for status, (label, color) in BACKLOG_STATUSES.items():
        part = df[df["sla_status"] == status]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            x=[kind(t) for t in part["complaint_type"]], y=part["messages"].tolist(), name=label,
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
