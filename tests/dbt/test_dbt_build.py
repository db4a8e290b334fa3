"""dbt on tiny data: the marts hold exactly what the landed files say."""

from __future__ import annotations

import json

import pytest

from groundswell.land.demo.brands import ACCOUNTS, BRANDS
from groundswell.transform import dbt as transform
from groundswell.warehouse import connect


def owned_posts_in_files(landing) -> dict[str, dict]:
    """Owned posts counted straight from the file drops, independently of SQL."""
    brand_x_ids = {b.x_user_id: b.name for b in BRANDS}
    posts = {}
    for page_path in (landing / "x/tweets").rglob("*.json"):
        for t in json.loads(page_path.read_text())["data"]:
            if t["author_id"] in brand_x_ids and not t.get("referenced_tweets"):
                m = t["public_metrics"]
                posts[t["id"]] = {
                    "platform": "x", "brand": brand_x_ids[t["author_id"]],
                    "impressions": m["impression_count"],
                    "engagements": m["like_count"] + m["reply_count"] + m["retweet_count"]
                    + m["quote_count"],
                }
    for page_path in (landing / "facebook/posts").rglob("*.json"):
        for p in json.loads(page_path.read_text())["data"]:
            insights = {i["name"]: i["values"][0]["value"] for i in p["insights"]["data"]}
            posts[p["id"]] = {
                "platform": "facebook", "brand": p["from"]["name"],
                "impressions": insights["post_impressions"],
                "engagements": p["reactions"]["summary"]["total_count"]
                + p["comments"]["summary"]["total_count"] + p["shares"]["count"],
            }
    brand_of = {(a.platform, a.account_id): a.brand for a in ACCOUNTS}
    for page_path in (landing / "instagram/media").rglob("*.json"):
        for m in json.loads(page_path.read_text())["data"]:
            insights = {i["name"]: i["values"][0]["value"] for i in m["insights"]["data"]}
            posts[m["id"]] = {
                "platform": "instagram", "brand": brand_of[("instagram", m["owner"]["id"])],
                "impressions": insights["impressions"],
                "engagements": m["like_count"] + m["comments_count"] + insights["shares"],
            }
    for page_path in (landing / "linkedin/share_statistics").rglob("*.json"):
        for st in json.loads(page_path.read_text())["elements"]:
            t = st["totalShareStatistics"]
            posts[st["share"]] = {
                "platform": "linkedin", "brand": brand_of[("linkedin", st["organizationalEntity"])],
                "impressions": t["impressionCount"],
                "engagements": t["likeCount"] + t["commentCount"] + t["shareCount"],
            }
    shares: dict[str, int] = {}
    for report_path in (landing / "youtube/video_analytics").rglob("*.json"):
        for row in json.loads(report_path.read_text())["rows"]:
            shares[row[0]] = shares.get(row[0], 0) + row[6]
    for page_path in (landing / "youtube/videos").rglob("*.json"):
        for v in json.loads(page_path.read_text())["items"]:
            posts[v["id"]] = {
                "platform": "youtube", "brand": brand_of[("youtube", v["snippet"]["channelId"])],
                "impressions": None,  # YouTube reports views, not impressions
                "engagements": int(v["statistics"]["likeCount"]) + int(v["statistics"]["commentCount"])
                + shares.get(v["id"], 0),
            }
    return posts


def test_fct_post_performance_matches_the_files(use_published_home):
    settings = use_published_home
    expected = owned_posts_in_files(settings.landing_dir)
    con = connect(settings.warehouse_path, read_only=True)
    try:
        rows = con.execute(
            "select post_id, platform, brand, impressions, engagements, engagement_rate "
            "from marts.fct_post_performance").fetchall()
    finally:
        con.close()
    assert len(rows) == len(expected) > 50
    for post_id, platform, brand, impressions, engagements, rate in rows:
        want = expected[post_id]
        assert (platform, brand, impressions, engagements) == (
            want["platform"], want["brand"], want["impressions"], want["engagements"])
        assert rate == (None if impressions is None else pytest.approx(engagements / impressions))


def test_every_model_builds_before_any_source_has_landed(settings):
    transform.build(settings)
    con = connect(settings.warehouse_path, read_only=True)
    try:
        assert con.execute("select count(*) from marts.fct_post_performance").fetchone()[0] == 0
        assert con.execute("select count(*) from marts.dim_date").fetchone()[0] > 7000
    finally:
        con.close()


def test_unit_tests_run_and_pass(use_published_home):
    # `dbt test --select test_type:unit` fails the call if any unit test fails.
    results = transform.run_dbt(["test", "--select", "test_type:unit"], use_published_home)
    names = {r.node.name for r in results}
    assert {"fct_post_performance_engagement_rate_edge_cases",
            "stg_x__tweets_keeps_latest_landing_and_types_content",
            "dim_date_iso_weeks_and_quarters", "fct_feedback_actions_links_and_times",
            "agg_feedback_actions_hand_computed", "stg_feedback__actions_latest_change_wins",
            "fct_maturity_stage_boundaries_between_every_pair_of_stages", "fct_maturity_stage_history",
            "fct_maturity_assessment_reads_the_rubric",
            "fct_maturity_signals_counts_rates_and_survey"} <= names


def test_fct_feedback_actions_matches_the_action_log(use_published_home):
    """Every exported action, as its latest change says, linked to the mention or care message its
    reference names: read from the files, independently of SQL."""
    import csv

    landing = use_published_home.landing_dir
    latest: dict[str, dict] = {}
    for path in sorted((landing / "feedback/actions").rglob("*.csv")):
        for row in csv.DictReader(path.open()):
            if row["action_id"] not in latest or row["updated_at"] >= latest[row["action_id"]]["updated_at"]:
                latest[row["action_id"]] = row
    mentions = {}
    for path in (landing / "listening/mentions").rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            m = json.loads(line)
            mentions["mention:" + m["mention_id"]] = m["matched_brand"]
    brand_x_ids = {b.x_user_id: b.name for b in BRANDS}
    inbound = {}
    for path in (landing / "x/tweets").rglob("mentions-*.json"):
        for t in json.loads(path.read_text())["data"]:
            if t.get("in_reply_to_user_id") in brand_x_ids and not t.get("referenced_tweets"):
                inbound["x__tweets:" + t["id"]] = brand_x_ids[t["in_reply_to_user_id"]]
    feedback = mentions | inbound
    assert "ticket 4711" in {r["feedback_ref"] for r in latest.values()}  # the one malformed on purpose
    expected = {a: (r["feedback_ref"], r["status"], r["owner_department"], feedback.get(r["feedback_ref"]))
                for a, r in latest.items() if r["feedback_ref"] != "ticket 4711"}
    con = connect(use_published_home.warehouse_path, read_only=True)
    try:
        rows = con.execute("select action_id, feedback_ref, status, owner_department, brand, "
                           "is_feedback_found from marts.fct_feedback_actions").fetchall()
        quarantined = con.execute("select count(*) from raw.quarantine where source = 'feedback-actions' "
                                  "and reason like 'feedback_ref does not match%'").fetchone()[0]
    finally:
        con.close()
    assert quarantined == 1
    assert {a: (ref, status, dept, brand) for a, ref, status, dept, brand, _ in rows} == expected
    assert len(rows) > 100 and any(ref.startswith("x__tweets:") for _, ref, *_ in rows)
    assert [a for a, *_, found in rows if not found] == ["ACT-MANUAL-2"]  # names a mention never landed
