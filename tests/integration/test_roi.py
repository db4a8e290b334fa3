"""Social ROI on the tiny demo: identity, attribution and the ROI ledger, checked against
independent computations on the published marts."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from groundswell.config import PROJECT_ROOT
from groundswell.warehouse import connect, published
from tests.conftest import make_settings

#: The attribution models: every one the seed lists (dbt/seeds/attribution_models.csv).
with (PROJECT_ROOT / "dbt" / "seeds" / "attribution_models.csv").open(newline="") as _f:
    MODELS = {row["attribution_model"] for row in csv.DictReader(_f)}

#: Every money column of the ROI marts, with its type (docs/metrics.md#exact-money): amounts to the
#: cent, attributed amounts to 6 places, weights to 12, ratios to 6. No DOUBLE: a float sum follows
#: row order, and two builds of the same data would differ in the last bits.
AMOUNT, ATTRIBUTED = "DECIMAL(18,2)", "DECIMAL(38,6)"
WEIGHT, RATIO = "DECIMAL(13,12)", "DECIMAL(38,6)"
MONEY = {
    "fct_conversions": {"revenue": AMOUNT, "pipeline": AMOUNT},
    "fct_attribution": {"weight": WEIGHT, "attributed_revenue": ATTRIBUTED,
                        "attributed_pipeline": ATTRIBUTED},
    "fct_social_roi": {**dict.fromkeys(("cost", "paid_media_cost", "deflection_savings", "ideas_value"),
                                       AMOUNT),
                       **dict.fromkeys(("attributed_revenue", "attributed_pipeline", "total_value"),
                                       ATTRIBUTED),
                       **dict.fromkeys(("roi", "roas", "roi_min", "roi_max"), RATIO)},
}
#: ... and where they come from, in the writer: the staged amounts and the ROI assumptions.
SOURCES = {("staging", "stg_costs__program_costs"): {"amount": AMOUNT},
           ("staging", "stg_crm__deals"): {"amount": AMOUNT},
           ("staging", "stg_crm__orders"): {"amount": AMOUNT},
           ("seeds", "roi_assumptions"): {"value": AMOUNT}}


@pytest.fixture(scope="module")
def marts(published_home) -> dict[str, pd.DataFrame]:
    with published(make_settings(published_home)) as con:
        return {name: con.execute(f"select * from marts.{name}").df()
                for name in ("dim_social_identities", "fct_touchpoints", "fct_conversions",
                             "fct_attribution", "fct_social_roi")}


def test_identities_link_by_exact_keys_and_count_the_unmatched(marts, published_home):
    identities = marts["dim_social_identities"]
    assert set(identities["match_status"]) <= {"matched", "unmatched", "ambiguous"}
    counts = identities.groupby(["platform", "match_status"]).size()
    # Every platform has both: the demo CRM records some keys of some customers only.
    for platform in ("x", "facebook", "community"):
        assert counts[(platform, "matched")] > 0 and counts[(platform, "unmatched")] > 0
    # The CRM's own records, in clear, are in the writer only; the mart holds their pseudonyms.
    settings = make_settings(published_home)
    con = connect(settings.warehouse_path, read_only=True)
    try:
        contacts = con.execute("select contact_id, x_handle from staging.stg_crm__contacts "
                               "where x_handle is not null").df()
    finally:
        con.close()
    key = settings.pseudonym_key_value()

    def pseudonym(value: str) -> str:  # dbt/macros/pseudonymize.sql
        return "p_" + hashlib.sha256(f"{key}:{value}".encode()).hexdigest()[:20]

    matched = identities[identities["match_status"] == "matched"]
    assert matched["contact_id"].notna().all()
    assert identities.loc[identities["match_status"] != "matched", "contact_id"].isna().all()
    # An X author is matched exactly when the CRM records its handle, to that contact.
    by_handle = {pseudonym(h): pseudonym(c) for h, c in zip(contacts["x_handle"], contacts["contact_id"],
                                                            strict=True)}
    x = identities[identities["platform"] == "x"]
    assert (x["contact_id"].fillna("-") == x["key_value"].map(by_handle).fillna("-")).all()


def test_touches_belong_to_matched_contacts_and_their_departments(marts):
    touches = marts["fct_touchpoints"]
    identities = marts["dim_social_identities"]
    assert touches["touch_id"].is_unique
    assert set(touches["contact_id"]) <= set(identities["contact_id"].dropna())
    owners = touches.groupby("touch_type")["department"].unique().map(set).to_dict()
    assert owners["care_conversation"] == {"service"}
    assert owners["community_post"] == {"service"}
    assert owners["social_click"] <= {"marketing", "sales"}
    assert "sales" in owners["social_click"]  # social selling links (utm_medium social_selling)


def test_weights_sum_to_one_and_credit_is_conserved(marts):
    """Per conversion and model the weights sum to 1; per model the credited revenue and
    pipeline equal those of the conversions with a touch in the window (and no more)."""
    attribution = marts["fct_attribution"]
    conversions = marts["fct_conversions"].set_index("conversion_id")
    assert set(attribution["model"]) == MODELS
    sums = attribution.groupby(["conversion_id", "model"])["weight"].sum()
    assert ((sums - 1).abs() < 1e-9).all()
    assert attribution.groupby("conversion_id")["model"].nunique().eq(len(MODELS)).all()
    touched = conversions.loc[attribution["conversion_id"].unique()]
    assert touched["contact_id"].notna().all()
    for _model, rows in attribution.groupby("model"):
        assert rows["attributed_revenue"].sum() == pytest.approx(float(touched["revenue"].sum()), rel=1e-12)
        assert rows["attributed_pipeline"].sum() == pytest.approx(float(touched["pipeline"].sum()), rel=1e-12)
    untouched = conversions.drop(index=touched.index)
    assert len(untouched) > 0  # some conversions have no social touch: no social credit


def test_eligible_touches_are_the_contacts_within_the_lookback_window(marts):
    """Recount every conversion's eligible touches with pandas (90 days back, both ends in)."""
    attribution = marts["fct_attribution"]
    touches = marts["fct_touchpoints"]
    conversions = marts["fct_conversions"].dropna(subset=["contact_id"])
    pairs = conversions.merge(touches, on="contact_id")
    window = (pairs["touched_at"] <= pairs["converted_at"]) & (
        pairs["touched_at"] >= pairs["converted_at"] - pd.Timedelta(days=90))
    expected = pairs[window].groupby("conversion_id").size()
    got = attribution[attribution["model"] == "linear"].groupby("conversion_id").size()
    assert got.sort_index().equals(expected.sort_index())
    first = pairs[window].sort_values(["touched_at", "touch_id"]).groupby("conversion_id")["touch_id"].first()
    credited = attribution[(attribution["model"] == "first_touch") & (attribution["weight"] == 1)]
    assert credited.set_index("conversion_id")["touch_id"].sort_index().equals(first.sort_index())


