"""The overview page's figures and their words."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared.figures import PLATFORM_COLORS, PLATFORM_LABELS


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
        if part[metric].isna().all():
            continue  # a platform without this figure (YouTube reports no impressions): no empty legend entry
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
