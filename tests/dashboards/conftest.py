"""Playwright drives Debian's Chromium (installed by `make test`); it never downloads a browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
GS = str(Path(sys.executable).parent / "groundswell")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"],
    }


def pytest_collection_modifyitems(items):
    """Run the browser tests last (stable order otherwise).

    Once one has run, pytest-playwright keeps an asyncio loop running in the main thread for the
    rest of the session, and a Flask test client then fails on Dash's views (asgiref: "You cannot
    use AsyncToSync in the same thread as an async event loop"); test_login.py uses one. A real
    server (gunicorn, as the browser tests start) is not affected.
    """
    browser = {"page", "context", "browser"}  # pytest-playwright's: any of them starts the loop
    items.sort(key=lambda item: bool(browser & set(getattr(item, "fixturenames", ()))))


@contextmanager
def serving(home: Path, users: str | None = None) -> Iterator[str]:
    """`groundswell serve --demo` on ``home``: its URL once it answers; stopped on exit. With
    ``users`` (GROUNDSWELL_DASHBOARD_USERS: JSON), `groundswell serve` with those logins instead."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_DASHBOARD_")}
    env["GROUNDSWELL_HOME"] = str(home)
    mode = ["--demo"]
    if users is not None:
        env["GROUNDSWELL_DASHBOARD_USERS"] = users
        mode = []
    # The server's log goes to a file: a pipe nobody reads fills up (64 KB of request lines)
    # and then blocks the server mid-test.
    log = Path(tempfile.mkstemp(prefix="groundswell-serve-", suffix=".log")[1])
    with log.open("w") as out:
        proc = subprocess.Popen([GS, "serve", *mode, "--port", str(port), "--workers", "1"],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(published_home):
    """The dashboards on the published tiny demo, one server per test module."""
    with serving(published_home) as url:
        yield url


#: Statements that turn a copy of the published marts.fct_social_roi into one with the cases the
#: tiny demo lacks, consistently with the mart's definitions (docs/metrics.md, "Social ROI"): a
#: second month, attributed revenue and pipeline that depend on the model (so ROI ranges across
#: models are not zero), adopted and valued ideas, then total_value, roi, roas, roi_min and
#: roi_max recomputed from those columns.
VARIED_ROI = (
    "insert into marts.fct_social_roi by name select * replace ("
    "(month + interval 1 month)::date as month, round(cost * 1.5, 2) as cost, "
    "round(paid_media_cost * 1.5, 2) as paid_media_cost) from marts.fct_social_roi",
    "insert into marts.fct_social_roi by name select month, 'marketing' as department, "
    "'community' as channel, null as campaign, model, 0.0 as cost, 0.0 as paid_media_cost, "
    "0.0 as attributed_revenue, 0.0 as attributed_pipeline, 0 as deflected_contacts, "
    "0.0 as deflection_savings, 3 as ideas_adopted, 750.0 as ideas_value "
    "from (select distinct month, model from marts.fct_social_roi)",
    "update marts.fct_social_roi set attributed_revenue = round(cost * (hash(model || department "
    "|| channel || coalesce(campaign, '') || month::varchar) % 250) / 100.0, 2), "
    "attributed_pipeline = round(cost * (hash(channel || model) % 90) / 100.0, 2) "
    "where paid_media_cost > 0",
    "update marts.fct_social_roi set total_value = attributed_revenue + deflection_savings "
    "+ coalesce(ideas_value, 0)",
    "update marts.fct_social_roi set roi = (total_value - cost) / nullif(cost, 0), "
    "roas = attributed_revenue / nullif(paid_media_cost, 0)",
    "update marts.fct_social_roi as t set roi_min = r.lo, roi_max = r.hi from ("
    "select month, department, channel, campaign, min(roi) as lo, max(roi) as hi "
    "from marts.fct_social_roi group by all) as r "
    "where t.month = r.month and t.department = r.department and t.channel = r.channel "
    "and t.campaign is not distinct from r.campaign",
)


@pytest.fixture
def as_user(browser, server):
    """A page of the module's ``server`` logged in as ``credentials`` (None: anonymous), 1600x1200;
    contexts closed after the test."""
    contexts = []

    def open_page(credentials):
        context = browser.new_context(http_credentials=credentials,
                                      viewport={"width": 1600, "height": 1200})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def write_roi_snapshot(source: Path, dest: Path, *, varied: bool = True, empty: bool = False) -> Path:
    """A published warehouse file at ``dest`` holding meta.snapshot, marts.fct_social_roi and the
    attribution models (seeds.attribution_models) copied from ``source`` (the mart varied as
    VARIED_ROI says, or with no rows)."""
    from groundswell.warehouse import connect

    dest.parent.mkdir(parents=True, exist_ok=True)
    con = connect(dest)
    try:
        con.execute("attach ? as fixture (read_only)", [str(source)])
        for schema, table in (("meta", "snapshot"), ("meta", "semantic_layer"), ("marts", "fct_social_roi"),
                              ("seeds", "attribution_models")):
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select * from fixture.{schema}.{table} "
                        f"where {not (empty and schema == 'marts')}")
        if varied and not empty:
            for sql in VARIED_ROI:
                con.execute(sql)
    finally:
        con.close()
    return dest


