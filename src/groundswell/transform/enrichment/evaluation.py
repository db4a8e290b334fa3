"""Enrichment measured against human labels: the definitions bench/enrichment.py prints and tests assert.

- Kaggle "Twitter US Airline Sentiment" (``Tweets.csv``): 14,640 rows for 14,485 tweet ids;
  each id once, the copy with the highest ``airline_sentiment_confidence`` (then
  ``negativereason_confidence``, then the first in the file), as ``groundswell load
  airline-sentiment`` keeps it.
  Sentiment: 3-class accuracy of ``sentiment_label`` against ``airline_sentiment``.
  Topic: accuracy of ``complaint_topic`` (industry hint ``airline``) against
  ``negativereason`` on the tweets labelled negative, all ten reasons, "Can't Tell"
  expected as ``other``.
- VADER's own ground truth (``tweets_GroundTruth.txt``: id, mean of 20 human ratings on
  -4..4, text; tab separated, CRLF): Pearson correlation of the compound score with the
  human mean, and 3-class accuracy against the human mean's sign, a mean within
  ``HUMAN_NEUTRAL`` of 0 counting as neutral.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from groundswell.transform.enrichment.rules import Rules
from groundswell.transform.enrichment.text import clean_text, sentiment_label, sentiment_score

#: negativereason of the airline tweets -> complaint topic of the `airline` list.
AIRLINE_REASON_TOPICS = {
    "Late Flight": "late_flight",
    "Cancelled Flight": "cancelled_flight",
    "Lost Luggage": "lost_luggage",
    "Damaged Luggage": "damaged_luggage",
    "Customer Service Issue": "customer_service_issue",
    "Flight Booking Problems": "flight_booking_problems",
    "Bad Flight": "bad_flight",
    "Flight Attendant Complaints": "flight_attendant_complaints",
    "longlines": "long_lines",
    "Can't Tell": "other",
}
#: A human mean rating (-4..4) within this distance of 0 is neutral.
HUMAN_NEUTRAL = 0.5


@dataclass(frozen=True)
class AirlineTweet:
    tweet_id: str
    sentiment: str
    reason: str | None
    text: str


@dataclass(frozen=True)
class RatedText:
    text_id: str
    human: float  # mean human rating, -4..4
    text: str

    @property
    def human_label(self) -> str:
        if self.human >= HUMAN_NEUTRAL:
            return "positive"
        if self.human <= -HUMAN_NEUTRAL:
            return "negative"
        return "neutral"


def read_airline_tweets(path: Path) -> list[AirlineTweet]:
    """Each tweet id once, the most confident copy (as landing keeps it)."""
    rows = duckdb.execute("""
        SELECT tweet_id::VARCHAR, airline_sentiment, negativereason, text
        FROM (SELECT *, row_number() OVER () AS line FROM read_csv(?, all_varchar = true))
        QUALIFY row_number() OVER (
            PARTITION BY tweet_id
            ORDER BY try_cast(airline_sentiment_confidence AS DOUBLE) DESC NULLS LAST,
                     try_cast(negativereason_confidence AS DOUBLE) DESC NULLS LAST, line) = 1
        ORDER BY tweet_id
    """, [str(path)]).fetchall()
    return [AirlineTweet(*row) for row in rows]


def read_vader_groundtruth(path: Path) -> list[RatedText]:
    """id, mean rating, text per line; tab separated, CRLF line ends."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text_id, score, text = line.split("\t", 2)
        out.append(RatedText(text_id, float(score), text))
    return out


def accuracy(pairs: Iterable[tuple[str, str]]) -> float:
    pairs = list(pairs)
    return sum(a == b for a, b in pairs) / len(pairs)


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def label_of(text: str, clean: bool = True) -> str:
    return sentiment_label(sentiment_score(clean_text(text) if clean else text))


def sentiment_accuracy(tweets: list[AirlineTweet], clean: bool = True) -> float:
    """3-class accuracy of VADER's label against the human one (raw text when ``clean`` is False)."""
    return accuracy((label_of(t.text, clean), t.sentiment) for t in tweets)


def expected_topic(tweet: AirlineTweet) -> str:
    return AIRLINE_REASON_TOPICS[tweet.reason or "Can't Tell"]


def topic_accuracy(tweets: list[AirlineTweet], rules: Rules,
                   keep: Callable[[AirlineTweet], bool] = lambda t: True) -> tuple[float, int]:
    """Accuracy of the topic against negativereason on the negative tweets (``keep``: a subset)."""
    negative = [t for t in tweets if t.sentiment == "negative" and keep(t)]
    return (accuracy((rules.topic(clean_text(t.text), "airline"), expected_topic(t)) for t in negative),
            len(negative))
