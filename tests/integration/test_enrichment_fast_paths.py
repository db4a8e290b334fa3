"""The fast scoring paths against the definitions on every real text of ../shared/data.

Every text of the airline tweets, both twcs samples and VADER's ground truth, cleaned as
enrichment cleans it and scored under no industry hint, ``airline`` and ``telecom``:
``scoring.score_rows`` (VADER port, lower-cased complaint patterns, topic shortcut) must give
exactly what vaderSentiment's own analyzer, ``complaint_type_by_pattern`` and the one topic
pattern give.  The same on chosen and random texts, always run: tests/unit/test_fast_paths.py.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from groundswell.config import PROJECT_ROOT
from groundswell.transform.enrichment.evaluation import read_vader_groundtruth
from groundswell.transform.enrichment.rules import complaint_type_by_pattern, load_rules
from groundswell.transform.enrichment.scoring import score_rows
from groundswell.transform.enrichment.text import finish_cleaning, preclean, sentiment_label
from tests.conftest import shared_file


def csv_texts(path: Path, column: str) -> list[str]:
    """A CSV column as landing reads it: only LF ends a record (twcs holds a bare CR in a text)."""
    content = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\x1e")
    return [row[column].replace("\x1e", "\r") for row in csv.DictReader(io.StringIO(content))]


def real_texts() -> list[str]:
    texts = csv_texts(shared_file("airline_sentiment", "Tweets.csv"), "text")
    for name in ("twcs_head5000.csv", "twcs_random5000.csv"):
        texts += csv_texts(shared_file("twcs", name), "text")
    rated = read_vader_groundtruth(shared_file("vader_groundtruth", "tweets_GroundTruth.txt"))
    texts += [r.text for r in rated]
    return list(dict.fromkeys(texts))


def test_scores_of_every_real_text_are_the_definitions():
    texts = real_texts()
    assert len(texts) > 28_000
    rules = load_rules(PROJECT_ROOT / "dbt" / "seeds")
    analyzer = SentimentIntensityAnalyzer()
    rows = [(i, preclean(text), hint) for i, (text, hint) in
            enumerate((t, h) for h in ("", "airline", "telecom") for t in texts)]
    got = score_rows(rows, rules).rows()
    compound: dict[str, float] = {}
    for (n, pre, hint), (n_got, score, label, kind, topic) in zip(rows, got, strict=True):
        cleaned = finish_cleaning(pre)
        if cleaned not in compound:
            compound[cleaned] = analyzer.polarity_scores(cleaned)["compound"]
        expected = compound[cleaned]
        assert n_got == n
        assert score == expected and math.copysign(1, score) == math.copysign(1, expected), cleaned
        assert label == sentiment_label(expected)
        assert kind == complaint_type_by_pattern(cleaned, expected, label), cleaned
        assert topic == rules.matcher(hint or None).topic_by_pattern(cleaned), (cleaned, hint)
