"""What every page's figures share: platform names and colours, formats, empty figures, the
correction form."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from groundswell.land.sources.corrections import NEGATIVE_TYPES, SENTIMENT_LABELS
from groundswell.transform.semantic import Format

#: Brands' colours (Plotly's colour-blind-safe palette), handed out in the order of every brand of
#: the snapshot, not of a selection: a brand keeps its colour whatever else is shown.
BRAND_PALETTE = ("#88CCEE", "#CC6677", "#DDCC77", "#117733", "#332288", "#AA4499", "#44AA99",
                 "#999933", "#882255", "#661100", "#6699CC", "#888888")


def brand_colors(brands) -> dict[str, str]:
    """brand -> colour, by the brand's place among ``brands`` sorted by name (all the snapshot's)."""
    return {b: BRAND_PALETTE[i % len(BRAND_PALETTE)] for i, b in enumerate(sorted(set(brands)))}


PLATFORM_COLORS = {"x": "#0f1419", "facebook": "#1877f2", "instagram": "#c13584",
                   "linkedin": "#0b8f8f", "youtube": "#ff0000"}  # LinkedIn teal: not a second blue
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


def grid_rows(df: pd.DataFrame) -> list[dict]:
    """Rows for an AG Grid: timestamps as text, missing values as null."""
    out = df.copy()
    for col in out.select_dtypes(include=["datetime", "datetimetz"]).columns:
        out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M")
    return out.astype(object).where(out.notna(), None).to_dict("records")


def grid_column_defaults(**options) -> dict:
    """An AG Grid's defaultColDef: sortable, filterable, resizable columns whose header wraps onto
    as many lines as it needs (the header row grows with it) rather than end in "..." when the
    grid is narrow (1280 px); ``options`` add to or override these."""
    return {"sortable": True, "filter": True, "resizable": True,
            "wrapHeaderText": True, "autoHeaderHeight": True, **options}


def two_lines(text: str) -> str:
    """``text`` on two lines of about the same length (a Plotly <br> at the space that balances
    them): a category's tick label narrow enough to stand level under its column."""
    words = text.split()
    if len(words) < 2:
        return text
    cut = min(range(1, len(words)),
              key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "<br>" + " ".join(words[cut:])


MARGIN = {"l": 50, "r": 20, "t": 50, "b": 40}
#: A time x axis: its first and last tick labels, centred on the plot's corners, sit a few pixels
#: lower than by default, clear of the y axes' lowest tick labels ("Oct 18 2026" over "0").
TIME_XAXIS = {"ticklabelstandoff": 6}


PERCENT = Format("percent", 1)  # the care rates' format in the semantic layer
MINUTES = Format("minutes", 1)  # the care response times' format


def fmt_minutes(value: float | None) -> str:
    """Minutes as a short duration: 45 min, 2.5 h, 3.1 d (of 24 h): the semantic layer's format."""
    return Format("minutes")(None if value is None or pd.isna(value) else value)


def empty_figure(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, font={"size": 16},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


CORRECTION_SAVED = "Saved: the correction applies at the next build"
CORRECTION_REFUSED = "Not saved: only an analyst login may correct labels."
CORRECTION_NOT_SHOWN = "Not saved: that record is not in the data you see."
CORRECTION_PICK = "Select a row above to correct its labels."
MENTION_ORDER_LABELS = {"negative": "Most negative first (by sentiment score)",
                        "recent": "Most recent first"}
MENTION_ORDER_SHOWN = {"negative": "most negative", "recent": "most recent"}


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
    (groundswell.land.sources.corrections), checked before anything is written."""
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