def test_roi_ledger_adds_up_and_is_never_infinite(marts):
    roi = marts["fct_social_roi"]
    attribution = marts["fct_attribution"]
    assert set(roi["model"]) == MODELS
    for model, rows in roi.groupby("model"):
        credited = attribution.loc[attribution["model"] == model, "attributed_revenue"].sum()
        assert rows["attributed_revenue"].sum() == pytest.approx(credited, rel=1e-12)
    # Costs, savings and ideas are the same under every model.
    per_model = roi.groupby("model")[["cost", "deflection_savings", "ideas_adopted"]].sum()
    assert (per_model.nunique() == 1).all()
    assert roi.loc[roi["cost"] == 0, "roi"].isna().all()
    assert not roi["roi"].isin([float("inf"), float("-inf")]).any()
    with_cost = roi[roi["cost"] > 0]
    expected = (with_cost["total_value"] - with_cost["cost"]) / with_cost["cost"]
    # rounded to 6 places (docs/metrics.md#exact-money)
    assert ((with_cost["roi"] - expected).abs() <= 5e-7 + 1e-12).all()
    spread = roi.dropna(subset=["roi"])
    assert ((spread["roi_min"] <= spread["roi"] + 1e-12) & (spread["roi"] <= spread["roi_max"] + 1e-12)).all()
    assert set(roi["department"]) == {"marketing", "sales", "service"}
    assert roi.loc[roi["department"] == "service", "deflection_savings"].sum() > 0


def _types(con, schema: str, table: str) -> dict[str, str]:
    return dict(con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ? "
        "and not starts_with(column_name, '_') order by column_index", [schema, table]).fetchall())


def test_money_is_decimal_from_the_sources_to_the_marts(published_home):
    """Every money column has its documented DECIMAL type, and the money marts hold no float at
    all: a DOUBLE creeping back into any of their columns fails here."""
    settings = make_settings(published_home)
    with published(settings) as con:
        for table, money in MONEY.items():
            types = _types(con, "marts", table)
            assert {c: types.get(c) for c in money} == money, table
            assert not {c: t for c, t in types.items() if t in ("DOUBLE", "FLOAT", "REAL")}, table
    con = connect(settings.warehouse_path, read_only=True)
    try:
        for (schema, table), money in SOURCES.items():
            types = _types(con, schema, table)
            assert {c: types.get(c) for c in money} == money, table
    finally:
        con.close()


