"""Outside --demo, every dashboard request needs the login."""

from __future__ import annotations

import base64

import dash

from groundswell.config import Settings
from groundswell.web import create_server


def auth(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_login_required_unless_demo(tmp_path):
    settings = Settings(home=tmp_path, dashboard_user="ceo", dashboard_password="s3cret:pass")
    client = create_server(settings, demo_mode=False).test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", headers=auth("ceo", "wrong")).status_code == 401
    assert client.get("/", headers={"Authorization": "Basic !!!"}).status_code == 401
    assert client.get("/", headers=auth("ceo", "s3cret:pass")).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_demo_mode_needs_no_login(tmp_path):
    client = create_server(Settings(home=tmp_path), demo_mode=True).test_client()
    assert client.get("/").status_code == 200


def test_every_page_needs_the_login(tmp_path):
    settings = Settings(home=tmp_path, dashboard_user="ceo", dashboard_password="pw")
    client = create_server(settings, demo_mode=False).test_client()
    paths = {page["relative_path"] for page in dash.page_registry.values()}
    assert {"/", "/care"} <= paths
    for path in paths:
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=auth("ceo", "pw")).status_code == 200, path
