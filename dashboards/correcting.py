"""The correction form's callbacks, for any page with a grid of correctable records.

A page lays the form out (``shared_figures.correction_form``) under its grid and calls ``register`` once
at import: the callbacks fill the form from the picked row as the snapshot has it, and save an
analyst's correction as a file of the corrections log (``groundswell.land.corrections``), the
dashboards' one write. Every check is made here, on the server, whatever the browser sent: the
login's role, the record in the login's own scoped snapshot, labels the contract accepts.
"""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboards import access, inputs, labels
from dashboards.data import snapshot
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.config import get_settings
from groundswell.land.corrections import Correction, record
from groundswell.land.sources.corrections import SENTIMENT_LABELS


def register(prefix: str, grid: str, key: str) -> None:
    """The callbacks of the form ``{prefix}-correction`` for the rows of ``grid``, each naming its
    record by ``source`` and ``key`` (its id column)."""
    form = f"{prefix}-correction"

    def picked(rows: object) -> dict | None:
        row = inputs.selected_row(rows, ("source", key))
        return row if row and row["source"] and row[key] else None

    @callback(
        Output(f"{form}-record", "children"), Output(f"{form}-sentiment", "value"),
        Output(f"{form}-sentiment", "disabled"), Output(f"{form}-type", "options"),
        Output(f"{form}-type", "value"), Output(f"{form}-type", "disabled"),
        Output(f"{form}-topic", "options"), Output(f"{form}-topic", "value"),
        Output(f"{form}-topic", "disabled"), Output(f"{form}-save", "disabled"),
        Input(grid, "selectedRows"), Input(f"{form}-sentiment", "value"),
        State(f"{form}-type", "value"),
        prevent_initial_call=True,
    )
    def load_correction(rows, sentiment, complaint_type):
        """A picked row fills the form with its labels as the snapshot has them; a sentiment
        picked narrows the complaint types to those it allows (and forces a non-negative one's)."""
        if not access.may_correct():
            raise PreventUpdate  # the form is not laid out for this login: nothing to fill
        if ctx.triggered_id == f"{form}-sentiment":
            types = shared_figures.complaint_type_choices(inputs.one_of(sentiment, SENTIMENT_LABELS, None),
                                                   complaint_type)
            return (no_update, no_update, no_update, *types, no_update, no_update, no_update, no_update)
        chosen = picked(rows)
        row = None
        if chosen:
            with snapshot() as con:
                row = shared_queries.correctable(con, chosen["source"], chosen[key])
                topics = shared_queries.correction_topics(con, row["brand"]) if row else []
        if row is None:
            return (shared_figures.CORRECTION_PICK, None, True, [], None, True, [], None, True, True)
        topic = row["complaint_topic"]
        topics = topics if topic is None or topic in topics else [*topics, topic]
        return (shared_figures.correction_record(row), row["sentiment_label"], False,
                *shared_figures.complaint_type_choices(row["sentiment_label"], row["complaint_type"]),
                [{"label": labels.value(t), "value": t} for t in topics], topic, False, False)

    @callback(
        Output(f"{form}-status", "children"),
        Input(f"{form}-save", "n_clicks"), Input(grid, "selectedRows"),
        State(f"{form}-sentiment", "value"), State(f"{form}-type", "value"),
        State(f"{form}-topic", "value"),
        prevent_initial_call=True,
    )
    def save_correction(_clicks, rows, sentiment, complaint_type, topic):
        """Write the correction of the picked row: an analyst's only, of a record the login's own
        scoped snapshot shows (read again here), with labels the contract accepts."""
        if ctx.triggered_id != f"{form}-save":
            return ""  # another row picked: the last status no longer applies
        if not access.may_correct():
            return shared_figures.CORRECTION_REFUSED
        chosen = picked(rows)
        if not chosen:
            return shared_figures.CORRECTION_PICK
        with snapshot() as con:
            row = shared_queries.correctable(con, chosen["source"], chosen[key])
            topics = shared_queries.correction_topics(con, None)  # any configured topic: what landing accepts
        if row is None:
            return shared_figures.CORRECTION_NOT_SHOWN
        problem = shared_figures.correction_problem(sentiment, complaint_type, topic, topics)
        if problem:
            return problem
        user = access.current_user()
        record(Correction(row["source"], row["record_id"], sentiment, complaint_type, topic, user),
               get_settings())
        return shared_figures.correction_saved(sentiment, complaint_type, topic, user)
