"""No SQL from user input: injection strings through EVERY input and state of EVERY callback (read
from the app's own callback map, so a new filter is covered without touching this test), through
the real Dash endpoint, against the published tiny demo. Each answers 200 or 204 (a clean result
or no update), never a server error, and the marts are intact afterwards."""

from __future__ import annotations

import base64

import duckdb
import pytest

from groundswell.config import Settings
from groundswell.web import create_server

PAYLOADS = [
    "'; drop table marts.fct_post_performance; --", "' or 1=1 --", '"', "\\", "\u00e9\u4e2d\U0001f600'",
    "x" * 10_000, ["' or 1=1 --", "'; drop table marts.fct_care_messages; --", '"', "\\"],
    {"points": [{"customdata": ["'; drop table x; --", "' or 1=1"], "x": "' or 1=1 --"}]},
    [{"brand": "' or 1=1 --", "source": "'; drop table marts.fct_care_messages; --",
      "message_id": "' or '1'='1", "platform": '"', "author_id": "\\"}],
]
HEADERS = {"Authorization": "Basic " + base64.b64encode(b"admin:pw").decode()}


def _outputs(output: str) -> list[dict] | dict:
    """The outputs as Dash's renderer sends them: a list for a multi-output callback."""
    def one(part: str) -> dict:
        return {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
    return [one(p) for p in output[2:-2].split("...")] if output.startswith("..") else one(output)


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


@pytest.mark.xfail(strict=True, reason="several callbacks still answer 500 (an unhandled ValueError or "
                   "TypeError, not SQL) on malformed dates, clicks and selections: harden them, then "
                   "remove this mark (strict: the test fails as soon as they are all fixed)")
def test_injection_strings_through_every_callback_input(client, published_home):
    path = published_home / "published" / "warehouse.duckdb"
    before = _counts(path)
    deps = client.get("/_dash-dependencies", headers=HEADERS).get_json()
    assert len(deps) >= 20
    failures, driven = [], 0
    for dep in deps:
        slots = [(kind, i) for kind in ("inputs", "state") for i in range(len(dep[kind]))]
        for kind, index in slots:
            for payload in PAYLOADS:
                body = {"output": dep["output"], "outputs": _outputs(dep["output"]),
                        "inputs": [dict(x, value=None) for x in dep["inputs"]],
                        "state": [dict(x, value=None) for x in dep["state"]]}
                body[kind][index]["value"] = payload
                target = body[kind][index]
                body["changedPropIds"] = [f"{target['id']}.{target['property']}"] if kind == "inputs" else [
                    f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"]
                response = client.post("/_dash-update-component", json=body, headers=HEADERS)
                driven += 1
                if response.status_code not in (200, 204):
                    failures.append((dep["output"][:60], target["id"], target["property"], str(payload)[:40],
                                     response.status_code))
    assert driven > 300
    assert _counts(path) == before  # nothing dropped, nothing written
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*) from marts.fct_post_performance").fetchone()[0] > 0
    con.close()
    print("\n".join(sorted({" | ".join(map(str, f[:3] + (f[4],))) for f in failures})))
    assert not failures, sorted({f[:3] + (f[4],) for f in failures})
