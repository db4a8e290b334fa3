"""Imports of two public datasets that real teams test social analytics against.

``twcs`` is Kaggle's "Customer Support on Twitter" (thoughtvector): customer
tweets to big brands' support accounts and the agents' replies, threaded by
``in_response_to_tweet_id``.  ``airline-sentiment`` is Kaggle's "Twitter US
Airline Sentiment" (Crowdflower, February 2015): mentions of six US airlines
labelled by people with a sentiment and, for negative ones, a reason.

Both are CSV files as Kaggle ships them; the traps real copies carry are
handled here, not by cleaning the files first:

- a copy re-exported by pandas has a leading unnamed index column (ignored)
  and ids written as floats (``3.0``, read as ``3``);
- a text field may hold a bare carriage return: only ``\\n`` ends a record;
- ``created_at`` is Twitter v1.1's ``Tue Oct 31 22:10:47 +0000 2017``;
- ``response_tweet_id`` may list several ids separated by commas;
- Tweets.csv repeats 155 tweet ids (36 exact copies, the rest with other
  confidences): the copy with the highest ``airline_sentiment_confidence``
  lands, the others are quarantined as duplicates, so every row is accounted for.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source
from groundswell.land.sources.x import ID


def _integer_text(column: str) -> str:
    """An id pandas wrote as a float (``3.0``) back to its digits; CR of a CRLF file trimmed."""
    return rf"""nullif(regexp_replace(trim(t."{column}", chr(13) || ' '), '\.0+$', ''), '')"""


TWCS = Source(
    key="twcs",
    launched="2006-03-21",  # X (Twitter)'s first tweet
    family="customer_support",
    entity="tweets",
    description="Customer-support tweets and agents' replies (Kaggle \"Customer Support on Twitter\").",
    shape="Kaggle twcs.csv: tweet_id, author_id, inbound, created_at, text, response_tweet_id, "
    "in_response_to_tweet_id (optionally with a leading pandas index column)",
    file_pattern="*.csv",
    format="csv",
    csv_options="new_line = '\\n'",
    csv_bare_cr=True,
    ignore_columns=("column0", ""),
    natural_key=("tweet_id",),
    freshness_hours=None,
    fields=(
        Field("tweet_id", "VARCHAR", sql=_integer_text("tweet_id"), keys=("tweet_id",), required=True,
              pattern=ID),
        Field("author_id", "VARCHAR", required=True,
              doc="a company's screen name (e.g. sprintcare) or an anonymised customer number"),
        Field("inbound", "BOOLEAN", required=True,
              doc="written by a customer (trust it: some agents are anonymised as numbers)"),
        Field("created_at", "TIMESTAMP", required=True,
              doc="Tue Oct 31 22:10:47 +0000 2017, stored as UTC"),
        Field("text", "VARCHAR"),
        Field("response_tweet_ids", "VARCHAR", column="response_tweet_id",
              doc="ids of the replies, comma separated"),
        Field("in_response_to_tweet_id", "VARCHAR", sql=_integer_text("in_response_to_tweet_id"),
              keys=("in_response_to_tweet_id",), pattern=ID,
              doc="the tweet this one replies to (float form fixed)"),
    ),
)

AIRLINE_SENTIMENT = Source(
    key="airline-sentiment",
    launched="2006-03-21",  # X (Twitter)'s first tweet
    family="airline_sentiment",
    entity="tweets",
    description="Mentions of US airlines with a human sentiment label and negative reason "
    "(Kaggle \"Twitter US Airline Sentiment\").",
    shape="Kaggle/Crowdflower Tweets.csv: tweet_id, airline_sentiment(+_confidence), "
    "negativereason(+_confidence), airline, name, retweet_count, text, tweet_created, ...",
    file_pattern="*.csv",
    format="csv",
    natural_key=("tweet_id",),
    freshness_hours=None,
    keep_first_by="airline_sentiment_confidence DESC NULLS LAST, negativereason_confidence DESC NULLS LAST",
    fields=(
        Field("tweet_id", "VARCHAR", required=True, pattern=ID),
        Field("airline_sentiment", "VARCHAR", required=True, choices=("positive", "neutral", "negative"),
              doc="the human label"),
        Field("airline_sentiment_confidence", "DOUBLE"),
        Field("negativereason", "VARCHAR", doc="why a negative tweet is negative (human label)"),
        Field("negativereason_confidence", "DOUBLE"),
        Field("airline", "VARCHAR", required=True, brand=True,
              doc="the airline mentioned: a brand of the brand configuration"),
        Field("airline_sentiment_gold", "VARCHAR"),
        Field("name", "VARCHAR", required=True, doc="the author's screen name"),
        Field("negativereason_gold", "VARCHAR"),
        Field("retweet_count", "BIGINT"),
        Field("text", "VARCHAR", required=True),
        Field("tweet_coord", "VARCHAR"),
        Field("tweet_created", "TIMESTAMP", required=True,
              doc="2015-02-24 11:35:52 -0800, stored as UTC"),
        Field("tweet_location", "VARCHAR"),
        Field("user_timezone", "VARCHAR"),
    ),
)
