"""Enrichment against human labels on real data (../shared/data): the floors of docs/metrics.md.

Measured (bench/enrichment.py): sentiment 0.489 on raw text, 0.550 cleaned; topic 0.569;
VADER ground truth r = 0.87, 3-class 0.82.  The floors sit a few points below.
"""

from __future__ import annotations

from groundswell.config import PROJECT_ROOT
from groundswell.land.landing import land_files
from groundswell.transform.enrichment import enrich, load_rules
from groundswell.transform.enrichment.evaluation import (
    AIRLINE_REASON_TOPICS,
    pearson,
    read_airline_tweets,
    read_vader_groundtruth,
    sentiment_accuracy,
    topic_accuracy,
)
from groundswell.transform.enrichment.text import clean_text, sentiment_label, sentiment_score
from groundswell.warehouse import connect
from tests.conftest import shared_file

SENTIMENT_FLOOR = 0.53
TOPIC_FLOOR = 0.53


def test_airline_tweets_enriched_by_the_pipeline_match_the_human_labels(settings):
    path = shared_file("airline_sentiment", "Tweets.csv")
    land_files("airline-sentiment", [path], settings)
    result = enrich(settings)
    assert result.candidates == 14485
    con = connect(settings.warehouse_path, read_only=True)
    try:
        sentiment, n = con.execute("""
            select avg((e.sentiment_label = r.airline_sentiment)::int), count(*)
            from raw.airline_sentiment__tweets r
            join enrichment.texts e on e.source = 'airline_sentiment__tweets' and e.record_id = r.tweet_id
        """).fetchone()
        topic, negatives = con.execute("""
            select avg((e.complaint_topic = m.topic)::int), count(*)
            from raw.airline_sentiment__tweets r
            join enrichment.texts e on e.source = 'airline_sentiment__tweets' and e.record_id = r.tweet_id
            join (select unnest($reasons) reason, unnest($topics) topic) m
              on m.reason = coalesce(r.negativereason, 'Can''t Tell')
            where r.airline_sentiment = 'negative'
        """, {"reasons": list(AIRLINE_REASON_TOPICS),
              "topics": list(AIRLINE_REASON_TOPICS.values())}).fetchone()
    finally:
        con.close()
    assert n == 14485 and negatives == 9084
    assert sentiment >= SENTIMENT_FLOOR, sentiment
    assert topic >= TOPIC_FLOOR, topic
    # The pipeline and the bench's definitions (evaluation.py) give the same figures.
    tweets = read_airline_tweets(path)
    assert abs(sentiment - sentiment_accuracy(tweets)) < 1e-9
    assert abs(topic - topic_accuracy(tweets, load_rules(PROJECT_ROOT / "dbt" / "seeds"))[0]) < 1e-9
    # Stripping handles is what lifts VADER on these tweets ("@united" reads as +1.8).
    assert sentiment - sentiment_accuracy(tweets, clean=False) >= 0.04


def test_vader_tracks_its_own_human_ground_truth():
    rated = read_vader_groundtruth(shared_file("vader_groundtruth", "tweets_GroundTruth.txt"))
    assert len(rated) == 4200
    scores = [sentiment_score(clean_text(r.text)) for r in rated]
    assert pearson(scores, [r.human for r in rated]) >= 0.85
    agree = sum(sentiment_label(s) == r.human_label for s, r in zip(scores, rated, strict=True))
    assert agree / len(rated) >= 0.80
