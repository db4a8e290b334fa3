"""The listening page's figures and their words."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared.figures import MARGIN, MENTION_ORDER_SHOWN, TIME_XAXIS, brand_colors, empty_figure

SENTIMENT_COLORS = {"negative_mentions": ("Negative", "#dc3545"), "neutral_mentions": ("Neutral", "#adb5bd"),
                    "positive_mentions": ("Positive", "#198754")}
EPISODE_LABELS = {"negative_spike": "Negative spike", "hashtag_hijack": "Hashtag hijack"}
NO_MENTIONS = "No mentions in this period"


def mention_volume(df: pd.DataFrame, episodes: pd.DataFrame, brand: str, grain: str = "day",
                   window_from=None) -> go.Figure:
    """Mentions by sentiment (stacked) and net sentiment (right axis); crisis episodes shaded.

    Each bar spans its hour or day (not centred on its start), so an episode's shading lines up
    with the bars of the hours it covers. ``window_from``: the first day shown when the period
    was cut to its last days (the hourly grain): the title says so, and only the episodes
    overlapping the window are shaded."""
    fig = go.Figure()
    if df.empty:
        return empty_figure(fig, NO_MENTIONS)
    if window_from is not None:
        after = pd.Timestamp(window_from)
        episodes = episodes[pd.to_datetime(episodes["end_at"]) > after] if len(episodes) else episodes
    period = {"xperiod": 3_600_000 if grain == "hour" else 86_400_000, "xperiodalignment": "middle"}
    for column, (label, color) in SENTIMENT_COLORS.items():
        fig.add_bar(x=df["bucket"], y=df[column], name=label, marker_color=color,
                    hovertemplate=f"%{{y:,}} {label.lower()} mentions<extra></extra>", **period)
    # no net sentiment in any bucket (no mention labelled): the line stays, its legend entry goes
    fig.add_scatter(x=df["bucket"], y=df["net_sentiment"], name="Net sentiment", yaxis="y2",
                    showlegend=bool(df["net_sentiment"].notna().any()),
                    mode="lines", line={"color": "#0d6efd", "width": 1.5},
                    hovertemplate="Net sentiment %{y:.2f}<extra></extra>", **period)
    for e in episodes.itertuples():
        fig.add_vrect(x0=e.start_at, x1=e.end_at, fillcolor="#dc3545", opacity=0.12, line_width=0,
                      annotation_text=EPISODE_LABELS.get(e.kind, e.kind), annotation_position="top left")
    title = f"Mentions of {brand}"
    if window_from is not None:
        title += (f" by hour from {after:%d %b}: the period's last days (the cards count it whole; "
                  "pick a shorter period to see other hours)")
    fig.update_layout(barmode="stack", bargap=0, margin=MARGIN, title=title,
                      xaxis=TIME_XAXIS, yaxis={"title": "Mentions"},
                      yaxis2={"title": "Net sentiment", "overlaying": "y", "side": "right",
                              "range": [-1, 1], "dtick": 0.5, "showgrid": False, "zeroline": False},
                      legend={"orientation": "h", "y": -0.15})
    return fig


def share_of_voice_lines(df: pd.DataFrame, brand: str, colors: dict[str, str] | None = None) -> go.Figure:
    """Each brand of the industry's share of its mentions; the selected brand drawn heavier;
    ``colors``: each brand's own (shared_figures.brand_colors), whatever brand is selected."""
    fig = go.Figure()
    if df.empty:
        return empty_figure(fig, "No share of voice: the brand has no industry peers in seeds/brands.csv")
    colors = colors or brand_colors(df["brand"])
    for name, rows in df.groupby("brand", sort=True):
        fig.add_scatter(x=rows["bucket"], y=rows["share_of_voice"], name=name, mode="lines",
                        line={"width": 3 if name == brand else 1.5, "color": colors.get(name)},
                        hovertemplate=f"{name}: %{{y:.2%}}<extra></extra>")
    fig.update_layout(margin=MARGIN, title="Share of voice in the industry", xaxis=TIME_XAXIS,
                      yaxis={"title": "Share of the industry's mentions", "tickformat": ".0%",
                             "range": [0, 1]},
                      legend={"orientation": "h", "y": -0.15})
    return fig


def mentions_title(brand: str, total: int, shown: int, order: str) -> str:
    """What the mentions grid shows, and that it stops at its row limit."""
    text = f"{total:,} mention{'s' if total != 1 else ''} of {brand} in the period"
    if shown < total:
        text += (f": showing the {shown:,} {MENTION_ORDER_SHOWN.get(order, order)} (the grid's "
                 "row limit; narrow the period to see the rest)")
    return text + "."
