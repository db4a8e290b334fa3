"""Alerts: crisis episodes sent once each, through one Airflow notifier.

:class:`GroundswellNotifier` delivers a subject and a text through the Airflow
connection ``groundswell_alerts``, by its type:

- ``http`` (or ``https``): a JSON POST to the connection's URL (its host, a full
  ``https://…`` URL, or schema + host + port + path): ``{"text": …, "subject": …,
  "body": …}``, which a Slack incoming webhook and most chat webhooks accept as is;
- ``smtp`` / ``email``: an e-mail through that SMTP server (the provider's
  ``SmtpNotifier``), to the addresses in the connection's extra ``to``, from ``from``;
- none: the alert goes to the task log, as a warning, and nowhere else.

Whatever the channel, every alert is recorded in ``ops.alerts`` of the warehouse
(``alert_key`` unique: ``crisis:<episode_id>``, ``task_failure:<dag>:<run>:<task>``,
``source_late:…``), which is
what makes it one alert per episode: :func:`send_crisis_alerts` alerts the episodes of the
company's own brands (not competitors) that have no row there yet. An episode
that ended more than ``RECENT_HOURS`` (48; env ``GROUNDSWELL_ALERT_RECENT_HOURS``)
before the latest mention is recorded as ``stale`` and not sent: the first run
over a year of history must not page anyone about last spring. A delivery that
fails raises, after the alerts already delivered are recorded, so the task's
retry sends only the rest.

:func:`task_failure_alert` is every task's ``on_failure_callback``
(``groundswell.run.orchestration.DEFAULT_ARGS``): a task that failed for good (its retries
spent) is alerted through the same notifier, with its error and its log's address.

:func:`send_late_source_alerts` runs after each build's ``dbt source freshness`` (the build's
freshness step, groundswell.gate.freshness): the sources past their ``warn_after`` or ``error_after``
by load time, or past ``error_after`` by their newest event's time (stale data), go out in one
message, each source once per status per UTC day (``source_late:<status>:<source>.<table>:<day>``),
so a source that stays late is told again the next day, not at every build. Unlike a crisis alert,
neither a failed task's nor a late source's alert raises when its delivery fails: it is recorded as
``undelivered`` and logged (the task has failed already, or the build should go on).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from airflow.sdk import BaseNotifier

from groundswell.config import Settings, get_settings
from groundswell.gate.freshness import LateSource

log = logging.getLogger(__name__)

CONN_ID = "groundswell_alerts"
# Episodes that ended longer ago than this before the latest mention are recorded, not sent.
RECENT_HOURS_ENV = "GROUNDSWELL_ALERT_RECENT_HOURS"
RECENT_HOURS = 48


class AlertDeliveryError(RuntimeError):
    pass


def _connection(conn_id: str):
    """The Airflow connection, or None when it is not defined (Connection.get: in and out of tasks)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def _webhook_url(conn) -> str:
    host = (conn.host or "").strip()
    if host.startswith(("http://", "https://")):
        return host
    scheme = "https" if conn.conn_type == "https" else (conn.schema or "https")
    port = f":{conn.port}" if conn.port else ""
    path = conn.extra_dejson.get("path", "")
    return f"{scheme}://{host}{port}{path}"


class GroundswellNotifier(BaseNotifier):
    """Sends ``subject`` and ``text`` through the ``groundswell_alerts`` connection (see the module)."""

    template_fields = ("subject", "text")

    def __init__(self, subject: str, text: str, conn_id: str = CONN_ID) -> None:
        super().__init__()
        self.subject = subject
        self.text = text
        self.conn_id = conn_id
        self.channel: str | None = None  # where the last notify() sent it

    def notify(self, context: Any) -> None:
        conn = _connection(self.conn_id)
        if conn is None:
            log.warning("ALERT %s\n%s\n(no connection %s: written to the log and ops.alerts only)",
                        self.subject, self.text, self.conn_id)
            self.channel = "log"
        elif conn.conn_type in ("http", "https"):
            import httpx

            url = _webhook_url(conn)
            payload = {"text": f"{self.subject}\n{self.text}", "subject": self.subject, "body": self.text}
            try:
                response = httpx.post(url, json=payload, timeout=30)
            except httpx.HTTPError as exc:
                raise AlertDeliveryError(f"alert webhook of connection {self.conn_id} failed: {exc}") from exc
            if response.status_code >= 300:
                raise AlertDeliveryError(f"alert webhook of connection {self.conn_id} answered HTTP "
                                         f"{response.status_code}: {response.text[:200]}")
            self.channel = "webhook"
        elif conn.conn_type in ("smtp", "email"):
            from airflow.providers.smtp.notifications.smtp import SmtpNotifier

            extra = conn.extra_dejson
            if not extra.get("to"):
                raise AlertDeliveryError(f"connection {self.conn_id} (smtp) needs extra "
                                         '{"to": "a@example.com", "from": "groundswell@example.com"}')
            SmtpNotifier(from_email=extra.get("from"), to=extra["to"], subject=self.subject,
                         html_content=f"<pre>{self.text}</pre>", smtp_conn_id=self.conn_id).notify(context)
            self.channel = "email"
        else:
            raise AlertDeliveryError(f"connection {self.conn_id} has type {conn.conn_type!r}: use http "
                                     "(a webhook, Slack's included) or smtp")


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str
    subject: str
    text: str
    stale: bool


