"""Pure figure and formatting functions: DataFrames in, Plotly figures and strings out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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


def fmt_change(current: float | None, previous: float | None, *, points: bool = False) -> str:
    """Change against the previous period: percent for counts, percentage points for rates."""
    if current is None or previous is None:
        return "no previous period"
    if points:
        return f"{(current - previous) * 100:+.2f} pp vs previous period"
    if previous == 0:
        return "new vs previous period" if current else "no change"
    return f"{(current - previous) / previous:+.1%} vs previous period"


def engagement_trend(df: pd.DataFrame, metric: str = "engagements") -> go.Figure:
    """One line per platform of ``metric`` over the period starts in ``df``."""
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
            hovertemplate="%{x|%d %b %Y}<br>%{y:,.4~g}<extra>%{fullData.name}</extra>",
        ))
    title = {"engagements": "Engagements", "engagement_rate": "Engagement rate",
             "impressions": "Impressions", "posts": "Posts"}.get(metric, metric)
    fig.update_layout(title=f"{title} by platform", margin={"l": 40, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.15}, template="plotly_white",
                      yaxis={"tickformat": ".1%" if metric == "engagement_rate" else ",~s"})
    return fig


def grid_rows(df: pd.DataFrame) -> list[dict]:
    """Rows for an AG Grid: timestamps as text, missing values as null."""
    out = df.copy()
    for col in out.select_dtypes(include=["datetime", "datetimetz"]).columns:
        out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M")
    return out.astype(object).where(out.notna(), None).to_dict("records")
