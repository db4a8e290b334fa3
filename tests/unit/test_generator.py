"""The demo generator: deterministic bytes, real API shapes, safe with real data."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from groundswell.land.demo import generate
from groundswell.land.demo.brands import brand_account_rows
from groundswell.land.demo.generator import DEMO_MARKER


def digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_writes_the_same_bytes(tmp_path):
    a = generate(tmp_path / "a", seed=7, scale="tiny")
    b = generate(tmp_path / "b", seed=7, scale="tiny")
    assert a.files == b.files > 50
    assert digest_tree(tmp_path / "a") == digest_tree(tmp_path / "b")


def test_another_seed_writes_other_data(tmp_path):
    generate(tmp_path / "a", seed=7, scale="tiny")
    generate(tmp_path / "b", seed=8, scale="tiny")
    assert digest_tree(tmp_path / "a") != digest_tree(tmp_path / "b")


def test_x_pages_follow_the_api_v2_shape(tmp_path):
    generate(tmp_path, scale="tiny")
    pages = sorted((tmp_path / "x/tweets").rglob("*.json"))
    assert pages
    users_seen = 0
    for page_path in pages:
        page = json.loads(page_path.read_text())
        assert set(page) >= {"data", "includes", "meta"}
        assert 1 <= len(page["data"]) <= 100
        assert page["meta"]["result_count"] == len(page["data"])
        user_ids = {u["id"] for u in page["includes"]["users"]}
        for tweet in page["data"]:
            assert {"id", "text", "author_id", "created_at", "public_metrics"} <= set(tweet)
            assert tweet["author_id"] in user_ids
            assert "_media" not in tweet
            for ref in tweet.get("referenced_tweets", []):
                assert ref["type"] == "replied_to"
        users_seen += len(user_ids)
        media_keys = {m["media_key"] for m in page["includes"].get("media", [])}
        for tweet in page["data"]:
            for key in tweet.get("attachments", {}).get("media_keys", []):
                assert key in media_keys
    assert users_seen > 0


def test_threads_link_replies_to_parents(tmp_path):
    generate(tmp_path, scale="tiny")
    tweets = {}
    for page_path in (tmp_path / "x/tweets").rglob("mentions-*.json"):
        for t in json.loads(page_path.read_text())["data"]:
            tweets[t["id"]] = t
    replies = [t for t in tweets.values() if t.get("referenced_tweets")]
    assert replies
    for reply in replies:
        parent_id = reply["referenced_tweets"][0]["id"]
        if parent_id in tweets:  # a parent written before the window may be absent
            parent = tweets[parent_id]
            assert parent["conversation_id"] == reply["conversation_id"]
            assert parent["created_at"] <= reply["created_at"] or parent["created_at"] == "yesterday"


def test_brand_accounts_seed_matches_the_demo_brands():
    seed = Path(__file__).resolve().parents[2] / "dbt" / "seeds" / "brand_accounts.csv"
    with seed.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(rows, key=str) == sorted(brand_account_rows(), key=str)


def test_refuses_to_clear_a_landing_area_it_did_not_write(tmp_path):
    real = tmp_path / "x/tweets/dt=2026-01-01"
    real.mkdir(parents=True)
    (real / "page.json").write_text("{}")
    with pytest.raises(FileExistsError, match="did not write"):
        generate(tmp_path, scale="tiny")
    assert (real / "page.json").exists()


def test_rerun_replaces_its_own_drop_folders(tmp_path):
    generate(tmp_path, scale="small")
    assert (tmp_path / DEMO_MARKER).exists()
    result = generate(tmp_path, scale="tiny")
    days = {p.name for p in (tmp_path / "crm/deals").iterdir()}
    assert len(days) == 14
    assert result.start_date.isoformat() == min(days).removeprefix("dt=")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, scale="tiny")
    return out


def rows_of(folder: Path, pattern: str) -> list[dict]:
    rows = []
    for path in sorted(folder.rglob(pattern)):
        if path.suffix == ".csv":
            with path.open(newline="") as f:
                rows += list(csv.DictReader(f))
        else:
            rows += [json.loads(line) for line in path.read_text().splitlines() if line]
    return rows


def test_every_generated_source_gets_files(tiny):
    from groundswell.land.demo.generator import DEMO_SOURCES
    from groundswell.land.sources import SOURCES

    for key in DEMO_SOURCES:
        source = SOURCES[key]
        assert list((tiny / source.drop_dir).rglob(source.file_pattern)), key


def test_the_same_customers_appear_across_families(tiny):
    contacts = rows_of(tiny / "crm/contacts", "*.csv")
    by_handle = {c["x_handle"]: c for c in contacts if c["x_handle"]}
    by_email = {c["email_sha256"]: c for c in contacts}
    members = {c["community_user_id"] for c in contacts if c["community_user_id"]}
    # X conversations: customer authors are CRM contacts (handle c000042 <-> contact C000042).
    authors = set()
    for page in (tiny / "x/tweets").rglob("mentions-*.json"):
        authors |= {u["username"] for u in json.loads(page.read_text())["includes"]["users"]
                    if u["username"].startswith("c")}
    assert authors and len(authors & set(by_handle)) / len(authors) > 0.4
    assert all(by_handle[h]["contact_id"] == "C" + h[1:] for h in authors & set(by_handle))
    # Web sessions carry the hashed login e-mail of the same contacts.
    sessions = rows_of(tiny / "web/sessions", "*.csv")
    hashed = {s["email_sha256"] for s in sessions if s["email_sha256"]}
    assert hashed and hashed <= set(by_email)
    # Community members and listening authors are the same people.
    threads = rows_of(tiny / "community/threads", "*.jsonl")
    assert {t["author_user_id"] for t in threads} & members
    mentions = rows_of(tiny / "listening/mentions", "*.jsonl")
    assert {m["author"]["handle"] for m in mentions} & set(by_handle)
    # Deals and orders point at existing contacts.
    ids = {c["contact_id"] for c in contacts}
    assert {d["contact_id"] for d in rows_of(tiny / "crm/deals", "*.csv")} <= ids
    assert {o["contact_id"] for o in rows_of(tiny / "crm/orders", "*.csv")} <= ids


def test_mentions_follow_a_daily_and_weekly_cycle(tiny):
    from collections import Counter
    from datetime import datetime

    mentions = rows_of(tiny / "listening/mentions", "*.jsonl")
    hours = Counter(int(m["created_at"][11:13]) for m in mentions)
    assert hours[15] > 3 * hours[3]  # afternoon peak, quiet night
    days = Counter(datetime.fromisoformat(m["created_at"][:10]).isoweekday() for m in mentions)
    assert (days[2] + days[3]) / 2 > 1.15 * (days[6] + days[7]) / 2
    followers = sorted(m["author"]["followers"] for m in mentions)
    assert followers[-len(followers) // 100] > 20 * followers[len(followers) // 2]  # heavy tail


def test_injected_episodes_are_recorded_and_stand_out(tiny):
    from collections import Counter

    episodes = json.loads((tiny / "_demo" / "episodes.json").read_text())
    assert {e["kind"] for e in episodes} == {"negative_spike", "hashtag_hijack"}
    mentions = rows_of(tiny / "listening/mentions", "*.jsonl")
    per_hour = Counter((m["matched_brand"], m["created_at"][:13]) for m in mentions)
    for e in episodes:
        assert e["start_at"] < e["peak_at"] < e["end_at"]
        peak = per_hour[(e["brand"], e["peak_at"][:13])]
        # the same hour of the day on the days the episode did not touch
        quiet = [n for (brand, hour), n in per_hour.items()
                 if brand == e["brand"] and hour[11:13] == e["peak_at"][11:13]
                 and not e["start_at"][:10] <= hour[:10] <= e["end_at"][:10]]
        assert quiet and peak > 3 * max(quiet), e["episode_id"]
        if e["kind"] == "hashtag_hijack":
            hijacked = [m for m in mentions if e["hashtag"] in m["hashtags"]
                        and e["start_at"][:13] <= m["created_at"][:13] < e["end_at"][:13]]
            assert len(hijacked) > 20


def test_business_units_sit_at_every_stage_and_two_move(tmp_path):
    from groundswell.land.demo.brands import BUSINESS_UNITS, STAGES

    finals = {u.stage_in(0) for u in BUSINESS_UNITS}
    history = {s for u in BUSINESS_UNITS for s in u.stages}
    assert history == set(STAGES)
    ranks = {s: i for i, s in enumerate(STAGES)}
    moves = [ranks[u.stages[-1]] - ranks[u.stages[0]] for u in BUSINESS_UNITS]
    assert any(m > 0 for m in moves) and any(m < 0 for m in moves)
    assert "dormant" in finals
    # The survey follows the stage; the dormant unit never answers.
    generate(tmp_path, scale="small")
    answers = rows_of(tmp_path / "survey", "*.csv")
    units = {u.key: u for u in BUSINESS_UNITS}
    assert {a["business_unit"] for a in answers} == {k for k, u in units.items() if u.answers_survey}
    yes = {a["business_unit"]: sum(v == "yes" for v in a.values()) for a in answers
           if a["quarter"] == max(x["quarter"] for x in answers)}
    assert yes["northwind-passenger"] > yes["contoso-business"]
