"""The content page's figures and their words."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared.figures import MARGIN, empty_figure

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NO_CONTENT = "No owned posts with impressions for these filters"


def content_type_bars(df: pd.DataFrame) -> go.Figure:
    """Pooled engagement rate per content type, the number of posts behind each bar on it."""
    fig = go.Figure()
    if df.empty or df["engagement_rate"].isna().all():
        return empty_figure(fig, NO_CONTENT)
    from dashboards.labels import value

    # lists, not arrays: small data, and the page's figure stays readable (Plotly 6 base64-encodes arrays)
    types = df["content_type"].tolist()
    fig.add_bar(x=types, y=df["engagement_rate"].tolist(), marker_color="#0d6efd",
                text=[f"{p:,.0f} posts" for p in df["posts_with_impressions"]], textposition="outside",
                customdata=[value(t) for t in types],
                hovertemplate="%{customdata}: %{y:.2%} over %{text} with impressions<extra></extra>")
    # the bars keep the mart's values (a click, a test reads them); the axis shows them in words
    fig.update_layout(margin=MARGIN, title="Engagement rate by content type",
                      xaxis={"title": "content type", "tickvals": types,
                             "ticktext": [value(t) for t in types]},
                      yaxis={"title": "engagement rate", "tickformat": ".1%"})
    return fig


def slot_heatmap(df: pd.DataFrame) -> go.Figure:
    """Pooled engagement rate per local weekday × hour; empty slots stay blank."""
    fig = go.Figure()
    if df.empty or df["engagement_rate"].isna().all():
        return empty_figure(fig, NO_CONTENT)
    grid = df.pivot(index="posting_weekday", columns="posting_hour", values="engagement_rate")
    grid = grid.reindex(index=range(1, 8), columns=range(24))
    posts = df.pivot(index="posting_weekday", columns="posting_hour", values="posts_with_impressions")
    posts = posts.reindex(index=range(1, 8), columns=range(24)).fillna(0).astype(int)
    fig.add_heatmap(z=grid.astype(object).where(grid.notna(), None).to_numpy().tolist(),
                    x=list(range(24)), y=list(WEEKDAYS), colorscale="Blues",
                    customdata=posts.to_numpy().tolist(), colorbar={"tickformat": ".1%"},
                    hovertemplate="%{y} %{x}:00: %{z:.2%} over %{customdata} posts<extra></extra>")
    fig.update_layout(margin=MARGIN, title="Engagement rate by local posting slot",
                      xaxis={"title": "local hour", "dtick": 2}, yaxis={"autorange": "reversed"})
    return fig
