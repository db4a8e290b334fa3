"""Analyst corrections in headless Chromium: `groundswell serve` with three logins, an all-units
analyst, an all-units executive and an analyst of one Northwind Air unit, on a copy of the
published tiny demo enriched and rebuilt by `groundswell build` (the shared fixture is built
without enrichment, so its labels are NULL).

The analyst picks a mention on the Listening page (and a message on the Customer care page),
corrects its labels and saves: one CSV lands in the corrections log with the labels, the record
and the login. An executive sees no correction form, and the server refuses its correction
callback, posted directly; a restricted analyst cannot correct a record outside its units. Last,
the log is landed (`land_interval('label-corrections')`), `groundswell build` runs, and the page
shows the corrected labels, `label_source` analyst: that part needs enrichment to apply the
corrections (the assertions marked "needs enrich corrections")."""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from dashboards import access
from dashboards.labels import value as words
from dashboards.listening import queries as listening_queries
from dashboards.shared import figures as shared_figures
from dashboards.shared import queries as shared_queries
from groundswell.land.sources.corrections import LABELS, NEGATIVE_TYPES
from tests.conftest import make_settings
from tests.dashboards.conftest import GS, serving, snapshot_sql

ANALYST = {"username": "ana", "password": "ana pw"}
EXECUTIVE = {"username": "cfo", "password": "cfo:pw"}
NORTHWIND_ANALYST = {"username": "nw-analyst", "password": "nw pw"}
NORTHWIND_UNITS = ["northwind-passenger"]  # Northwind Air's X, Facebook, Instagram, YouTube
OWN, OTHER = "Northwind Air", "Contoso Mobile"
SAVED = "Saved: the correction applies at the next build"
TIMEOUT = 30_000


def _users() -> str:
    def login(credentials: dict, units, role: str | None) -> dict:
        hashed = generate_password_hash(credentials["password"], method="pbkdf2:sha256:1000")
        entry = {"password_hash": hashed, "business_units": units}
        return entry if role is None else {**entry, "role": role}
    return json.dumps({ANALYST["username"]: login(ANALYST, "*", "analyst"),
                       EXECUTIVE["username"]: login(EXECUTIVE, "*", None),  # no role: executive
                       NORTHWIND_ANALYST["username"]: login(NORTHWIND_ANALYST, NORTHWIND_UNITS, "analyst")})


