"""The weekly executive digest, end to end: `groundswell digest` on the demo's published snapshot
sends each recipient an HTML e-mail with the PDF attached through a real SMTP server on 127.0.0.1
(the groundswell_alerts connection); the PDF opens and its numbers equal MetricFlow's (`mf query`)
for the same week; a recipient of one business unit reads only that unit's rows; a rerun sends
nobody the same week twice; every mail is recorded in ops.alerts."""

from __future__ import annotations

import email
import io
import json
import os
import subprocess
import threading
import warnings
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest

from groundswell.transform.semantic import SemanticLayer
from groundswell.warehouse import connect, published
from tests.conftest import make_settings
from tests.dbt.test_semantic_layer import _days, _in, metricflow

GS = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "groundswell"
#: the digest's headlines: (metric, filtered to our own brands)
HEADLINES = [("posts", False), ("engagements", False), ("engagement_rate", False), ("messages", False),
             ("response_rate", False), ("sla_attainment", False), ("breached_backlog", False),
             ("median_first_response_business_minutes", False), ("mentions", True),
             ("negative_share", True), ("crisis_episodes", True)]


@pytest.fixture
def mailbox():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd

    mails: list[email.message.EmailMessage] = []

    class Mailbox(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            mails.append(email.message_from_bytes(data, policy=policy.default))

    server = Mailbox(("127.0.0.1", 0), None, decode_data=False)
    loop = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True)
    loop.start()
    try:
        yield server.socket.getsockname()[1], mails
    finally:
        server.close()


def digest(home: Path, port: int, *args: str) -> subprocess.CompletedProcess:
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash("x", method="pbkdf2:sha256:1000")
    users = {"ceo": {"password_hash": hashed, "business_units": "*", "email": "ceo@example.com"},
             "consumer": {"password_hash": hashed, "business_units": ["contoso-consumer"],
                          "email": "consumer-lead@example.com"}}
    env = os.environ | make_settings(home).tool_env() | {
        "GROUNDSWELL_HOME": str(home), "GROUNDSWELL_DASHBOARD_USERS": json.dumps(users),
        "AIRFLOW_CONN_GROUNDSWELL_ALERTS": json.dumps({
            "conn_type": "smtp", "host": "127.0.0.1", "port": port,
            "extra": {"from": "groundswell@example.com", "disable_tls": True, "disable_ssl": True}})}
    return subprocess.run([str(GS), "digest", *args], env=env, capture_output=True, text=True, timeout=600)


