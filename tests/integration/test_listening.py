"""Listening and crisis early warning on the small demo: detection measured against the episodes
the generator injected (landing/_demo/episodes.json), and the hourly figures against the files."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest

from groundswell.land.demo import generate
from groundswell.land.landing import land_files, resolve_files
from groundswell.land.sources import get_source
from groundswell.transform import dbt as transform
from groundswell.transform.enrichment import enrich
from groundswell.warehouse import connect
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small demo's mentions (90 days, both brands and both competitors), landed, enriched and
    built up to the crisis episodes: the listening path alone, as the hourly DAG runs it."""
    settings = make_settings(tmp_path_factory.mktemp("listening") / "home")
    generate(settings.landing_dir, scale="small")
    source = get_source("listening-mentions")
    land_files(source.key, resolve_files(source, [settings.landing_dir / source.drop_dir]), settings)
    enrich(settings)
    transform.build(settings, "+fct_crisis_episodes +agg_mentions_hourly +dim_influencers")
    con = connect(settings.warehouse_path, read_only=True)
    yield settings, con
    con.close()


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))


def test_detection_precision_and_recall_against_the_injected_episodes(small):
    settings, con = small
    injected = json.loads((settings.landing_dir / "_demo" / "episodes.json").read_text())
    detected = con.execute("select episode_id, brand, kind, start_at, end_at, first_hijack_at "
                           "from marts.fct_crisis_episodes").fetchall()

    def overlaps(d, e) -> bool:
        return d[1] == e["brand"] and d[3] < _utc(e["end_at"]) and _utc(e["start_at"]) < d[4]

    found = [e for e in injected if any(overlaps(d, e) for d in detected)]
    true_alerts = [d for d in detected if any(overlaps(d, e) for e in injected)]
    recall = len(found) / len(injected)
    precision = len(true_alerts) / len(detected) if detected else 0.0
    print(f"\ncrisis detection, small demo: {len(injected)} injected, {len(detected)} detected, "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert len(injected) >= 6 and {e["kind"] for e in injected} == {"negative_spike", "hashtag_hijack"}
    assert precision >= 0.9 and recall >= 0.9
    # A hijack like #myNYPD: detected as one within 2 hours of its start.
    for e in (e for e in injected if e["kind"] == "hashtag_hijack"):
        hijacks = [d for d in detected if overlaps(d, e) and d[2] == "hashtag_hijack"]
        assert hijacks, e["episode_id"]
        assert min(d[5] for d in hijacks) <= _utc(e["start_at"]) + timedelta(hours=2), e["episode_id"]


def test_ordinary_days_never_alert(small):
    """The competitors get no injected crisis: their daily and weekly cycles alone raise nothing."""
    _, con = small
    competitors = con.execute("select count(*) from marts.fct_crisis_episodes "
                              "where brand in ('Fabrikam Airways', 'Litware Telecom')").fetchone()[0]
    assert competitors == 0


def test_hourly_volume_and_share_of_voice_match_the_files(small):
    settings, con = small
    counts: Counter = Counter()
    for path in (settings.landing_dir / "listening" / "mentions").rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            m = json.loads(line)
            counts[(m["matched_brand"], m["created_at"][:13])] += 1
    rows = con.execute("select brand, strftime(hour_at, '%Y-%m-%dT%H'), mentions, share_of_voice "
                       "from marts.agg_mentions_hourly").fetchall()
    assert {(b, h): n for b, h, n, _ in rows if n} == dict(counts)
    industry = {"Northwind Air": "airline", "Fabrikam Airways": "airline",
                "Contoso Mobile": "telecom", "Litware Telecom": "telecom"}
    for brand, hour, n, share in rows:
        peers = sum(counts[(b, hour)] for b, i in industry.items() if i == industry[brand])
        assert share == (pytest.approx(n / peers) if peers else None), (brand, hour)
    # Every hour of a brand from its first mention to its last is a row, the silent ones as zeros.
    per_brand = Counter(b for b, *_ in rows)
    assert set(per_brand.values()) == {90 * 24}


def test_influencers_match_an_independent_scoring(small):
    """dim_influencers recomputed in pandas from the mentions: every author of every brand."""
    import numpy as np

    _, con = small
    m = con.execute("select brand, platform, author_id, author_followers, mentioned_at, sentiment_score, "
                    "coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) as engagement "
                    "from marts.fct_mentions where brand is not null").df()
    key = ["brand", "platform", "author_id"]
    mart = con.execute("select * from marts.dim_influencers").df().set_index(key)
    m["week"] = m["mentioned_at"].dt.to_period("W-SUN").dt.start_time
    weeks = m.groupby("brand")["week"].agg(lambda w: (w.max() - w.min()).days // 7 + 1)
    latest = m.sort_values("mentioned_at").dropna(subset=["author_followers"]).groupby(key)[
        "author_followers"].last()
    a = m.groupby(key).agg(
        mentions=("week", "size"), engagement_received=("engagement", "sum"),
        avg_sentiment=("sentiment_score", "mean"), active_weeks=("week", "nunique"))
    a["reach"] = latest
    a["consistency"] = a["active_weeks"] / a.index.get_level_values("brand").map(weeks).to_numpy()
    by_brand = a.groupby(level="brand")
    n = by_brand["mentions"].transform("size")
    a["reach_score"] = (by_brand["reach"].transform(lambda r: r.fillna(0).rank(method="min")) - 1) / (n - 1)
    a["engagement_score"] = (by_brand["engagement_received"].rank(method="min") - 1) / (n - 1)
    a["influence_score"] = (a["reach_score"] + a["engagement_score"] + a["consistency"]) / 3
    a["stance"] = np.select([a["avg_sentiment"] >= 0.05, a["avg_sentiment"] <= -0.05],
                            ["advocate", "detractor"], "neutral")
    a["is_active"] = (a["active_weeks"] >= 2) & (a["mentions"] >= 3)

    assert len(mart) == len(a) > 10_000
    mart = mart.loc[a.index]
    for column in ("mentions", "engagement_received", "active_weeks", "stance", "is_active"):
        assert (mart[column].to_numpy() == a[column].to_numpy()).all(), column
    for column in ("consistency", "reach_score", "engagement_score", "influence_score"):
        assert np.allclose(mart[column], a[column], rtol=0, atol=1e-12), column
    roles = mart.groupby(["brand", "program_role"]).size().unstack()
    active = a[a["is_active"]].groupby(["brand", "stance"]).size().unstack()
    assert (roles["evangelist_candidate"] == active["advocate"].clip(upper=100)).all()
    assert (roles["detractor_watch"] == active["detractor"].clip(upper=100)).all()
    # The candidates are the most influential active advocates of their brand.
    for brand, rows in mart[mart["is_active"] & (mart["stance"] == "advocate")].groupby(level="brand"):
        best = rows.sort_values("influence_score", ascending=False).head(100)
        assert set(best.index) == set(rows[rows["program_role"] == "evangelist_candidate"].index), brand
