"""The roi page's figures and their words."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared.figures import MARGIN, PLATFORM_LABELS, empty_figure, fmt_count

#: Channels of marts.fct_social_roi, in words (`all`: costs shared across channels).
#: The channel of program costs no channel carries (dbt/seeds: a cost row's channel ``all``).
SHARED_COSTS = "all"
ROI_CHANNEL_LABELS = {**PLATFORM_LABELS, "community": "Community", SHARED_COSTS: "All (shared costs)"}
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


ROI_WHISKERS = "Whiskers: the range of ROI across the attribution models"


def roi_bars(df: pd.DataFrame, dimension: str, model: str, *, model_labels: dict | None = None,
             value_labels: dict | None = None, roi_format=fmt_roi, money_format=fmt_money) -> go.Figure:
    """ROI of ``model`` per department or channel (queries.roi_by), each bar with the range of
    that slice's ROI across the attribution models as an error bar. A slice without cost has no ROI:
    no bar, "–" at zero. ``model_labels`` and ``value_labels``: the words of the models and of the
    departments or channels (the seeds'); ``roi_format``, ``money_format``: the metrics' formats."""
    model_label = _roi_words(model, model_labels)
    fig = go.Figure()
    # the whiskers' note as a subtitle: one line of title fits the chart's width at 1280 px
    fig.update_layout(title={"text": f"ROI by {dimension} ({model_label} model)",
                             "subtitle": {"text": ROI_WHISKERS}},
                      margin={**MARGIN, "t": 75}, template="plotly_white", showlegend=False,
                      xaxis={"type": "category"},
                      yaxis={"title": "ROI = (total value − program cost) / program cost",
                             "tickformat": ".0%", "zeroline": True, "zerolinecolor": "#adb5bd"})
    if df.empty:
        return empty_figure(fig, NO_ROI)
    if dimension == "channel":
        # Shared costs (the program's, no channel's) earn nothing by themselves: a line of their
        # own, not a channel at -100 %. They stay in every total.
        shared, df = df[df[dimension] == SHARED_COSTS], df[df[dimension] != SHARED_COSTS]
        if len(shared):
            fig.update_layout(title={"subtitle": {"text": (
                f"{ROI_WHISKERS}<br>Shared costs, no channel's: {money_format(shared['cost'].iloc[0])} "
                "of program cost, counted in the totals above")}}, margin={"t": 95})
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
                      margin=MARGIN, template="plotly_white", showlegend=False,
                      xaxis={"type": "category"}, yaxis={"title": "USD", "tickformat": "$,~s"})
    if not k.get("rows"):
        return empty_figure(fig, NO_ROI)
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
