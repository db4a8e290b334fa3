"""X (Twitter) API v2 tweets: the brand's own posts and customer conversations.

Files are response pages of the v2 tweet endpoints (user timeline, mentions,
recent search) requested with ``expansions=author_id,attachments.media_keys``
and ``tweet.fields=created_at,conversation_id,in_reply_to_user_id,
referenced_tweets,public_metrics,entities,lang``::

    {"data": [tweet, ...],
     "includes": {"users": [...], "media": [...]},
     "meta": {"result_count": n, "next_token": "..."}}

Owned posts and conversation messages are the same object in the API, so they
land in one table; staging tells them apart (who wrote it, what it replies to).
The reader joins each tweet to its author and media from ``includes`` of the
same page, as a client of the API would.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

# X ids (tweets, users) are decimal numbers sent as strings.
ID = r"[0-9]+"


def _with_authors_and_media(records: str) -> str:
    """Each tweet with its author (``$.author``) and media types (``$.media_types``)."""
    return f"""
  WITH users AS (
    SELECT DISTINCT ON (_source_file, u.id) _source_file, u.id, to_json(u) AS author
    FROM good,
         unnest(from_json(json_extract(doc, '$.includes.users'),
                '[{{"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR",
                  "public_metrics": {{"followers_count": "BIGINT"}}}}]')) AS t(u)
  ),
  media AS (
    SELECT DISTINCT ON (_source_file, m.media_key) _source_file, m.media_key, m.type
    FROM good,
         unnest(from_json(json_extract(doc, '$.includes.media'),
                '[{{"media_key": "VARCHAR", "type": "VARCHAR"}}]')) AS t(m)
  ),
  tweet_media AS (
    SELECT t._source_file, t._record_no, to_json(list(m.type ORDER BY k.n)) AS media_types
    FROM {records} t,
         unnest(from_json(json_extract(t.payload, '$.attachments.media_keys'), '["VARCHAR"]'))
           WITH ORDINALITY AS k(key, n)
    JOIN media m ON m._source_file = t._source_file AND m.media_key = k.key
    GROUP BY ALL
  )
  SELECT t._source_file, t._record_no,
         json_merge_patch(t.payload, json_object('author', u.author, 'media_types', tm.media_types))
           AS payload
  FROM {records} t
  LEFT JOIN users u
    ON u._source_file = t._source_file AND u.id = json_extract_string(t.payload, '$.author_id')
  LEFT JOIN tweet_media tm
    ON tm._source_file = t._source_file AND tm._record_no = t._record_no
"""


TWEETS = Source(
    key="x-tweets",
    launched="2006-03-21",  # X (Twitter)'s first tweet
    family="x",
    entity="tweets",
    description="Tweets of the brand's accounts and of the customers who write to them.",
    shape="X API v2 tweet objects (GET /2/users/:id/tweets, /2/users/:id/mentions, "
    "/2/tweets/search/recent) with includes.users and includes.media",
    file_pattern="*.json",
    format="api_pages",
    enrich=_with_authors_and_media,
    natural_key=("id",),
    example="""
{"data": [{"id": "1849912345678901248", "text": "@northwindair my flight was cancelled #travel",
           "author_id": "2000000042", "created_at": "2026-10-20T13:05:11.000Z",
           "conversation_id": "1849912345678901248", "in_reply_to_user_id": "1500000001",
           "lang": "en", "edit_history_tweet_ids": ["1849912345678901248"],
           "entities": {"hashtags": [{"start": 37, "end": 44, "tag": "travel"}]},
           "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 2, "quote_count": 0,
                              "bookmark_count": 0, "impression_count": 57}}],
 "includes": {"users": [{"id": "2000000042", "username": "c000042", "name": "Customer 42",
                         "public_metrics": {"followers_count": 310}}]},
 "meta": {"result_count": 1, "newest_id": "1849912345678901248", "oldest_id": "1849912345678901248"}}
