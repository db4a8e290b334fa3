"""The weekly executive digest: last week against the week before, by e-mail with a PDF.

Every figure is a metric of the semantic layer the published snapshot carries
(``meta.semantic_layer``; groundswell.transform.semantic renders its SQL, as the pages do), with the
metric's label and format. Sections:

- **Headlines**: each page's headline metrics for the week and the week before, and the change
  (``Format.change``, as the KPI cards say it);
- **Biggest movers**: the headlines that moved most, relative to where they were;
- **SLA breaches**: messages received in the week still unanswered past their SLA, per brand and
  channel;
- **Crisis episodes** of the company's brands live in the week: started in it or still running
  (marts.fct_crisis_episodes; the headline counts the same episodes);
- **ROI by department**, for the newest month with program rows and the month before (the ROI
  marts are monthly), under the default attribution model (dbt/seeds/attribution_models.csv);
- **Maturity changes**: business units whose stage moved in the newest quarter.

The week is the seven UTC days ending on ``week_end``: by default the newest day with posts,
care messages or mentions in the snapshot, so a digest of a snapshot whose data stops earlier
is still about a full week of data. Each recipient's digest reads the snapshot through the
dashboards' access rules (``dashboards.access``): the rows of their business units only.

Rendering: HTML (the mail's body, its charts as inline PNG parts), the same HTML as a PDF
(WeasyPrint; it reads only ``data:`` and ``file:`` URLs, never the network) and plain text
(what ``ops.alerts`` keeps). Charts are Plotly figures drawn to PNG by kaleido through Debian's
chromium. Sending goes through the ``groundswell_alerts`` connection (SMTP), one mail per
recipient and week (``digest:<week_end>:<address>`` in ``ops.alerts``: a rerun sends nobody twice).
"""

from __future__ import annotations

import base64
import html
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from groundswell.config import ConfigError, Settings, get_settings
from groundswell.transform.semantic import Query, SemanticLayer, Where
from groundswell.warehouse import has_table

log = logging.getLogger(__name__)

#: Each page's headline metrics, in the order the pages show them: (page, metric, semantic model
#: entity for the own-brand filter, or None where the rows are the company's own already).
HEADLINES: tuple[tuple[str, str, str | None], ...] = (
    ("Overview", "posts", None),
    ("Overview", "impressions", None),
    ("Overview", "engagements", None),
    ("Overview", "engagement_rate", None),
    ("Customer care", "messages", None),
    ("Customer care", "response_rate", None),
    ("Customer care", "sla_attainment", None),
    ("Customer care", "breached_backlog", None),
    ("Customer care", "median_first_response_business_minutes", None),
    ("Customer care", "median_first_response_minutes", None),
    ("Listening & crisis", "mentions", "mention_hour"),
    ("Listening & crisis", "negative_share", "mention_hour"),
    ("Listening & crisis", "net_sentiment", "mention_hour"),
    ("Listening & crisis", "crisis_episodes", "crisis_episode_day"),
)
#: How many movers the digest names.
MOVERS = 5
#: How many brand x channel rows of SLA breaches.
BREACH_ROWS = 10
ROI_METRICS = ("program_cost", "total_value", "social_roi")
AGAINST = "the week before"


@dataclass(frozen=True)
class Headline:
    page: str
    metric: str
    label: str
    now: object
    before: object
    shown: str
    change: str
    #: |relative change| for the movers; None when there is nothing to compare
    move: float | None


@dataclass
class Digest:
    week_start: date
    week_end: date
    units: frozenset[str] | None
    headlines: list[Headline]
    movers: list[Headline]
    #: rows of (brand, channel, breached backlog, shown)
    breaches: list[tuple[str, str, float, str]]
    #: rows of (brand, kind, start, duration hours, peak negative mentions)
    episodes: list[tuple]
    roi_month: date | None
    roi_previous: date | None
    #: rows of (department, {metric: (now, before, shown now, change)})
    roi: list[tuple[str, dict]]
    #: rows of (business unit, previous stage, stage, change)
    maturity: list[tuple[str, str | None, str, str | None]]
    maturity_quarter: str | None
    charts: dict[str, bytes] = field(default_factory=dict)  # name -> PNG

    @property
    def subject(self) -> str:
        return f"groundswell weekly digest: {self.week_start:%d %b} – {self.week_end:%d %b %Y}"


# --- the numbers ------------------------------------------------------------------------------


