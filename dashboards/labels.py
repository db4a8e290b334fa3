"""What executives read instead of identifiers: the labels of grid columns and of category values.

A metric's or a dimension's label comes from the semantic layer (its ``label``, its description
as the tooltip: ``header`` and ``column`` take the snapshot's layer). The other columns a grid
shows (a message's id, when it was received) are labelled here, once. Category values stored as
identifiers (``late_flight``, ``facebook_comment``) read as words: ``value`` in Python, and the
same words in the browser through ``label`` of dashboards/assets/dashAgGridFunctions.js, which
formats a grid cell without changing the value a click or an export carries.
"""

from __future__ import annotations

from groundswell.transform.semantic import SemanticLayer

#: Labels of columns that are not metrics or dimensions of the semantic layer, by page.
COLUMNS: dict[str, str] = {
    # --- overview, content, maturity, health ---
    "posted_at": "Posted (UTC)",
    "post_id": "Post ID",
    "is_survey_missing": "Survey missing",
    "evidence_note": "Evidence",
    "measured_value": "Measured",
    "operator": "Rule",
    "evidence_source": "Evidence from",
    "source_name": "Source",
    "table_name": "Table",
    "max_loaded_at": "Last loaded (UTC)",
    "age_hours": "Age",
    "warn_after_hours": "Warning after",
    "error_after_hours": "Error after",
    "checked_at": "Checked (UTC)",
    "dag_id": "DAG",
    "run_id": "Run",
    "started_at": "Started (UTC)",
    "finished_at": "Finished (UTC)",
    "rows_received": "Rows received",
    "rows_landed": "Rows landed",
    "rows_quarantined": "Rows set aside",
    "first_quarantined_at": "First set aside (UTC)",
    "last_quarantined_at": "Last set aside (UTC)",
    "orphan_replies": "Replies without parent",
    "orphan_reply_share": "Share without parent",
    "loaded_at": "Loaded (UTC)",
    "batch_id": "Batch",
    "validated_at": "Validated (UTC)",
    "recorded_at": "Recorded (UTC)",
    "unique_id": "dbt node",
    # --- care ---
    "received_at": "Received (UTC)",
    "message_id": "Message ID",
    "conversation_id": "Conversation ID",
    "is_responded": "Responded",
    "first_response_minutes": "First response (calendar minutes)",
    "first_response_business_minutes": "First response (business minutes)",
    "first_response_id": "First response ID",
    "first_response_by": "First response by",
    "first_response_at": "First response (UTC)",
    "sla_minutes": "SLA target",
    "sla_result": "SLA result",
    "open_business_minutes": "Open for (business minutes)",
    "recommended_response": "Recommended response",
    # --- listening, influencers ---
    "mentioned_at": "Mentioned (UTC)",
    "sentiment_label": "Sentiment",
    "sentiment_score": "Sentiment score",
    "label_source": "Labels by",
    "mention_id": "Mention id",
    "peak_at": "Peak hour",
    "end_at": "Episode end",
    "duration_hours": "Duration (hours)",
    "peak_negative_mentions": "Negative mentions at peak",
    "dominant_complaint_type": "Main complaint type",
    "top_post": "Top post",
    "episode_id": "Episode id",
    "list_rank": "Rank",
    "influence_rank": "Overall rank",
    "author_id": "Author (pseudonym)",
    "author_handle": "Handle",
    "public_handle": "Public handle",
    "program_role": "Program role",
    "influence_score": "Influence score",
    "reach": "Reach (followers)",
    "engagement_received": "Engagement received",
    "avg_sentiment": "Average sentiment",
    "active_weeks": "Active weeks",
    "last_mentioned_at": "Last mentioned (UTC)",
    # --- roi ---
    "roi_min": "Lowest ROI across models",
    "roi_max": "Highest ROI across models",
    "roi_min_model": "Model of the lowest ROI",
    "roi_max_model": "Model of the highest ROI",
}

#: Category values whose words are not the identifier's with spaces (dashAgGridFunctions.js
#: holds the same table; tests/unit/test_labels.py keeps the two equal).
VALUES: dict[str, str] = {
    "x": "X",
    "facebook": "Facebook",
    "facebook_comment": "Facebook comments",
    "facebook_messenger": "Messenger",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "scaling_optimizing": "Scaling and optimizing",
    # --- overview, content, maturity, health ---
    "governance_staffing": "Governance and staffing",
    "tracks_roi": "Tracks ROI",
    "roi_tracked": "ROI tracked",
    "meets_sla": "Meets SLA",
    "sla_attainment": "SLA attainment",
    # --- care ---
    "x__tweets": "X tweets",
    "customer_support__tweets": "Customer support tweets (archive)",
    "facebook__comments": "Facebook comments",
    "facebook__messages": "Facebook Messenger",
    # --- listening, influencers ---
    # --- roi ---
}


def value(v: object) -> str:
    """A category value in words: "late_flight" → "Late flight"; none → "–"."""
    if v is None or v == "":
        return "–"
    if not isinstance(v, str):
        return str(v)
    if v in VALUES:
        return VALUES[v]
    return (v[:1].upper() + v[1:]).replace("_", " ")


def header(field: str, layer: SemanticLayer | None = None) -> tuple[str, str | None]:
    """(label, tooltip) of a grid column: a metric's, a dimension's (by its column name), or
    COLUMNS'; else the field in words."""
    if layer is not None:
        if field in layer.metrics:
            m = layer.metric(field)
            return m.label, m.description
        for model in layer.models.values():
            for d in model.dimensions.values():
                if d.expr == field or d.name == field:
                    return d.label, d.description or None
    if field in COLUMNS:
        return COLUMNS[field], None
    return value(field), None


def column(field: str, layer: SemanticLayer | None = None, **extra) -> dict:
    """An AG Grid column definition with its label as header and its definition as tooltip."""
    label, tooltip = header(field, layer)
    out = {"field": field, "headerName": label, **extra}
    if tooltip:
        out.setdefault("headerTooltip", tooltip)
    return out


#: A grid cell of a category column, in words (dashAgGridFunctions.js).
CATEGORY = {"function": "label(params.value)"}

def write_js() -> None:
    """Rewrite dashboards/assets/dashAgGridFunctions.js from VALUES (``python -m dashboards.labels``)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent / "assets" / "dashAgGridFunctions.js"
    path.write_text(
        "// Grid cell formatters (dash-ag-grid looks functions up here by name).\n"
        "// `label`: a category value in words, as dashboards/labels.py `value` writes it; generated\n"
        "// by `python -m dashboards.labels` (do not edit the table here).\n"
        "var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});\n\n"
        f"const GROUNDSWELL_VALUES = {json.dumps(VALUES, indent=2)};\n\n"
        "dagfuncs.label = function (v) {\n"
        '  if (v === null || v === undefined || v === "") return "–";\n'
        "  if (typeof v !== \"string\") return String(v);\n"
        "  if (Object.prototype.hasOwnProperty.call(GROUNDSWELL_VALUES, v)) return GROUNDSWELL_VALUES[v];\n"
        '  return (v.charAt(0).toUpperCase() + v.slice(1)).replaceAll("_", " ");\n'
        "};\n")


if __name__ == "__main__":
    write_js()


def post_dimension(layer, field: str, **extra) -> dict:
    """A grid column of a dimension of the posts' semantic model: its label, its description."""
    out = {"field": field, "headerName": layer.label(f"post__{field}"), **extra}
    for model in layer.models.values():
        if model.entity == "post" and model.dimensions[field].description:
            out.setdefault("headerTooltip", model.dimensions[field].description)
    return out