def test_credit_adds_up_exactly(published_home):
    """Per conversion and model the weights sum to exactly 1 and the credit to exactly the
    conversion's revenue and pipeline; no touch's credit is 0.000001 or more from its share."""
    with published(make_settings(published_home)) as con:
        off = con.execute("""
            select count(*) from (
                select a.conversion_id, a.model, sum(a.weight) as weights,
                       sum(a.attributed_revenue) as credited, sum(a.attributed_pipeline) as piped,
                       any_value(c.revenue) as revenue, any_value(c.pipeline) as pipeline
                from marts.fct_attribution as a
                inner join marts.fct_conversions as c using (conversion_id)
                group by all
            ) where weights <> 1 or credited <> revenue or piped <> pipeline""").fetchone()[0]
        far = con.execute("""
            select count(*) from marts.fct_attribution as a
            inner join marts.fct_conversions as c using (conversion_id)
            where abs(a.attributed_revenue - c.revenue::decimal(20, 2) * a.weight) >= 0.000001
               or abs(a.attributed_pipeline - c.pipeline::decimal(20, 2) * a.weight) >= 0.000001
            """).fetchone()[0]
        assert con.execute("select count(*) from marts.fct_attribution").fetchone()[0] > 0
    assert (off, far) == (0, 0)


@pytest.mark.slow
def test_identical_inputs_give_identical_money_marts(published_home, tmp_path):
    """The tiny demo built again, in another home, from the same files with the same pseudonym
    key: the money marts are the same, value for value, digit for digit (every column's text,
    rows in order), with the same types."""
    again = tmp_path / "again"
    # nothing of the first home's settings (an in-process build exports them): only its key
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDSWELL_", "DBT_"))}
    env = dict(base, GROUNDSWELL_HOME=str(again),
               GROUNDSWELL_PSEUDONYM_KEY=make_settings(published_home).pseudonym_key_value())
    gs = str(Path(sys.executable).parent / "groundswell")
    for command in (["generate", "--scale", "tiny"], ["land"], ["build"]):
        done = subprocess.run([gs, *command], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        for name, home in (("first", published_home), ("second", again)):
            con.execute(f"attach '{home / 'published' / 'warehouse.duckdb'}' as {name} (read_only)")
        for table in MONEY:
            columns = {}
            for name in ("first", "second"):
                columns[name] = dict(con.execute(
                    "select column_name, data_type from duckdb_columns() where database_name = ? and "
                    "schema_name = 'marts' and table_name = ? and not starts_with(column_name, '_') "
                    "order by column_index", [name, table]).fetchall())
            assert columns["first"] == columns["second"], table
            text = ", ".join(f'"{c}"::varchar' for c in columns["first"])
            first, second = (con.execute(f"select {text} from {name}.marts.{table} order by all").fetchall()
                             for name in ("first", "second"))
            assert len(first) > 0 and first == second, table
    finally:
        con.close()


def test_follower_quality_matches_the_files(published_home):
    """Followers per brand from the landed pages and the CRM export, without the warehouse:
    each account's latest snapshot (by the time in its file names), brand accounts left out,
    a follower matched when the CRM records its handle."""
    import csv
    import json

    from groundswell.land.demo.brands import ACCOUNTS

    settings = make_settings(published_home)
    x_accounts = {a.account_id: a.brand for a in ACCOUNTS if a.platform == "x"}
    pages: dict[str, dict[str, list]] = {}
    for path in (settings.landing_dir / "x" / "followers").rglob("followers-*.json"):
        _, account, stamp, _ = path.name.split("-")
        pages.setdefault(account, {}).setdefault(stamp, []).extend(json.loads(path.read_text())["data"])
    followers: dict[str, set[str]] = {}
    handles: dict[str, str] = {}
    for account, snapshots in pages.items():
        for user in snapshots[max(snapshots)]:
            if user["id"] not in x_accounts:
                followers.setdefault(x_accounts[account], set()).add(user["id"])
                handles[user["id"]] = user["username"].lower()
    contacts = {}
    for path in (settings.landing_dir / "crm" / "contacts").rglob("*.csv"):
        with path.open(newline="") as f:
            contacts |= {row["x_handle"].lower(): row for row in csv.DictReader(f) if row["x_handle"]}
    with (settings.dbt_project_dir / "seeds" / "brands.csv").open(newline="") as f:
        targets = {row["brand"]: set((row["target_segments"] or "").split("|")) for row in csv.DictReader(f)}

    with published(settings) as con:
        mart = con.execute("select brand, followers, matched_followers, customer_followers, "
                           "target_segment_followers from marts.agg_fan_quality where channel = 'x'").df()
        facebook = con.execute("select count(*) filter (where followers is not null) "
                               "from marts.agg_fan_quality where channel = 'facebook'").fetchone()[0]

    expected = []
    for brand, ids in sorted(followers.items()):
        rows = [contacts[handles[i]] for i in ids if handles[i] in contacts]
        expected.append((brand, len(ids), len(rows),
                         sum(r["lifecycle_stage"] == "customer" for r in rows),
                         sum(r["segment"] in targets[brand] for r in rows)))
    assert len(expected) == 2 and all(e[1] > 1000 and 0 < e[2] < e[1] for e in expected)
    assert sorted(mart.itertuples(index=False, name=None)) == expected
    assert facebook == 0  # no follower lists on Facebook: not measured
