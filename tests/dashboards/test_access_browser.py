"""A restricted login in headless Chromium: `groundswell serve` (no --demo) with two logins from
GROUNDSWELL_DASHBOARD_USERS, an admin of every unit and a user of one Northwind Air unit, each
browser logging in with HTTP Basic credentials. On the published tiny demo (plus an alert and two
freshness checks in its ops schema, which a build without Airflow does not record) the restricted
user sees Northwind Air only, where the admin sees Contoso Mobile too; competitors stay visible on
Listening; an anonymous browser gets 401."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.security import generate_password_hash

from dashboards import access
from dashboards.care import queries as care_queries
from dashboards.listening import queries as listening_queries
from dashboards.overview import queries as overview_queries
from groundswell.warehouse import connect
from tests.dashboards.conftest import serving, shown

ADMIN = {"username": "admin", "password": "admin:pw"}
NORTHWIND = {"username": "northwind", "password": "nw pw"}
UNITS = frozenset({"northwind-passenger"})  # Northwind Air's X, Facebook, Instagram, YouTube
OWN, OTHER, COMPETITOR = "Northwind Air", "Contoso Mobile", "Fabrikam Airways"
ALERT = "Crisis: Contoso Mobile, 40 negative mentions in an hour"


def _users() -> str:
    def login(password: str, units) -> dict:
        return {"password_hash": generate_password_hash(password, method="pbkdf2:sha256:1000"),
                "business_units": units}
    return json.dumps({ADMIN["username"]: login(ADMIN["password"], "*"),
                       NORTHWIND["username"]: login(NORTHWIND["password"], sorted(UNITS))})


@pytest.fixture(scope="module")
def home(published_home, tmp_path_factory):
    """The published tiny demo, with an alert and two source freshness checks recorded."""
    home = tmp_path_factory.mktemp("access-browser") / "home"
    path = home / "published" / "warehouse.duckdb"
    path.parent.mkdir(parents=True)
    shutil.copy(published_home / "published" / "warehouse.duckdb", path)
    con = connect(path)
    try:
        con.execute("""insert into ops.source_freshness by name
            select now()::timestamp as checked_at, 'groundswell_build' as dag_id, 'test' as run_id,
                   s as source_name, s || '__posts' as table_name, now()::timestamp as max_loaded_at,
                   2.0 as age_hours, 24.0 as warn_after_hours, 48.0 as error_after_hours, 'pass' as status
            from unnest(['x', 'facebook']) as t(s)""")
        con.execute("insert into ops.alerts by name select 'crisis:test' as alert_key, 'crisis' as kind, "
                    "? as subject, 'a crisis post' as text, 'log' as channel, now()::timestamp as created_at",
                    [ALERT])
    finally:
        con.close()
    return home


@pytest.fixture(scope="module")
def server(home):
    with serving(home, users=_users()) as url:
        yield url


def _expected(home, units):
    """What the pages should show this user: computed through the same access rules."""
    con = access.connect(home / "published" / "warehouse.duckdb", units)
    try:
        o = overview_queries.overview_options(con)
        posts_start = max(o.first_date, o.last_date - timedelta(days=89))
        posts = overview_queries.kpis(con, posts_start, o.last_date)["posts"]
        c = care_queries.care_options(con)
        care = care_queries.CareFilters(max(c.first_date, c.last_date - timedelta(days=89)), c.last_date)
        messages = care_queries.care_kpis(con, care)["messages"]
        segments = set(care_queries.worst_segments(con, care)["brand"])
        listening = listening_queries.listening_options(con)
        start = max(listening.first_day, listening.last_day - timedelta(days=29))
        kpis = {b: listening_queries.listening_kpis(con, b, start, listening.last_day)
                for b in (OWN, COMPETITOR)}
        return {"overview_brands": o.brands, "posts": shown(home, "posts", posts), "care_brands": c.brands,
                "messages": shown(home, "messages", messages), "segments": segments,
                "listening_brands": listening.brands,
                "competitor_mentions": shown(home, "mentions", kpis[COMPETITOR]["mentions"]),
                "own_sov": shown(home, "share_of_voice", kpis[OWN]["share_of_voice"])}
    finally:
        con.close()


def _options(page, dropdown: str) -> set[str]:
    """The options a dropdown offers, read by opening it."""
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option").first.wait_for(timeout=30_000)
    texts = set(page.get_by_role("option").all_inner_texts())
    page.keyboard.press("Escape")
    return {t.strip() for t in texts}


def _wait_text(page, selector: str, text: str) -> str:
    page.locator(selector).filter(has_text=text).wait_for(timeout=30_000)
    return page.locator(selector).inner_text()


def test_the_restricted_user_sees_only_its_units_brand(server, home, as_user):
    admin, restricted = _expected(home, None), _expected(home, UNITS)
    # the comparison means something on this data: the admin sees both own brands, more rows
    assert set(admin["overview_brands"]) == set(admin["care_brands"]) == {OWN, OTHER}
    assert restricted["overview_brands"] == restricted["care_brands"] == [OWN]
    assert admin["posts"] != restricted["posts"] and admin["messages"] != restricted["messages"]
    assert admin["segments"] == {OWN, OTHER} and restricted["segments"] == {OWN}
    assert OTHER not in restricted["listening_brands"] and COMPETITOR in restricted["listening_brands"]

    for credentials, expected in ((ADMIN, admin), (NORTHWIND, restricted)):
        page = as_user(credentials)
        # Overview: the brand filter, the posts card, the top posts grid
        page.goto(server + "/")
        _wait_text(page, "#kpi-posts-value", expected["posts"])
        assert page.locator("#kpi-posts-value").inner_text() == expected["posts"]
        assert _options(page, "overview-brands") == set(expected["overview_brands"])
        page.locator("#overview-top-posts .ag-row").first.wait_for(timeout=30_000)
        top = page.locator("#overview-top-posts").inner_text()
        assert OWN in top
        if credentials is NORTHWIND:
            assert OTHER not in top

        # Care: the brand filter, the messages card, the worst-served segments grid
        page.goto(server + "/care")
        _wait_text(page, "#care-kpi-messages-value", expected["messages"])
        assert page.locator("#care-kpi-messages-value").inner_text() == expected["messages"]
        assert _options(page, "care-brands") == set(expected["care_brands"])
        page.locator("#care-segments .ag-row").first.wait_for(timeout=30_000)
        segments = page.locator("#care-segments").inner_text()
        assert {b for b in (OWN, OTHER) if b in segments} == expected["segments"]

        # Listening: own brands of other units gone, competitors there with all their mentions
        page.goto(server + "/listening")
        assert _options(page, "listening-brand") == set(expected["listening_brands"])
        # the own brand's share of voice counts the competitors' mentions: the same as the admin's;
        # a competitor's mentions are all there
        for brand, selector, value in ((OWN, "sov", admin["own_sov"]),
                                       (COMPETITOR, "mentions", admin["competitor_mentions"])):
            page.goto(server + "/listening")
            page.locator("#listening-kpi-mentions-value").filter(has_text="–").wait_for(
                state="detached", timeout=30_000)  # the first brand's figures are in
            page.locator("#listening-brand").click()
            page.get_by_role("option", name=brand, exact=True).click()
            assert _wait_text(page, f"#listening-kpi-{selector}-value", value) == value, brand


def test_the_restricted_user_sees_operations_but_not_the_alerts(server, as_user):
    for credentials in (ADMIN, NORTHWIND):
        page = as_user(credentials)
        page.goto(server + "/health")
        page.locator("#health-freshness .ag-row").first.wait_for(timeout=30_000)
        freshness = page.locator("#health-freshness .ag-center-cols-container .ag-row")
        assert freshness.count() == 2  # every user: how the pipeline ran
        assert "facebook__posts" in page.locator("#health-freshness").inner_text()
        alerts = page.locator("#health-alerts .ag-center-cols-container .ag-row")
        if credentials is ADMIN:
            alerts.first.wait_for(timeout=30_000)
            assert alerts.count() == 1 and ALERT in page.locator("#health-alerts").inner_text()
            assert page.locator("#health-alerts-restricted").count() == 0
        else:
            note = page.locator("#health-alerts-restricted")
            assert "users of every business unit" in note.inner_text()
            assert alerts.count() == 0 and ALERT not in page.content()


def test_an_anonymous_or_wrong_login_gets_401(server, as_user):
    """The page answers 401 (Chromium shows it, or gives up with ERR_INVALID_AUTH_CREDENTIALS when
    the credentials it offered are refused); the context's own requests show the server's answer."""
    for credentials in (None, {"username": NORTHWIND["username"], "password": "wrong"}):
        page = as_user(credentials)
        for path in ("/", "/care", "/health"):
            try:
                shown = page.goto(server + path)
            except PlaywrightError as exc:
                assert "ERR_INVALID_AUTH_CREDENTIALS" in str(exc)
            else:
                assert shown.status == 401 and OWN not in shown.text(), (credentials, path)
            response = page.request.get(server + path)
            assert response.status == 401, (credentials, path)
            assert response.headers["www-authenticate"].startswith("Basic ")
            assert OWN not in response.text()
    right = as_user(NORTHWIND)
    assert right.request.get(server + "/care").status == 200
    assert right.goto(server + "/care").status == 200
