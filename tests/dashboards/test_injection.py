"""No SQL from user input, and no server error from malformed input: injection strings and values of
the wrong type through EVERY input and state of EVERY callback (read from the app's own callback
map, so a new filter is covered without touching this test), one slot at a time, the others holding
the values the page's layout gives them (as a browser would send them), through the real Dash
endpoint, against the published tiny demo. Each answers 200 or 204 (a clean result or no update),
never a server error, and the marts are intact afterwards.

The one exception (docs/operations.md, "Security"): a request the browser can never send, a
non-string pathname or search (or a pathname not under "/") for Dash's own routing callback, or a
callback that only runs in the browser (clientside), is refused by groundswell.serve.web with 400 Bad
Request, and the test demands exactly that."""

from __future__ import annotations

import base64

import dash
import duckdb
import pytest

from groundswell.config import Settings
from groundswell.serve.web import create_server
from tests.conftest import bench_script

PAYLOADS = [
    None, 3.5, "0001-01-01", "9999-12-31",  # dates at the ends of the calendar: clamped, no overflow
    "'; drop table marts.fct_post_performance; --", "' or 1=1 --", '"', "\\", "\u00e9\u4e2d\U0001f600'",
    "x" * 10_000, ["' or 1=1 --", "'; drop table marts.fct_care_messages; --", '"', "\\"],
    {"points": [{"customdata": ["'; drop table x; --", "' or 1=1"], "x": "' or 1=1 --"}]},
    [{"brand": "' or 1=1 --", "source": "'; drop table marts.fct_care_messages; --",
      "message_id": "' or '1'='1", "platform": '"', "author_id": "\\"}],
]
HEADERS = {"Authorization": "Basic " + base64.b64encode(b"admin:pw").decode()}
DASH = bench_script("dashboard")  # Dash's callback protocol: walk, outputs, routing_request
PAGES_CONTENT, PAGES_STORE, PAGES_LOCATION = DASH.PAGES_CONTENT, DASH.PAGES_STORE, DASH.PAGES_LOCATION
ROUTING_OUTPUT = DASH.ROUTING_OUTPUT
#: What the browser's location sends on the home page (dcc.Location has no value in the layout).
LOCATION = {PAGES_LOCATION: {"pathname": "/", "search": ""}}
_outputs, _walk = DASH.outputs, DASH.walk


def _page_components(client, path: str) -> dict:
    """id -> props of every component of the page at ``path``, as the routing callback lays it out
    (its queries run), plus the app shell's."""
    response = client.post("/_dash-update-component", headers=HEADERS, json=DASH.routing_request(path))
    assert response.status_code == 200, (path, response.status_code)
    components: dict = {}
    _walk(client.get("/_dash-layout", headers=HEADERS).get_json(), components)
    _walk(response.get_json()["response"][PAGES_CONTENT]["children"], components)
    for component_id, props in LOCATION.items():
        components[component_id] = {**components.get(component_id, {}), **props}
    return components


def _defaults(dep: dict, pages: list[dict]) -> dict:
    """The components of the page holding most of the callback's inputs and state (None where the
    layout gives a property no value, or no page holds the component)."""
    ids = {d["id"] for d in [*dep["inputs"], *dep["state"]]}
    return max(pages, key=lambda components: len(ids & components.keys()))


def _never_sent(dep: dict, target: dict, payload) -> bool:
    """A request no browser sends: a clientside callback's (it runs in the browser), or, for Dash's
    routing callback, a location that is not window.location's: a non-string pathname or search,
    or a pathname outside the app (not starting with "/")."""
    if dep.get("clientside_function"):
        return True
    if target["id"] != PAGES_LOCATION:
        return False
    return not isinstance(payload, str) or (target["property"] == "pathname" and not payload.startswith("/"))