NEW_EPISODES = """
    select e.episode_id, e.brand, e.kind, e.start_at, e.peak_at, e.end_at, e.duration_hours,
           e.peak_negative_mentions, e.negative_mentions, e.dominant_complaint_type, e.hashtag,
           e.top_posts,
           e.end_at < (select max(mentioned_at) from marts.fct_mentions) - to_hours(?) as stale
    from marts.fct_crisis_episodes as e
    inner join seeds.brands as b on b.brand = e.brand and not b.is_competitor
    where not exists (select 1 from ops.alerts as a where a.alert_key = 'crisis:' || e.episode_id)
    order by e.start_at, e.episode_id
"""


def _crisis_alert(row: tuple) -> Alert:
    (episode_id, brand, kind, start, peak, end, hours, peak_negative, negative, complaint, hashtag,
     top_posts, stale) = row
    what = f"#{hashtag} hijacked" if kind == "hashtag_hijack" else "negative spike"
    lines = [f"{brand}: {what} since {start:%Y-%m-%d %H:%M} UTC ({hours} alerting hours to "
             f"{end:%Y-%m-%d %H:%M}).",
             f"Peak {peak_negative} negative mentions in the hour of {peak:%Y-%m-%d %H:%M}; "
             f"{negative} negative in all; mostly {complaint or 'unclassified'}.",
             "Top posts:"]
    lines += [f"- [{p['platform']}] {p['text']} ({p['engagement']} engagements)" for p in top_posts or []]
    lines.append(f"Episode {episode_id}: marts.fct_crisis_episodes (docs/metrics.md#crisis-early-warning)")
    return Alert(f"crisis:{episode_id}", "crisis", f"groundswell crisis alert: {brand}, {what}",
                 "\n".join(lines), bool(stale))


def send_crisis_alerts(settings: Settings | None = None, context: Any = None,
                       conn_id: str = CONN_ID) -> dict:
    """Alert every new crisis episode of the company's brands once; record each in ops.alerts."""
    from groundswell.warehouse import writer

    settings = settings or get_settings()
    with writer(settings) as con:
        recent = int(os.environ.get(RECENT_HOURS_ENV, RECENT_HOURS))
        alerts = [_crisis_alert(r) for r in con.execute(NEW_EPISODES, [recent]).fetchall()]
        sent: dict[str, int] = {}
        for alert in alerts:
            if alert.stale:
                channel = "stale"
            else:
                notifier = GroundswellNotifier(alert.subject, alert.text, conn_id)
                notifier.notify(context or {})
                channel = notifier.channel or "log"
            con.execute("INSERT INTO ops.alerts VALUES (?, ?, ?, ?, ?, ?)",
                        [alert.key, alert.kind, alert.subject, alert.text, channel,
                         datetime.now(UTC).replace(tzinfo=None)])
            sent[channel] = sent.get(channel, 0) + 1
    log.info("crisis alerts: %s", json.dumps(sent) if sent else "none new")
    return {"alerts": len(alerts), "by_channel": sent}


