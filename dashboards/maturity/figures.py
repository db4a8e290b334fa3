"""The maturity page's figures and their words."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared.figures import MARGIN, empty_figure, two_lines

STAGE_NAMES = ("dormant", "testing", "coordinating", "scaling_optimizing", "empowered")
NO_MATURITY = "No maturity assessment in this snapshot"


def dimension_heatmap(df: pd.DataFrame) -> go.Figure:
    """Share of each unit's applicable criteria passed, per dimension (blank: none applicable)."""
    fig = go.Figure()
    if df.empty:
        return empty_figure(fig, NO_MATURITY)
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
    # level labels, two lines at most: slanted, they ran into each other
    fig.update_layout(margin=MARGIN, title="Criteria passed by dimension", yaxis={"autorange": "reversed"},
                      xaxis={"tickvals": dimensions, "ticktext": [two_lines(value(d)) for d in dimensions],
                             "tickangle": 0})
    return fig


def stage_history(df: pd.DataFrame) -> go.Figure:
    """Each unit's stage per quarter, the stages as the y axis."""
    fig = go.Figure()
    if df.empty:
        return empty_figure(fig, NO_MATURITY)
    from dashboards.labels import value

    for unit, rows in df.groupby("business_unit", sort=True):
        fig.add_scatter(x=rows["quarter"].tolist(), y=rows["stage_rank"].tolist(), name=unit,
                        mode="lines+markers", customdata=[value(s) for s in rows["stage"]],
                        hovertemplate=f"{unit}, %{{x}}: %{{customdata}}<extra></extra>")
    fig.update_layout(margin=MARGIN, title="Stage history",
                      xaxis={"type": "category", "categoryorder": "array",
                             "categoryarray": sorted(df["quarter"].unique().tolist())},
                      yaxis={"tickvals": list(range(5)), "ticktext": [value(s) for s in STAGE_NAMES],
                             "range": [-0.3, 4.3]})
    return fig
