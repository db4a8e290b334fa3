"""Who gets the weekly digest, with which business units (groundswell.serve.digest.recipients): the
dashboard logins' emails and units, the alerts connection's `to` when no login has one."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr
from werkzeug.security import generate_password_hash

from groundswell.config import ConfigError, Settings
from groundswell.serve.digest import NoRecipientsError, Recipient, recipients, run

HASH = generate_password_hash("x", method="pbkdf2:sha256:1000")


def with_users(settings: Settings, users: dict) -> Settings:
    return settings.model_copy(update={"dashboard_users": SecretStr(json.dumps(users))})


def test_every_login_with_an_email_gets_its_own_units(settings, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", raising=False)
    s = with_users(settings, {
        "ceo": {"password_hash": HASH, "business_units": "*", "email": "ceo@example.com"},
        "cargo": {"password_hash": HASH, "business_units": ["northwind-cargo"],
                  "email": "cargo@example.com"},
        "ana": {"password_hash": HASH, "business_units": "*", "role": "analyst"}})  # no email: no digest
    assert recipients(s) == [Recipient("cargo@example.com", frozenset({"northwind-cargo"})),
                             Recipient("ceo@example.com", None)]
    assert recipients(s, ["CARGO@example.com"]) == [
        Recipient("CARGO@example.com", frozenset({"northwind-cargo"}))]
    with pytest.raises(ConfigError, match="stranger@example.com is no dashboard user's email"):
        recipients(s, ["stranger@example.com"])


def test_without_logins_the_alert_recipients_get_every_unit(settings, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", json.dumps(
        {"conn_type": "smtp", "host": "127.0.0.1", "extra": {"to": "ops@example.com, cmo@example.com"}}))
    assert recipients(settings) == [Recipient("ops@example.com", None), Recipient("cmo@example.com", None)]
    # a single-user deployment: any address, every unit (what the one login sees)
    assert recipients(settings, ["me@example.com"]) == [Recipient("me@example.com", None)]


def test_nobody_to_send_to_says_whom_to_configure(settings, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GROUNDSWELL_ALERTS", raising=False)
    with pytest.raises(NoRecipientsError, match="give dashboard users an \"email\""):
        run(settings)


def test_an_email_that_is_no_address_is_refused(settings):
    with pytest.raises(ConfigError, match="email must be an e-mail address"):
        recipients(with_users(settings, {"x": {"password_hash": HASH, "business_units": "*",
                                               "email": "nobody"}}))
