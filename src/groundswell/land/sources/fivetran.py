"""Tables in the shapes Fivetran's social connectors land, exported as CSV.

A team already running Fivetran's Facebook Pages, Instagram Business,
LinkedIn Pages, Twitter Organic or YouTube Analytics connectors points
``groundswell load fivetran DIR`` at a folder of those tables (one CSV per
table, named ``<connector>_<table>.csv`` as Fivetran's dbt packages name
their test seeds, e.g. ``facebook_pages_post_history_data.csv``; the Twitter
tables are plain ``tweet.csv`` and ``organic_tweet_report.csv``).  The
column names are Fivetran's, as documented by its dbt packages
(fivetran/dbt_facebook_pages, dbt_instagram_business, dbt_linkedin_pages,
dbt_twitter_organic, dbt_youtube_analytics); the columns the warehouse does
not use are kept in ``_extras``.  History tables keep one
row per sync: staging takes each post's latest version.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

_SYNCED = Field("_fivetran_synced", "TIMESTAMP", required=True, doc="when Fivetran wrote the row")


# The platforms' launches: no connector row can date from before its platform.
_LAUNCHED = {"facebook": "2004-02-04", "instagram": "2010-10-06", "linkedin": "2003-05-05",
             "twitter": "2006-03-21", "youtube": "2005-02-14"}


def _fivetran(key: str, table: str, description: str, pattern: str, natural_key: tuple[str, ...],
              fields: tuple[Field, ...]) -> Source:
    return Source(
        key=f"fivetran-{key}",
        launched=_LAUNCHED[key.split("-")[0]],
        family="fivetran",
        entity=table,
        description=description,
        shape=f"Fivetran connector table {table.replace('__', '.')} (CSV export)",
        file_pattern=pattern,
        format="csv",
        natural_key=natural_key,
        fields=(*fields, _SYNCED),
        freshness_hours=72,
    )


FIVETRAN_SOURCES = (
    _fivetran(
        "facebook-pages-posts", "facebook_pages__post_history",
        "Facebook Pages posts, one row per post version.",
        "*facebook_pages*post_history*.csv", ("id", "updated_time"),
        (Field("id", "VARCHAR", required=True), Field("updated_time", "TIMESTAMP", required=True),
         Field("created_time", "TIMESTAMP", required=True), Field("page_id", "VARCHAR", required=True),
         Field("message", "VARCHAR"), Field("status_type", "VARCHAR"),
         Field("share_count", "BIGINT"), Field("is_published", "BOOLEAN")),
    ),
    _fivetran(
        "facebook-pages-post-metrics", "facebook_pages__lifetime_post_metrics_total",
        "Facebook Pages lifetime post insights, one row per post and day reported.",
        "*facebook_pages*lifetime_post_metrics_total*.csv", ("post_id", "date"),
        (Field("date", "TIMESTAMP", required=True), Field("post_id", "VARCHAR", required=True),
         Field("post_impressions", "BIGINT"), Field("post_engaged_users", "BIGINT"),
         Field("post_clicks", "BIGINT"),
         *(Field(f"post_reactions_{r}_total", "BIGINT")
           for r in ("like", "love", "haha", "wow", "sorry", "anger"))),
    ),
    _fivetran(
        "instagram-media", "instagram_business__media_history",
        "Instagram Business media, one row per sync.",
        "*instagram_business*media_history*.csv", ("id", "_fivetran_synced"),
        (Field("id", "VARCHAR", required=True), Field("created_time", "TIMESTAMP", required=True),
         Field("user_id", "VARCHAR", required=True), Field("username", "VARCHAR"),
         Field("media_type", "VARCHAR"), Field("caption", "VARCHAR"), Field("permalink", "VARCHAR"),
         Field("is_story", "BOOLEAN")),
    ),
    _fivetran(
        "instagram-media-insights", "instagram_business__media_insights",
        "Instagram Business media insights, one row per sync.",
        "*instagram_business*media_insights*.csv", ("id", "_fivetran_synced"),
        (Field("id", "VARCHAR", required=True), Field("like_count", "BIGINT"),
         Field("comment_count", "BIGINT"),
         *(Field(f"{kind}_{metric}", "BIGINT")
           for kind in ("video_photo", "carousel_album", "story") for metric in ("impressions", "reach")),
         Field("video_photo_shares", "BIGINT"), Field("carousel_album_shares", "BIGINT"),
         Field("reel_shares", "BIGINT"), Field("reel_plays", "BIGINT"), Field("reel_reach", "BIGINT")),
    ),
    _fivetran(
        "linkedin-posts", "linkedin_pages__ugc_post_history",
        "LinkedIn Pages posts (UGC posts), one row per version.",
        "*ugc_post_history*.csv", ("id", "last_modified_time"),
        (Field("id", "VARCHAR", required=True), Field("author", "VARCHAR", required=True),
         Field("commentary", "VARCHAR"), Field("created_time", "TIMESTAMP", required=True),
         Field("first_published_at", "TIMESTAMP"), Field("last_modified_time", "TIMESTAMP", required=True),
         Field("lifecycle_state", "VARCHAR")),
    ),
    _fivetran(
        "linkedin-share-statistics", "linkedin_pages__share_statistic",
        "LinkedIn Pages lifetime share statistics.",
        "*linkedin_pages_share_statistic*.csv", ("_fivetran_id",),
        (Field("_fivetran_id", "VARCHAR", required=True),
         Field("_share_entity_urn", "VARCHAR"), Field("_organization_entity_urn", "VARCHAR"),
         Field("impression_count", "BIGINT"), Field("click_count", "BIGINT"),
         Field("like_count", "BIGINT"), Field("comment_count", "BIGINT"), Field("share_count", "BIGINT")),
    ),
    _fivetran(
        "linkedin-post-share-statistics", "linkedin_pages__ugc_post_share_statistic",
        "Which share statistic belongs to which UGC post.",
        "*ugc_post_share_statistic*.csv", ("share_statistic_id", "ugc_post_id"),
        (Field("share_statistic_id", "VARCHAR", required=True),
         Field("ugc_post_id", "VARCHAR", required=True, doc="the numeric part of the post URN")),
    ),
    _fivetran(
        "twitter-tweets", "twitter_organic__tweet",
        "X/Twitter organic tweets of the ads account.",
        "tweet*.csv", ("id",),
        (Field("id", "VARCHAR", required=True), Field("account_id", "VARCHAR", required=True),
         Field("user_id", "VARCHAR"), Field("created_at", "TIMESTAMP", required=True),
         Field("full_text", "VARCHAR", column=("full_text", "full_test"),
               doc="full_test in Fivetran's published test seed"),
         Field("in_reply_to_status_id", "VARCHAR"), Field("favorite_count", "BIGINT"),
         Field("retweet_count", "BIGINT"), Field("tweet_type", "VARCHAR")),
    ),
    _fivetran(
        "twitter-tweet-report", "twitter_organic__organic_tweet_report",
        "X/Twitter organic tweet metrics per day and placement.",
        "*organic_tweet_report*.csv", ("organic_tweet_id", "date", "placement"),
        (Field("account_id", "VARCHAR"), Field("date", "TIMESTAMP", required=True),
         Field("organic_tweet_id", "VARCHAR", required=True), Field("placement", "VARCHAR", required=True),
         Field("impressions", "BIGINT"), Field("engagements", "BIGINT"), Field("likes", "BIGINT"),
         Field("replies", "BIGINT"), Field("retweets", "BIGINT"), Field("clicks", "BIGINT"),
         Field("url_clicks", "BIGINT")),
    ),
    _fivetran(
        "youtube-videos", "youtube_analytics__video",
        "YouTube videos of the channel, with lifetime statistics.",
        "*youtube_video*.csv", ("id", "_fivetran_synced"),
        (Field("id", "VARCHAR", required=True), Field("snippet_channel_id", "VARCHAR", required=True),
         Field("snippet_channel_title", "VARCHAR"), Field("snippet_title", "VARCHAR"),
         Field("snippet_published_at", "TIMESTAMP", required=True),
         Field("statistics_view_count", "BIGINT"), Field("statistics_like_count", "BIGINT"),
         Field("statistics_comment_count", "BIGINT")),
    ),
    _fivetran(
        "youtube-channel-basic", "youtube_analytics__channel_basic",
        "YouTube Analytics channel_basic_a2 report: views and engagement per video and day.",
        "*channel_basic*.csv", ("_fivetran_id",),
        (Field("_fivetran_id", "VARCHAR", required=True), Field("date", "DATE", required=True),
         Field("channel_id", "VARCHAR"), Field("video_id", "VARCHAR"),
         Field("views", "BIGINT"), Field("likes", "BIGINT"), Field("comments", "BIGINT"),
         Field("shares", "BIGINT"), Field("watch_time_minutes", "DOUBLE"),
         Field("subscribers_gained", "BIGINT")),
    ),
)
