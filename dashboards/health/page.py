"""Data health: can these numbers be trusted right now? How fresh the snapshot and each source
are, what the last runs landed, set aside and tested, what the gate checked, which alerts went out.

Everything comes from the snapshot's ``ops`` schema (``groundswell.ops``; docs/operations.md,
"Where to look when something fails"), except thread coverage: ``marts.agg_care_coverage`` and
``marts.agg_care_coverage_batches`` (care replies whose parent is not in the data).
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboards import access, labels
from dashboards.data import snapshot
from dashboards.health import queries
from dashboards.shared import figures as shared_figures
from groundswell.runs import utcnow
from groundswell.transform.semantic import Format
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/health", name="Data health", title="groundswell: data health",
                   order=7)

NO_HEALTH = ["No operations record in this snapshot: it was published before groundswell kept one "
             "(the ", html.Code("ops"), " schema). The next ", html.Code("groundswell build"),
             " or build DAG run publishes it."]
STATUS_STYLE = {"styleConditions": [
    {"condition": "params.value == 'error' || params.value == 'runtime error' || params.value == 'fail'",
     "style": {"backgroundColor": "#f8d7da"}},
    {"condition": "params.value == 'warn'", "style": {"backgroundColor": "#fff3cd"}},
    {"condition": "params.value == 'pass'", "style": {"backgroundColor": "#d1e7dd"}},
]}
SUCCESS_STYLE = {"styleConditions": [
    {"condition": "params.value === false", "style": {"backgroundColor": "#f8d7da"}},
    {"condition": "params.value === true", "style": {"backgroundColor": "#d1e7dd"}},
]}


def _formatter(js: str) -> dict:
    return {"function": f"params.value == null ? '–' : {js}"}


def _words(words: dict[str, str]) -> dict:
    """A cell of a status column in words (the value, which the cell's colour reads, unchanged)."""
    return _formatter(f"({words})[params.value] || params.value")


_COUNT = {"type": "numericColumn", "valueFormatter": _formatter("d3.format(',')(params.value)")}
#: Hours as Format("hours", 1) writes them: 5.3 h, 2.1 d (of 24 h) from 48 h on.
_HOURS = {"type": "numericColumn", "valueFormatter": _formatter(
    "params.value < 48 ? d3.format(',.1f')(params.value) + ' h' "
    ": d3.format(',.1f')(params.value / 24) + ' d'")}
_SHARE = {"type": "numericColumn", "valueFormatter": _formatter("d3.format('.1%')(params.value)")}
#: cellDataType False: AG Grid would draw a boolean as a checkbox, without the words.
_YES_NO = {"cellDataType": False, "valueFormatter": _formatter("(params.value ? 'yes' : 'no')")}
#: A name an engineer looks up or a message quoted verbatim (a table, a source, a run, a dbt
#: node, a contract's reason): shown as it is, as code (markdown: a code span).
_CODE = {"cellRenderer": "markdown", "valueGetter": {
    "function": "params.data[params.colDef.field] == null ? '–' : "
                "'`` ' + params.data[params.colDef.field] + ' ``'"}}
#: How each column of the ops tables shows (fields the grids share a meaning across tables).
FIELDS: dict[str, dict] = {
    **dict.fromkeys(("source_name", "table_name", "dag_id", "run_id", "source", "batch_id", "suite",
                     "unique_id", "reason", "message", "subject"), _CODE),
    **dict.fromkeys(("rows_received", "rows_landed", "rows_quarantined", "models_built",
                     "models_failed", "tests_run", "tests_failed", "suites_run", "suites_failed",
                     "records", "brand_replies", "orphan_replies", "rows_checked",
                     "failed_expectations", "failures"), _COUNT),
    **dict.fromkeys(("age_hours", "event_age_hours", "warn_after_hours", "error_after_hours"), _HOURS),
    **dict.fromkeys(("gate_passed", "threads_incomplete"), _YES_NO),
    **dict.fromkeys(("resource_type", "kind", "channel"), {"valueFormatter": labels.CATEGORY}),
    "orphan_reply_share": _SHARE,
    "success": {"cellDataType": False, "valueFormatter": _formatter("(params.value ? 'passed' : 'failed')"),
                "cellStyle": SUCCESS_STYLE},
}
#: Widths of the columns holding long names and messages (the rest: AG Grid's default).
WIDTHS = {"reason": {"flex": 1, "minWidth": 480}, "message": {"flex": 1, "minWidth": 480},
          "subject": {"flex": 1, "minWidth": 420}, "suite": {"width": 300},
          "unique_id": {"width": 360}, "batch_id": {"width": 260}, "run_id": {"width": 260}}
#: Headers whose meaning is this page's (the rest: labels.COLUMNS, or the field in words).
HEADERS = {"created_at": "Sent (UTC)", "kind": "Alert", "subject": "Subject", "success": "Result",
           "records": "Records", "status": "Status", "source": "Source", "channel": "Channel",
           "age_hours": "Load age", "max_event_at": "Newest event (UTC)", "event_age_hours": "Event age",
           "late_by": "Late by"}
#: Statuses in words: a source's freshness, a dbt node's result.
FRESHNESS_STATUS = {"cellStyle": STATUS_STYLE, "valueFormatter": _words(
    {"pass": "fresh", "warn": "late (warning)", "error": "late (error)",
     "runtime error": "check failed", "no data": "never landed"})}
#: Which judgement made a source late, in words (groundswell.gate.freshness).
LATE_BY = {"valueFormatter": _words({"load time": "load time", "event time": "event time (stale data)",
                                     "load and event time": "load and event time (stale data)"})}
DBT_STATUS = {"cellStyle": STATUS_STYLE, "valueFormatter": _words(
    {"fail": "failed", "error": "error", "warn": "warning", "pass": "passed", "success": "succeeded"})}


def _columns(fields: list[str], **special) -> list[dict]:
    """Grid columns of the ops tables: headers in words, counts with separators, hours as hours
    or days, names an engineer looks up as code."""
    return [labels.column(f, resizable=True, sortable=True, **FIELDS.get(f, {}), **WIDTHS.get(f, {}),
                          **special.get(f, {}), **({"headerName": HEADERS[f]} if f in HEADERS else {}))
            for f in fields]


def _grid(grid_id: str, df, **special) -> dag.AgGrid:
    return dag.AgGrid(id=grid_id, columnDefs=_columns(list(df.columns), **special),
                      rowData=shared_figures.grid_rows(df), dashGridOptions={"domLayout": "autoHeight"},
                      defaultColDef=shared_figures.grid_column_defaults(filter=False),
                      className="mb-4")


def _card(card_id: str, title: str, value: str, note: str, color: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(title, className="text-muted small"),
        html.H3(value, id=card_id, className=f"text-{color}"),
        html.Div(note, className="small"),
    ]), className="h-100"), md=True)


