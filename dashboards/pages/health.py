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

from dashboards import access, figures, queries
from dashboards.data import snapshot
from groundswell.warehouse import SnapshotMissingError, utcnow

dash.register_page(__name__, path="/health", name="Data health", title="groundswell: data health",
                   order=99)

NO_HEALTH = ("No operations record in this snapshot: it was published before groundswell kept one "
             "(the ops schema). The next `groundswell build` or build DAG run publishes it.")
STATUS_STYLE = {"styleConditions": [
    {"condition": "params.value == 'error' || params.value == 'runtime error'",
     "style": {"backgroundColor": "#f8d7da"}},
    {"condition": "params.value == 'warn'", "style": {"backgroundColor": "#fff3cd"}},
    {"condition": "params.value == 'pass'", "style": {"backgroundColor": "#d1e7dd"}},
]}


def _columns(fields: list[str], **special) -> list[dict]:
    """Grid columns named as the ops tables name them (one name from warehouse to page)."""
    return [{"field": f, "headerName": f, "resizable": True, "sortable": True, **special.get(f, {})}
            for f in fields]


def _grid(grid_id: str, df, **special) -> dag.AgGrid:
    return dag.AgGrid(id=grid_id, columnDefs=_columns(list(df.columns), **special),
                      rowData=figures.grid_rows(df), dashGridOptions={"domLayout": "autoHeight"},
                      className="mb-4")


def _card(card_id: str, title: str, value: str, note: str, color: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(title, className="text-muted small"),
        html.H3(value, id=card_id, className=f"text-{color}"),
        html.Div(note, className="small"),
    ])), md=3)


def _coverage(coverage, batches) -> list:
    """The care threads whose parents are missing: a warning per incomplete brand and channel,
    the pairs, and the batches that brought the orphan replies."""
    if coverage.empty:
        return [html.P("Every brand reply in the data answers a message that is in it.",
                       id="health-coverage-complete", className="text-muted")]
    incomplete = coverage[coverage["threads_incomplete"]]
    return [
        *([dbc.Alert([html.Div(f"threads incomplete: {r.orphan_replies:,} of {r.brand_replies:,} "
                               f"brand replies of {r.brand} ({r.channel}) have no parent in the data")
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
    return html.Div([
        html.H2("Data health"),
        html.P(f"Snapshot published by run {summary['run_id']} at {summary['snapshot_at']:%Y-%m-%d %H:%M} "
               "UTC. Figures on every page come from it.", id="health-snapshot"),
        dbc.Row([
            _card("health-snapshot-age", "Snapshot age", f"{age_hours:,.1f} h",
                  "since the last publish", "success" if age_hours <= 36 else "danger"),
            _card("health-sources-late", "Sources late", f"{late}",
                  f"{warn} warn, {fresh} fresh (dbt source freshness)", "danger" if late else "success"),
            _card("health-tests-failed", "Tests failed", f"{summary['tests_failed']}",
                  f"of {summary['tests_run']} in run {summary['tests_run_id'] or 'none yet'}",
                  "danger" if summary["tests_failed"] else "success"),
            _card("health-gate", "Validation gate",
                  f"{summary['suites'] - summary['suites_failed']} / {summary['suites']}",
                  "suites passed for this snapshot", "danger" if summary["suites_failed"] else "success"),
        ], className="mb-4"),
        html.H4("Source freshness", title="ops.source_freshness: each source's latest check; "
                "'no data': nothing landed in it yet"),
        _grid("health-freshness", freshness, status={"cellStyle": STATUS_STYLE}),
        html.H4("Recent runs", title="ops.pipeline_runs: rows received, landed and quarantined; "
                "models built and tests run; gate suites"),
        _grid("health-runs", runs),
        html.H4("Quarantined records", title="ops.quarantine_summary: the payloads stay in the writer's "
                f"raw.quarantine ({summary['quarantined_7d']:,} in the last 7 days of landing)"),
        *([dbc.Alert([
            html.Div(f"Unknown brands: {unknown_brands['records'].sum():,} quarantined records name a "
                     "brand that is not configured. Add it to dbt/seeds/brands.csv (or correct the "
                     "files), then land them again."),
            html.Ul([html.Li(f"{r.source}: {r.records:,} × {r.reason.split(':')[0]}")
                     for r in unknown_brands.head(10).itertuples(index=False)], className="mb-0"),
        ], color="warning", id="health-unknown-brands")] if len(unknown_brands) else []),
        _grid("health-quarantine", quarantine),
        html.H4("Thread coverage", title="marts.agg_care_coverage: brand replies whose parent "
                "(the message they answer) is not in the data; threads_incomplete when most are"),
        *_coverage(coverage, coverage_batches),
        html.H4("Validation gate of this snapshot", title="ops.validation_results"),
        _grid("health-gate-suites", gate),
        html.H4("dbt failures and warnings", title="ops.dbt_results"),
        _grid("health-failures", failures),
        html.H4("Alerts sent", title="ops.alerts: crisis episodes and failed tasks"),
        *([html.P("Alerts quote crisis posts of every brand: users of every business unit see them.",
                  className="text-muted", id="health-alerts-restricted")] if access.current_scope() else []),
        _grid("health-alerts", alerts),
    ])