def _build(home: Path) -> None:
    """`groundswell build` on ``home`` (enrichment, dbt build, gate, publish), as an operator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_DASHBOARD_")}
    env["GROUNDSWELL_HOME"] = str(home)
    log = home.parent / "build.log"
    with log.open("w") as out:  # a pipe nobody reads fills up and blocks the build
        done = subprocess.run([GS, "build"], env=env, stdout=out, stderr=subprocess.STDOUT, timeout=1200)
    assert done.returncode == 0, log.read_text()[-6000:]


@pytest.fixture(scope="module")
def home(published_home, tmp_path_factory) -> Path:
    """A copy of the published tiny demo home (its own landing folder, lake and warehouse),
    enriched and published again by `groundswell build`."""
    home = tmp_path_factory.mktemp("corrections-browser") / "home"
    subprocess.run(["cp", "-a", str(published_home), str(home)], check=True)
    _build(home)
    return home


@pytest.fixture(scope="module")
def server(home):
    with serving(home, users=_users()) as url:
        yield url


def _log(home: Path) -> set[Path]:
    """The files of the corrections log (every day's partition)."""
    folder = make_settings(home).landing_dir / LABELS.drop_dir
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def _written(home: Path, before: set[Path]) -> dict:
    """The one correction written since ``before``: its CSV row."""
    new = _log(home) - before
    assert len(new) == 1, new
    (path,) = new
    assert path.name.startswith("dashboard-") and path.suffix == ".csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1, rows
    return rows[0]


def _labels(home: Path, mention_id: str) -> tuple:
    """(sentiment_label, complaint_type, complaint_topic) of a mention in the published snapshot."""
    return snapshot_sql(home, "select sentiment_label, complaint_type, complaint_topic "
                              "from marts.fct_mentions where mention_id = ?", [mention_id])[0]


def _default_mentions(home: Path, order: str) -> tuple[str, list[str]]:
    """The brand the Listening page opens on and its mentions' ids in ``order``, as the grid shows
    them to an all-units user (the page's default brand and period)."""
    con = access.connect(home / "published" / "warehouse.duckdb", None)
    try:
        o = listening_queries.listening_options(con)
        brand = (o.own_brands or o.brands)[0]
        start = max(o.first_day, o.last_day - timedelta(days=29))
        return brand, listening_queries.mentions(con, brand, start, o.last_day, order)["mention_id"].tolist()
    finally:
        con.close()


def _click(page, grid: str, row: str, column: str) -> None:
    """Click a cell of a grid's row, as a user picks it (``row``: e.g. "[row-index='0']")."""
    page.locator(f"#{grid} .ag-center-cols-container .ag-row{row} [col-id='{column}']").click()


def _choose(page, dropdown: str, value: str) -> None:
    """Pick ``value`` in a dropdown, by the words it shows (late_flight: "Late flight")."""
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option", name=words(value), exact=True).click()
    page.keyboard.press("Escape")  # closed whether the pick closed it or not
    page.locator(f"#{dropdown}").filter(has_text=words(value)).wait_for(timeout=TIMEOUT)


def _options(page, dropdown: str) -> list[str]:
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option").first.wait_for(timeout=TIMEOUT)
    texts = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def _wait_type(page, prefix: str, value: str, disabled: bool) -> None:
    """The complaint type dropdown shows ``value`` (in words), disabled (forced) or not."""
    page.locator(f"#{prefix}-correction-type").filter(has_text=words(value)).wait_for(timeout=TIMEOUT)
    page.wait_for_function("([id, d]) => document.getElementById(id).disabled === d",
                           arg=[f"{prefix}-correction-type", disabled], timeout=TIMEOUT)


def _open_mentions(page, server: str, order: str, first_ids: list[str]) -> None:
    """The Listening page, its mentions grid ordered by ``order`` and showing ``first_ids`` first."""
    page.goto(server + "/listening")
    page.locator("#listening-mentions .ag-row").first.wait_for(timeout=TIMEOUT)
    if order != "negative":  # the page's default
        page.locator("#listening-mentions-order").get_by_text(shared_figures.MENTION_ORDER_LABELS[order]).click()
    page.wait_for_function(
        "ids => { const api = dash_ag_grid.getApi('listening-mentions'); return !!api && ids.every("
        "(id, i) => { const r = api.getDisplayedRowAtIndex(i); return !!r && r.data.mention_id === id; }); }",
        arg=first_ids, timeout=TIMEOUT)


def _target(current: tuple, topics: list[str]) -> tuple[str, str, str]:
    """Labels unlike the current ones: a negative text of another type, on another topic."""
    _sentiment, complaint_type, topic = current
    new_type = next(t for t in ("misinformation", "troll") if t != complaint_type)
    return "negative", new_type, next(t for t in topics if t != topic)


def _correct_a_mention(page, server: str, home: Path, index: int) -> tuple[str, tuple[str, str, str]]:
    """As the logged-in analyst: pick the ``index``-th most recent mention of the page's brand and
    correct it; the mention and the labels saved."""
    brand, ids = _default_mentions(home, "recent")
    mention_id = ids[index]
    _open_mentions(page, server, "recent", ids[:index + 1])
    _click(page, "listening-mentions", f"[row-id='{mention_id}']", "text")
    record = page.locator("#listening-correction-record")
    record.filter(has_text=mention_id).wait_for(timeout=TIMEOUT)
    current = _labels(home, mention_id)
    assert current[0] is not None, "the build enriched nothing: the form would start empty"
    # prefilled with the row's labels, as the snapshot has them
    assert page.locator("#listening-correction-sentiment").inner_text().strip() == words(current[0])
    _wait_type(page, "listening", current[1], disabled=current[0] != "negative")
    assert page.locator("#listening-correction-topic").inner_text().strip() == words(current[2])
    assert f"now {' / '.join(map(words, current))}" in record.inner_text()

    # only valid values: a non-negative sentiment forces its type; a negative one offers the four
    for sentiment in ("positive", "neutral"):
        _choose(page, "listening-correction-sentiment", sentiment)
        _wait_type(page, "listening", sentiment, disabled=True)
    _choose(page, "listening-correction-sentiment", "negative")
    page.wait_for_function("id => !document.getElementById(id).disabled",
                           arg="listening-correction-type", timeout=TIMEOUT)
    assert _options(page, "listening-correction-type") == [words(t) for t in NEGATIVE_TYPES]
    con = access.connect(home / "published" / "warehouse.duckdb", None)
    try:
        topics = shared_queries.correction_topics(con, brand)
    finally:
        con.close()
    assert _options(page, "listening-correction-topic") == [words(t) for t in topics]
    assert topics[-1] == "other"
    labels = _target(current, topics)
    _choose(page, "listening-correction-type", labels[1])
    _choose(page, "listening-correction-topic", labels[2])
    page.locator("#listening-correction-save").click()
    page.locator("#listening-correction-status").filter(has_text=SAVED).wait_for(timeout=TIMEOUT)
    return mention_id, labels


def test_an_analyst_corrects_a_mention_on_the_listening_page(server, home, as_user):
    before = _log(home)
    page = as_user(ANALYST)
    started = datetime.now(UTC).replace(tzinfo=None)
    mention_id, labels = _correct_a_mention(page, server, home, index=0)
    status = page.locator("#listening-correction-status").inner_text()
    assert status.startswith(SAVED) and "by ana" in status
    row = _written(home, before)
    (source,) = snapshot_sql(home, "select source from marts.fct_mentions where mention_id = ?",
                             [mention_id])[0]
    assert source == "listening__mentions"  # the tiny demo's mentions: record_id is the mention_id
    assert {k: v for k, v in row.items() if k != "corrected_at"} == {
        "source": source, "record_id": mention_id, "sentiment_label": labels[0],
        "complaint_type": labels[1], "complaint_topic": labels[2], "corrected_by": "ana"}
    at = datetime.fromisoformat(row["corrected_at"].replace("Z", ""))
    now = datetime.now(UTC).replace(tzinfo=None)
    assert started - timedelta(seconds=5) <= at <= now + timedelta(seconds=5)
    # picking another mention clears the status
    _click(page, "listening-mentions", "[row-index='1']", "text")
    page.locator("#listening-correction-status").filter(has_text=SAVED).wait_for(state="detached",
                                                                                  timeout=TIMEOUT)


def test_an_analyst_corrects_a_care_message(server, home, as_user):
    before = _log(home)
    page = as_user(ANALYST)
    page.goto(server + "/care")
    page.locator("#care-kpi-messages-value").filter(has_text="–").wait_for(state="detached", timeout=TIMEOUT)
    page.locator("#care-kpi-messages-card").click()
    page.locator("#care-drill-grid .ag-row").first.wait_for(timeout=TIMEOUT)
    first = page.evaluate("dash_ag_grid.getApi('care-drill-grid').getDisplayedRowAtIndex(0).data")
    _click(page, "care-drill-grid", "[row-index='0']", "channel")
    page.locator("#care-correction-record").filter(has_text=first["message_id"]).wait_for(timeout=TIMEOUT)
    sentiment, complaint_type, topic = snapshot_sql(
        home, "select sentiment_label, complaint_type, complaint_topic from marts.fct_care_messages "
              "where source = ? and message_id = ?", [first["source"], first["message_id"]])[0]
    assert page.locator("#care-correction-sentiment").inner_text().strip() == words(sentiment)
    assert page.locator("#care-correction-topic").inner_text().strip() == words(topic)
    new = "neutral" if sentiment == "positive" else "positive"
    _choose(page, "care-correction-sentiment", new)
    _wait_type(page, "care", new, disabled=True)  # forced: a positive or neutral text's type is its label
    page.locator("#care-correction-save").click()
    page.locator("#care-correction-status").filter(has_text=SAVED).wait_for(timeout=TIMEOUT)
    row = _written(home, before)
    assert {k: v for k, v in row.items() if k != "corrected_at"} == {
        "source": first["source"], "record_id": first["message_id"], "sentiment_label": new,
        "complaint_type": new, "complaint_topic": topic, "corrected_by": "ana"}  # the topic kept


def _save_request(page: str, row: dict, labels: tuple) -> dict:
    """The body the browser posts when Save is clicked on ``page`` (care or listening)."""
    grid = {"care": "care-drill-grid", "listening": "listening-mentions"}[page]
    prefix = f"{page}-correction"
    return {"output": f"{prefix}-status.children",
            "outputs": {"id": f"{prefix}-status", "property": "children"},
            "inputs": [{"id": f"{prefix}-save", "property": "n_clicks", "value": 1},
                       {"id": grid, "property": "selectedRows", "value": [row]}],
            "state": [{"id": f"{prefix}-{part}", "property": "value", "value": value}
                      for part, value in zip(("sentiment", "type", "topic"), labels, strict=True)],
            "changedPropIds": [f"{prefix}-save.n_clicks"]}


def _post(page, server: str, credentials: dict, body: dict) -> str:
    """What the server answers the correction callback, posted directly as ``credentials``."""
    token = base64.b64encode(f"{credentials['username']}:{credentials['password']}".encode()).decode()
    headers = {"Content-Type": "application/json", "Authorization": f"Basic {token}"}
    response = page.request.post(server + "/_dash-update-component", data=json.dumps(body), headers=headers)
    assert response.status == 200, response.text()
    return next(iter(response.json()["response"].values()))["children"]


def _a_mention(home: Path, brand: str) -> dict:
    source, mention_id = snapshot_sql(home, "select source, mention_id from marts.fct_mentions "
                                            "where brand = ? order by mentioned_at desc, mention_id limit 1",
                                      [brand])[0]
    return {"source": source, "mention_id": mention_id}


def _a_message(home: Path, brand: str) -> dict:
    source, message_id = snapshot_sql(home, "select source, message_id from marts.fct_care_messages "
                                            "where brand = ? order by received_at desc, message_id limit 1",
                                      [brand])[0]
    return {"source": source, "message_id": message_id}


def test_an_executive_sees_no_correction_form_and_the_server_refuses_its_corrections(server, home, as_user):
    page = as_user(EXECUTIVE)

    def no_form(prefix: str) -> None:
        for part in ("", "-record", "-sentiment", "-type", "-topic", "-save", "-status"):
            assert page.locator(f"#{prefix}-correction{part}").count() == 0, (prefix, part)
        assert "Save correction" not in page.content()

    page.goto(server + "/listening")
    page.locator("#listening-mentions .ag-row").first.wait_for(timeout=TIMEOUT)  # the grid: every login
    _click(page, "listening-mentions", "[row-index='0']", "text")
    no_form("listening")
    page.goto(server + "/care")
    page.locator("#care-kpi-messages-value").filter(has_text="–").wait_for(state="detached", timeout=TIMEOUT)
    page.locator("#care-kpi-messages-card").click()
    page.locator("#care-drill-grid .ag-row").first.wait_for(timeout=TIMEOUT)
    _click(page, "care-drill-grid", "[row-index='0']", "channel")
    page.locator("#care-conversation-title").filter(has_text="inbound message").wait_for(timeout=TIMEOUT)
    no_form("care")

    # The callback, posted as the browser would: refused for the executive, nothing written...
    before = _log(home)
    mention, message = _a_mention(home, OWN), _a_message(home, OWN)
    labels = ("negative", "rage", "other")
    for page_name, row in (("listening", mention), ("care", message)):
        answer = _post(page, server, EXECUTIVE, _save_request(page_name, row, labels))
        assert answer == shared_figures.CORRECTION_REFUSED, answer
    assert _log(home) == before
    # ...while the same request from an analyst is saved: the refusal is the role's
    answer = _post(page, server, ANALYST, _save_request("listening", mention, labels))
    assert answer.startswith(SAVED), answer
    row = _written(home, before)
    assert (row["record_id"], row["corrected_by"]) == (mention["mention_id"], "ana")


def test_a_restricted_analyst_corrects_only_what_its_units_show(server, home, as_user):
    page = as_user(NORTHWIND_ANALYST)
    before = _log(home)
    labels = ("negative", "unhappy_customer", "other")
    for page_name, row in (("listening", _a_mention(home, OTHER)), ("care", _a_message(home, OTHER))):
        answer = _post(page, server, NORTHWIND_ANALYST, _save_request(page_name, row, labels))
        assert answer == shared_figures.CORRECTION_NOT_SHOWN, (page_name, answer)
    assert _log(home) == before
    answer = _post(page, server, NORTHWIND_ANALYST, _save_request("care", _a_message(home, OWN), labels))
    assert answer.startswith(SAVED), answer
    assert _written(home, before)["corrected_by"] == "nw-analyst"


def test_the_next_landing_and_build_show_the_correction(server, home, as_user):
    """Correct a mention, land the log, build: the page shows the analyst's labels."""
    from groundswell.land.landing import land_interval

    page = as_user(ANALYST)
    mention_id, labels = _correct_a_mention(page, server, home, index=1)
    # Nothing reviewed in the published snapshot yet: the page says so beside net sentiment.
    page.locator("#listening-agreement").filter(has_text="not yet reviewed by analysts").wait_for(
        timeout=TIMEOUT)
    results = land_interval("label-corrections", settings=make_settings(home))
    assert sum(r.landed for r in results) >= 1
    assert sum(r.quarantined for r in results) == 0, results  # every correction the pages wrote is valid
    _build(home)

    _brand, ids = _default_mentions(home, "recent")
    assert ids.index(mention_id) == 1  # the same place: a correction does not move a mention in time
    _open_mentions(page, server, "recent", ids[:2])
    shown = page.evaluate("id => dash_ag_grid.getApi('listening-mentions').getRowNode(id).data", mention_id)
    # needs enrich corrections: the rebuilt marts carry the analyst's labels, label_source analyst
    assert _labels(home, mention_id) == labels
    assert snapshot_sql(home, "select label_source from marts.fct_mentions where mention_id = ?",
                        [mention_id])[0][0] == "analyst"
    assert (shown["sentiment_label"], shown["complaint_type"], shown["complaint_topic"]) == labels
    assert shown["label_source"] == "analyst"
    # Beside net sentiment: the agreement of the machine with the brand's reviewed mentions.
    brand = snapshot_sql(home, "select brand from marts.fct_mentions where mention_id = ?",
                         [mention_id])[0][0]
    reviewed, share = snapshot_sql(home, """
        select sum(reviewed), sum(agreed) / sum(reviewed) from marts.agg_label_agreement
        where brand = ? and domain = 'mentions' and label = 'sentiment_label'""", [brand])[0]
    assert reviewed >= 1
    page.locator("#listening-agreement").filter(
        has_text=f"VADER agrees with analysts on {share:.0%} of {reviewed:,} reviewed mentions.").wait_for(
        timeout=TIMEOUT)
    _click(page, "listening-mentions", f"[row-id='{mention_id}']", "text")
    record = page.locator("#listening-correction-record")
    record.filter(has_text="labels by analyst").wait_for(timeout=TIMEOUT)