def _row(con, layer: SemanticLayer, metrics: Iterable[str], where: Iterable[Where]) -> dict:
    sql, params = layer.sql(Query.of(tuple(metrics), where=tuple(where)))
    values = con.execute(sql, params).fetchone()
    return dict(zip(metrics, values, strict=True))


def _frame(con, layer: SemanticLayer, metrics: Iterable[str], group_by: Iterable[str],
           where: Iterable[Where]) -> list[dict]:
    sql, params = layer.sql(Query.of(tuple(metrics), tuple(group_by), tuple(where)))
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def default_week_end(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest UTC day with posts, care messages or mentions in the snapshot (None: none)."""
    days = []
    for table, column in (("marts.fct_post_performance", "posted_date"),
                          ("marts.fct_care_messages", "received_at"),
                          ("marts.agg_mentions_hourly", "hour_at")):
        if has_table(con, table):
            days.append(con.execute(f"select max({column})::date from {table}").fetchone()[0])
    days = [d for d in days if d is not None]
    return max(days) if days else None


def compute(con: duckdb.DuckDBPyConnection, layer: SemanticLayer, week_end: date,
            units: frozenset[str] | None = None) -> Digest:
    """The digest's numbers for the week ending ``week_end`` on the connection ``con`` (already
    restricted to ``units`` by the access rules; ``units`` only names them)."""
    start = week_end - timedelta(days=6)
    before = (start - timedelta(days=7), start - timedelta(days=1))
    own = [b for (b,) in con.execute("select brand from seeds.brands where not is_competitor "
                                     "order by brand").fetchall()]
    tables = {m.name: layer.models[m.semantic_model].relation for m in layer.metrics.values()}

    def where(entity: str | None, first: date, last: date) -> list[Where]:
        w = [Where("metric_time__day", "between", (first, last))]
        if entity:
            w.append(Where(f"{entity}__brand", "in", own))
        return w

    headlines = []
    for page, name, entity in HEADLINES:
        if not has_table(con, tables[name]):
            continue
        metric = layer.metric(name)
        now = _row(con, layer, [name], where(entity, start, week_end))[name]
        was = _row(con, layer, [name], where(entity, *before))[name]
        # how far it moved relative to where it was (a share from 2 % to 3 % moved by half)
        move = (abs(float(now) - float(was)) / abs(float(was))
                if now is not None and was is not None and float(was) != 0 else None)
        headlines.append(Headline(page, name, metric.label, now, was, metric.format(now),
                                  metric.format.change(now, was, AGAINST), move))
    movers = sorted((h for h in headlines if h.move), key=lambda h: (-h.move, h.label))[:MOVERS]

    breaches = []
    if has_table(con, "marts.fct_care_messages"):
        fmt = layer.metric("breached_backlog").format
        rows = _frame(con, layer, ["breached_backlog"], ["care_message__brand", "care_message__channel"],
                      where(None, start, week_end))
        rows = sorted((r for r in rows if r["breached_backlog"]),
                      key=lambda r: (-r["breached_backlog"], r["care_message__brand"],
                                     r["care_message__channel"]))
        breaches = [(r["care_message__brand"], r["care_message__channel"], r["breached_backlog"],
                     fmt(r["breached_backlog"])) for r in rows[:BREACH_ROWS]]

    episodes = []
    if has_table(con, "marts.fct_crisis_episodes") and own:
        episodes = con.execute(
            "select brand, kind, start_at, duration_hours, peak_negative_mentions "
            "from marts.fct_crisis_episodes where start_at < ? + interval 1 day and end_at > ? "
            "and list_contains(?, brand) order by start_at, brand", [week_end, start, own]).fetchall()

    roi_month = roi_previous = None
    roi: list[tuple[str, dict]] = []
    if has_table(con, "marts.fct_social_roi"):
        (roi_month,) = con.execute("select max(month) from marts.fct_social_roi "
                                   "where month <= ?", [week_end]).fetchone()
    if roi_month is not None:
        roi_previous = (roi_month.replace(day=1) - timedelta(days=1)).replace(day=1)
        (model,) = con.execute("select attribution_model from seeds.attribution_models "
                               "where is_default").fetchone()
        by = "roi_slice__department"

        def per_department(month: date) -> dict:
            rows = _frame(con, layer, ROI_METRICS, [by], [
                Where("metric_time__month", "=", month), Where("roi_slice__attribution_model", "=", model)])
            return {r[by]: r for r in rows}

        now, was = per_department(roi_month), per_department(roi_previous)
        for department in sorted(now):
            cells = {}
            for name in ROI_METRICS:
                metric = layer.metric(name)
                a, b = now[department][name], (was.get(department) or {}).get(name)
                cells[name] = (a, b, metric.format(a), metric.format.change(a, b, "the month before"))
            roi.append((department, cells))

    maturity, quarter = [], None
    if has_table(con, "marts.fct_maturity_stage"):
        (quarter,) = con.execute("select max(quarter) from marts.fct_maturity_stage "
                                 "where quarter_start <= ?", [week_end]).fetchone()
        if quarter is not None:
            maturity = con.execute(
                "select business_unit, previous_stage, stage, change from marts.fct_maturity_stage "
                "where quarter = ? and change in ('up', 'down') order by business_unit",
                [quarter]).fetchall()
    return Digest(start, week_end, units, headlines, movers, breaches, episodes, roi_month,
                  roi_previous, roi, maturity, quarter)


# --- charts -------------------------------------------------------------------------------------


def charts(con: duckdb.DuckDBPyConnection, layer: SemanticLayer, digest: Digest) -> dict[str, bytes]:
    """Two or three PNGs: care's daily messages and SLA attainment, listening's daily mentions by
    sentiment (both over the two weeks), and ROI by department (the newest month)."""
    import plotly.graph_objects as go

    first = digest.week_start - timedelta(days=7)
    figures: dict[str, go.Figure] = {}
    if has_table(con, "marts.fct_care_messages"):
        rows = _frame(con, layer, ["messages", "sla_attainment"], ["metric_time__day"],
                      [Where("metric_time__day", "between", (first, digest.week_end))])
        rows.sort(key=lambda r: r["metric_time__day"])
        fig = go.Figure()
        fig.add_bar(x=[r["metric_time__day"] for r in rows], y=[r["messages"] for r in rows],
                    name=layer.metric("messages").label, marker_color="#4c78a8")
        fig.add_scatter(x=[r["metric_time__day"] for r in rows],
                        y=[None if r["sla_attainment"] is None else float(r["sla_attainment"]) for r in rows],
                        name=layer.metric("sla_attainment").label, yaxis="y2", mode="lines+markers",
                        line={"color": "#f58518"})
        fig.update_layout(title="Customer care: messages and SLA attainment per day",
                          yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1]})
        figures["care"] = fig
    if has_table(con, "marts.agg_mentions_hourly"):
        own = [b for (b,) in con.execute("select brand from seeds.brands where not is_competitor").fetchall()]
        sentiments = ("negative_mentions", "neutral_mentions", "positive_mentions")
        rows = _frame(con, layer, sentiments, ["metric_time__day"], [
            Where("metric_time__day", "between", (first, digest.week_end)),
            Where("mention_hour__brand", "in", own)])
        rows.sort(key=lambda r: r["metric_time__day"])
        fig = go.Figure()
        for name, color in zip(sentiments, ("#e45756", "#bab0ac", "#54a24b"), strict=True):
            fig.add_bar(x=[r["metric_time__day"] for r in rows], y=[r[name] for r in rows],
                        name=layer.metric(name).label, marker_color=color)
        fig.update_layout(barmode="stack", title="Listening: mentions of our brands per day")
        figures["listening"] = fig
    if digest.roi:
        fig = go.Figure(go.Bar(
            x=[d for d, _ in digest.roi],
            y=[None if c["social_roi"][0] is None else float(c["social_roi"][0]) for _d, c in digest.roi],
            marker_color="#72b7b2", text=[c["social_roi"][2] for _d, c in digest.roi],
            textposition="outside"))
        fig.update_layout(title=f"Social ROI by department, {digest.roi_month:%B %Y}", yaxis_tickformat=".0%")
        figures["roi"] = fig
    for fig in figures.values():
        fig.update_layout(template="plotly_white", width=720, height=320,
                          margin={"l": 50, "r": 50, "t": 50, "b": 40},
                          legend={"orientation": "h", "y": -0.2}, font={"size": 12})
    return _to_png(figures)


def _quiet() -> None:
    """kaleido, its browser driver and WeasyPrint log each step at INFO: a digest is one line."""
    for name in ("choreographer", "kaleido", "logistro", "weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _to_png(figures: dict) -> dict[str, bytes]:
    """Plotly figures as PNG through Debian's chromium (kaleido; one browser for all of them)."""
    if not figures:
        return {}
    import warnings

    import kaleido
    import plotly.io as pio

    _quiet()
    browser = os.environ.get("GROUNDSWELL_CHROMIUM", "/usr/bin/chromium")
    if not Path(browser).exists():
        raise ConfigError(f"the digest's charts need chromium at {browser}: install Debian's chromium "
                          "(`make chromium`) or set GROUNDSWELL_CHROMIUM to its path")
    # mathjax=False: kaleido would fetch MathJax from a CDN otherwise
    kaleido.start_sync_server(path=browser, mathjax=False, headless=True, silence_warnings=True)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            return {name: pio.to_image(fig, format="png", scale=2) for name, fig in figures.items()}
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


