"""The hourly listening run is incremental (fct_mentions, agg_mentions_hourly, agg_crisis_hours;
fct_crisis_episodes from the hours), and so are the influencers' authors (agg_influencer_authors,
built by the daily build, not the hourly run): after new days, a late mention for an old hour and a
re-landed day (changed engagement, a mention gone, one moved to another hour, one to another brand),
the incremental marts equal a --full-refresh build of the same data, row for row."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pytest

from groundswell.land.demo import generate
from groundswell.run import orchestration
from groundswell.transform import dbt as transform
from groundswell.transform.enrichment import enrich
from groundswell.warehouse import connect
from tests.conftest import make_settings

#: What the listen DAG builds each hour, and what the daily build adds of listening.
HOURLY = "+fct_crisis_episodes"
SELECT = "+fct_crisis_episodes +dim_influencers"
#: model -> its key columns; every column but `_built_at` is compared.
MARTS = {
    "marts.fct_mentions": "mention_id",
    "marts.agg_mentions_hourly": "brand, hour_at",
    "marts.agg_crisis_hours": "brand, hour_at",
    "marts.fct_crisis_episodes": "episode_id",
    "marts.agg_influencer_authors": "brand, platform, author_id",
    "marts.dim_influencers": "brand, platform, author_id",
}
#: Rebuilt whole from the incremental tables at each run: no `_built_at`.
WHOLE = {"marts.fct_crisis_episodes", "marts.dim_influencers"}
HELD_BACK = (date(2026, 10, 30), date(2026, 10, 31))
RELANDED = date(2026, 10, 27)  # inside the tiny demo's Contoso Mobile episode


def _hour(settings, day: date) -> dict:
    """The listen DAG's land and enrich tasks for an hour of `day`, then its dbt selection."""
    landed = orchestration.land_listening_day(datetime(day.year, day.month, day.day, 12))
    enrich(settings)
    transform.build(settings, HOURLY)
    return landed


def _rewrite(path, edit) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    path.write_text("".join(json.dumps(r) + "\n" for r in edit(rows)))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("listening-incremental") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("GROUNDSWELL_HOME", str(home))
    settings = make_settings(home)
    generate(settings.landing_dir, scale="tiny")
    drops = settings.landing_dir / "listening" / "mentions"
    aside = home.parent / "aside"
    aside.mkdir()
    for day in HELD_BACK:
        shutil.move(drops / f"dt={day}", aside / f"dt={day}")
    # The history: every other day landed (one batch per day, as the DAG lands them) and built.
    orchestration.land_source("listening-mentions", None, None, scope="all")
    enrich(settings)
    transform.build(settings, SELECT)

    # A new day, with a mention of an old hour that the tool found late, and a mention of an
    # older day exported again with another time (it moves to another hour).
    shutil.move(aside / f"dt={HELD_BACK[0]}", drops / f"dt={HELD_BACK[0]}")
    late = {"mention_id": "x-999000111", "platform": "x", "matched_brand": "Northwind Air",
            "created_at": "2026-10-21T12:34:00Z", "url": None,
            "text": "@NorthwindAir lost my bag again, worst airline ever, never flying you again!!",
            "lang": "en", "author": {"id": "late1", "handle": "late1", "followers": 10},
            "hashtags": ["NorthwindStories"], "engagement": {"likes": 3, "shares": 1, "replies": 0}}
    repeated = json.loads((drops / "dt=2026-10-22" / "mentions.jsonl").read_text().splitlines()[5])
    repeated["created_at"] = "2026-10-23T03:15:00Z"
    late_file = drops / f"dt={HELD_BACK[0]}" / "late.jsonl"
    late_file.write_text(json.dumps(late) + "\n" + json.dumps(repeated) + "\n")
    # An old day exported again: one negative mention got far more engagement, one is gone, one
    # moved three hours later, one now matches another brand.
    changed: dict[str, str] = {}
    con = connect(settings.warehouse_path, read_only=True)
    negative_ids = {r[0] for r in con.execute(
        "select mention_id from marts.fct_mentions where brand = 'Contoso Mobile' "
        "and sentiment_label = 'negative' and mentioned_at::date = ?", [RELANDED]).fetchall()}
    con.close()

    def edit(rows):
        negative = [r for r in rows if r["mention_id"] in negative_ids]
        boosted, gone, moved, rebranded = negative[0], negative[1], negative[2], negative[3]
        boosted["engagement"]["likes"] = (boosted["engagement"]["likes"] or 0) + 100000
        moved["created_at"] = moved["created_at"].replace("T0", "T1", 1) if "T0" in moved["created_at"] \
            else moved["created_at"].replace("T1", "T0", 1)
        rebranded["matched_brand"] = "Litware Telecom"
        changed.update(boosted=boosted["mention_id"], gone=gone["mention_id"], moved=moved["mention_id"],
                       rebranded=rebranded["mention_id"])
        return [r for r in rows if r is not gone]

    _rewrite(drops / f"dt={RELANDED}" / "mentions.jsonl", edit)
    first = _hour(settings, HELD_BACK[0])
    relanded = orchestration.land_listening_day(datetime(RELANDED.year, RELANDED.month, RELANDED.day, 5))
    enrich(settings)
    transform.build(settings, SELECT)
    # The new day exported again: the late mention withdrawn, the repeated one moved once more.
    repeated["created_at"] = "2026-10-24T05:45:00Z"
    late_file.write_text(json.dumps(repeated) + "\n")
    _hour(settings, HELD_BACK[0])

    # The next day, landed twice (the hourly run re-lands the day each hour).
    shutil.move(aside / f"dt={HELD_BACK[1]}", drops / f"dt={HELD_BACK[1]}")
    _hour(settings, HELD_BACK[1])
    _hour(settings, HELD_BACK[1])
    # The daily build: the influencers catch up on every hourly run since the last one (the rows
    # int_mentions_replaced kept for them), and nothing else has changed.
    con = connect(settings.warehouse_path, read_only=True)
    kept_for = {name: con.execute(f"select max(_built_at) from {name}").fetchone()[0]
                for name in ("marts.agg_mentions_hourly", "marts.agg_influencer_authors")}
    con.close()
    transform.build(settings, SELECT)

    con = connect(settings.warehouse_path)
    try:
        built = {name: con.execute(f"select count(*) filter (where _built_at = (select max(_built_at) "
                                   f"from {name})), count(*) from {name}").fetchone()
                 for name in MARTS if name not in WHOLE}
        # what int_mentions_replaced still holds: (rows, rows both readers had read before the run)
        replaced = con.execute(
            "select count(*), count(*) filter (where _built_at <= ?) from intermediate.int_mentions_replaced",
            [min(kept_for.values())]).fetchone()
        for name in MARTS:
            con.execute(f"create table main.{name.replace('.', '__')} as select * exclude (_built_at) "
                        f"from {name}" if name not in WHOLE else
                        f"create table main.{name.replace('.', '__')} as select * from {name}")
    finally:
        con.close()
    transform.build(settings, SELECT, full_refresh=True)
    con = connect(settings.warehouse_path, read_only=True)
    yield {"con": con, "built": built, "replaced": replaced, "changed": changed, "late": late,
           "repeated": repeated, "first": first, "relanded": relanded}
    con.close()
    mp.undo()