def _coverage(coverage, batches) -> list:
    """The care threads whose parents are missing: a warning per incomplete brand and channel,
    the pairs, and the batches that brought the orphan replies."""
    if coverage.empty:
        return [html.P("Every brand reply in the data answers a message that is in it.",
                       id="health-coverage-complete", className="text-muted")]
    incomplete = coverage[coverage["threads_incomplete"]]
    return [
        *([dbc.Alert([html.Div(f"Threads incomplete: {r.orphan_replies:,} of {r.brand_replies:,} "
                               f"brand replies of {r.brand} ({labels.value(r.channel)}) have no parent "
                               "in the data")
                      for r in incomplete.itertuples(index=False)],
                     color="warning", id="health-coverage-warning")] if len(incomplete) else []),
        _grid("health-coverage", coverage),
        html.H6("Batches that brought replies without their parent",
                title="marts.agg_care_coverage_batches, latest first"),
        _grid("health-coverage-batches", batches),
    ]


def layout(**_query) -> html.Div:
    try:
        with snapshot() as con:
            if not queries.health_available(con):
                return dbc.Alert(NO_HEALTH, color="info", id="health-empty")
            summary = queries.health_summary(con)
            freshness = queries.health_freshness(con)
            runs = queries.health_runs(con)
            quarantine = queries.health_quarantine(con)
            unknown_brands = queries.health_unknown_brands(con)
            gate = queries.health_gate(con)
            failures = queries.health_failures(con)
            alerts = queries.health_alerts(con)
            coverage = queries.health_coverage(con)
            coverage_batches = queries.health_coverage_batches(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="health-missing")

    age_hours = (utcnow() - summary["snapshot_at"]).total_seconds() / 3600
    late = summary["freshness"].get("error", 0) + summary["freshness"].get("runtime error", 0)
    warn = summary["freshness"].get("warn", 0)
    fresh = summary["freshness"].get("pass", 0)
    never = summary["freshness"].get("no data", 0)
    return html.Div([
        html.H2("Data health"),
        html.P(["Snapshot published by run ", html.Code(summary["run_id"]),
                f" at {summary['snapshot_at']:%Y-%m-%d %H:%M} UTC. Figures on every page come from it."],
               id="health-snapshot"),
        dbc.Row([
            _card("health-snapshot-age", "Snapshot age", Format("hours", 1)(age_hours),
                  "since the last publish", "success" if age_hours <= 36 else "danger"),
            _card("health-sources-late", "Sources late", f"{late:,}",
                  f"{summary['stale_by_event']:,} of them by event time (stale data); {warn:,} late "
                  f"with a warning, {fresh:,} fresh (by load and event time)",
                  "danger" if late else "warning" if warn else "success"),
            # Not late (nothing is missing that ever came), yet no figure of theirs exists: in sight,
            # not green. A deployment without Fivetran keeps its connector tables here.
            _card("health-sources-never-landed", "Sources never landed", f"{never:,}",
                  "nothing has landed in them yet: listed last under Source freshness",
                  "warning" if never else "success"),
            _card("health-tests-failed", "Tests failed", f"{summary['tests_failed']:,}",
                  [f"of {summary['tests_run']:,} in run ",
                   html.Code(summary["tests_run_id"]) if summary["tests_run_id"] else "none yet"],
                  "danger" if summary["tests_failed"] else "success"),
            _card("health-gate", "Validation gate",
                  f"{summary['suites'] - summary['suites_failed']:,} / {summary['suites']:,}",
                  "suites passed for this snapshot", "danger" if summary["suites_failed"] else "success"),
        ], className="mb-4"),
        html.H4("Source freshness", title="ops.source_freshness: each source's latest check, by load time "
                "(its last landing) and by event time (the newest event it holds); late past error_after "
                "by either; 'never landed': nothing landed in it yet"),
        _grid("health-freshness", freshness, status=FRESHNESS_STATUS, late_by=LATE_BY),
        html.H4("Recent runs", title="ops.pipeline_runs: rows received, landed and quarantined; "
                "models built and tests run; gate suites"),
        _grid("health-runs", runs),
        html.H4("Quarantined records", title="ops.quarantine_summary: the payloads stay in the writer's "
                f"raw.quarantine ({summary['quarantined_7d']:,} in the last 7 days of landing)"),
        *([dbc.Alert([
            html.Div(f"Unknown brands: {unknown_brands['records'].sum():,} quarantined records name a "
                     "brand that is not configured. Add it to dbt/seeds/brands.csv (or correct the "
                     "files), then land them again."),
            html.Ul([html.Li([html.Code(r.source), f": {r.records:,} × ", html.Code(r.reason.split(":")[0])])
                     for r in unknown_brands.head(10).itertuples(index=False)], className="mb-0"),
        ], color="warning", id="health-unknown-brands")] if len(unknown_brands) else []),
        _grid("health-quarantine", quarantine),
        html.H4("Thread coverage", title="marts.agg_care_coverage: brand replies whose parent "
                "(the message they answer) is not in the data; threads_incomplete when most are"),
        *_coverage(coverage, coverage_batches),
        html.H4("Validation gate of this snapshot", title="ops.validation_results"),
        _grid("health-gate-suites", gate),
        html.H4("dbt failures and warnings", title="ops.dbt_results"),
        _grid("health-failures", failures, status=DBT_STATUS),
        html.H4("Alerts sent", title="ops.alerts: crisis episodes and failed tasks"),
        *([html.P("Alerts quote crisis posts of every brand: users of every business unit see them.",
                  className="text-muted", id="health-alerts-restricted")] if access.current_scope() else []),
        _grid("health-alerts", alerts),
    ])
