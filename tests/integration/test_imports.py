"""Imports of real public data (../shared/data), with every trap of data/README.md handled."""

from __future__ import annotations

from click.testing import CliRunner

from groundswell.land.sources import SOURCE_GROUPS
from groundswell.run.cli import main
from groundswell.warehouse import connect, lake_reader
from tests.conftest import shared_file

TWCS = "raw.customer_support__tweets"  # groundswell load twcs lands here


def query(settings, sql: str, params=None):
    """On the writer once something was built (marts), else on the lake (what landed)."""
    if not settings.warehouse_path.exists():
        with lake_reader(settings) as con:
            return con.execute(sql, params or []).fetchall()
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def load(*args: str) -> str:
    result = CliRunner().invoke(main, ["load", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_twcs_head_lands_every_tweet_twice_without_duplicates(settings):
    path = shared_file("twcs", "twcs_head5000.csv")
    for _ in range(2):
        out = load("twcs", str(path))
        assert "received 5000, landed 5000, quarantined 0" in out
    counts = query(settings, f"select count(*), count(distinct tweet_id) from {TWCS}")
    assert counts == [(5000, 5000)]
    # The bare \r\r inside a text survives as text, not as a record break.
    assert query(settings, f"select position(chr(13) || chr(13) in text) > 0 from {TWCS} "
                           "where tweet_id = '3399'") == [(True,)]
    # Float ids (3.0) read as ids; six parents point outside the file, as the data README says.
    floats = query(settings, f"select count(*) from {TWCS} where in_response_to_tweet_id like '%.%'")
    assert floats == [(0,)]
    assert query(settings, f"""
        select count(distinct r.in_response_to_tweet_id) from {TWCS} r
        where r.in_response_to_tweet_id is not null
          and r.in_response_to_tweet_id not in (select tweet_id from {TWCS})""") == [(6,)]
    listed = query(settings, f"select count(*) > 0 from {TWCS} where response_tweet_ids like '%,%'")
    assert listed == [(True,)]
    # Twitter's created_at format, stored as UTC; inbound kept as the file says.
    first = query(settings, f"select created_at::VARCHAR, inbound from {TWCS} where tweet_id = '1'")
    assert first == [("2017-10-31 22:10:47", False)]
    audit = query(settings, "select received, landed, quarantined from raw.load_audit")
    assert len(audit) == 2 and all(r == landed + q for r, landed, q in audit)


def test_twcs_random_sample_with_crlf_line_ends_lands_whole(settings):
    load("twcs", str(shared_file("twcs", "twcs_random5000.csv")))
    assert query(settings, f"select count(*) from {TWCS}") == [(5000,)]
    # CRLF is a line end, not part of the last column.
    assert query(settings, f"select count(*) from {TWCS} "
                           "where in_response_to_tweet_id like '%' || chr(13) || '%'") == [(0,)]


def test_airline_sentiment_keeps_the_human_labels_and_deduplicates_deliberately(settings):
    out = load("airline-sentiment", str(shared_file("airline_sentiment", "Tweets.csv")))
    assert "received 14640, landed 14485, quarantined 155" in out
    assert query(settings, "select count(distinct tweet_id) from raw.airline_sentiment__tweets") == [(14485,)]
    # Of repeated ids, the most confident label lands; each other copy is quarantined as a duplicate.
    reasons = query(settings, "select count(*) from raw.quarantine where reason like 'duplicate tweet_id %'")
    assert reasons == [(155,)]
    landed_conf = query(settings, """
        select count(*) from raw.quarantine q
        join raw.airline_sentiment__tweets t on t.tweet_id = json_extract_string(q.payload, '$.tweet_id')
        where t.airline_sentiment_confidence
              < try_cast(json_extract_string(q.payload, '$.airline_sentiment_confidence') as double)""")
    assert landed_conf == [(0,)]
    row = query(settings, "select airline_sentiment, negativereason, tweet_created::VARCHAR, airline "
                          "from raw.airline_sentiment__tweets where tweet_id = '570301031407624196'")
    assert row == [("negative", "Bad Flight", "2015-02-24 19:15:36", "Virgin America")]
    labels = dict(query(settings, "select airline_sentiment, count(*) from raw.airline_sentiment__tweets "
                                  "group by 1"))
    assert set(labels) == {"negative", "neutral", "positive"}


def test_fivetran_connector_tables_land_from_one_folder(settings):
    folder = shared_file("fivetran_seeds", "social_media_reporting")
    out = load("fivetran", str(folder))
    # Fivetran's seed has 4 LinkedIn share statistics counting -1 shares: negative counts are refused.
    assert out.count("quarantined 0") == len(SOURCE_GROUPS["fivetran"]) - 1
    assert "raw.fivetran__linkedin_pages__share_statistic: received 100, landed 96, quarantined 4" in out
    assert query(settings, "select distinct reason from raw.quarantine") == [("share_count is negative: -1",)]
    assert query(settings, "select count(*) from raw.fivetran__twitter_organic__tweet") == [(100,)]
    # Fivetran's own bookkeeping columns are typed; columns the warehouse does not use are kept.
    extras = query(settings, "select _extras from raw.fivetran__youtube_analytics__video limit 1")[0][0]
    assert "content_details_duration" in extras


def test_load_of_a_group_needs_a_folder(settings, tmp_path):
    result = CliRunner().invoke(main, ["load", "fivetran", str(tmp_path)])
    assert result.exit_code != 0
    assert "holds none of the fivetran tables" in result.output


def test_fivetran_posts_reach_the_post_mart(settings):
    from groundswell.transform import dbt as transform

    load("fivetran", str(shared_file("fivetran_seeds", "social_media_reporting")))
    transform.build(settings)
    rows = dict(query(settings, "select platform, count(*) from marts.fct_post_performance "
                                "where source_system = 'fivetran' group by 1"))
    assert set(rows) == {"facebook", "instagram", "linkedin", "x", "youtube"}
    # Counted independently from the raw tables: distinct published posts, stories and replies excluded.
    expected = query(settings, """
        select
          (select count(distinct id) from raw.fivetran__facebook_pages__post_history),
          (select count(distinct id) from raw.fivetran__instagram_business__media_history
             where not coalesce(is_story, false)),
          (select count(distinct id) from raw.fivetran__linkedin_pages__ugc_post_history
             where lifecycle_state is distinct from 'DRAFT'),
          (select count(*) from raw.fivetran__twitter_organic__tweet where in_reply_to_status_id is null),
          (select count(distinct id) from raw.fivetran__youtube_analytics__video)""")[0]
    facebook_unpublished = query(settings, """
        select count(*) from (select id, arg_max(is_published, updated_time) p
                              from raw.fivetran__facebook_pages__post_history group by id)
        where p = false""")[0][0]
    assert (rows["facebook"] + facebook_unpublished, rows["instagram"], rows["linkedin"], rows["x"],
            rows["youtube"]) == expected
    # Metrics joined to their posts: the posts that have a lifetime-metrics row carry its impressions
    # (Fivetran's seeds link 5 Facebook posts to metrics; their LinkedIn seeds link none).
    joined = query(settings, """
        select count(*) from marts.fct_post_performance f
        join (select post_id, arg_max(post_impressions, date) as impressions
              from raw.fivetran__facebook_pages__lifetime_post_metrics_total group by post_id) m
          on m.post_id = f.post_id
        where f.platform = 'facebook' and f.impressions = m.impressions""")
    assert joined == [(5,)]