@pytest.mark.parametrize("name", list(MARTS))
def test_incremental_marts_equal_a_full_refresh(runs, name):
    con = runs["con"]
    columns = "* exclude (_built_at)" if name not in WHOLE else "*"
    kept = f"main.{name.replace('.', '__')}"
    extra = con.execute(f"select count(*) from (select * from {kept} except all "
                        f"select {columns} from {name})").fetchone()[0]
    missing = con.execute(f"select count(*) from (select {columns} from {name} except all "
                          f"select * from {kept})").fetchone()[0]
    rows = con.execute(f"select count(*) from {name}").fetchone()[0]
    assert rows > 0
    assert (extra, missing) == (0, 0), f"{name}: {extra} rows only incremental, {missing} only full"


def test_the_changes_reached_the_marts(runs):
    con, changed = runs["con"], runs["changed"]
    ids = {r[0]: r[1:] for r in con.execute(
        "select mention_id, brand, mentioned_at, likes from marts.fct_mentions "
        "where mention_id in (?, ?, ?, ?, ?)",
        [runs["late"]["mention_id"], *changed.values()]).fetchall()}
    assert changed["gone"] not in ids
    assert ids[changed["rebranded"]][0] == "Litware Telecom"
    assert ids[changed["boosted"]][2] >= 100000
    assert runs["late"]["mention_id"] not in ids  # withdrawn
    moved = con.execute("select mentioned_at from marts.fct_mentions where mention_id = ?",
                        [runs["repeated"]["mention_id"]]).fetchone()[0]
    assert moved == datetime(2026, 10, 24, 5, 45)
    # the boosted mention is the Contoso episode's top post
    top = con.execute("select top_posts[1].mention_id from marts.fct_crisis_episodes "
                      "where brand = 'Contoso Mobile' and start_at < timestamp '2026-10-28'").fetchall()
    assert (changed["boosted"],) in top
    assert runs["relanded"]["landed"] > 0 and runs["first"]["landed"] > 0


def test_the_hourly_run_rewrote_only_what_changed(runs):
    """The last incremental run (the day landed again, nothing new in it) rewrote that day's
    mentions and the hours they touch, not the history."""
    for name, (rewritten, total) in runs["built"].items():
        if name != "marts.agg_influencer_authors":  # the daily build's, below
            assert rewritten < total / 4, (name, rewritten, total)


def test_the_daily_build_recomputed_only_the_authors_whose_mentions_changed(runs):
    rewritten, total = runs["built"]["marts.agg_influencer_authors"]
    assert 0 < rewritten < total, (rewritten, total)


def test_the_replaced_rows_are_kept_until_both_readers_read_them(runs):
    """int_mentions_replaced keeps what the hourly runs recorded for the influencers until the
    daily build reads it, then forgets every row both readers had read before that build."""
    held, already_read = runs["replaced"]
    assert held > 0 and already_read == 0, runs["replaced"]
