"""The demo generator: deterministic bytes, real API shapes, safe with real data."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from groundswell.demo import generate
from groundswell.demo.brands import brand_account_rows
from groundswell.demo.generator import DEMO_MARKER


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