@pytest.fixture(scope="session")
def varied_roi_home(published_home, tmp_path_factory) -> Path:
    """A home whose published snapshot is the varied Social ROI mart (VARIED_ROI)."""
    home = tmp_path_factory.mktemp("roi-varied") / "home"
    write_roi_snapshot(published_home / "published" / "warehouse.duckdb",
                       home / "published" / "warehouse.duckdb")
    return home


def snapshot_sql(home: Path, query: str, params: list | None = None) -> list[tuple]:
    """Rows of ``query`` on the snapshot published under ``home``: what a page should show."""
    from groundswell.warehouse import connect

    con = connect(home / "published" / "warehouse.duckdb", read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def message_without_marts(published_home: Path, tmp_path: Path, page, path: str, element_id: str) -> str:
    """The text a page shows on a snapshot holding only meta.snapshot and the ROI mart (none of
    the page's own marts): served from its own home, read once ``#element_id`` appears."""
    home = tmp_path / "home"
    write_roi_snapshot(published_home / "published" / "warehouse.duckdb",
                       home / "published" / "warehouse.duckdb", varied=False)
    with serving(home) as url:
        page.goto(url + path)
        page.locator(f"#{element_id}").wait_for(timeout=30_000)
        return page.locator(f"#{element_id}").inner_text()


def metric(home: Path, name: str):
    """The metric ``name`` as the snapshot's semantic layer defines it."""
    from groundswell.transform.semantic import SemanticLayer

    ((definitions,),) = snapshot_sql(home, "select definitions from meta.semantic_layer")
    return SemanticLayer.from_manifest(definitions).metric(name)


def shown(home: Path, name: str, value) -> str:
    """``value`` as the pages show the metric ``name``: its format in the snapshot's semantic layer."""
    return metric(home, name).format(value)


#: What an executive must not meet on a page: an identifier (snake_case) or a float nobody formatted.
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
RAW_FLOAT = re.compile(r"(?<![\d.])\d+\.\d{4,}\b")
#: Pseudonymised authors (p_ and 20 hex digits) are data, not identifiers.
PSEUDONYM = re.compile(r"^p_[0-9a-f]{8,}$")


def unreadable(page) -> tuple[list[str], list[str]]:
    """The snake_case identifiers and unformatted floats visible on ``page``: its text, the text
    of its charts, and its grids' headers. Text inside <code> is an identifier on purpose (a
    table name on Data health, a command to run) and is left out."""
    text = page.evaluate("""() => {
        const clone = document.body.cloneNode(true);
        clone.querySelectorAll('code, script, style').forEach(e => e.remove());
        const charts = Array.from(document.querySelectorAll('svg text')).map(t => t.textContent);
        return clone.innerText + '\\n' + charts.join('\\n');
    }""")
    snake = sorted({w for w in SNAKE_CASE.findall(text) if not PSEUDONYM.match(w)})
    return snake, sorted(set(RAW_FLOAT.findall(text)))