def _counts(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("select schema_name || '.' || table_name, estimated_size "
                                "from duckdb_tables() order by 1").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def client(published_home):
    settings = Settings(home=published_home, dashboard_user="admin", dashboard_password="pw")
    import os
    old = os.environ.get("GROUNDSWELL_HOME")
    os.environ["GROUNDSWELL_HOME"] = str(published_home)
    try:
        yield create_server(settings, demo_mode=False).test_client()
    finally:
        if old is None:
            os.environ.pop("GROUNDSWELL_HOME", None)
        else:
            os.environ["GROUNDSWELL_HOME"] = old


def test_injection_strings_through_every_callback_input(client, published_home):
    path = published_home / "published" / "warehouse.duckdb"
    before = _counts(path)
    deps = client.get("/_dash-dependencies", headers=HEADERS).get_json()
    assert len(deps) >= 20
    by_path = {page["relative_path"]: _page_components(client, page["relative_path"])
               for page in dash.page_registry.values()}
    pages = list(by_path.values())
    assert {"overview-dates", "care-dates", "influencers-role"} <= {i for p in pages for i in p}
    assert by_path["/"]["overview-grain"]["value"] == "week"  # the layout's own values, not None
    assert by_path["/care"]["care-dates"]["start_date"]
    failures, driven, refused = [], 0, 0
    for dep in deps:
        components = _defaults(dep, pages)
        slots = [(kind, i) for kind in ("inputs", "state") for i in range(len(dep[kind]))]
        for kind, index in slots:
            for payload in PAYLOADS:
                body = {"output": dep["output"], "outputs": _outputs(dep["output"]),
                        **{k: [dict(x, value=components.get(x["id"], {}).get(x["property"]))
                               for x in dep[k]] for k in ("inputs", "state")}}
                body[kind][index]["value"] = payload
                target = body[kind][index]
                body["changedPropIds"] = [f"{target['id']}.{target['property']}"] if kind == "inputs" else [
                    f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"]
                response = client.post("/_dash-update-component", json=body, headers=HEADERS)
                driven += 1
                expected = (400,) if _never_sent(dep, target, payload) else (200, 204)
                refused += expected == (400,)
                if response.status_code not in expected:
                    failures.append((dep["output"][:60], target["id"], target["property"], str(payload)[:40],
                                     response.status_code))
    assert driven > 400 and refused > 10
    assert _counts(path) == before  # nothing dropped, nothing written
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*) from marts.fct_post_performance").fetchone()[0] > 0
    con.close()
    print("\n".join(sorted({" | ".join(map(str, f[:3] + (f[4],))) for f in failures})))
    assert not failures, sorted({f[:3] + (f[4],) for f in failures})


def _routing(pathname, search="") -> dict:
    return {"output": ROUTING_OUTPUT, "outputs": _outputs(ROUTING_OUTPUT),
            "inputs": [{"id": PAGES_LOCATION, "property": "pathname", "value": pathname},
                       {"id": PAGES_LOCATION, "property": "search", "value": search}],
            "changedPropIds": [f"{PAGES_LOCATION}.pathname"], "state": []}


MATURITY = "..maturity-stages.rowData...maturity-dimensions.figure...maturity-history.figure.."


@pytest.mark.parametrize("body", [
    "not json", ["a", "list"], {"inputs": []}, {"output": "no-such.children", "inputs": []},
    {"output": "_pages_dummy.children", "inputs": [{"id": PAGES_STORE, "property": "data", "value": {}}]},
    {"output": MATURITY, "inputs": "maturity-quarter"},
    {"output": MATURITY, "inputs": [{"id": "maturity-quarter", "value": None}]},
    {"output": MATURITY, "inputs": [], "state": {"a": 1}},
    {"output": MATURITY, "inputs": [{"id": "maturity-quarter", "property": "value", "value": None}],
     "changedPropIds": [{"id": 1}]},
    _routing(None), _routing("/", None), _routing(["/"]), _routing({"a": 1}, ""), _routing("/", 3),
    _routing("care"), _routing(""),
], ids=lambda body: str(body)[:50])
def test_a_request_no_browser_sends_is_a_bad_request(client, body):
    """Dash's own endpoint answers 500 (a KeyError, an UnsupportedRelativePath...) to these; the
    server refuses them first, with 400 and the reason, and only after the login."""
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}
    response = client.post("/_dash-update-component", headers=HEADERS, **kwargs)
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("bad callback request: ")
    assert client.post("/_dash-update-component", **kwargs).status_code == 401


def test_the_browsers_own_requests_pass_the_check(client):
    for pathname, search in (("/", ""), ("/care", "?a=1"), ("/no/such/page", ""), ("/'; drop --", "?'=\\")):
        assert client.post("/_dash-update-component", headers=HEADERS,
                           json=_routing(pathname, search)).status_code == 200, pathname
    body = {"output": MATURITY, "outputs": _outputs(MATURITY), "changedPropIds": ["maturity-quarter.value"],
            "inputs": [{"id": "maturity-quarter", "property": "value", "value": None}]}  # no "state": fine
    assert client.post("/_dash-update-component", headers=HEADERS, json=body).status_code == 200
