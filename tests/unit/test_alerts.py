"""Crisis alerts: each new episode of our brands once, through the configured channel, recorded.

The warehouse holds hand-made episodes; the channels are real: an HTTP server and an SMTP server
on 127.0.0.1 (Python 3.11's smtpd), and the task log."""

from __future__ import annotations

import json
import threading
import warnings
from datetime import datetime
from types import SimpleNamespace

import pytest

from groundswell.serve.alerts import (
    AlertDeliveryError,
    GroundswellNotifier,
    LateSource,
    send_crisis_alerts,
    send_late_source_alerts,
    task_failure_alert,
)
from groundswell.warehouse import connect, writer

EPISODES = [
    # episode_id, brand, kind, start, end, hashtag
    ("a-2026103010", "A", "negative_spike", "2026-10-30 10:00", "2026-10-31 02:00", None),
    ("a-2026103020", "A", "hashtag_hijack", "2026-10-30 20:00", "2026-10-31 09:00", "astories"),
    ("a-2026100110", "A", "negative_spike", "2026-10-01 10:00", "2026-10-02 10:00", None),  # stale
    ("c-2026103010", "C", "negative_spike", "2026-10-30 10:00", "2026-10-31 02:00", None),  # competitor
]


@pytest.fixture
def warehouse(settings, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", raising=False)
    monkeypatch.delenv("GROUNDSWELL_ALERT_RECENT_HOURS", raising=False)
    with writer(settings) as con:
        con.execute("create schema marts; create schema seeds")
        con.execute("create table seeds.brands as select * from (values ('A', false), ('C', true)) "
                    "t(brand, is_competitor)")
        con.execute("create table marts.fct_mentions as select timestamp '2026-10-31 10:00' as mentioned_at")
        con.execute("""create table marts.fct_crisis_episodes (episode_id varchar, brand varchar,
            kind varchar, start_at timestamp, peak_at timestamp, end_at timestamp, duration_hours bigint,
            peak_negative_mentions bigint, negative_mentions bigint, dominant_complaint_type varchar,
            hashtag varchar, top_posts struct(mention_id varchar, platform varchar, engagement bigint,
            text varchar)[])""")
        for episode_id, brand, kind, start, end, tag in EPISODES:
            con.execute("insert into marts.fct_crisis_episodes values (?, ?, ?, ?, ?, ?, 16, 90, 400, "
                        "'rage', ?, [{'mention_id': 'x-1', 'platform': 'x', 'engagement': 12, "
                        "'text': 'worst flight ever'}])", [episode_id, brand, kind, start, start, end, tag])
    return settings


def recorded(settings) -> list[tuple]:
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return con.execute("select alert_key, channel from ops.alerts order by alert_key").fetchall()
    finally:
        con.close()


def test_without_a_connection_alerts_go_to_the_log_once_and_old_episodes_are_not_sent(warehouse, caplog):
    caplog.set_level("WARNING", logger="groundswell.serve.alerts")

    first = send_crisis_alerts(warehouse)
    second = send_crisis_alerts(warehouse)

    assert first == {"alerts": 3, "by_channel": {"log": 2, "stale": 1}}
    assert second == {"alerts": 0, "by_channel": {}}
    assert recorded(warehouse) == [("crisis:a-2026100110", "stale"), ("crisis:a-2026103010", "log"),
                                   ("crisis:a-2026103020", "log")]  # never the competitor
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ALERT")]
    assert len(logged) == 2
    assert "A: #astories hijacked since 2026-10-30 20:00 UTC" in logged[1]
    assert "worst flight ever" in logged[1]


def test_a_webhook_gets_one_post_per_episode_and_a_refusal_fails_after_recording_the_rest(
        warehouse, webhook):
    refuse = {"after": 1}
    webhook.answer = lambda n: 200 if n <= refuse["after"] else 500
    with pytest.raises(AlertDeliveryError, match="answered HTTP 500"):
        send_crisis_alerts(warehouse)
    # The first alert went out and is recorded; the refused one is not, so a retry sends it.
    assert recorded(warehouse) == [("crisis:a-2026100110", "stale"), ("crisis:a-2026103010", "webhook")]
    refuse["after"] = 10
    assert send_crisis_alerts(warehouse) == {"alerts": 1, "by_channel": {"webhook": 1}}
    bodies = webhook.bodies
    assert [b["subject"] for b in bodies] == ["groundswell crisis alert: A, negative spike"] + [
        "groundswell crisis alert: A, #astories hijacked"] * 2
    assert bodies[0]["text"].startswith("groundswell crisis alert: A, negative spike\nA: negative spike")


def test_an_smtp_connection_sends_an_email(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd

    mails: list[tuple] = []

    class Mailbox(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            mails.append((mailfrom, rcpttos, data.decode()))

    server = Mailbox(("127.0.0.1", 0), None)
    loop = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True)
    loop.start()
    monkeypatch.setenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": server.socket.getsockname()[1],
        "extra": {"to": "social-ops@example.com", "from": "groundswell@example.com",
                  "disable_tls": True, "disable_ssl": True}}))
    try:
        notifier = GroundswellNotifier("groundswell crisis alert: A, negative spike", "A: negative spike")
        notifier.notify({})
    finally:
        server.close()
    assert notifier.channel == "email"
    ((sender, recipients, message),) = mails
    assert (sender, recipients) == ("groundswell@example.com", ["social-ops@example.com"])
    assert "Subject: groundswell crisis alert: A, negative spike" in message