def test_the_digest_arrives_opens_and_equals_metricflow(published_home, mailbox, tmp_path):
    import pypdf

    port, mails = mailbox
    with published(make_settings(published_home)) as con:
        (week_end,) = con.execute("select max(received_at)::date from marts.fct_care_messages").fetchone()
        layer = SemanticLayer.from_manifest(
            con.execute("select definitions from meta.semantic_layer").fetchone()[0])
        own = [b for (b,) in con.execute(
            "select brand from seeds.brands where not is_competitor order by 1").fetchall()]
    start = week_end - timedelta(days=6)

    done = digest(published_home, port, "--week-ending", week_end.isoformat())
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sent to ceo@example.com, consumer-lead@example.com" in done.stdout
    assert done.stderr == ""  # one line, no browser or PDF chatter
    by_recipient = {m["To"]: m for m in mails}
    assert set(by_recipient) == {"ceo@example.com", "consumer-lead@example.com"}

    mail = by_recipient["ceo@example.com"]
    assert mail["From"] == "groundswell@example.com"
    assert mail["Subject"] == f"groundswell weekly digest: {start:%d %b} – {week_end:%d %b %Y}"
    parts = {p.get_filename() or p.get_content_type(): p for p in mail.walk() if not p.is_multipart()}
    page = parts["text/html"].get_content()
    pdf_name = f"groundswell-digest-{week_end:%Y-%m-%d}.pdf"
    assert {"care.png", "listening.png", pdf_name} <= set(parts)
    for chart in ("care", "listening"):  # inline: the HTML shows each chart by its Content-ID
        assert f'src="cid:{chart}.png"' in page
        assert parts[f"{chart}.png"]["Content-ID"] == f"<{chart}.png>"
        assert parts[f"{chart}.png"].get_content().startswith(b"\x89PNG")
    pdf = pypdf.PdfReader(io.BytesIO(parts[pdf_name].get_content()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert text.split()[:2] == ["Weekly", "digest:"]

    # Each headline, this week and the week before, as MetricFlow answers: the PDF shows the
    # value in the metric's format and its change against the week before.
    requests = []
    for metric, brands in HEADLINES:
        for first, last in ((start, week_end), (start - timedelta(days=7), start - timedelta(days=1))):
            entity = layer.models[layer.metric(metric).semantic_model].entity
            requests.append({"metrics": [metric], "group_by": [], "where": [
                *_days(first, last), *([_in(f"{entity}__brand", own)] if brands else [])]})
    answers = metricflow(published_home, requests)
    flat = " ".join(text.split())
    for i, (metric, _brands) in enumerate(HEADLINES):
        fmt = layer.metric(metric).format
        # a sum over no rows: 0 here, NULL in mf (dbt 1.12 drops fill_nulls_with; docs/metrics.md)
        now, before = (0 if v is None and layer.metric(metric).agg in ("sum", "count") else v
                       for v in (answers[2 * i]["rows"][0][0], answers[2 * i + 1]["rows"][0][0]))
        row = f"{layer.metric(metric).label} {fmt(now)} {fmt.change(now, before, 'the week before')}"
        assert row in flat, (metric, row)

    # A recipient of one unit: only the rows of that unit's brand (the access rules of the pages).
    scoped = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
        {p.get_filename(): p for p in by_recipient["consumer-lead@example.com"].walk()}[pdf_name]
        .get_content())).pages)
    assert "Rows of contoso-consumer." in " ".join(scoped.split())
    breaches = flat[flat.index("SLA breaches"):flat.index("Listening & crisis")]
    assert "Northwind Air" in breaches, "the demo's Northwind Air has breaches that week"
    mine = " ".join(scoped.split())
    assert "Northwind Air" not in mine[mine.index("SLA breaches"):mine.index("Listening & crisis")]

    # Recorded once per recipient and week: a rerun sends nobody again.
    again = digest(published_home, port, "--week-ending", week_end.isoformat())
    assert again.returncode == 0, again.stderr[-3000:]
    assert "sent to nobody; already sent to ceo@example.com, consumer-lead@example.com" in again.stdout
    assert len(mails) == 2
    con = connect(make_settings(published_home).warehouse_path, read_only=True)
    try:
        keys = [k for (k,) in con.execute(
            "select alert_key from ops.alerts where kind = 'digest' order by 1").fetchall()]
    finally:
        con.close()
    assert keys == [f"digest:{week_end}:ceo@example.com", f"digest:{week_end}:consumer-lead@example.com"]

    # --pdf alone writes the all-units PDF and sends nothing: the same digest the CEO got.
    written = digest(published_home, port, "--week-ending", week_end.isoformat(),
                     "--pdf", str(tmp_path / "d.pdf"))
    assert written.returncode == 0, written.stderr[-3000:]
    assert "(every business unit; nothing sent)" in written.stdout
    assert len(mails) == 2
    alone = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "d.pdf").pages)
    assert " ".join(alone.split()) == flat


def test_a_recipient_who_is_no_user_is_refused_with_what_to_do(published_home, mailbox):
    port, mails = mailbox
    done = digest(published_home, port, "--to", "stranger@example.com")
    assert done.returncode != 0
    assert "stranger@example.com is no dashboard user's email" in done.stderr
    assert 'add "email" to that user' in done.stderr
    assert mails == []