""",
    extra_doc="Unknown tweet fields (edit_history_tweet_ids, attachments, ...) are kept in `_extras`.",
    fields=(
        Field("id", "VARCHAR", required=True, pattern=ID, doc="tweet id (string, as the API sends it)"),
        Field("text", "VARCHAR", doc="tweet text"),
        Field("author_id", "VARCHAR", required=True, pattern=ID, doc="user id of the author"),
        Field("author_username", "VARCHAR", path="$.author.username",
              doc="author's @handle, from includes.users"),
        Field("author_name", "VARCHAR", path="$.author.name", doc="author's display name"),
        Field("author_followers_count", "BIGINT", path="$.author.public_metrics.followers_count",
              doc="author's followers when fetched (includes.users public_metrics)"),
        Field("created_at", "TIMESTAMP", required=True, doc="when it was posted, UTC"),
        Field("conversation_id", "VARCHAR", pattern=ID, doc="id of the tweet that started the thread"),
        Field("in_reply_to_user_id", "VARCHAR", pattern=ID, doc="user the tweet replies to"),
        Field("referenced_tweets", "JSON",
              doc='list of {"type", "id"}; type is replied_to, quoted or retweeted'),
        Field("lang", "VARCHAR"),
        Field("retweet_count", "BIGINT", path="$.public_metrics.retweet_count"),
        Field("reply_count", "BIGINT", path="$.public_metrics.reply_count"),
        Field("like_count", "BIGINT", path="$.public_metrics.like_count"),
        Field("quote_count", "BIGINT", path="$.public_metrics.quote_count"),
        Field("bookmark_count", "BIGINT", path="$.public_metrics.bookmark_count"),
        Field("impression_count", "BIGINT", path="$.public_metrics.impression_count"),
        Field("media_types", "JSON",
              doc='types of the attached media (e.g. ["photo"]): attachments.media_keys looked up in '
                  "includes.media"),
        Field("url_count", "INTEGER", sql="json_array_length(payload, '$.entities.urls')",
              keys=("entities",), doc="links in the text (entities.urls)"),
        Field("hashtags", "JSON", sql="to_json(json_extract(payload, '$.entities.hashtags[*].tag'))",
              keys=("entities",), doc='hashtags without "#" (entities.hashtags), e.g. ["myNYPD"]'),
    ),
)


def _with_followed_account(records: str) -> str:
    """Each follower with the account it follows and the snapshot's time, from the file name.

    The followers endpoint answers with user objects only: the followed account is in the
    request (``GET /2/users/:id/followers``) and the time is when it was asked, so the reader
    names each page after both: ``followers-<user id>-<YYYYMMDDTHHMMSS>[-n]-p<NNN>.json``.
    """
    account = r"(?:^|/)followers-(\d+)-[^/]*$"
    stamp = r"(?:^|/)followers-\d+-(\d{8}T\d{6})(?:-\d+)?-p\d+\.json$"
    return rf"""
  SELECT _source_file, _record_no,
         CASE WHEN json_type(payload) = 'OBJECT' THEN json_merge_patch(payload, json_object(
                'followed_id', nullif(regexp_extract(_source_file, '{account}', 1), ''),
                'snapshot_at', strftime(try_strptime(regexp_extract(_source_file, '{stamp}', 1),
                                                     '%Y%m%dT%H%M%S'), '%Y-%m-%dT%H:%M:%SZ')))
              ELSE payload END AS payload
  FROM {records}
"""


FOLLOWERS = Source(
    key="x-followers",
    launched="2006-03-21",  # X (Twitter)'s first tweet
    family="x",
    entity="followers",
    description="Who follows each brand account: one snapshot of the follower list per fetch.",
    shape="X API v2 user objects (GET /2/users/:id/followers) with user.fields=public_metrics",
    file_pattern="*.json",
    format="api_pages",
    enrich=_with_followed_account,
    natural_key=("followed_id", "snapshot_at", "id"),
    # A weekly snapshot is enough to see who the fans are (X allows 15 requests of 1,000
    # followers per 15 minutes, so a large account's list takes a while).
    freshness_hours=8 * 24,
    example="""
{"data": [{"id": "2000000042", "username": "c000042", "name": "Customer 42",
           "public_metrics": {"followers_count": 310, "following_count": 120,
                              "tweet_count": 800, "listed_count": 1}}],
 "meta": {"result_count": 1}}
""",
    example_name="followers-1500000001-20261020T020000-p001.json",
    extra_doc=(
        "The page does not say whose followers it lists, nor when, so its file name must: "
        "`followers-<followed user id>-<YYYYMMDDTHHMMSS>-p<NNN>.json`, the time in UTC "
        "(`groundswell fetch x-followers` names its pages so, with its run stamp: the data "
        "interval's start in an Airflow run). A page named otherwise quarantines its records as "
        "`missing required field followed_id` (or `snapshot_at`). All pages of one account and "
        "time are one snapshot of its list: staging keeps, per followed account, its latest "
        "snapshot (as landed last), so an unfollow drops out. Several snapshots may land in one "
        "batch."
    ),
    fields=(
        Field("followed_id", "VARCHAR", required=True, pattern=ID,
              doc="user id of the brand account followed (from the file name)"),
        Field("snapshot_at", "TIMESTAMP", required=True,
              doc="when the list was fetched, UTC (from the file name)"),
        Field("id", "VARCHAR", required=True, pattern=ID, doc="user id of the follower"),
        Field("username", "VARCHAR", doc="the follower's @handle"),
        Field("name", "VARCHAR", doc="the follower's display name"),
        Field("followers_count", "BIGINT", path="$.public_metrics.followers_count",
              doc="the follower's own followers (user.fields=public_metrics)"),
    ),
)