# --- rendering ----------------------------------------------------------------------------------

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; font-size: 13px; }
h1 { font-size: 20px; margin-bottom: 2px; } h2 { font-size: 15px; margin: 18px 0 6px; }
.muted { color: #666; } table { border-collapse: collapse; margin-bottom: 8px; }
td, th { padding: 3px 10px 3px 0; text-align: left; border-bottom: 1px solid #eee; }
td.n, th.n { text-align: right; } img { width: 100%; max-width: 720px; }
table, img { page-break-inside: avoid; } h2 { page-break-after: avoid; }
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    cells = "".join(f'<th class="{"n" if i >= numeric_from else ""}">{_esc(h)}</th>'
                    for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(f'<td class="{"n" if i >= numeric_from else ""}">{_esc(c)}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _words(value: str | None) -> str:
    from dashboards.labels import value as words

    return "–" if value is None else words(value)


def render_html(digest: Digest, image: callable) -> str:
    """The digest as HTML; ``image(name)`` is the ``src`` of chart ``name`` (a ``cid:`` in the
    mail, a ``data:`` URL in the PDF)."""
    scope = "every business unit" if digest.units is None else ", ".join(sorted(digest.units))
    parts = [f"<h1>Weekly digest: {digest.week_start:%d %b} – {digest.week_end:%d %b %Y}</h1>",
             f'<p class="muted">Against the week before ({digest.week_start - timedelta(days=7):%d %b} – '
             f"{digest.week_start - timedelta(days=1):%d %b}). Rows of {_esc(scope)}. Every figure is "
             "a metric of the semantic layer (docs/metrics.md), as the dashboards show it.</p>"]
    if digest.movers:
        parts.append("<h2>Biggest movers</h2>")
        parts.append(_table(["Metric", "Last week", "Change"],
                            [[h.label, h.shown, h.change] for h in digest.movers]))
    pages: dict[str, list[Headline]] = {}
    for h in digest.headlines:
        pages.setdefault(h.page, []).append(h)
    for page, rows in pages.items():
        parts.append(f"<h2>{_esc(page)}</h2>")
        parts.append(_table(["Metric", "Last week", "Change"], [[h.label, h.shown, h.change] for h in rows]))
        if page == "Customer care":
            if "care" in digest.charts:
                parts.append(f'<img alt="Customer care per day" src="{image("care")}">')
            parts.append("<h2>SLA breaches</h2>")
            parts.append(_table(["Brand", "Channel", "Unanswered past SLA"],
                                [[b, _words(c), s] for b, c, _v, s in digest.breaches], numeric_from=2)
                         if digest.breaches
                         else "<p>No message received last week is unanswered past its SLA.</p>")
        if page == "Listening & crisis":
            if "listening" in digest.charts:
                parts.append(f'<img alt="Mentions per day" src="{image("listening")}">')
            parts.append("<h2>Crisis episodes</h2>")
            parts.append(_table(["Brand", "Kind", "Started (UTC)", "Hours", "Peak negative mentions"],
                                [[b, _words(k), f"{s:%a %d %b %H:%M}", f"{d:,.0f}", f"{p:,}"]
                                 for b, k, s, d, p in digest.episodes], numeric_from=3)
                         if digest.episodes else "<p>No crisis episode of our brands started last week.</p>")
    if digest.roi:
        parts.append(f"<h2>Social ROI by department, {digest.roi_month:%B %Y} against "
                     f"{digest.roi_previous:%B %Y}</h2>")
        parts.append(_table(["Department", "Program cost", "Total value", "Social ROI", "ROI change"],
                            [[_words(d), c["program_cost"][2], c["total_value"][2], c["social_roi"][2],
                              c["social_roi"][3]] for d, c in digest.roi]))
        if "roi" in digest.charts:
            parts.append(f'<img alt="Social ROI by department" src="{image("roi")}">')
    if digest.maturity_quarter:
        parts.append(f"<h2>Maturity changes, {_esc(digest.maturity_quarter)}</h2>")
        parts.append(_table(["Business unit", "From", "To"],
                            [[u, _words(p), _words(s)] for u, p, s, _c in digest.maturity], numeric_from=9)
                     if digest.maturity else "<p>No business unit changed stage this quarter.</p>")
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{_esc(digest.subject)}</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>")


def render_text(digest: Digest) -> str:
    """The digest in plain text (kept in ops.alerts, and the mail's text part)."""
    lines = [digest.subject, ""]
    for h in digest.headlines:
        lines.append(f"{h.page} · {h.label}: {h.shown} ({h.change})")
    lines += ["", "SLA breaches:"] + [f"- {b}, {_words(c)}: {s}" for b, c, _v, s in digest.breaches]
    lines += ["", "Crisis episodes:"] + [f"- {b}: {_words(k)}, {s:%Y-%m-%d %H:%M} UTC"
                                         for b, k, s, *_ in digest.episodes]
    if digest.roi:
        lines += ["", f"Social ROI by department ({digest.roi_month:%B %Y}):"]
        lines += [f"- {_words(d)}: {c['social_roi'][2]} ({c['social_roi'][3]})" for d, c in digest.roi]
    lines += ["", f"Maturity changes ({digest.maturity_quarter}):"]
    lines += [f"- {u}: {_words(p)} -> {_words(s)}" for u, p, s, _c in digest.maturity]
    return "\n".join(lines)


def render_pdf(digest: Digest) -> bytes:
    """The HTML as a PDF, its charts as data: URLs (WeasyPrint reads nothing from the network)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _quiet()
    page = render_html(digest, lambda name: "data:image/png;base64,"
                       + base64.b64encode(digest.charts[name]).decode())
    fetcher = URLFetcher(allowed_protocols={"data", "file"}, fail_on_errors=True)
    return HTML(string=page, url_fetcher=fetcher).write_pdf()


# --- recipients, sending, recording -------------------------------------------------------------


class NoRecipientsError(ConfigError):
    """No dashboard user has an email and the alerts connection names nobody."""


@dataclass(frozen=True)
class Recipient:
    address: str
    #: None: every business unit
    units: frozenset[str] | None


def recipients(settings: Settings, to: Iterable[str] = ()) -> list[Recipient]:
    """Who gets the digest, each with the business units whose rows they see.

    ``to`` given: those addresses, each with the units of the dashboard user whose ``email`` it is
    (GROUNDSWELL_DASHBOARD_USERS); without that setting (a single-user deployment), every unit.
    ``to`` empty: every dashboard user with an ``email``; with none, the ``to`` of the
    ``groundswell_alerts`` connection with every unit (the people who get every unit's alerts).
    """
    from groundswell.serve.auth import load_users

    users = load_users(settings)
    by_address = {u.email.lower(): u for u in users.values() if u.email} if users else {}
    if to:
        out = []
        for address in to:
            if users and address.lower() not in by_address:
                raise ConfigError(f"{address} is no dashboard user's email: the digest shows each "
                                  "recipient only their business units' rows, so add \"email\" to "
                                  "that user in GROUNDSWELL_DASHBOARD_USERS (docs/operations.md)")
            user = by_address.get(address.lower())
            out.append(Recipient(address, user.business_units if user else None))
        return out
    if by_address:
        return [Recipient(u.email, u.business_units)
                for u in sorted(by_address.values(), key=lambda u: u.email)]
    from groundswell.serve.alerts import CONN_ID, _connection

    conn = _connection(CONN_ID)
    addresses = (conn.extra_dejson.get("to") if conn is not None else None) or []
    if isinstance(addresses, str):
        addresses = [a.strip() for a in addresses.replace(";", ",").split(",") if a.strip()]
    return [Recipient(a, None) for a in addresses]


@contextmanager
def reader(settings: Settings, units: frozenset[str] | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published snapshot as a reader of ``units`` sees it (None: every unit): the pages'
    access rules (dashboards.access), the one place that decides which rows a user reads."""
    from dashboards import access

    con = access.connect(settings.published_path, units)
    try:
        yield con
    finally:
        con.close()


def build(settings: Settings, units: frozenset[str] | None, week_end: date | None = None,
          with_charts: bool = True) -> Digest:
    """The digest of the published snapshot as a reader of ``units`` sees it."""
    from groundswell.warehouse import SnapshotMissingError

    if not settings.published_path.exists():
        raise SnapshotMissingError("no published snapshot yet: run `groundswell build` first")
    with reader(settings, units) as con:
        layer = SemanticLayer.from_manifest(
            con.execute("select definitions from meta.semantic_layer").fetchone()[0])
        week_end = week_end or default_week_end(con)
        if week_end is None:
            raise ConfigError("the published snapshot holds no posts, care messages or mentions: "
                              "nothing to digest yet")
        digest = compute(con, layer, week_end, units)
        if with_charts:
            digest.charts = charts(con, layer, digest)
    return digest


def send(digest: Digest, address: str, pdf: bytes) -> None:
    """One mail through the groundswell_alerts connection (SMTP): the HTML with its charts as
    inline parts (``cid:``), the PDF attached."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    from groundswell.serve.alerts import CONN_ID, AlertDeliveryError, _connection

    conn = _connection(CONN_ID)
    if conn is None or conn.conn_type not in ("smtp", "email"):
        raise AlertDeliveryError(f"the digest is sent by e-mail: define the Airflow connection {CONN_ID} "
                                 "as smtp (docs/operations.md, \"Alerts\")")
    with tempfile.TemporaryDirectory(prefix="groundswell-digest-") as tmp:
        files = []
        for name, png in digest.charts.items():
            path = Path(tmp) / f"{name}.png"
            path.write_bytes(png)
            files.append(str(path))
        path = Path(tmp) / f"groundswell-digest-{digest.week_end:%Y-%m-%d}.pdf"
        path.write_bytes(pdf)
        files.append(str(path))
        page = render_html(digest, lambda name: f"cid:{name}.png")  # the provider's Content-ID: the file name
        with SmtpHook(smtp_conn_id=CONN_ID) as hook:
            hook.send_email_smtp(to=address, subject=digest.subject, html_content=page,
                                 from_email=conn.extra_dejson.get("from"), files=files,
                                 mime_subtype="related")


def run(settings: Settings | None = None, to: Iterable[str] = (), pdf_path: Path | None = None,
        week_end: date | None = None, force: bool = False) -> dict:
    """Build, send and record the digest for each recipient; ``pdf_path``: also write the PDF
    there (with no recipient, only that: ``groundswell digest --pdf FILE``)."""
    from groundswell.serve.alerts import Alert, _record
    from groundswell.warehouse import writer

    settings = settings or get_settings()
    to = list(to)
    people = recipients(settings, to) if to or pdf_path is None else []
    sent, skipped = [], []
    if pdf_path is not None and not people:
        digest = build(settings, None, week_end)
        pdf_path.write_bytes(render_pdf(digest))
        return {"week_end": digest.week_end.isoformat(), "sent": [], "skipped": [], "pdf": str(pdf_path)}
    if not people:
        raise NoRecipientsError("nobody to send the digest to: pass --to ADDRESS, give dashboard users an "
                                "\"email\", or set \"to\" in the groundswell_alerts connection's extra")
    week = None
    for person in people:
        digest = build(settings, person.units, week_end)
        week = digest.week_end
        key = f"digest:{digest.week_end.isoformat()}:{person.address.lower()}"
        with writer(settings) as con:
            done = con.execute("select count(*) from ops.alerts where alert_key = ?", [key]).fetchone()[0]
        if done and not force:
            skipped.append(person.address)
            continue
        pdf = render_pdf(digest)
        if pdf_path is not None:
            pdf_path.write_bytes(pdf)
        send(digest, person.address, pdf)
        if force:
            with writer(settings) as con:
                con.execute("delete from ops.alerts where alert_key = ?", [key])
        _record(settings, Alert(key, "digest", digest.subject, render_text(digest), False), "email")
        sent.append(person.address)
    log.info("digest of the week ending %s: sent to %d, already sent to %d", week, len(sent), len(skipped))
    return {"week_end": week.isoformat() if week else None, "sent": sent, "skipped": skipped,
            "pdf": str(pdf_path) if pdf_path else None, "at": datetime.now(UTC).isoformat(timespec="seconds")}
