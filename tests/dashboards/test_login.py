"""Outside --demo, every dashboard request needs a login: every Flask route, every Dash endpoint,
every page; only /healthz is public. Passwords are stored and checked as hashes."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import dash
import pytest
from werkzeug.security import generate_password_hash

from groundswell.config import ConfigError, Settings
from groundswell.serve.auth import Authenticator, load_users
from groundswell.serve.web import PUBLIC_PATHS, create_server

GS = str(Path(sys.executable).parent / "groundswell")


def auth(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def users_json(**users: tuple[str, object]) -> str:
    return json.dumps({name: {"password_hash": generate_password_hash(pw, method="pbkdf2:sha256:1000"),
                              "business_units": units} for name, (pw, units) in users.items()})


def test_login_required_unless_demo(tmp_path):
    settings = Settings(home=tmp_path, dashboard_user="ceo", dashboard_password="s3cret:pass")
    client = create_server(settings, demo_mode=False).test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", headers=auth("ceo", "s3cret:pass")).status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("header", [
    None,  # anonymous
    auth("ceo", "wrong"), auth("ceo", ""), auth("ceo", "s3cret"), auth("nobody", "s3cret:pass"),
    auth("CEO", "s3cret:pass"), auth("", "s3cret:pass"),
    {"Authorization": "Basic !!!"}, {"Authorization": "Basic"}, {"Authorization": "Basic "},
    {"Authorization": "Bearer " + base64.b64encode(b"ceo:s3cret:pass").decode()},
    {"Authorization": "Basic " + base64.b64encode(b"ceo").decode()},  # no colon
    {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()},  # not UTF-8
    {"Authorization": "Basic " + base64.b64encode(b"ceo:s3cret:pass").decode()[:-2]},  # bad padding
])
def test_wrong_unknown_or_malformed_credentials_are_refused(tmp_path, header):
    settings = Settings(home=tmp_path, dashboard_user="ceo", dashboard_password="s3cret:pass")
    client = create_server(settings, demo_mode=False).test_client()
    response = client.get("/", headers=header or {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_demo_mode_needs_no_login(tmp_path):
    client = create_server(Settings(home=tmp_path), demo_mode=True).test_client()
    assert client.get("/").status_code == 200


def test_no_login_configured_refuses_to_serve(tmp_path):
    with pytest.raises(ConfigError, match="GROUNDSWELL_DASHBOARD_USERS"):
        create_server(Settings(home=tmp_path), demo_mode=False)
    env = {"GROUNDSWELL_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([GS, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "GROUNDSWELL_DASHBOARD_USERS" in done.stderr + done.stdout
    assert "--demo" in done.stderr + done.stdout


def test_the_single_user_password_is_hashed_not_kept(tmp_path):
    settings = Settings(home=tmp_path, dashboard_user="ceo", dashboard_password="plain-text-pw")
    users = load_users(settings)
    assert users["ceo"].password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert "plain-text-pw" not in repr(users) and "plain-text-pw" not in repr(settings)
    assert users["ceo"].business_units is None  # an all-units admin
    authenticator = Authenticator(users)
    assert authenticator.check("ceo", "plain-text-pw") is not None
    assert authenticator.check("ceo", "plain-text-pw") is not None  # remembered
    assert authenticator.check("ceo", "plain-text-pwx") is None
    assert "plain-text-pw" not in repr(vars(authenticator))


def test_users_from_json_or_a_file(tmp_path):
    document = users_json(ops=("pw1", "*"), cargo=("pw2", ["northwind-cargo"]))
    from_env = load_users(Settings(home=tmp_path, dashboard_users=document))
    path = tmp_path / "users.json"
    path.write_text(document)
    from_file = load_users(Settings(home=tmp_path, dashboard_users=str(path)))
    for users in (from_env, from_file):
        assert users["ops"].business_units is None
        assert users["cargo"].business_units == frozenset({"northwind-cargo"})
        assert Authenticator(users).check("cargo", "pw2").name == "cargo"


@pytest.mark.parametrize("document, message", [
    ('{"a": {"password": "clear", "business_units": "*"}}', "clear-text"),
    ('{"a": {"password_hash": "clear", "business_units": "*"}}', "clear-text"),
    ('{"a": {"password_hash": "pbkdf2:sha256:1$x$y", "business_units": []}}', "business_units"),
    ('{"a": {"password_hash": "pbkdf2:sha256:1$x$y"}}', "business_units"),
    ('{"a:b": {"password_hash": "pbkdf2:sha256:1$x$y", "business_units": "*"}}', "without ':'"),
    ('{"a": ', "not valid JSON"),
    ('["a"]', "map each user"),
    ("/nonexistent/users.json", "not a file"),
])
def test_bad_users_configuration_says_what_to_fix(tmp_path, document, message):
    with pytest.raises(ConfigError, match=message):
        load_users(Settings(home=tmp_path, dashboard_users=document))


def test_a_users_file_inside_the_checkout_is_refused(tmp_path):
    settings = Settings(home=tmp_path, dashboard_users="dbt/dbt_project.yml")
    with pytest.raises(ConfigError, match="inside the checkout"):
        load_users(settings)


def test_hash_password_cli_prints_a_checkable_hash():
    from werkzeug.security import check_password_hash

    done = subprocess.run([GS, "users", "hash-password", "--stdin"], input="correct horse\n",
                          capture_output=True, text=True, timeout=60, check=True)
    hashed = done.stdout.strip()
    assert hashed.startswith("scrypt:") and "correct horse" not in hashed
    assert check_password_hash(hashed, "correct horse")


def _urls(server, client, headers) -> set[str]:
    """One concrete URL per rule of the server (every Flask route and Dash endpoint), plus every
    page and every script and stylesheet the index page loads."""
    urls = {page["relative_path"] for page in dash.page_registry.values()}
    html = client.get("/", headers=headers).get_data(as_text=True)
    urls |= set(re.findall(r'(?:src|href)="(/[^"]+)"', html))
    urls |= {re.sub(r"<[^>]+>", "x", rule.rule) for rule in server.url_map.iter_rules()}
    return urls


def test_every_route_endpoint_and_page_needs_the_login(use_published_home):
    """Anonymous: 401 for every route (GET and POST), page, asset and Dash endpoint but /healthz;
    logged in: 200 for every page, every asset the index loads, the layout, the dependencies and a
    callback."""
    settings = Settings(home=use_published_home.home, dashboard_user="ceo", dashboard_password="pw")
    server = create_server(settings, demo_mode=False)
    client = server.test_client()
    ok = auth("ceo", "pw")
    urls = _urls(server, client, ok)
    rules = {rule.rule for rule in server.url_map.iter_rules()}
    assert {"/_dash-layout", "/_dash-dependencies", "/_dash-update-component", "/assets/<path:filename>",
            "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"} <= rules
    assert any(u.startswith("/_dash-component-suites/") for u in urls)
    assert any(u.startswith("/assets/") for u in urls)
    for url in sorted(urls | {"/_dash-update-component", "/no/such/page"}):
        if url in PUBLIC_PATHS:
            continue
        for method in (client.get, client.post, client.head, client.options):
            assert method(url).status_code == 401, (method, url)
    assert client.get("/healthz").status_code == 200

    paths = {page["relative_path"] for page in dash.page_registry.values()}
    assert {"/", "/care", "/roi", "/listening", "/influencers", "/content", "/maturity"} <= paths
    html = client.get("/", headers=ok).get_data(as_text=True)
    for url in sorted(paths | set(re.findall(r'(?:src|href)="(/[^"]+)"', html))):
        assert client.get(url, headers=ok).status_code == 200, url
    for url in ("/_dash-layout", "/_dash-dependencies", "/_favicon.ico"):
        assert client.get(url, headers=ok).status_code == 200, url
    deps = client.get("/_dash-dependencies", headers=ok).get_json()
    maturity = next(d for d in deps if d["output"] == "..maturity-stages.rowData...maturity-dimensions."
                    "figure...maturity-history.figure..")
    body = {"output": maturity["output"], "outputs": [
        {"id": "maturity-stages", "property": "rowData"}, {"id": "maturity-dimensions", "property": "figure"},
        {"id": "maturity-history", "property": "figure"}],
        "inputs": [{"id": "maturity-quarter", "property": "value", "value": None}],
        "changedPropIds": ["maturity-quarter.value"]}
    assert client.post("/_dash-update-component", json=body).status_code == 401
    assert client.post("/_dash-update-component", json=body, headers=ok).status_code == 200


# --- Roles: executive (read-only, the default) or analyst (may correct labels) ---------------

def test_a_login_is_an_executive_unless_its_role_says_analyst(tmp_path):
    from groundswell.serve.auth import ANALYST, EXECUTIVE

    document = json.loads(users_json(cfo=("pw1", "*"), ana=("pw2", "*"), cargo=("pw3", ["northwind-cargo"])))
    document["ana"]["role"] = "analyst"
    document["cargo"]["role"] = "executive"
    users = load_users(Settings(home=tmp_path, dashboard_users=json.dumps(document),
                                dashboard_user="ceo", dashboard_password="pw4"))
    assert users["cfo"].role == EXECUTIVE and not users["cfo"].may_correct  # no role: executive
    assert users["ana"].role == ANALYST and users["ana"].may_correct
    assert users["ana"].business_units is None
    assert users["cargo"].role == EXECUTIVE
    assert users["cargo"].business_units == frozenset({"northwind-cargo"})
    assert users["ceo"].role == EXECUTIVE  # the single-user admin: read-only
    assert Authenticator(users).check("ana", "pw2").may_correct


@pytest.mark.parametrize("role", ["admin", "Analyst", " analyst", "", None, 1, True, ["analyst"], {"a": 1}])
def test_an_unknown_role_says_what_to_fix(tmp_path, role):
    document = json.loads(users_json(ana=("pw", "*")))
    document["ana"]["role"] = role
    with pytest.raises(ConfigError, match=r"dashboard user 'ana': role must be \"executive\" "
                                          r"\(read-only, the default\) or \"analyst\""):
        load_users(Settings(home=tmp_path, dashboard_users=json.dumps(document)))


def test_the_login_puts_the_role_in_the_request_scope(tmp_path):
    """What the correction callbacks ask (dashboards.access.may_correct) follows the login: an
    analyst may, an executive may not; --demo runs as the analyst `demo`."""
    from dashboards import access

    def whoami():
        return {"user": access.current_user(), "role": access.current_role(), "may": access.may_correct()}

    document = json.loads(users_json(cfo=("pw1", "*"), ana=("pw2", ["northwind-cargo"])))
    document["ana"]["role"] = "analyst"
    settings = Settings(home=tmp_path, dashboard_users=json.dumps(document))
    server = create_server(settings, demo_mode=False)
    server.add_url_rule("/_test_whoami", "whoami", whoami)
    client = server.test_client()
    assert client.get("/_test_whoami").status_code == 401
    assert client.get("/_test_whoami", headers=auth("cfo", "pw1")).get_json() == {
        "user": "cfo", "role": "executive", "may": False}
    assert client.get("/_test_whoami", headers=auth("ana", "pw2")).get_json() == {
        "user": "ana", "role": "analyst", "may": True}
    demo = create_server(Settings(home=tmp_path), demo_mode=True)
    demo.add_url_rule("/_test_whoami", "whoami", whoami)
    assert demo.test_client().get("/_test_whoami").get_json() == {
        "user": "demo", "role": "analyst", "may": True}
    with server.test_request_context("/"):
        assert access.current_role() == "executive" and not access.may_correct()  # nobody logged in
    assert access.current_role() == "executive" and not access.may_correct()  # outside a request


def _save(page: str, row: dict, sentiment, complaint_type, topic) -> dict:
    """The body the browser posts when Save is clicked on ``page`` (care or listening)."""
    grid = {"care": "care-drill-grid", "listening": "listening-mentions"}[page]
    prefix = f"{page}-correction"
    labels = (("sentiment", sentiment), ("type", complaint_type), ("topic", topic))
    return {"output": f"{prefix}-status.children",
            "outputs": {"id": f"{prefix}-status", "property": "children"},
            "inputs": [{"id": f"{prefix}-save", "property": "n_clicks", "value": 1},
                       {"id": grid, "property": "selectedRows", "value": [row]}],
            "state": [{"id": f"{prefix}-{part}", "property": "value", "value": value}
                      for part, value in labels],
            "changedPropIds": [f"{prefix}-save.n_clicks"]}


def test_the_server_refuses_corrections_it_should_not_write(use_published_home):
    """Whatever the page showed: an executive's correction, a record the snapshot does not hold,
    labels the contract refuses. Each answers "Not saved" and no file is written."""
    from dashboards.shared import figures as shared_figures
    from groundswell.land.sources.corrections import LABELS
    from tests.dashboards.conftest import snapshot_sql

    home = use_published_home.home
    document = json.loads(users_json(cfo=("pw1", "*"), ana=("pw2", "*")))
    document["ana"]["role"] = "analyst"
    settings = Settings(home=home, dashboard_users=json.dumps(document))
    client = create_server(settings, demo_mode=False).test_client()
    (mention_source, mention_id) = snapshot_sql(
        home, "select source, min(mention_id) from marts.fct_mentions group by source order by source")[0]
    mention = {"source": mention_source, "mention_id": mention_id}
    (source, message_id) = snapshot_sql(home, "select source, message_id from marts.fct_care_messages "
                                              "order by received_at, message_id limit 1")[0]
    log = home / "landing" / LABELS.drop_dir
    before = sorted(log.rglob("*")) if log.exists() else []

    def status(body, who) -> str:
        response = client.post("/_dash-update-component", json=body, headers=auth(*who))
        assert response.status_code == 200, response.get_data(as_text=True)
        return next(iter(response.get_json()["response"].values()))["children"]

    cfo, ana = ("cfo", "pw1"), ("ana", "pw2")
    good = ("negative", "rage", "other")
    assert status(_save("listening", mention, *good), cfo) == shared_figures.CORRECTION_REFUSED
    assert status(_save("care", {"source": source, "message_id": message_id}, *good), cfo) == \
        shared_figures.CORRECTION_REFUSED
    for row in ({"source": mention_source, "mention_id": "x-no-such-mention"},
                {"source": "instagram__media", "mention_id": mention_id},  # not a correctable source
                {"source": "x__tweets", "mention_id": mention_id}):  # a mention is not a care message
        assert status(_save("listening", row, *good), ana) == shared_figures.CORRECTION_NOT_SHOWN, row
    assert status(_save("care", {"source": source, "message_id": "no-such-message"}, *good), ana) == \
        shared_figures.CORRECTION_NOT_SHOWN
    for labels in (("furious", "rage", "other"), ("positive", "rage", "other"),
                   ("negative", "neutral", "other"), ("negative", "rage", "no_such_topic"),
                   (None, None, None), (["negative"], "rage", "other")):
        answer = status(_save("listening", mention, *labels), ana)
        assert answer.startswith("Not saved: "), labels
    assert status(_save("listening", [], *good), ana) == shared_figures.CORRECTION_PICK
    assert (sorted(log.rglob("*")) if log.exists() else []) == before  # nothing written


def test_every_source_a_correction_may_name_is_shown_by_a_mart():
    """What the pages re-read a record from (dashboards.shared.queries.CORRECTABLE_MARTS) covers what the
    corrections contract accepts (groundswell.land.sources.corrections.CORRECTABLE), and no more."""
    from dashboards.shared import queries as shared_queries
    from groundswell.land.sources.corrections import CORRECTABLE

    assert set(shared_queries.CORRECTABLE_MARTS) == set(CORRECTABLE)