def _record(settings: Settings, alert: Alert, channel: str, attempts: int = 30) -> bool:
    """Insert one alert into ``ops.alerts``, waiting up to ``attempts`` seconds for the writer.

    A failure callback may run while another DAG's task holds the writer; the alert has been
    sent by then, so a record that cannot be written is logged, not raised."""
    import time

    import duckdb

    from groundswell.warehouse import writer

    for attempt in range(attempts):
        try:
            with writer(settings) as con:
                con.execute("INSERT OR IGNORE INTO ops.alerts VALUES (?, ?, ?, ?, ?, ?)",
                            [alert.key, alert.kind, alert.subject, alert.text, channel,
                             datetime.now(UTC).replace(tzinfo=None)])
            return True
        except duckdb.IOException as exc:  # the writer's lock: another task writes now
            if attempt == attempts - 1:
                log.warning("alert %s sent but not recorded in ops.alerts: %s", alert.key, exc)
            time.sleep(1)
    return False


def failure_alert(context: Any) -> Alert:
    """The alert for a task that failed for good, from its Airflow context."""
    ti = context["ti"]
    dag_id, run_id, task_id = ti.dag_id, ti.run_id, ti.task_id
    error = context.get("exception")
    lines = [f"Task {task_id} of DAG {dag_id} failed (run {run_id}, try {ti.try_number}).",
             f"Error: {type(error).__name__}: {error}" if error else "Error: see the task log.",
             f"Log: {getattr(ti, 'log_url', None) or 'the Airflow UI, or $GROUNDSWELL_HOME/logs/airflow'}",
             "What to do: docs/operations.md, \"When something goes wrong\". The dashboards keep "
             "serving the last published snapshot."]
    return Alert(f"task_failure:{dag_id}:{run_id}:{task_id}", "task_failure",
                 f"groundswell task failed: {dag_id}.{task_id}", "\n".join(lines), False)


def task_failure_alert(context: Any, settings: Settings | None = None, conn_id: str = CONN_ID) -> str:
    """Alert a failed task through :class:`GroundswellNotifier`; record it in ``ops.alerts``.

    Returns the channel. A delivery that fails is logged (a callback must not raise: the
    task has failed already, and Airflow would only log it)."""
    settings = settings or get_settings()
    alert = failure_alert(context)
    notifier = GroundswellNotifier(alert.subject, alert.text, conn_id)
    try:
        notifier.notify(context)
        channel = notifier.channel or "log"
    except AlertDeliveryError as exc:
        log.error("could not deliver the failure alert %s: %s", alert.key, exc)
        channel = "undelivered"
    _record(settings, alert, channel)
    return channel


def send_late_source_alerts(late: list[LateSource], checked_at: datetime,
                            settings: Settings | None = None, conn_id: str = CONN_ID) -> str | None:
    """Alert the sources newly late today (see the module) in one message; record each source.

    Returns the channel, or None when every late source was told already today."""
    from groundswell.warehouse import writer

    settings = settings or get_settings()
    day = f"{checked_at:%Y-%m-%d}"
    keys = {f"source_late:{s.status}:{s.name}:{day}": s for s in late}
    if not keys:
        return None
    with writer(settings) as con:
        told = {k for (k,) in con.execute("SELECT alert_key FROM ops.alerts WHERE alert_key IN "
                                          "(SELECT unnest(?))", [list(keys)]).fetchall()}
    new = [source for key, source in keys.items() if key not in told]
    if not new:
        return None
    worst = "error" if any(s.status != "warn" for s in new) else "warn"
    lines = [f"{len(new)} source{'s' if len(new) > 1 else ''} late at the build of "
             f"{checked_at:%Y-%m-%d %H:%M} UTC:", *(s.line() for s in new),
             "The dashboards keep serving the last published figures, which lack what has not "
             "landed. Data health (/health) shows every source; what to do: docs/operations.md, "
             "\"When something goes wrong\"."]
    subject = (f"groundswell sources late ({worst}): "
               f"{', '.join(s.name for s in new[:3])}{' and more' if len(new) > 3 else ''}")
    text = "\n".join(lines)
    notifier = GroundswellNotifier(subject, text, conn_id)
    try:
        notifier.notify({})
        channel = notifier.channel or "log"
    except AlertDeliveryError as exc:
        log.error("could not deliver the late-source alert: %s", exc)
        channel = "undelivered"
    for source in new:
        _record(settings, Alert(f"source_late:{source.status}:{source.name}:{day}", "source_late",
                                subject, text, False), channel)
    return channel
