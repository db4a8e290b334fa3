"""Feedback actions: what the company did about what it heard.

Seed 001: listening and then ignoring is worse than not listening.  Whoever
takes up a complaint, an idea or a rumour heard on social (service fixes a
process, product fixes a defect, marketing corrects a claim) logs it in the
tool the team already uses (a ticketing system such as Jira or ServiceNow, or
a shared sheet); its CSV export is dropped here.  The export is the log's
current state, one row per action: export again to update statuses (an
action's latest change wins, by ``updated_at``, then by landing).

``feedback_ref`` names what the action answers, by the ids the warehouse
already uses: ``mention:<mention_id>`` for a mention (``marts.fct_mentions``),
``<source>:<message_id>`` for a customer-care message
(``marts.fct_care_messages``, e.g. ``x__tweets:1057203488839843840``).
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

ACTION_STATUSES = ("open", "in_progress", "done", "declined")
#: What ``feedback_ref`` may point into: listening mentions, and the care messages of each source.
FEEDBACK_KINDS = ("mention", "x__tweets", "facebook__comments", "facebook__messages",
                  "customer_support__tweets")
FEEDBACK_REF_PATTERN = rf"({'|'.join(FEEDBACK_KINDS)}):.+"

ACTIONS = Source(
    key="feedback-actions",
    family="feedback",
    entity="actions",
    description="Actions taken on feedback heard on social: what, by which department, status and dates.",
    shape="action log export of a ticketing tool or sheet (CSV, header row), one action per row",
    file_pattern="*.csv",
    format="csv",
    natural_key=("action_id",),
    freshness_hours=24 * 8,  # exported weekly at least
    fields=(
        Field("action_id", "VARCHAR", required=True, doc="the ticket or row id in the log"),
        Field("feedback_ref", "VARCHAR", required=True,
              pattern=FEEDBACK_REF_PATTERN,
              doc="`mention:<mention_id>`, or `<care source>:<message_id>` (x__tweets, "
                  "facebook__comments, facebook__messages, customer_support__tweets)"),
        Field("action_taken", "VARCHAR", required=True, doc="what was done, in a sentence"),
        Field("owner_department", "VARCHAR", required=True,
              doc="the department that owns the action, e.g. service, product, marketing (lower-cased)"),
        Field("owner", "VARCHAR", doc="the person who owns it"),
        Field("status", "VARCHAR", required=True, choices=ACTION_STATUSES,
              doc="open, in_progress, done, or declined (decided not to act; the loop is closed)"),
        Field("logged_at", "TIMESTAMP", required=True,
              doc="when the action was taken up"),
        Field("closed_at", "TIMESTAMP", doc="when it was done or declined"),
        Field("updated_at", "TIMESTAMP",
              doc="when the row last changed; of two exports of an action, the later change wins"),
    ),
    extra_doc=(
        "The export is the log's current state, one row per action; a later export of an action "
        "replaces it (the later `updated_at` wins, then the later landing). An action whose "
        "`feedback_ref` matches no mention or care message is kept "
        "(`is_feedback_found` false in `marts.fct_feedback_actions`): the feedback may not have "
        "landed yet."
    ),
)