def test_an_smtp_connection_without_recipients_says_what_to_add(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", json.dumps({"conn_type": "smtp", "host": "x"}))
    with pytest.raises(AlertDeliveryError, match='needs extra {"to"'):
        GroundswellNotifier("s", "t").notify({})


def test_a_task_that_failed_for_good_is_alerted_through_the_same_webhook_and_recorded(settings, webhook):
    """What Airflow calls (on_failure_callback) with the failed task's context."""
    webhook.answer = lambda n: 200 if n == 1 else 503
    ti = SimpleNamespace(dag_id="groundswell_build", run_id="scheduled__2026-11-24", task_id="validate",
                         try_number=3, log_url="http://airflow.example/log")
    failed = RuntimeError("validation gate failed")
    channel = task_failure_alert({"ti": ti, "exception": failed}, settings)
    # A second failure whose delivery is refused: recorded as undelivered, the callback does not raise.
    ti2 = SimpleNamespace(**{**vars(ti), "task_id": "publish"})
    second = task_failure_alert({"ti": ti2, "exception": OSError("disk full")}, settings)
    assert (channel, second) == ("webhook", "undelivered")
    assert webhook.bodies[0]["subject"] == "groundswell task failed: groundswell_build.validate"
    assert "RuntimeError: validation gate failed" in webhook.bodies[0]["text"]
    assert "http://airflow.example/log" in webhook.bodies[0]["text"]
    assert recorded(settings) == [
        ("task_failure:groundswell_build:scheduled__2026-11-24:publish", "undelivered"),
        ("task_failure:groundswell_build:scheduled__2026-11-24:validate", "webhook")]


def test_late_sources_go_out_in_one_message_once_per_source_status_and_day(settings, webhook):
    with writer(settings):  # the ops schema
        pass
    deals = LateSource("crm", "crm__deals", "error", datetime(2026, 11, 20, 6), 100.0, 36.0, 72.0)
    sessions = LateSource("web", "web__sessions", "warn", datetime(2026, 11, 22, 10), 40.5, 36.0, 72.0)
    monday = datetime(2026, 11, 24, 10, 0)
    assert send_late_source_alerts([deals, sessions], monday, settings) == "webhook"
    (body,) = webhook.bodies
    assert body["subject"] == "groundswell sources late (error): crm.crm__deals, web.web__sessions"
    assert ("- crm.crm__deals: error, last landed 2026-11-20 06:00 UTC, 100.0 h ago "
            "(warn after 36 h, error after 72 h)") in body["text"]
    assert "web.web__sessions: warn" in body["text"]
    # The next build that day: nothing new to tell. The web source now past error_after: told.
    assert send_late_source_alerts([deals, sessions], monday.replace(hour=14), settings) is None
    worse = LateSource("web", "web__sessions", "error", datetime(2026, 11, 22, 10), 76.5, 36.0, 72.0)
    webhook.answer = lambda n: 503  # and its delivery refused: recorded, not raised
    assert send_late_source_alerts([deals, worse], monday.replace(hour=22), settings) == "undelivered"
    assert len(webhook.bodies) == 2 and webhook.bodies[1]["subject"].endswith(": web.web__sessions")
    # The next day, a source still late is told again.
    webhook.answer = lambda n: 200
    assert send_late_source_alerts([deals], datetime(2026, 11, 25, 2), settings) == "webhook"
    assert recorded(settings) == [
        ("source_late:error:crm.crm__deals:2026-11-24", "webhook"),
        ("source_late:error:crm.crm__deals:2026-11-25", "webhook"),
        ("source_late:error:web.web__sessions:2026-11-24", "undelivered"),
        ("source_late:warn:web.web__sessions:2026-11-24", "webhook")]
